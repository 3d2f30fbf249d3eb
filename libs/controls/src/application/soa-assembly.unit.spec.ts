import type { SoaLine } from '@isms/contracts';
import type { Catalogue } from '../catalogues/catalogue.js';
import type {
  EvidenceView,
  GroupControlView,
  RiskLinkView,
  SoaVersionView,
  SoaView,
  TestPlanView,
} from '../projections/read-models.js';
import type { SoaInputs } from './soa-assembly.js';
import { assembleSoa, compareSoaContents, currentInherited } from './soa-assembly.js';

const A = 'iso27001-2022';
const catalogue: Catalogue = {
  catalogueId: A,
  name: 'Annex A (excerpt)',
  version: '2022',
  source: 'built-in',
  groups: [{ groupId: '5', title: 'Organizational controls' }],
  controls: [
    { controlId: '5.1', title: 'Policies for information security', groupId: '5' },
    { controlId: '5.15', title: 'Access control', groupId: '5' },
    { controlId: '5.23', title: 'Information security for use of cloud services', groupId: '5' },
  ],
};
const policy: SoaLine = {
  catalogueId: A,
  controlId: '5.1',
  applicable: true,
  inclusionReasons: ['legal'],
  justification: 'NIS2',
  implementationStatus: 'implemented',
  implementationDescription: 'Group policy',
};
const soa: SoaView = {
  tenantId: 'tenant-1',
  soaId: 'soa-1',
  scopeId: 'isms-scope-fr',
  orgUnitId: 'ou-fr',
  catalogueId: A,
  extensionCatalogueIds: [],
  lines: [{ ...policy, recordedBy: 'p', recordedAt: '2026-03-01T00:00:00.000Z' }],
  changedControls: [],
  migrationGaps: [],
  migrations: [],
  establishedBy: 'p',
  establishedAt: '2026-03-01T00:00:00.000Z',
  updatedAt: '2026-03-01T00:00:00.000Z',
};
const groupAccessControl: GroupControlView = {
  tenantId: 'tenant-1',
  groupControlId: 'group-control-1',
  orgUnitId: 'ou-group',
  catalogueId: A,
  controlId: '5.15',
  controlKey: `${A}:5.15`,
  revision: 1,
  status: 'active',
  title: 'Group access control policy',
  implementationDescription: 'Central IAM',
  inclusionReasons: ['risk-treatment'],
  justification: 'Treats access risks group-wide',
  ownerPersonId: 'person-ciso',
  statuses: [
    {
      orgUnitId: 'ou-fr',
      implementationStatus: 'partially-implemented',
      reportedBy: 'p',
      reportedAt: '2026-03-02T00:00:00.000Z',
    },
  ],
  deviations: [],
  history: [],
  definedAt: '2026-02-01T00:00:00.000Z',
  updatedAt: '2026-03-02T00:00:00.000Z',
};
const inputs = (overrides: Partial<SoaInputs> = {}): SoaInputs => ({
  soa,
  catalogues: [catalogue],
  groupControls: [groupAccessControl],
  orgUnitPath: ['ou-group', 'ou-fr', 'ou-lyon'].slice(0, 2),
  evidence: [],
  testPlans: [],
  risks: [],
  today: '2026-04-01',
  ...overrides,
});

describe('the SoA as read (joined at read time)', () => {
  it('shows every control of the catalogue: own lines, inherited group controls, unanswered ones', () => {
    const doc = assembleSoa(inputs());
    expect(doc.lines.map((l) => [l.controlId, l.answer])).toEqual([
      ['5.1', 'local'],
      ['5.15', 'inherited'],
      ['5.23', 'unanswered'],
    ]);
    expect(doc.progress).toMatchObject({ controls: 3, answered: 2, unanswered: 1, inherited: 1 });
  });

  it('inherits a group control by reference, with the status of its own org unit', () => {
    const line = assembleSoa(inputs()).lines[1]!;
    expect(line).toMatchObject({
      applicable: true,
      justification: 'Treats access risks group-wide',
      implementationStatus: 'partially-implemented',
      groupControl: {
        groupControlId: 'group-control-1',
        revision: 1,
        status: 'partially-implemented',
      },
    });
    const site = assembleSoa(inputs({ orgUnitPath: ['ou-group', 'ou-fr', 'ou-lyon'] })).lines[1]!;
    expect(site.groupControl?.status).toBe('partially-implemented');
    const other = assembleSoa(inputs({ orgUnitPath: ['ou-group', 'ou-de'] })).lines[1]!;
    expect(other).toMatchObject({
      implementationStatus: 'not-implemented',
      groupControl: { status: 'not-reported' },
    });
  });

  it('shows a subsidiary’s deviation as a justified exception on the inherited line', () => {
    const deviating: GroupControlView = {
      ...groupAccessControl,
      deviations: [
        {
          orgUnitId: 'ou-fr',
          deviation: 'Local IAM in the plant',
          reason: 'Air-gapped',
          decidedBy: 'person-ciso-fr',
          decidedAt: '2026-03-03T00:00:00.000Z',
        },
      ],
    };
    const doc = assembleSoa(inputs({ groupControls: [deviating] }));
    expect(doc.lines[1]?.groupControl?.deviation).toMatchObject({
      deviation: 'Local IAM in the plant',
      reason: 'Air-gapped',
    });
    expect(currentInherited(inputs({ groupControls: [deviating] }))[0]?.deviation).toBe(
      'Local IAM in the plant',
    );
  });

  it('lets the scope’s own line win over a group control', () => {
    const own = { ...policy, controlId: '5.15', recordedBy: 'p', recordedAt: 't' };
    const doc = assembleSoa(inputs({ soa: { ...soa, lines: [...soa.lines, own] } }));
    expect(doc.lines[1]).toMatchObject({
      answer: 'local',
      groupControl: { groupControlId: 'group-control-1' },
    });
    expect(currentInherited(inputs({ soa: { ...soa, lines: [...soa.lines, own] } }))).toEqual([]);
  });

  it('needs re-approval when an inherited group control changes after the approval', () => {
    const approvedInherited = currentInherited(inputs());
    const latestVersion: SoaVersionView = {
      tenantId: 'tenant-1',
      soaId: 'soa-1',
      scopeId: 'isms-scope-fr',
      orgUnitId: 'ou-fr',
      catalogueId: A,
      extensionCatalogueIds: [],
      lines: [policy],
      inherited: approvedInherited,
      version: 1,
      digest: 'd',
      approvedBy: 'person-ciso',
      approverRole: 'ciso',
      reason: 'ok',
      approvedAt: '2026-03-05T00:00:00.000Z',
    };
    const approvedSoa = {
      ...soa,
      approved: {
        version: 1,
        digest: 'd',
        approvedBy: 'person-ciso',
        approverRole: 'ciso',
        reason: 'ok',
        approvedAt: '2026-03-05T00:00:00.000Z',
      },
    };
    expect(assembleSoa(inputs({ soa: approvedSoa, latestVersion })).approval.status).toBe(
      'approved',
    );
    const revised = { ...groupAccessControl, revision: 2 };
    const doc = assembleSoa(inputs({ soa: approvedSoa, latestVersion, groupControls: [revised] }));
    expect(doc.approval).toMatchObject({
      status: 'needs-re-approval',
      changedControls: [{ catalogueId: A, controlId: '5.15' }],
    });
    expect(doc.lines[1]?.changedSinceApproval).toBe(true);
  });

  it('links risks, evidence (expired or not) and tests (overdue or not) to their lines', () => {
    const evidence = (evidenceId: string, validUntil: string): EvidenceView => ({
      tenantId: 'tenant-1',
      evidenceId,
      scopeId: 'isms-scope-fr',
      orgUnitId: 'ou-fr',
      title: evidenceId,
      evidenceType: 'report',
      source: 's',
      collectedAt: '2026-01-01T00:00:00.000Z',
      validUntil,
      fileName: 'f.pdf',
      contentType: 'application/pdf',
      size: 1,
      sha256: 'a'.repeat(64),
      controls: [{ catalogueId: A, controlId: '5.1' }],
      controlKeys: [`${A}:5.1`],
      status: 'active',
      recordedBy: 'p',
      recordedAt: 't',
      updatedAt: 't',
    });
    const test: TestPlanView = {
      tenantId: 'tenant-1',
      testPlanId: 'control-test-plan-1',
      scopeId: 'isms-scope-fr',
      orgUnitId: 'ou-fr',
      catalogueId: A,
      controlId: '5.1',
      controlKey: `${A}:5.1`,
      frequency: 'annually',
      method: 'inspection',
      description: 'd',
      status: 'active',
      nextDueOn: '2026-03-31',
      results: [],
      scheduledAt: 't',
      updatedAt: 't',
    };
    const risk: RiskLinkView = {
      tenantId: 'tenant-1',
      riskId: 'risk-1',
      title: 'Policy gaps',
      orgUnitId: 'ou-fr',
      scopeId: 'isms-scope-fr',
      status: 'open',
      existingControls: [],
      treatmentControls: [{ catalogueId: A, controlId: '5.1' }],
      controlKeys: [`${A}:5.1`],
      updatedAt: 't',
    };
    const doc = assembleSoa(
      inputs({
        evidence: [evidence('old', '2026-03-31'), evidence('fresh', '2026-04-01')],
        testPlans: [test],
        risks: [risk],
      }),
    );
    expect(doc.lines[0]?.evidence.map((e) => [e.evidenceId, e.expired])).toEqual([
      ['old', true],
      ['fresh', false],
    ]);
    expect(doc.lines[0]?.tests[0]?.overdue).toBe(true);
    expect(doc.lines[0]?.risks).toEqual([
      { riskId: 'risk-1', title: 'Policy gaps', link: 'treatment' },
    ]);
    expect(doc.progress).toMatchObject({ expiredEvidence: 1, overdueTests: 1 });
  });

  it('compares two versions: added, removed and changed lines, field by field', () => {
    const v1 = {
      label: 'v1',
      catalogueId: A,
      lines: [policy],
      inherited: currentInherited(inputs()),
    };
    const v2 = {
      label: 'current',
      catalogueId: A,
      lines: [
        { ...policy, implementationStatus: 'partially-implemented' as const },
        { ...policy, controlId: '5.23', inclusionReasons: ['business' as const] },
      ],
      inherited: [],
    };
    expect(compareSoaContents(v1, v2)).toEqual({
      from: 'v1',
      to: 'current',
      added: [{ catalogueId: A, controlId: '5.23' }],
      removed: [{ catalogueId: A, controlId: '5.15' }],
      changed: [
        {
          catalogueId: A,
          controlId: '5.1',
          changes: [
            { field: 'implementationStatus', from: 'implemented', to: 'partially-implemented' },
          ],
        },
      ],
      unchanged: 0,
    });
  });
});
