import { foldEvents } from '@isms/event-sourcing';
import { AuditEventTypes as T, ControlsEventTypes as C } from '@isms/contracts';
import { InMemoryReadStore } from '@isms/read-store';
import type { EngagementCommand } from '../domain/engagement/commands.js';
import { engagement } from '../domain/engagement/engagement.js';
import type { EngagementEvent } from '../domain/engagement/events.js';
import { recorded } from '../testing/recorded.js';
import { soaLine } from '../testing/fixtures.js';
import { engagementsProjection } from './engagements/engagements.projection.js';
import { evidenceProjection } from './evidence/evidence.projection.js';
import { soaApplicabilityProjection } from './soa/soa-applicability.projection.js';
import type {
  EngagementView,
  EvidenceView,
  FindingView,
  SoaApplicabilityView,
} from './read-models.js';
import { AuditCollections } from './read-models.js';

const at = '2026-03-02T09:00:00.000Z';

function history(...commands: EngagementCommand[]): EngagementEvent[] {
  const events: EngagementEvent[] = [];
  for (const command of commands) {
    const state = foldEvents(engagement.evolve, engagement.initialState(), events);
    events.push(...engagement.decide(command, state));
  }
  return events;
}

describe('engagements projection', () => {
  const stream = { streamId: 'audit-engagement-1', streamType: 'audit-engagement' };
  const events = history(
    {
      type: 'PlanEngagement',
      engagementId: 'audit-engagement-1',
      tenantId: 'tenant-a',
      scopeId: 'isms-scope-fr',
      orgUnitId: 'ou-fr',
      kind: 'internal',
      title: 'Internal audit',
      auditedOrgUnitIds: ['ou-fr'],
      auditors: [{ personId: 'p-aud', kind: 'internal', lead: true }],
      plannedStart: '2026-03-02',
      plannedEnd: '2026-03-03',
      plan: 'Plan',
      clauses: ['9.2'],
      controls: [],
      earlierNonconformityIds: [],
      by: 'p-aud',
      at,
    },
    { type: 'StartEngagement', by: 'p-aud', at },
    {
      type: 'RaiseFinding',
      findingId: 'finding-1',
      grade: 'major-nonconformity',
      clause: '9.2',
      orgUnitId: 'ou-fr',
      title: 'No programme',
      description: 'None for 2025',
      evidenceIds: ['ev-1'],
      raisedByKind: 'internal',
      by: 'p-aud',
      at,
    },
    { type: 'RecordCorrection', findingId: 'finding-1', correction: 'Drafted', by: 'p', at },
    { type: 'RecordRootCause', findingId: 'finding-1', rootCause: 'No owner', by: 'p', at },
    {
      type: 'PlanCorrectiveAction',
      findingId: 'finding-1',
      actionPlan: 'Name an owner',
      ownerPersonId: 'p-owner',
      dueDate: '2026-03-31',
      by: 'p',
      at,
    },
  );

  it('folds the engagement and flattens each finding with its corrective action; redelivery is a no-op', async () => {
    const store = new InMemoryReadStore();
    const projection = engagementsProjection(store);
    const delivered = events.map((e, i) => recorded(stream, i + 1, e));
    for (const e of delivered) await projection.apply(e);
    for (const e of delivered) await projection.apply(e);
    const view = await store
      .collection<EngagementView>(AuditCollections.Engagements)
      .get('audit-engagement-1');
    expect(view).toMatchObject({
      tenantId: 'tenant-a',
      status: 'in-progress',
      openFindings: 1,
      openMajorNonconformities: 1,
      _revision: events.length,
    });
    expect(view?.findings).toHaveLength(1);
    const finding = await store.collection<FindingView>(AuditCollections.Findings).get('finding-1');
    expect(finding).toMatchObject({
      engagementTitle: 'Internal audit',
      engagementStatus: 'in-progress',
      correctiveActionStatus: 'planned',
      dueDate: '2026-03-31',
      actionOwnerPersonId: 'p-owner',
      correction: { text: 'Drafted' },
      rootCause: { text: 'No owner' },
    });
    expect(events.map((e) => e.type)).toContain(T.CorrectiveActionPlanned);
  });
});

describe('SoA applicability projection (controls context events)', () => {
  const stream = {
    streamId: 'statement-of-applicability-1',
    streamType: 'statement-of-applicability',
  };
  const common = {
    soaId: 'soa-1',
    scopeId: 'isms-scope-fr',
    orgUnitId: 'ou-fr',
    catalogueId: 'iso27001-2022',
  };

  it('keeps each control’s latest applicability per scope', async () => {
    const store = new InMemoryReadStore();
    const projection = soaApplicabilityProjection(store);
    await projection.apply(
      recorded(stream, 1, { type: C.SoaEstablished, data: { ...common, establishedBy: 'p' } }),
    );
    await projection.apply(
      recorded(stream, 2, {
        type: C.SoaLineRecorded,
        data: { ...common, line: soaLine('5.15', true), recordedBy: 'p' },
      }),
    );
    await projection.apply(
      recorded(stream, 3, {
        type: C.SoaLineRecorded,
        data: { ...common, line: soaLine('8.5', true), recordedBy: 'p' },
      }),
    );
    const change = recorded(stream, 4, {
      type: C.SoaLineRecorded,
      data: { ...common, line: soaLine('8.5', false), recordedBy: 'p' },
    });
    await projection.apply(change);
    await projection.apply(change);
    const view = await store
      .collection<SoaApplicabilityView>(AuditCollections.SoaApplicability)
      .get('isms-scope-fr');
    expect(view?.lines).toEqual([
      {
        key: 'iso27001-2022:5.15',
        catalogueId: 'iso27001-2022',
        controlId: '5.15',
        applicable: true,
      },
      {
        key: 'iso27001-2022:8.5',
        catalogueId: 'iso27001-2022',
        controlId: '8.5',
        applicable: false,
      },
    ]);
  });
});

describe('evidence projection (controls context events)', () => {
  it('records evidence with its control keys and marks it withdrawn', async () => {
    const store = new InMemoryReadStore();
    const projection = evidenceProjection(store);
    const stream = { streamId: 'evidence-record-1', streamType: 'evidence-record' };
    await projection.apply(
      recorded(stream, 1, {
        type: C.EvidenceRecorded,
        data: {
          evidenceId: 'evidence-record-1',
          scopeId: 'isms-scope-fr',
          orgUnitId: 'ou-fr',
          title: 'Access review',
          evidenceType: 'report',
          source: 'IAM',
          collectedAt: at,
          fileName: 'r.pdf',
          contentType: 'application/pdf',
          size: 1,
          sha256: 'b'.repeat(64),
          controls: [{ catalogueId: 'iso27001-2022', controlId: '5.15' }],
          recordedBy: 'p',
        },
      }),
    );
    await projection.apply(
      recorded(stream, 2, {
        type: C.EvidenceWithdrawn,
        data: { evidenceId: 'evidence-record-1', reason: 'Wrong file', withdrawnBy: 'p' },
      }),
    );
    const view = await store
      .collection<EvidenceView>(AuditCollections.Evidence)
      .get('evidence-record-1');
    expect(view).toMatchObject({
      controlKeys: ['iso27001-2022:5.15'],
      withdrawn: true,
      scopeId: 'isms-scope-fr',
    });
  });
});
