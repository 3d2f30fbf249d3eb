import { deciderSpec } from '@isms/event-sourcing/testing';
import type { InheritedSoaLine, SoaLine } from '@isms/contracts';
import { ControlsEventTypes as T } from '@isms/contracts';
import type { RecordSoaLine, SoaLineInput } from './commands.js';
import { soaDigest } from './digest.js';
import type { SoaEvent } from './events.js';
import { statementOfApplicability } from './statement-of-applicability.js';

const spec = deciderSpec(statementOfApplicability);

const A = 'iso27001-2022';
const X = 'control-catalogue-group';
const catalogues = { [A]: ['5.1', '5.15', '8.9'], [X]: ['GRP-1'] };
const head = { soaId: 'soa-1', scopeId: 'isms-scope-1', orgUnitId: 'ou-fr' };

const established: SoaEvent = {
  type: T.SoaEstablished,
  data: { ...head, catalogueId: A, establishedBy: 'person-manager' },
};
const policy: SoaLine = {
  catalogueId: A,
  controlId: '5.1',
  applicable: true,
  inclusionReasons: ['risk-treatment', 'legal'],
  justification: 'Required by NIS2; treats R-12',
  implementationStatus: 'implemented',
  ownerPersonId: 'person-ciso',
  implementationDescription: 'Group security policy, adopted 2025',
};
const accessControl: SoaLine = {
  catalogueId: A,
  controlId: '5.15',
  applicable: true,
  inclusionReasons: ['risk-treatment'],
  justification: 'Treats unauthorised access risks',
  implementationStatus: 'planned',
};
const configuration: SoaLine = {
  catalogueId: A,
  controlId: '8.9',
  applicable: false,
  inclusionReasons: [],
  justification: 'No IT systems operated in this scope: all IT is a group service',
  implementationStatus: 'not-applicable',
};
const recorded = (line: SoaLine): SoaEvent => ({
  type: T.SoaLineRecorded,
  data: { ...head, catalogueId: line.catalogueId, line, recordedBy: 'person-manager' },
});
const record = (line: SoaLineInput): RecordSoaLine => ({
  type: 'RecordSoaLine',
  line,
  catalogues,
  by: 'person-manager',
});
const approveCommand = {
  type: 'ApproveSoa' as const,
  inherited: [] as InheritedSoaLine[],
  catalogues,
  reason: 'Approved in the management review of 2026-03-10',
  by: 'person-ciso',
  role: 'ciso',
  at: '2026-03-10T10:00:00.000Z',
};
const complete = [established, recorded(policy), recorded(accessControl), recorded(configuration)];
const approvedV1: SoaEvent = {
  type: T.SoaVersionApproved,
  data: {
    ...head,
    catalogueId: A,
    extensionCatalogueIds: [],
    version: 1,
    digest: soaDigest({
      catalogueId: A,
      extensionCatalogueIds: [],
      lines: [policy, accessControl, configuration],
      inherited: [],
    }),
    lines: [policy, accessControl, configuration],
    inherited: [],
    approvedBy: 'person-ciso',
    approverRole: 'ciso',
    reason: 'Approved in the management review of 2026-03-10',
    approvedAt: '2026-03-10T10:00:00.000Z',
  },
};

describe('Statement of Applicability (6.1.3 d)', () => {
  it('is established once per scope, on a known catalogue', () => {
    const establish = {
      type: 'EstablishSoa' as const,
      ...head,
      catalogueId: A,
      catalogues,
      by: 'person-manager',
    };
    spec.given([]).when(establish).then([established]);
    spec.given([established]).when(establish).thenRejects('soa-already-established');
    spec
      .given([])
      .when({ ...establish, catalogueId: 'nist-csf' })
      .thenRejects('unknown-catalogue');
  });

  it('records a line per control: applicable with reasons and justification, status, owner, how', () => {
    spec
      .given([established])
      .when(record(policy))
      .then([recorded(policy)]);
  });

  it('records a line only for a control of its catalogues', () => {
    spec
      .given([established])
      .when(record({ ...policy, controlId: '5.99' }))
      .thenRejects('unknown-control', /5\.99/);
    spec
      .given([established])
      .when(record({ ...policy, catalogueId: X, controlId: 'GRP-1' }))
      .thenRejects('catalogue-not-in-soa', /include it first/);
  });

  it('requires a justification both ways: why included and why excluded', () => {
    spec
      .given([established])
      .when(record({ ...policy, justification: '  ' }))
      .thenRejects('soa-line-needs-justification', /why iso27001-2022 5\.1 is included/);
    spec
      .given([established])
      .when(record({ ...configuration, justification: '' }))
      .thenRejects('soa-line-needs-justification', /exclusion needs a justification/);
  });

  it('requires at least one inclusion reason for an applicable control', () => {
    spec
      .given([established])
      .when(record({ ...policy, inclusionReasons: [] }))
      .thenRejects('applicable-control-needs-inclusion-reason', /risk-treatment, legal/);
  });

  it('gives an excluded control no inclusion reasons', () => {
    spec
      .given([established])
      .when(record({ ...configuration, inclusionReasons: ['business'] }))
      .thenRejects('excluded-control-has-no-inclusion-reason');
  });

  it('keeps the status consistent with applicability: not-applicable if and only if excluded', () => {
    spec
      .given([established])
      .when(record({ ...configuration, implementationStatus: 'implemented' }))
      .thenRejects('status-matches-applicability', /not-applicable/);
    spec
      .given([established])
      .when(record({ ...accessControl, implementationStatus: 'not-applicable' }))
      .thenRejects('status-matches-applicability');
  });

  it('requires a description of how an implemented control is implemented', () => {
    const { implementationDescription: _omitted, ...undescribed } = policy;
    spec
      .given([established])
      .when(record(undescribed))
      .thenRejects('implemented-control-needs-description', /Describe how/);
    spec
      .given([established])
      .when(record({ ...undescribed, implementationStatus: 'partially-implemented' }))
      .thenRejects('implemented-control-needs-description');
  });

  it('records nothing when a line is recorded again unchanged', () => {
    spec
      .given([established, recorded(policy)])
      .when(record({ ...policy, justification: ` ${policy.justification} ` }))
      .then([]);
  });

  it('includes an extended control set (an imported catalogue) once', () => {
    const include = { type: 'IncludeCatalogue' as const, catalogueId: X, catalogues, by: 'p' };
    const included: SoaEvent = { type: T.SoaCatalogueIncluded, data: { ...head, catalogueId: X } };
    spec.given([established]).when(include).then([included]);
    spec.given([established, included]).when(include).thenRejects('catalogue-already-included');
    const grp: SoaLine = { ...accessControl, catalogueId: X, controlId: 'GRP-1' };
    spec
      .given([established, included])
      .when(record(grp))
      .then([recorded(grp)]);
  });

  describe('approval', () => {
    it('approves a complete SoA as a decision, recording a digest of exactly what was approved', () => {
      spec.given(complete).when(approveCommand).then([approvedV1]);
    });

    it('refuses an approval without its justification', () => {
      spec
        .given(complete)
        .when({ ...approveCommand, reason: ' ' })
        .thenRejects('approval-needs-reason');
    });

    it('refuses to approve while a control of its catalogues has no line', () => {
      const violation = spec
        .given([established, recorded(policy)])
        .when(approveCommand)
        .thenRejects('soa-incomplete', /2 have none/);
      expect(violation.details).toEqual({ missing: [`${A} 5.15`, `${A} 8.9`] });
    });

    it('counts controls answered by an inherited group control as answered, and digests them', () => {
      const inherited: InheritedSoaLine = {
        catalogueId: A,
        controlId: '5.15',
        groupControlId: 'group-control-1',
        groupControlRevision: 2,
        implementationStatus: 'implemented',
      };
      const [event] = statementOfApplicability.decide(
        { ...approveCommand, inherited: [inherited] },
        spec.stateAfter([established, recorded(policy), recorded(configuration)]),
      );
      expect(event?.type).toBe(T.SoaVersionApproved);
      const data = event!.data as typeof approvedV1.data;
      expect(data.inherited).toEqual([inherited]);
      expect(data.digest).toBe(
        soaDigest({
          catalogueId: A,
          extensionCatalogueIds: [],
          lines: [configuration, policy],
          inherited: [inherited],
        }),
      );
    });

    it('lets a local line win over an inherited one', () => {
      const [event] = statementOfApplicability.decide(
        {
          ...approveCommand,
          inherited: [
            {
              catalogueId: A,
              controlId: '5.1',
              groupControlId: 'group-control-1',
              groupControlRevision: 1,
              implementationStatus: 'planned',
            },
          ],
        },
        spec.stateAfter(complete),
      );
      expect((event!.data as typeof approvedV1.data).inherited).toEqual([]);
    });

    it('refuses to approve the same content twice', () => {
      spec
        .given([...complete, approvedV1])
        .when(approveCommand)
        .thenRejects('nothing-to-approve', /Version 1/);
    });

    it('marks an approved SoA as needing re-approval when a line changes, naming every changed line', () => {
      const implemented = {
        ...accessControl,
        implementationStatus: 'implemented' as const,
        implementationDescription: 'SSO with quarterly access reviews',
      };
      spec
        .given([...complete, approvedV1])
        .when(record(implemented))
        .then([
          recorded(implemented),
          {
            type: T.SoaReapprovalRequired,
            data: {
              ...head,
              approvedVersion: 1,
              changedControls: [{ catalogueId: A, controlId: '5.15' }],
            },
          },
        ]);
      const reapproval: SoaEvent = {
        type: T.SoaReapprovalRequired,
        data: {
          ...head,
          approvedVersion: 1,
          changedControls: [{ catalogueId: A, controlId: '5.15' }],
        },
      };
      const owner = { ...policy, ownerPersonId: 'person-manager' };
      spec
        .given([...complete, approvedV1, recorded(implemented), reapproval])
        .when(record(owner))
        .then([
          recorded(owner),
          {
            type: T.SoaReapprovalRequired,
            data: {
              ...head,
              approvedVersion: 1,
              changedControls: [
                { catalogueId: A, controlId: '5.1' },
                { catalogueId: A, controlId: '5.15' },
              ],
            },
          },
        ]);
    });

    it('approves the next version after a change', () => {
      const implemented = {
        ...accessControl,
        implementationStatus: 'implemented' as const,
        implementationDescription: 'SSO',
      };
      const [event] = statementOfApplicability.decide(
        approveCommand,
        spec.stateAfter([...complete, approvedV1, recorded(implemented)]),
      );
      expect(event).toMatchObject({ type: T.SoaVersionApproved, data: { version: 2 } });
      expect((event!.data as typeof approvedV1.data).digest).not.toBe(approvedV1.data.digest);
    });

    it('starts a new approval cycle: no re-approval needed right after approving', () => {
      const state = spec.stateAfter([...complete, approvedV1]);
      expect(state).toMatchObject({ changedSinceApproval: [], approved: { version: 1 } });
    });
  });

  it('cannot take lines before it is established', () => {
    spec.given([]).when(record(policy)).thenRejects('soa-not-established');
  });
});
