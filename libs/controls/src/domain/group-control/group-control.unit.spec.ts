import { deciderSpec } from '@isms/event-sourcing/testing';
import { ControlsEventTypes as T } from '@isms/contracts';
import type { DefineGroupControl } from './commands.js';
import type { GroupControlEvent } from './events.js';
import { groupControl } from './group-control.js';

const spec = deciderSpec(groupControl);
const content = {
  title: 'Group access control policy',
  implementationDescription: 'One policy, central IAM, quarterly reviews run by Group IT',
  inclusionReasons: ['risk-treatment' as const],
  justification: 'Treats unauthorised access across the group',
  ownerPersonId: 'person-ciso',
  policyDocumentId: 'controlled-document-1',
};
const define: DefineGroupControl = {
  type: 'DefineGroupControl',
  groupControlId: 'group-control-1',
  orgUnitId: 'ou-group',
  groupRootOrgUnitId: 'ou-group',
  catalogueId: 'iso27001-2022',
  controlId: '5.15',
  catalogues: { 'iso27001-2022': ['5.15'] },
  by: 'person-ciso',
  ...content,
};
const defined: GroupControlEvent = {
  type: T.GroupControlDefined,
  data: {
    groupControlId: 'group-control-1',
    orgUnitId: 'ou-group',
    catalogueId: 'iso27001-2022',
    controlId: '5.15',
    ...content,
  },
};
const frPath = ['ou-group', 'ou-fr'];
const report = {
  type: 'ReportGroupControlStatus' as const,
  orgUnitId: 'ou-fr',
  orgUnitPath: frPath,
  implementationStatus: 'partially-implemented' as const,
  note: 'Lyon site still on local accounts',
  by: 'person-manager-fr',
};
const reported: GroupControlEvent = {
  type: T.GroupControlStatusReported,
  data: {
    groupControlId: 'group-control-1',
    orgUnitId: 'ou-fr',
    implementationStatus: 'partially-implemented',
    note: 'Lyon site still on local accounts',
    reportedBy: 'person-manager-fr',
  },
};
const deviation = {
  type: 'RecordGroupControlDeviation' as const,
  orgUnitId: 'ou-fr',
  orgUnitPath: frPath,
  deviation: 'Local IAM for the plant network (air-gapped)',
  reason: 'OT network cannot reach group IAM; approved by the local CISO',
  by: 'person-ciso-fr',
};
const deviated: GroupControlEvent = {
  type: T.GroupControlDeviationRecorded,
  data: {
    groupControlId: 'group-control-1',
    orgUnitId: 'ou-fr',
    deviation: 'Local IAM for the plant network (air-gapped)',
    reason: 'OT network cannot reach group IAM; approved by the local CISO',
    decidedBy: 'person-ciso-fr',
  },
};
const retired: GroupControlEvent = {
  type: T.GroupControlRetired,
  data: { groupControlId: 'group-control-1', reason: 'Replaced', retiredBy: 'person-ciso' },
};

describe('group control (inherited by every subsidiary’s SoA)', () => {
  it('is defined once, at the group level', () => {
    spec.given([]).when(define).then([defined]);
    spec.given([defined]).when(define).thenRejects('group-control-already-defined');
    spec
      .given([])
      .when({ ...define, orgUnitId: 'ou-fr' })
      .thenRejects('group-control-at-group-level', /ou-group/);
  });

  it('implements a control of a known catalogue', () => {
    spec
      .given([])
      .when({ ...define, controlId: '5.99' })
      .thenRejects('unknown-control');
  });

  it('says how it is implemented and why it is included', () => {
    spec
      .given([])
      .when({ ...define, implementationDescription: '' })
      .thenRejects('group-control-needs-description');
    spec
      .given([])
      .when({ ...define, justification: ' ' })
      .thenRejects('soa-line-needs-justification');
    spec
      .given([])
      .when({ ...define, inclusionReasons: [] })
      .thenRejects('applicable-control-needs-inclusion-reason');
  });

  it('is revised in place (every inheriting SoA sees the new revision), with a summary', () => {
    const revise = {
      type: 'ReviseGroupControl' as const,
      ...content,
      implementationDescription: 'Central IAM with MFA everywhere',
      changeSummary: 'MFA mandatory',
      by: 'person-ciso',
    };
    spec
      .given([defined])
      .when(revise)
      .then([
        {
          type: T.GroupControlRevised,
          data: {
            groupControlId: 'group-control-1',
            revision: 2,
            ...content,
            implementationDescription: 'Central IAM with MFA everywhere',
            changeSummary: 'MFA mandatory',
          },
        },
      ]);
    spec
      .given([defined])
      .when({ ...revise, changeSummary: '' })
      .thenRejects('revision-needs-summary');
  });

  it('tracks the implementation status per subsidiary', () => {
    spec.given([defined]).when(report).then([reported]);
    spec.given([defined, reported]).when(report).then([]);
  });

  it('takes status reports from the group and the units below it, deviations only from below', () => {
    spec
      .given([defined])
      .when({ ...report, orgUnitPath: ['ou-other-group', 'ou-fr'] })
      .thenRejects('org-unit-inherits-group-control');
    spec
      .given([defined])
      .when({ ...report, orgUnitId: 'ou-group', orgUnitPath: ['ou-group'], note: undefined })
      .then([
        {
          type: T.GroupControlStatusReported,
          data: {
            groupControlId: 'group-control-1',
            orgUnitId: 'ou-group',
            implementationStatus: 'partially-implemented',
            reportedBy: 'person-manager-fr',
          },
        },
      ]);
    spec
      .given([defined])
      .when({ ...deviation, orgUnitId: 'ou-group', orgUnitPath: ['ou-group'] })
      .thenRejects('org-unit-inherits-group-control', /only units below/);
    spec
      .given([defined])
      .when({ ...deviation, orgUnitPath: ['ou-other-group', 'ou-fr'] })
      .thenRejects('org-unit-inherits-group-control');
  });

  it('applies where inherited: a subsidiary deviates instead of marking it not applicable', () => {
    spec
      .given([defined])
      .when({ ...report, implementationStatus: 'not-applicable' })
      .thenRejects('inherited-control-is-applicable', /deviation/);
  });

  it('records a local deviation as a justified exception', () => {
    spec.given([defined]).when(deviation).then([deviated]);
    spec
      .given([defined])
      .when({ ...deviation, reason: ' ' })
      .thenRejects('deviation-needs-reason');
    spec
      .given([defined])
      .when({ ...deviation, deviation: '' })
      .thenRejects('deviation-needs-description');
  });

  it('withdraws a deviation that exists, with a reason', () => {
    const withdraw = {
      type: 'WithdrawGroupControlDeviation' as const,
      orgUnitId: 'ou-fr',
      reason: 'Plant connected to group IAM',
      by: 'person-ciso-fr',
    };
    spec
      .given([defined, deviated])
      .when(withdraw)
      .then([
        {
          type: T.GroupControlDeviationWithdrawn,
          data: {
            groupControlId: 'group-control-1',
            orgUnitId: 'ou-fr',
            reason: 'Plant connected to group IAM',
            withdrawnBy: 'person-ciso-fr',
          },
        },
      ]);
    spec.given([defined]).when(withdraw).thenRejects('no-deviation-to-withdraw');
    spec
      .given([defined, deviated])
      .when({ ...withdraw, reason: '' })
      .thenRejects('withdrawal-needs-reason');
  });

  it('is retired with a reason, and then takes nothing more', () => {
    spec
      .given([defined])
      .when({ type: 'RetireGroupControl', reason: 'Replaced', by: 'person-ciso' })
      .then([retired]);
    spec
      .given([defined])
      .when({ type: 'RetireGroupControl', reason: '', by: 'person-ciso' })
      .thenRejects('retirement-needs-reason');
    spec.given([defined, retired]).when(report).thenRejects('group-control-retired');
    spec.given([]).when(report).thenRejects('group-control-not-found');
  });
});
