import { GovernanceEventTypes as G, GovernanceStreamTypes as GS } from '@isms/contracts';
import type { ReportingTestApp, SeededTenant } from './http-harness.js';
import {
  acceptanceStale,
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
  riskClosed,
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
} from './events.js';

/**
 * A group with two subsidiaries — Alpha (approved scope, site Lyon) and Beta (draft scope) —
 * whose ISMS is recorded as the other contexts would publish it: before the stage 2 audit
 * (2026-03-02), then changes after it (2026-05-01). A second tenant, and an external auditor
 * with a grant on Alpha's scope.
 */
export interface Scenario {
  readonly acme: SeededTenant;
  readonly other: SeededTenant;
  readonly auditAt: string;
  readonly scopeA: string;
  readonly scopeB: string;
  readonly auditorId: string;
  readonly ids: {
    readonly r1: string;
    readonly r2: string;
    readonly r3: string;
    readonly r4: string;
  };
  /** The RiskAccepted event of r2 (to tamper with). */
  readonly acceptanceEventId: string;
}

export async function seedScenario(t: ReportingTestApp): Promise<Scenario> {
  const acme = await t.tenant({
    units: {
      alpha: { parent: 'root', kind: 'subsidiary', name: 'Alpha' },
      lyon: { parent: 'alpha', kind: 'site', name: 'Alpha Lyon' },
      beta: { parent: 'root', kind: 'subsidiary', name: 'Beta' },
    },
    people: {
      ciso: [['ciso', 'root']],
      admin: [['group-admin', 'root']],
      managerA: [['isms-manager', 'alpha']],
      viewerB: [['viewer', 'beta']],
      ownerA: [['risk-owner', 'alpha']],
    },
    scopes: { a: ['alpha'], b: ['beta'] },
    draftScopes: ['b'],
  });
  const other = await t.tenant({
    units: { gamma: { parent: 'root', kind: 'subsidiary', name: 'Gamma' } },
    people: { cisoOther: [['ciso', 'root']] },
    scopes: { g: ['gamma'] },
  });
  const tenantId = acme.tenantId;
  const scopeA = acme.scope('a');
  const scopeB = acme.scope('b');
  const a = { scopeId: scopeA, orgUnitId: acme.unit('alpha') };
  const lyon = { scopeId: scopeA, orgUnitId: acme.unit('lyon') };
  const ids = { r1: 'risk-r1', r2: 'risk-r2', r3: 'risk-r3', r4: 'risk-r4' };
  const ciso = { userId: acme.person('ciso'), displayName: 'Carla CISO', role: 'ciso' };
  const owner = { userId: acme.person('ownerA'), displayName: 'Otto Owner', role: 'risk-owner' };
  const day = () => t.clock.now().toISOString();

  // The auditor and their grant on Alpha's scope.
  const auditorId = acme.person('auditor');
  await t.seed(tenantId, auditorId, GS.Person, [
    {
      type: G.PersonRegistered,
      data: {
        personId: auditorId,
        displayName: 'Eve Auditor',
        email: 'eve@cb.test',
        kind: 'external-auditor',
        homeOrgUnitId: acme.unit('root'),
        certificationBody: 'Certa',
      },
    },
  ]);
  await t.seed(
    tenantId,
    `access-grant-${tenantId}`,
    GS.AccessGrant,
    [
      {
        type: G.AccessGranted,
        data: {
          grantId: `access-grant-${tenantId}`,
          auditorPersonId: auditorId,
          certificationBody: 'Certa',
          scopeId: scopeA,
          validFrom: '2026-01-01T00:00:00Z',
          validUntil: '2027-01-01T00:00:00Z',
          readOnly: true,
          grantedBy: acme.person('ciso'),
          reason: 'Stage 2 and surveillance',
        },
      },
    ],
    { ...ciso, reason: 'Stage 2 and surveillance' },
  );

  // ── Before the audit ──
  await t.seed(
    tenantId,
    `risk-methodology-${acme.unit('root')}`,
    'risk-methodology',
    [methodologyAdopted(acme.unit('root'), day())],
    { ...ciso, reason: 'Group methodology' },
  );
  await t.seed(
    tenantId,
    ids.r1,
    'risk',
    [
      riskIdentified(
        ids.r1,
        { ...lyon, owner: owner.userId },
        'Ransomware on the Lyon plant',
        day(),
      ),
      inherentAssessed(ids.r1, 3, 3, day(), '2026-06-01'),
    ],
    owner,
  );
  await t.seed(tenantId, ids.r1, 'risk', [treatmentDecided(ids.r1, day())], {
    ...owner,
    reason: 'Mitigate with offline backups',
  });
  await t.seed(
    tenantId,
    ids.r1,
    'risk',
    [
      treatmentPlanned(
        ids.r1,
        lyon,
        [
          {
            actionId: 'a1',
            title: 'Offline backups',
            ownerPersonId: owner.userId,
            dueDate: '2026-03-20',
          },
        ],
        ['5.1'],
        day(),
      ),
    ],
    owner,
  );
  await t.seed(
    tenantId,
    ids.r2,
    'risk',
    [
      riskIdentified(ids.r2, { ...a, owner: owner.userId }, 'Laptop theft', day()),
      inherentAssessed(ids.r2, 2, 2, day(), '2026-09-01'),
      residualAssessed(ids.r2, 1, 1, day(), '2026-09-01'),
    ],
    owner,
  );
  await t.seed(tenantId, ids.r2, 'risk', [riskAccepted(ids.r2, 'low', day(), '2027-03-01')], {
    ...owner,
    reason: 'Disk encryption makes theft tolerable',
  });
  await t.seed(
    tenantId,
    ids.r3,
    'risk',
    [
      riskIdentified(
        ids.r3,
        { orgUnitId: acme.unit('beta'), scopeId: scopeB, owner: owner.userId },
        'Supplier breach',
        day(),
      ),
      inherentAssessed(ids.r3, 1, 3, day(), '2026-04-15'),
    ],
    owner,
  );
  const soaId = `statement-of-applicability-${scopeA}`;
  await t.seed(
    tenantId,
    soaId,
    'statement-of-applicability',
    [
      soaEstablished(soaId, scopeA, a.orgUnitId),
      soaLineRecorded(soaId, a, soaLine('5.1', 'implemented')),
      soaLineRecorded(soaId, a, soaLine('5.2', 'planned')),
      soaLineRecorded(soaId, a, soaLine('5.3', 'not-applicable', 'No such activity')),
    ],
    { userId: acme.person('managerA'), role: 'isms-manager' },
  );
  await t.seed(
    tenantId,
    soaId,
    'statement-of-applicability',
    [soaApproved(soaId, a, 1, [soaLine('5.1', 'implemented'), soaLine('5.2', 'planned')], day())],
    { ...ciso, reason: 'SoA v1 for stage 2' },
  );
  await t.seed(tenantId, 'control-test-plan-1', 'control-test-plan', [
    testPlanScheduled('control-test-plan-1', a, '5.1', '2026-03-02'),
    testResult('control-test-plan-1', a, '5.1', 'effective', day(), '2026-06-02'),
  ]);
  await t.seed(tenantId, 'evidence-record-1', 'evidence-record', [
    evidenceRecorded('evidence-record-1', lyon, '5.1', '2026-04-15'),
  ]);
  const doc = async (id: string, title: string, type: string, nextReviewDue: string) => {
    await t.seed(
      tenantId,
      id,
      GS.ControlledDocument,
      [
        {
          type: G.DocumentRegistered,
          data: {
            documentId: id,
            title,
            documentType: 'policy',
            ownerPersonId: ciso.userId,
            orgUnitId: acme.unit('alpha'),
            mandatoryTypes: [type],
            scopeIds: [scopeA],
            reviewIntervalMonths: 12,
          },
        },
        {
          type: G.DocumentVersionAdded,
          data: {
            documentId: id,
            version: 1,
            fileName: `${id}.pdf`,
            contentType: 'application/pdf',
            size: 1,
            sha256: 'd'.repeat(64),
            changeSummary: 'First',
            addedBy: ciso.userId,
          },
        },
        {
          type: G.DocumentVersionApproved,
          data: {
            documentId: id,
            version: 1,
            approvedBy: ciso.userId,
            approverRole: 'ciso',
            reason: 'Approved',
            approvedAt: day(),
            nextReviewDue,
          },
        },
      ],
      { ...ciso, reason: 'Approved' },
    );
  };
  await doc(
    'controlled-document-policy',
    'Information security policy',
    'information-security-policy',
    '2027-03-01',
  );
  await doc(
    'controlled-document-objectives',
    'Security objectives 2026',
    'information-security-objectives',
    '2026-04-10',
  );

  // A group control, and Alpha's justified exception from it.
  await t.seed(
    tenantId,
    'group-control-1',
    'group-control',
    [groupControlDefined('group-control-1', acme.unit('root'), '5.15')],
    ciso,
  );
  await t.seed(
    tenantId,
    'group-control-1',
    'group-control',
    [deviationRecorded('group-control-1', acme.unit('alpha'))],
    { ...ciso, reason: 'Plant network is isolated' },
  );

  // ── The stage 2 audit ──
  t.clock.set('2026-04-01T12:00:00.000Z');
  const auditAt = day();

  // ── After the audit ──
  t.clock.set('2026-05-01T10:00:00.000Z');
  await t.seed(
    tenantId,
    ids.r4,
    'risk',
    [
      riskIdentified(ids.r4, { ...lyon, owner: owner.userId }, 'Phishing', day()),
      inherentAssessed(ids.r4, 2, 2, day(), '2026-08-01'),
    ],
    owner,
  );
  await t.seed(
    tenantId,
    ids.r2,
    'risk',
    [inherentAssessed(ids.r2, 3, 3, day(), '2026-08-01'), acceptanceStale(ids.r2, day())],
    owner,
  );
  await t.seed(tenantId, ids.r1, 'risk', [riskClosed(ids.r1, day())], {
    ...owner,
    reason: 'Plant closed',
  });
  await t.seed(
    tenantId,
    soaId,
    'statement-of-applicability',
    [
      soaLineRecorded(soaId, a, soaLine('5.2', 'implemented')),
      soaReapprovalRequired(soaId, a, ['5.2']),
    ],
    { userId: acme.person('managerA'), role: 'isms-manager', reason: '5.2 rolled out' },
  );
  await t.seed(
    tenantId,
    'control-test-plan-1',
    'control-test-plan',
    [testResult('control-test-plan-1', a, '5.1', 'not-effective', day(), '2026-08-01')],
    { userId: 'tester', role: 'control-owner', reason: 'Backups not restorable' },
  );
  // The group control is revised: Alpha's exception must be decided again.
  await t.seed(
    tenantId,
    'group-control-1',
    'group-control',
    [groupControlRevised('group-control-1', 2)],
    ciso,
  );
  // An internal audit after the stage 2: a minor nonconformity whose corrective action was due
  // 2026-04-25 and is not implemented.
  const auditor = { userId: acme.person('ciso'), role: 'internal-auditor' };
  await t.seed(
    tenantId,
    'audit-engagement-1',
    'audit-engagement',
    [
      engagementPlanned('audit-engagement-1', tenantId, a, 'internal', '2026-04-14', '2026-04-16'),
      findingRaised(
        'audit-engagement-1',
        'finding-1',
        a,
        'minor-nonconformity',
        '2026-04-15T10:00:00.000Z',
      ),
    ],
    auditor,
  );
  await t.seed(
    tenantId,
    'audit-engagement-1',
    'audit-engagement',
    [
      correctiveActionPlanned(
        'audit-engagement-1',
        'finding-1',
        scopeA,
        '2026-04-25',
        '2026-04-16',
      ),
      engagementReported('audit-engagement-1', scopeA, '2026-04-20T10:00:00.000Z'),
    ],
    { ...auditor, reason: 'Training gap' },
  );
  await t.seed(
    other.tenantId,
    `risk-methodology-${other.unit('root')}`,
    'risk-methodology',
    [methodologyAdopted(other.unit('root'), day())],
    { userId: other.person('cisoOther'), role: 'ciso', reason: 'Other group methodology' },
  );

  const accepted = (await t.store.readStream(ids.r2)).find((e) => e.type === 'risk.RiskAccepted')!;
  return {
    acme,
    other,
    auditAt,
    scopeA,
    scopeB,
    auditorId,
    ids,
    acceptanceEventId: accepted.eventId,
  };
}
