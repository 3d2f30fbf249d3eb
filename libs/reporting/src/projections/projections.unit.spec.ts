import type { RecordedEvent } from '@isms/event-sourcing';
import type { Projection } from '@isms/event-sourcing';
import {
  AuditStreamTypes,
  GovernanceEventTypes as G,
  RiskEventTypes as R,
  GovernanceStreamTypes as GS,
  auditCertificationStreamId,
} from '@isms/contracts';
import { InMemoryReadStore } from '@isms/read-store';
import { ReportData } from '../application/report-data.js';
import { consolidation } from '../application/consolidation.js';
import { readiness, riskRegister } from '../application/scope-reports.js';
import {
  acceptanceStale,
  certificateDecided,
  certificateIssued,
  correctiveActionPlanned,
  deviationRecorded,
  groupControlDefined,
  groupControlRevised,
  engagementPlanned,
  engagementReported,
  findingRaised,
  evidenceRecorded,
  inherentAssessed,
  methodologyAdopted,
  residualAssessed,
  riskAccepted,
  riskIdentified,
  soaApproved,
  soaEstablished,
  soaLine,
  soaLineRecorded,
  soaReapprovalRequired,
  testPlanScheduled,
  testResult,
  treatmentDecided,
  treatmentPlanned,
} from '../testing/events.js';
import { decisionLogProjection } from './decisions/decision-log.projection.js';
import { REPORTING_PROJECTIONS } from './index.js';
import { ReportingCollections as RC } from './read-models.js';
import type {
  CertificateDoc,
  DecisionDoc,
  OrgUnitDoc,
  RiskDoc,
  SoaDoc,
  SoaLineDoc,
} from './read-models.js';

const TENANT = 'tenant-a';
let position = 0;
const revisions = new Map<string, number>();

function rec(
  streamId: string,
  streamType: string,
  event: { type: string; data: unknown },
  meta: { at?: string; by?: string; reason?: string } = {},
): RecordedEvent {
  position += 1;
  const revision = (revisions.get(streamId) ?? 0) + 1;
  revisions.set(streamId, revision);
  const at = meta.at ?? '2026-03-02T10:00:00.000Z';
  return {
    ...event,
    eventId: `evt-${position}`,
    tenantId: TENANT,
    streamId,
    streamType,
    streamRevision: revision,
    globalPosition: position,
    schemaVersion: 1,
    metadata: {
      actor: { userId: meta.by ?? 'person-ciso', role: 'ciso' },
      correlationId: 'c',
      occurredAt: at,
      ...(meta.reason ? { reason: meta.reason } : {}),
    },
    recordedAt: at,
    previousHash: null,
    hash: `hash-${position}`,
  };
}

async function feed(projections: readonly Projection[], events: readonly RecordedEvent[]) {
  for (const event of events) {
    for (const p of projections) {
      if (p.handles?.streamTypes && !p.handles.streamTypes.includes(event.streamType)) continue;
      await p.apply(event);
    }
  }
}

function strip<T extends object>(docs: T[]): Record<string, unknown>[] {
  return docs.map((d) => {
    const { _version, ...rest } = d as Record<string, unknown>;
    void _version;
    return rest;
  });
}

const ORG = 'org-structure-a';
const SCOPE = 'isms-scope-a';
const scopeA = { scopeId: SCOPE, orgUnitId: 'sub-a' };

function history(): RecordedEvent[] {
  revisions.clear();
  const unit = (orgUnitId: string, parentId: string | null, kind: string, name: string) =>
    rec(ORG, GS.OrgStructure, {
      type: G.OrgUnitCreated,
      data: { orgUnitId, parentId, kind, name },
    });
  return [
    rec(ORG, GS.OrgStructure, {
      type: G.TenantEstablished,
      data: { tenantId: TENANT, name: 'Group', rootOrgUnitId: 'root' },
    }),
    unit('root', null, 'group', 'Group'),
    unit('sub-a', 'root', 'subsidiary', 'Alpha'),
    unit('site-a1', 'sub-a', 'site', 'Alpha Lyon'),
    unit('sub-b', 'root', 'subsidiary', 'Beta'),
    rec(SCOPE, GS.IsmsScope, {
      type: G.IsmsScopeDrafted,
      data: {
        scopeId: SCOPE,
        version: 1,
        definition: {
          name: 'Alpha ISMS',
          description: '',
          ownerOrgUnitId: 'sub-a',
          includedOrgUnitIds: ['sub-a'],
          locations: [],
          exclusions: [],
          interfacesAndDependencies: [],
          internalIssues: [],
          externalIssues: [],
          interestedParties: [],
        },
      },
    }),
    rec(
      SCOPE,
      GS.IsmsScope,
      {
        type: G.IsmsScopeApproved,
        data: {
          scopeId: SCOPE,
          version: 1,
          approvedBy: 'person-ciso',
          approverRole: 'ciso',
          reason: 'Scope agreed',
          approvedAt: '2026-03-02T10:00:00.000Z',
        },
      },
      { reason: 'Scope agreed' },
    ),
    rec(
      'risk-methodology-root',
      'risk-methodology',
      methodologyAdopted('root', '2026-03-02T10:00:00.000Z'),
      {
        reason: 'Group methodology',
      },
    ),
    // r1 at the site: high, above appetite, an action due 2026-03-10, never done.
    rec(
      'risk-1',
      'risk',
      riskIdentified(
        'risk-1',
        { orgUnitId: 'site-a1', scopeId: SCOPE, owner: 'o' },
        'Ransomware',
        '2026-03-02T10:00:00.000Z',
      ),
    ),
    rec('risk-1', 'risk', inherentAssessed('risk-1', 3, 3, '2026-03-02', '2026-06-01')),
    rec('risk-1', 'risk', treatmentDecided('risk-1', '2026-03-02'), { reason: 'Mitigate' }),
    rec(
      'risk-1',
      'risk',
      treatmentPlanned(
        'risk-1',
        { orgUnitId: 'site-a1', scopeId: SCOPE },
        [{ actionId: 'a1', title: 'Backups offline', ownerPersonId: 'o', dueDate: '2026-03-10' }],
        ['5.1'],
        '2026-03-02',
      ),
    ),
    // r2 at the subsidiary: low, accepted, then stale.
    rec(
      'risk-2',
      'risk',
      riskIdentified(
        'risk-2',
        { orgUnitId: 'sub-a', scopeId: SCOPE, owner: 'o' },
        'Laptop theft',
        '2026-03-02T10:00:00.000Z',
      ),
    ),
    rec('risk-2', 'risk', inherentAssessed('risk-2', 2, 2, '2026-03-02', '2026-09-01')),
    rec('risk-2', 'risk', residualAssessed('risk-2', 1, 1, '2026-03-02', '2026-09-01')),
    rec('risk-2', 'risk', riskAccepted('risk-2', 'low', '2026-03-02', '2027-03-01'), {
      reason: 'Tolerable',
      by: 'o',
    }),
    rec('risk-2', 'risk', acceptanceStale('risk-2', '2026-03-03T00:00:00.000Z')),
    // r3 in Beta, medium.
    rec(
      'risk-3',
      'risk',
      riskIdentified(
        'risk-3',
        { orgUnitId: 'sub-b', scopeId: 'isms-scope-b', owner: 'o' },
        'Supplier breach',
        '2026-03-02T10:00:00.000Z',
      ),
    ),
    rec('risk-3', 'risk', inherentAssessed('risk-3', 1, 3, '2026-03-02', '2026-04-01')),
    // Alpha's SoA: 5.1 implemented, 5.2 planned, 5.3 excluded; approved, then 5.2 changed.
    rec('soa-a', 'statement-of-applicability', soaEstablished('soa-a', SCOPE, 'sub-a')),
    rec(
      'soa-a',
      'statement-of-applicability',
      soaLineRecorded('soa-a', scopeA, soaLine('5.1', 'implemented')),
    ),
    rec(
      'soa-a',
      'statement-of-applicability',
      soaLineRecorded('soa-a', scopeA, soaLine('5.2', 'planned')),
    ),
    rec(
      'soa-a',
      'statement-of-applicability',
      soaLineRecorded('soa-a', scopeA, soaLine('5.3', 'not-applicable', 'No such activity')),
    ),
    rec(
      'soa-a',
      'statement-of-applicability',
      soaApproved('soa-a', scopeA, 1, [soaLine('5.1', 'implemented')], '2026-03-02T10:00:00.000Z'),
      { reason: 'SoA reviewed' },
    ),
    rec(
      'soa-a',
      'statement-of-applicability',
      soaLineRecorded('soa-a', scopeA, soaLine('5.2', 'implemented')),
    ),
    rec('soa-a', 'statement-of-applicability', soaReapprovalRequired('soa-a', scopeA, ['5.2'])),
    rec('tp-1', 'control-test-plan', testPlanScheduled('tp-1', scopeA, '5.1', '2026-03-01')),
    rec(
      'tp-1',
      'control-test-plan',
      testResult('tp-1', scopeA, '5.1', 'not-effective', '2026-03-02', '2026-06-02'),
    ),
    rec(
      'ev-1',
      'evidence-record',
      evidenceRecorded('ev-1', { scopeId: SCOPE, orgUnitId: 'site-a1' }, '5.1', '2026-03-01'),
    ),
    // An internal audit of Alpha: a minor nonconformity at the site (its corrective action due
    // 2026-04-01), a major one without an action yet, an opportunity for improvement; and a
    // surveillance audit planned for 2026-05-04.
    rec(
      'eng-1',
      'audit-engagement',
      engagementPlanned('eng-1', TENANT, scopeA, 'internal', '2026-03-03', '2026-03-04'),
    ),
    rec(
      'eng-1',
      'audit-engagement',
      findingRaised(
        'eng-1',
        'f-minor',
        { scopeId: SCOPE, orgUnitId: 'site-a1' },
        'minor-nonconformity',
        '2026-03-04T10:00:00.000Z',
      ),
    ),
    rec(
      'eng-1',
      'audit-engagement',
      findingRaised('eng-1', 'f-major', scopeA, 'major-nonconformity', '2026-03-04T10:00:00.000Z'),
    ),
    rec(
      'eng-1',
      'audit-engagement',
      findingRaised(
        'eng-1',
        'f-ofi',
        scopeA,
        'opportunity-for-improvement',
        '2026-03-04T10:00:00.000Z',
      ),
    ),
    rec(
      'eng-1',
      'audit-engagement',
      correctiveActionPlanned('eng-1', 'f-minor', SCOPE, '2026-04-01', '2026-03-05'),
      { reason: 'Root cause: no training' },
    ),
    rec(
      'eng-1',
      'audit-engagement',
      engagementReported('eng-1', SCOPE, '2026-03-05T10:00:00.000Z'),
    ),
    rec(
      'eng-2',
      'audit-engagement',
      engagementPlanned('eng-2', TENANT, scopeA, 'surveillance', '2026-05-04', '2026-05-06'),
    ),
    // A group control, an exception from it at Alpha, then a revision that makes it stale.
    rec('gc-1', 'group-control', groupControlDefined('gc-1', 'root', '5.15')),
    rec('gc-1', 'group-control', deviationRecorded('gc-1', 'sub-a'), {
      reason: 'Isolated network',
    }),
    rec('gc-1', 'group-control', groupControlRevised('gc-1', 2)),
    // An audit event reporting has no label for, carrying a decision's reason.
    rec(
      'eng-1',
      'audit-engagement',
      {
        type: 'audit.EvidenceRequestAnswered',
        data: {
          engagementId: 'eng-1',
          requestId: 'q1',
          scopeId: SCOPE,
          evidenceIds: [],
          comment: '',
          answeredBy: 'x',
          answeredAt: '2026-03-05',
        },
      },
      { reason: 'Answered with the training log' },
    ),
  ];
}

async function built(events = history()) {
  const store = new InMemoryReadStore();
  const projections = REPORTING_PROJECTIONS.map((f) => f(store));
  await feed(projections, events);
  return { store, projections, events };
}

describe('reporting read models, from published events', () => {
  it('files every org unit under its ancestor path, and re-files a moved subtree', async () => {
    const events = history();
    events.push(
      rec(ORG, GS.OrgStructure, {
        type: G.OrgUnitMoved,
        data: { orgUnitId: 'sub-a', previousParentId: 'root', parentId: 'sub-b' },
      }),
    );
    const { store } = await built(events);
    const units = store.collection<OrgUnitDoc>(RC.OrgUnits);
    expect((await units.get('site-a1'))?.path).toEqual(['root', 'sub-b', 'sub-a', 'site-a1']);
    expect((await units.get('sub-a'))?.parentId).toBe('sub-b');
    expect((await units.find({ path: 'sub-b' })).map((u) => u.orgUnitId).sort()).toEqual([
      'site-a1',
      'sub-a',
      'sub-b',
    ]);
  });

  it('folds a risk’s lifecycle: current rating, appetite, actions, stale acceptance', async () => {
    const { store } = await built();
    const risks = store.collection<RiskDoc>(RC.Risks);
    const r1 = await risks.get('risk-1');
    expect(r1).toMatchObject({
      status: 'treatment-planned',
      current: { level: 'high', likelihood: 3, impact: 3 },
      aboveAppetite: true,
      linkedControls: ['iso27001-2022:5.1'],
      actions: [{ actionId: 'a1', dueDate: '2026-03-10', completedAt: null }],
    });
    const r2 = await risks.get('risk-2');
    expect(r2).toMatchObject({
      status: 'accepted',
      current: { level: 'low' },
      aboveAppetite: false,
      acceptance: {
        status: 'needs-re-approval',
        staleCause: 'control-found-ineffective: 5.1 found not effective',
      },
    });
  });

  it('ignores a redelivered or older event (revision guard)', async () => {
    const { store, projections, events } = await built();
    const before = strip(await store.collection(RC.Risks).find());
    const old = events.find((e) => e.streamId === 'risk-1' && e.streamRevision === 2)!;
    await feed(projections, [
      old,
      events.find((e) => e.streamId === 'soa-a' && e.streamRevision === 3)!,
    ]);
    expect(strip(await store.collection(RC.Risks).find())).toEqual(before);
    const line = await store.collection<SoaLineDoc>(RC.SoaLines).get(`${SCOPE}|iso27001-2022:5.2`);
    expect(line?.implementationStatus).toBe('implemented');
  });

  it('keeps the SoA per line and per statement: approval, then re-approval required', async () => {
    const { store } = await built();
    const soa = await store.collection<SoaDoc>(RC.Soas).get('soa-a');
    expect(soa).toMatchObject({
      approvedVersion: 1,
      needsReapproval: true,
      changedSinceApproval: ['iso27001-2022:5.2'],
    });
    const lines = await store.collection<SoaLineDoc>(RC.SoaLines).find({ scopeId: SCOPE });
    expect(lines.map((l) => [l.controlId, l.applicable, l.implementationStatus])).toEqual([
      ['5.1', true, 'implemented'],
      ['5.2', true, 'implemented'],
      ['5.3', false, 'not-applicable'],
    ]);
  });

  it('logs decisions with who, why and where, placing a stream’s later decisions where its first event put it', async () => {
    const { store } = await built();
    const decisions = await store
      .collection<DecisionDoc>(RC.Decisions)
      .find({}, { sort: { globalPosition: 1 } });
    const treatment = decisions.find((d) => d.type === 'risk.RiskTreatmentDecided');
    expect(treatment).toMatchObject({
      orgUnitId: 'site-a1',
      scopeIds: [SCOPE],
      reason: 'Mitigate',
      actorId: 'person-ciso',
      summary: 'Treatment: modify',
      subjectId: 'risk-1',
    });
    expect(decisions.find((d) => d.type === 'audit.EvidenceRequestAnswered')).toMatchObject({
      context: 'audit',
      reason: 'Answered with the training log',
      scopeIds: [SCOPE],
      orgUnitId: 'sub-a',
    });
    expect(decisions.find((d) => d.type === 'audit.CorrectiveActionPlanned')).toMatchObject({
      decision: 'Corrective action planned',
      subjectId: 'f-minor',
      summary: 'Attempt 1, due 2026-04-01: Train the team',
    });
    // Identification and a test plan being scheduled are facts, not decisions.
    expect(decisions.some((d) => d.type === 'risk.RiskIdentified')).toBe(false);
    expect(decisions.some((d) => d.type === 'controls.ControlTestPlanScheduled')).toBe(false);
  });
});

describe('decision log: where a stream’s decisions belong', () => {
  it('follows a risk moved to another scope, and a redelivered event moves nothing back', async () => {
    const store = new InMemoryReadStore();
    const log = decisionLogProjection(store);
    const place = { orgUnitId: 'site-a1', scopeId: 'scope-old', owner: 'person-owner' };
    const identified = rec(
      'risk-moved',
      'risk',
      riskIdentified('risk-moved', place, 'Flood', '2026-03-01'),
    );
    const moved = rec('risk-moved', 'risk', {
      type: R.RiskScopeChanged,
      data: {
        riskId: 'risk-moved',
        previousScopeId: 'scope-old',
        scopeId: 'scope-new',
        reason: 'Re-scoped',
      },
    });
    const treated = rec('risk-moved', 'risk', treatmentDecided('risk-moved', '2026-03-03'), {
      reason: 'Mitigate',
    });
    const planned = rec(
      'risk-moved',
      'risk',
      treatmentPlanned('risk-moved', { ...place, scopeId: 'scope-new' }, [], [], '2026-03-04'),
    );
    for (const event of [identified, moved, treated, planned, identified, moved]) {
      await log.apply(event);
    }
    const decisions = await store.collection<DecisionDoc>(RC.Decisions).find({});
    expect(decisions.map((d) => [d.type, d.orgUnitId, d.scopeIds])).toEqual([
      [R.RiskScopeChanged, 'site-a1', ['scope-new']],
      [R.RiskTreatmentDecided, 'site-a1', ['scope-new']],
      [R.RiskTreatmentPlanned, 'site-a1', ['scope-new']],
    ]);
    // The stream's place is written when it changes, not at every event that repeats it.
    const stream = await store.collection(RC.DecisionStreams).get('risk-moved');
    expect(stream).toMatchObject({ orgUnitId: 'site-a1', scopeIds: ['scope-new'], _version: 2 });
  });
});

describe('reports computed from the read models', () => {
  it('rolls the group up over each subsidiary’s subtree, judged on the report’s day', async () => {
    const { store } = await built();
    const data = new ReportData(store, TENANT, new Date('2026-04-15T00:00:00Z'));
    const all = new Set(['root', 'sub-a', 'site-a1', 'sub-b']);
    const group = (await consolidation(data, 'root', all))!;
    expect(group.totals.risks).toMatchObject({
      open: 3,
      byLevel: { high: 1, low: 1, medium: 1 },
      aboveAppetite: 1,
      overdueTreatmentActions: 1,
      overdueReviews: 1, // risk-3, review due 2026-04-01
      acceptancesNeedingReapproval: 1,
    });
    const [alpha, beta] = group.children;
    expect(alpha).toMatchObject({ name: 'Alpha', inApprovedScope: true });
    expect(alpha!.counters.risks.open).toBe(2);
    expect(alpha!.counters.soa).toMatchObject({
      applicable: 2,
      excluded: 1,
      implemented: 2,
      implementationProgress: 100,
      awaitingApproval: 1,
    });
    expect(alpha!.counters.controls).toEqual({ ineffective: 1, overdueTests: 0 });
    expect(alpha!.counters.evidence.expired).toBe(1);
    expect(alpha!.counters.audit).toEqual({
      openFindingsByGrade: {
        'minor-nonconformity': 1,
        'major-nonconformity': 1,
        'opportunity-for-improvement': 1,
      },
      openNonconformities: 2,
      overdueCorrectiveActions: 1,
      auditsDue: 1,
      auditsOverdue: 0,
    });
    expect(beta).toMatchObject({ name: 'Beta', inApprovedScope: false });
    expect(beta!.counters.audit.openNonconformities).toBe(0);
    expect(alpha!.counters.exceptions).toEqual({ open: 1, stale: 1 });
    expect(beta!.counters.exceptions).toEqual({ open: 0, stale: 0 });
    expect(beta!.counters.risks.open).toBe(1);
    // Drill down: Alpha → its site.
    const sub = (await consolidation(data, 'sub-a', all))!;
    expect(sub.path.map((p) => p.name)).toEqual(['Group', 'Alpha']);
    expect(sub.own.risks.open).toBe(1);
    expect(sub.children[0]).toMatchObject({ name: 'Alpha Lyon' });
    expect(sub.children[0]!.counters.risks.aboveAppetite).toBe(1);
    // Only what the caller may see is counted.
    const onlyBeta = (await consolidation(data, 'root', new Set(['root', 'sub-b'])))!;
    expect(onlyBeta.totals.risks.open).toBe(1);
  });

  it('says for each mandatory type whether it is present, stale or missing, and why', async () => {
    const { store } = await built();
    const data = new ReportData(store, TENANT, new Date('2026-04-15T00:00:00Z'));
    const scope = (await data.scope(SCOPE))!;
    const report = await readiness(data, scope);
    const item = (type: string) => report.items.find((i) => i.type === type)!;
    expect(report.items).toHaveLength(15);
    expect(item('isms-scope').status).toBe('present');
    expect(item('risk-assessment-process').status).toBe('present');
    expect(item('risk-treatment-decisions')).toMatchObject({ status: 'stale' });
    expect(item('risk-treatment-decisions').reasons.join(' ')).toMatch(/needs re-approval/);
    expect(item('information-security-policy')).toMatchObject({ status: 'missing' });
    expect(item('internal-audit-programme-and-results').status).toBe('present');
    expect(item('nonconformities-and-corrective-actions')).toMatchObject({
      status: 'stale',
      reasons: [
        'Nonconformities and corrective actions: 1 open nonconformity(ies) without a corrective action; 1 corrective action(s) overdue',
      ],
    });
    expect(report.ready).toBe(false);
  });

  it('draws the heat map on the methodology in force and sorts the register by level', async () => {
    const { store } = await built();
    const data = new ReportData(store, TENANT, new Date('2026-04-15T00:00:00Z'));
    const register = await riskRegister(data, (await data.scope(SCOPE))!);
    expect(register.risks.map((r) => r.riskId)).toEqual(['risk-1', 'risk-2']);
    expect(register.heatMap.cells).toHaveLength(9);
    expect(register.heatMap.cells.find((c) => c.likelihood === 3 && c.impact === 3)).toMatchObject({
      level: 'high',
      count: 1,
      riskIds: ['risk-1'],
    });
    expect(register.heatMap.cells[0]).toMatchObject({ likelihood: 3, impact: 1 });
  });
});

describe('certified scopes (certificates from the audit context’s certification decisions)', () => {
  const CERT_STREAM = auditCertificationStreamId(SCOPE);
  const cert = (event: { type: string; data: unknown }, at: string) =>
    rec(CERT_STREAM, AuditStreamTypes.AuditCertification, event, { at, reason: 'CB decision' });
  const all = new Set(['root', 'sub-a', 'site-a1', 'sub-b']);
  const onDay = async (store: InMemoryReadStore, day: string) =>
    (await consolidation(
      new ReportData(store, TENANT, new Date(`${day}T09:00:00Z`)),
      'root',
      all,
    ))!;
  const certifiedUnits = (report: Awaited<ReturnType<typeof onDay>>) =>
    report.coverage.filter((c) => c.inCertifiedScope).map((c) => c.orgUnitId);

  it('a unit of an approved scope is certified from issuedOn through validUntil, not before, not after', async () => {
    const events = history();
    events.push(
      cert(certificateIssued('cert-1', scopeA, '2026-03-20', '2029-03-19'), '2026-03-20T12:00:00Z'),
    );
    const { store } = await built(events);
    const before = await onDay(store, '2026-03-19');
    expect(certifiedUnits(before)).toEqual([]);
    expect(before.totals.scopeCoverage).toMatchObject({
      unitsInApprovedScope: 2,
      unitsCertified: 0,
      unitsNotCertified: 4,
    });

    const during = await onDay(store, '2026-04-15');
    expect(certifiedUnits(during).sort()).toEqual(['site-a1', 'sub-a']);
    const alpha = during.coverage.find((c) => c.orgUnitId === 'sub-a')!;
    expect(alpha).toMatchObject({
      inApprovedScope: true,
      inCertifiedScope: true,
      certificate: {
        certificateId: 'cert-1',
        scopeId: SCOPE,
        certificationBody: 'Certif SA',
        certificateNumber: 'IS-cert-1',
        validUntil: '2029-03-19',
      },
      scopes: [{ scopeId: SCOPE, certified: true }],
    });
    expect(during.coverage.find((c) => c.orgUnitId === 'sub-b')).toMatchObject({
      inApprovedScope: false,
      inCertifiedScope: false,
      certificate: null,
    });
    expect(during.children.map((c) => [c.name, c.inApprovedScope, c.inCertifiedScope])).toEqual([
      ['Alpha', true, true],
      ['Beta', false, false],
    ]);
    expect(during.totals.scopeCoverage).toEqual({
      unitsInApprovedScope: 2,
      unitsOutside: 2,
      unitsCertified: 2,
      unitsNotCertified: 2,
    });
    expect(during.children[0]!.counters.scopeCoverage).toMatchObject({
      unitsCertified: 2,
      unitsNotCertified: 0,
    });

    expect(certifiedUnits(await onDay(store, '2029-03-19'))).toHaveLength(2);
    const expired = await onDay(store, '2029-03-20');
    expect(certifiedUnits(expired)).toEqual([]);
    expect(expired.coverage.find((c) => c.orgUnitId === 'sub-a')).toMatchObject({
      inApprovedScope: true,
      inCertifiedScope: false,
    });
  });

  it('a suspended or withdrawn certificate does not certify; a reinstated one does again', async () => {
    const events = history();
    events.push(
      cert(certificateIssued('cert-1', scopeA, '2026-03-20', '2029-03-19'), '2026-03-20T12:00:00Z'),
      cert(certificateDecided('Suspended', 'cert-1', scopeA, '2026-04-01T10:00:00Z'), '2026-04-01'),
    );
    const suspended = await built(events);
    expect(certifiedUnits(await onDay(suspended.store, '2026-04-15'))).toEqual([]);
    events.push(
      cert(
        certificateDecided('Reinstated', 'cert-1', scopeA, '2026-04-10T10:00:00Z'),
        '2026-04-10',
      ),
    );
    const reinstated = await built(events);
    expect(certifiedUnits(await onDay(reinstated.store, '2026-04-15'))).toHaveLength(2);
    events.push(
      cert(certificateDecided('Withdrawn', 'cert-1', scopeA, '2026-04-12T10:00:00Z'), '2026-04-12'),
    );
    const withdrawn = await built(events);
    expect(certifiedUnits(await onDay(withdrawn.store, '2026-04-15'))).toEqual([]);
    const doc = await withdrawn.store.collection<CertificateDoc>(RC.Certificates).get('cert-1');
    expect(doc).toMatchObject({ status: 'withdrawn', scopeId: SCOPE });
  });

  it('a recertification supersedes the previous certificate; a redelivered event changes nothing', async () => {
    const events = history();
    const issued = cert(
      certificateIssued('cert-1', scopeA, '2026-03-20', '2029-03-19'),
      '2026-03-20T12:00:00Z',
    );
    events.push(
      issued,
      cert(
        certificateIssued('cert-2', scopeA, '2029-02-01', '2032-01-31', {
          supersedesCertificateId: 'cert-1',
        }),
        '2029-02-01T12:00:00Z',
      ),
    );
    const { store, projections } = await built(events);
    await feed(projections, [issued]);
    const docs = await store.collection<CertificateDoc>(RC.Certificates).find({});
    expect(docs.map((d) => [d.certificateId, d.status, d.supersededByCertificateId])).toEqual([
      ['cert-1', 'superseded', 'cert-2'],
      ['cert-2', 'issued', null],
    ]);
    const decisions = await store
      .collection<DecisionDoc>(RC.Decisions)
      .find({ subjectId: 'cert-2' });
    expect(decisions.map((d) => [d.decision, d.summary, d.reason, d.scopeIds])).toEqual([
      [
        'Certificate issued',
        'ISO/IEC 27001:2022 certificate IS-cert-2 by Certif SA, 2029-02-01 – 2032-01-31 (supersedes cert-1)',
        'CB decision',
        [SCOPE],
      ],
    ]);
    const report = await onDay(store, '2030-01-01');
    expect(report.coverage.find((c) => c.orgUnitId === 'sub-a')!.certificate).toMatchObject({
      certificateId: 'cert-2',
      validUntil: '2032-01-31',
    });
  });
});
