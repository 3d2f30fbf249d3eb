import { deciderSpec } from '@isms/event-sourcing/testing';
import type { IsmsScopeDefinition } from '@isms/contracts';
import { GovernanceEventTypes as T } from '@isms/contracts';
import type { IsmsScopeEvent } from './events.js';
import { ismsScope } from './isms-scope.js';

const spec = deciderSpec(ismsScope);

const definition: IsmsScopeDefinition = {
  name: 'Acme France ISMS',
  description: 'Design, development and operation of the payments platform',
  ownerOrgUnitId: 'ou-fr',
  includedOrgUnitIds: ['ou-fr'],
  locations: ['Lyon, 12 rue de la Soie'],
  exclusions: [
    {
      description: 'R&D lab',
      orgUnitId: 'ou-lyon-lab',
      justification: 'No customer data; separate network',
    },
  ],
  interfacesAndDependencies: [
    { description: 'Group IT shared services', kind: 'dependency', party: 'Acme Group IT' },
  ],
  internalIssues: [{ description: 'Small security team' }],
  externalIssues: [{ description: 'NIS2 transposition' }],
  interestedParties: [{ name: 'Customers', requirements: ['Availability 99.9%'] }],
};
const drafted: IsmsScopeEvent = {
  type: T.IsmsScopeDrafted,
  data: { scopeId: 'isms-scope-1', version: 1, definition },
};
const approval = {
  type: 'ApproveScope' as const,
  approvedBy: 'person-ciso',
  approverRole: 'ciso' as const,
  reason: 'Reviewed in the management meeting of 2026-03-02',
  at: '2026-03-02T10:00:00.000Z',
};
const approvedV1: IsmsScopeEvent = {
  type: T.IsmsScopeApproved,
  data: {
    scopeId: 'isms-scope-1',
    version: 1,
    approvedBy: 'person-ciso',
    approverRole: 'ciso',
    reason: 'Reviewed in the management meeting of 2026-03-02',
    approvedAt: '2026-03-02T10:00:00.000Z',
  },
};
const withSite = { ...definition, includedOrgUnitIds: ['ou-fr', 'ou-de-berlin'] };

describe('ISMS scope (4.1, 4.2, 4.3)', () => {
  it('drafts version 1 of a scope', () => {
    spec
      .given([])
      .when({ type: 'DraftScope', scopeId: 'isms-scope-1', definition })
      .then([drafted]);
  });

  it('scope-already-drafted: a scope is drafted once, then revised', () => {
    spec
      .given([drafted])
      .when({ type: 'DraftScope', scopeId: 'isms-scope-1', definition })
      .thenRejects('scope-already-drafted');
  });

  it('scope-name-required: a scope has a name', () => {
    spec
      .given([])
      .when({ type: 'DraftScope', scopeId: 's', definition: { ...definition, name: ' ' } })
      .thenRejects('scope-name-required');
  });

  it('scope-needs-org-units: a scope includes at least one org unit', () => {
    spec
      .given([])
      .when({
        type: 'DraftScope',
        scopeId: 's',
        definition: { ...definition, includedOrgUnitIds: [] },
      })
      .thenRejects('scope-needs-org-units');
  });

  it('exclusion-needs-justification: every exclusion says why', () => {
    spec
      .given([])
      .when({
        type: 'DraftScope',
        scopeId: 's',
        definition: {
          ...definition,
          exclusions: [{ description: 'Call centre', justification: '  ' }],
        },
      })
      .thenRejects('exclusion-needs-justification', /Call centre/);
  });

  it('unit-both-included-and-excluded: an org unit is in or out, not both', () => {
    spec
      .given([])
      .when({
        type: 'DraftScope',
        scopeId: 's',
        definition: {
          ...definition,
          exclusions: [{ description: 'France', orgUnitId: 'ou-fr', justification: 'x' }],
        },
      })
      .thenRejects('unit-both-included-and-excluded');
  });

  it('top management approves the draft: approver, role, reason and date are recorded', () => {
    spec.given([drafted]).when(approval).then([approvedV1]);
  });

  it('approval-needs-reason: an approval without its justification is refused', () => {
    spec
      .given([drafted])
      .when({ ...approval, reason: '   ' })
      .thenRejects('approval-needs-reason');
  });

  it('approval-needs-approver: an approval names who approved', () => {
    spec
      .given([drafted])
      .when({ ...approval, approvedBy: '' })
      .thenRejects('approval-needs-approver');
  });

  it('approving-another-version: the approver approves the version in draft', () => {
    spec
      .given([drafted])
      .when({ ...approval, version: 2 })
      .thenRejects('approving-another-version', /version 1 is in draft/);
  });

  it('scope-already-approved: an approved version is not approved twice', () => {
    spec.given([drafted, approvedV1]).when(approval).thenRejects('scope-already-approved');
  });

  it('revising an approved scope opens version 2 in draft; the approved version stays in force', () => {
    const revised: IsmsScopeEvent = {
      type: T.IsmsScopeRevised,
      data: {
        scopeId: 'isms-scope-1',
        version: 2,
        definition: withSite,
        changeSummary: 'Berlin site added',
      },
    };
    spec
      .given([drafted, approvedV1])
      .when({ type: 'ReviseScope', definition: withSite, changeSummary: 'Berlin site added' })
      .then([revised]);
    const state = spec.stateAfter([drafted, approvedV1, revised]);
    expect(state).toMatchObject({ status: 'draft', version: 2, approvedVersion: 1 });
    expect(state.status !== 'none' && state.approvedDefinition).toEqual(definition);
  });

  it('re-approves the revised version', () => {
    const revised: IsmsScopeEvent = {
      type: T.IsmsScopeRevised,
      data: { scopeId: 'isms-scope-1', version: 2, definition: withSite, changeSummary: 'Berlin' },
    };
    spec
      .given([drafted, approvedV1, revised])
      .when({ ...approval, version: 2 })
      .then([{ ...approvedV1, data: { ...approvedV1.data, version: 2 } }]);
  });

  it('editing a draft again keeps its version number', () => {
    spec
      .given([drafted])
      .when({ type: 'ReviseScope', definition: withSite, changeSummary: 'typo' })
      .then([
        {
          type: T.IsmsScopeRevised,
          data: {
            scopeId: 'isms-scope-1',
            version: 1,
            definition: withSite,
            changeSummary: 'typo',
          },
        },
      ]);
  });

  it('revision-needs-summary: a revision says what it changes', () => {
    spec
      .given([drafted, approvedV1])
      .when({ type: 'ReviseScope', definition: withSite, changeSummary: '' })
      .thenRejects('revision-needs-summary');
  });

  it('scope-owner-cannot-change: the owning org unit is fixed', () => {
    spec
      .given([drafted])
      .when({
        type: 'ReviseScope',
        definition: { ...definition, ownerOrgUnitId: 'ou-de' },
        changeSummary: 'move',
      })
      .thenRejects('scope-owner-cannot-change');
  });

  it('scope-unknown: a scope that was never drafted cannot be approved', () => {
    spec.given([]).when(approval).thenRejects('scope-unknown');
  });
});
