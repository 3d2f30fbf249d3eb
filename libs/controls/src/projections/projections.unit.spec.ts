import type { RecordedEvent } from '@isms/event-sourcing';
import { InMemoryReadStore } from '@isms/read-store';
import type { SoaLine } from '@isms/contracts';
import { ControlsEventTypes as T, RiskEventTypes as R } from '@isms/contracts';
import { evidenceProjection } from './evidence/evidence.projection.js';
import { groupControlsProjection } from './group-controls/group-controls.projection.js';
import type {
  EvidenceView,
  GroupControlView,
  RiskLinkView,
  SoaView,
  TestPlanView,
} from './read-models.js';
import { Collections } from './read-models.js';
import { riskLinksProjection } from './risk-links/risk-links.projection.js';
import { soaProjection, soaVersionId } from './soa/soa.projection.js';
import { testPlansProjection } from './test-plans/test-plans.projection.js';

let position = 0;
const revisions = new Map<string, number>();
function recorded(
  streamId: string,
  streamType: string,
  type: string,
  data: unknown,
): RecordedEvent {
  const revision = (revisions.get(streamId) ?? 0) + 1;
  revisions.set(streamId, revision);
  position += 1;
  return {
    eventId: `event-${position}`,
    tenantId: 'tenant-1',
    streamId,
    streamType,
    streamRevision: revision,
    globalPosition: position,
    type,
    schemaVersion: 1,
    data,
    metadata: {
      actor: { userId: 'person-manager' },
      correlationId: 'c',
      occurredAt: `2026-03-0${Math.min(position, 9)}T10:00:00.000Z`,
    },
    recordedAt: `2026-03-0${Math.min(position, 9)}T10:00:00.000Z`,
    previousHash: null,
    hash: 'h',
  };
}

const head = { soaId: 'soa-1', scopeId: 'isms-scope-1', orgUnitId: 'ou-fr' };
const line = (controlId: string): SoaLine => ({
  catalogueId: 'iso27001-2022',
  controlId,
  applicable: true,
  inclusionReasons: ['risk-treatment'],
  justification: 'Treats R-1',
  implementationStatus: 'planned',
});

describe('controls read models', () => {
  it('keeps a scope’s SoA lines in control order, and each approved version as approved', async () => {
    const store = new InMemoryReadStore();
    const projection = soaProjection(store);
    const soa = (type: string, data: unknown) =>
      recorded('soa-1', 'statement-of-applicability', type, data);
    const events = [
      soa(T.SoaEstablished, { ...head, catalogueId: 'iso27001-2022', establishedBy: 'p' }),
      soa(T.SoaLineRecorded, {
        ...head,
        catalogueId: 'iso27001-2022',
        line: line('5.10'),
        recordedBy: 'p',
      }),
      soa(T.SoaLineRecorded, {
        ...head,
        catalogueId: 'iso27001-2022',
        line: line('5.2'),
        recordedBy: 'p',
      }),
      soa(T.SoaVersionApproved, {
        ...head,
        catalogueId: 'iso27001-2022',
        extensionCatalogueIds: [],
        version: 1,
        digest: 'f'.repeat(64),
        lines: [line('5.2'), line('5.10')],
        inherited: [],
        approvedBy: 'person-ciso',
        approverRole: 'ciso',
        reason: 'Management review',
        approvedAt: '2026-03-04T00:00:00.000Z',
      }),
      soa(T.SoaLineRecorded, {
        ...head,
        catalogueId: 'iso27001-2022',
        line: { ...line('5.2'), implementationStatus: 'not-implemented' },
        recordedBy: 'p',
      }),
      soa(T.SoaReapprovalRequired, {
        ...head,
        approvedVersion: 1,
        changedControls: [{ catalogueId: 'iso27001-2022', controlId: '5.2' }],
      }),
    ];
    for (const event of events) await projection.apply(event);
    await projection.apply(events[2]!); // redelivered: no effect
    const view = await store.collection<SoaView>(Collections.Soas).get('soa-1');
    expect(view?.lines.map((l) => [l.controlId, l.implementationStatus])).toEqual([
      ['5.2', 'not-implemented'],
      ['5.10', 'planned'],
    ]);
    expect(view?.approved).toMatchObject({ version: 1, approvedBy: 'person-ciso' });
    expect(view?.changedControls).toEqual([{ catalogueId: 'iso27001-2022', controlId: '5.2' }]);
    const version = await store.collection(Collections.SoaVersions).get(soaVersionId('soa-1', 1));
    expect(version).toMatchObject({ version: 1, lines: [line('5.2'), line('5.10')] });
  });

  it('tracks a group control’s status and deviation per subsidiary', async () => {
    const store = new InMemoryReadStore();
    const projection = groupControlsProjection(store);
    const gc = (type: string, data: unknown) =>
      recorded('group-control-1', 'group-control', type, data);
    for (const event of [
      gc(T.GroupControlDefined, {
        groupControlId: 'group-control-1',
        orgUnitId: 'ou-group',
        catalogueId: 'iso27001-2022',
        controlId: '5.15',
        title: 'Group access control',
        implementationDescription: 'Central IAM',
        inclusionReasons: ['risk-treatment'],
        justification: 'Treats access risks',
        ownerPersonId: 'person-ciso',
      }),
      gc(T.GroupControlStatusReported, {
        groupControlId: 'group-control-1',
        orgUnitId: 'ou-fr',
        implementationStatus: 'planned',
        reportedBy: 'p',
      }),
      gc(T.GroupControlStatusReported, {
        groupControlId: 'group-control-1',
        orgUnitId: 'ou-fr',
        implementationStatus: 'implemented',
        reportedBy: 'p',
      }),
      gc(T.GroupControlDeviationRecorded, {
        groupControlId: 'group-control-1',
        orgUnitId: 'ou-de',
        deviation: 'Local IAM',
        reason: 'Air-gapped plant',
        decidedBy: 'p',
      }),
    ]) {
      await projection.apply(event);
    }
    const view = await store
      .collection<GroupControlView>(Collections.GroupControls)
      .get('group-control-1');
    expect(view?.controlKey).toBe('iso27001-2022:5.15');
    expect(view?.statuses.map((s) => [s.orgUnitId, s.implementationStatus])).toEqual([
      ['ou-fr', 'implemented'],
    ]);
    expect(view?.deviations.map((d) => [d.orgUnitId, d.reason])).toEqual([
      ['ou-de', 'Air-gapped plant'],
    ]);
    expect(view?.history).toHaveLength(4);
  });

  it('moves a test plan’s next due date with each result', async () => {
    const store = new InMemoryReadStore();
    const projection = testPlansProjection(store);
    const where = {
      testPlanId: 'control-test-plan-1',
      scopeId: 'isms-scope-1',
      orgUnitId: 'ou-fr',
      catalogueId: 'iso27001-2022',
      controlId: '8.13',
    };
    const tp = (type: string, data: unknown) =>
      recorded('control-test-plan-1', 'control-test-plan', type, data);
    await projection.apply(
      tp(T.ControlTestPlanScheduled, {
        ...where,
        frequency: 'quarterly',
        method: 'inspection',
        description: 'Restore test',
        firstDueOn: '2026-03-31',
      }),
    );
    await projection.apply(
      tp(T.ControlTestResultRecorded, {
        ...where,
        result: 'not-effective',
        testedBy: 'p',
        testedAt: '2026-03-30T10:00:00.000Z',
        notes: 'Restore failed',
        nextDueOn: '2026-06-30',
      }),
    );
    const view = await store
      .collection<TestPlanView>(Collections.TestPlans)
      .get('control-test-plan-1');
    expect(view).toMatchObject({
      controlKey: 'iso27001-2022:8.13',
      nextDueOn: '2026-06-30',
      lastResult: { result: 'not-effective', notes: 'Restore failed' },
    });
    expect(
      await store.collection(Collections.TestPlans).count({ nextDueOn: { $lt: '2026-07-01' } }),
    ).toBe(1);
  });

  it('keeps evidence with its control keys and marks it withdrawn', async () => {
    const store = new InMemoryReadStore();
    const projection = evidenceProjection(store);
    const ev = (type: string, data: unknown) =>
      recorded('evidence-record-1', 'evidence-record', type, data);
    await projection.apply(
      ev(T.EvidenceRecorded, {
        evidenceId: 'evidence-record-1',
        scopeId: 'isms-scope-1',
        orgUnitId: 'ou-fr',
        title: 'Restore report',
        evidenceType: 'report',
        source: 'Backup system',
        collectedAt: '2026-03-01T00:00:00.000Z',
        validUntil: '2026-06-30',
        fileName: 'r.pdf',
        contentType: 'application/pdf',
        size: 10,
        sha256: 'a'.repeat(64),
        controls: [{ catalogueId: 'iso27001-2022', controlId: '8.13' }],
        recordedBy: 'p',
      }),
    );
    await projection.apply(
      ev(T.EvidenceLinked, {
        evidenceId: 'evidence-record-1',
        control: { catalogueId: 'iso27001-2022', controlId: '8.15' },
      }),
    );
    const collection = store.collection<EvidenceView>(Collections.Evidence);
    expect((await collection.get('evidence-record-1'))?.controlKeys).toEqual([
      'iso27001-2022:8.13',
      'iso27001-2022:8.15',
    ]);
    expect(await collection.count({ controlKeys: 'iso27001-2022:8.15' })).toBe(1);
    await projection.apply(
      ev(T.EvidenceWithdrawn, {
        evidenceId: 'evidence-record-1',
        reason: 'Superseded',
        withdrawnBy: 'p',
      }),
    );
    expect((await collection.get('evidence-record-1'))?.status).toBe('withdrawn');
  });

  it('links risks to the controls that protect or treat them, from the risk context’s events', async () => {
    const store = new InMemoryReadStore();
    const projection = riskLinksProjection(store);
    const risk = (type: string, data: unknown) => recorded('risk-1', 'risk', type, data);
    await projection.apply(
      risk(R.RiskIdentified, {
        riskId: 'risk-1',
        title: 'Ransomware on file servers',
        description: 'd',
        assetIds: [],
        threatCode: 'TH-1',
        vulnerabilityCode: 'VU-1',
        ownerPersonId: 'p',
        orgUnitId: 'ou-fr',
        scopeId: 'isms-scope-1',
        identifiedAt: '2026-03-01T00:00:00.000Z',
      }),
    );
    await projection.apply(
      risk(R.RiskTreatmentPlanned, {
        riskId: 'risk-1',
        planVersion: 1,
        option: 'modify',
        actions: [],
        linkedControls: [
          { catalogueId: 'iso27001-2022', controlId: '8.13' },
          { catalogueId: 'iso27001-2022', controlId: '8.7' },
        ],
        title: 'Ransomware on file servers',
        orgUnitId: 'ou-fr',
        scopeId: 'isms-scope-1',
        plannedBy: 'p',
        plannedAt: '2026-03-02T00:00:00.000Z',
      }),
    );
    const collection = store.collection<RiskLinkView>(Collections.RiskLinks);
    expect((await collection.get('risk-1'))?.controlKeys).toEqual([
      'iso27001-2022:8.13',
      'iso27001-2022:8.7',
    ]);
    expect((await collection.find({ controlKeys: 'iso27001-2022:8.7' })).map((r) => r._id)).toEqual(
      ['risk-1'],
    );
  });
});
