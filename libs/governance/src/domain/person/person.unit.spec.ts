import { deciderSpec } from '@isms/event-sourcing/testing';
import { GovernanceEventTypes as T } from '@isms/contracts';
import type { PersonEvent } from './events.js';
import { person } from './person.js';

const spec = deciderSpec(person);

const alice: PersonEvent = {
  type: T.PersonRegistered,
  data: {
    personId: 'person-alice',
    displayName: 'Alice Martin',
    email: 'alice@acme.example',
    kind: 'member',
    homeOrgUnitId: 'ou-fr',
  },
};
const auditor: PersonEvent = {
  type: T.PersonRegistered,
  data: {
    personId: 'person-eve',
    displayName: 'Eve Auditor',
    email: 'eve@cb.example',
    kind: 'external-auditor',
    homeOrgUnitId: 'ou-fr',
    certificationBody: 'Certa GmbH',
  },
};
const cisoOfFrance: PersonEvent = {
  type: T.RoleBound,
  data: { personId: 'person-alice', bindingId: 'rb-1', role: 'ciso', orgUnitId: 'ou-fr' },
};

describe('people and their role bindings', () => {
  it('registers a person with a normalised email', () => {
    spec
      .given([])
      .when({
        type: 'RegisterPerson',
        personId: 'person-alice',
        displayName: ' Alice Martin ',
        email: 'Alice@ACME.example',
        kind: 'member',
        homeOrgUnitId: 'ou-fr',
      })
      .then([alice]);
  });

  it('person-already-registered: a person is registered once', () => {
    spec
      .given([alice])
      .when({
        type: 'RegisterPerson',
        personId: 'person-alice',
        displayName: 'A',
        email: 'a@b.c',
        kind: 'member',
        homeOrgUnitId: 'ou-fr',
      })
      .thenRejects('person-already-registered');
  });

  it('person-name-required: a person needs a display name', () => {
    spec
      .given([])
      .when({
        type: 'RegisterPerson',
        personId: 'p',
        displayName: ' ',
        email: 'a@b.c',
        kind: 'member',
        homeOrgUnitId: 'ou-fr',
      })
      .thenRejects('person-name-required');
  });

  it('external-auditor-needs-certification-body: an external auditor names their certification body', () => {
    spec
      .given([])
      .when({
        type: 'RegisterPerson',
        personId: 'person-eve',
        displayName: 'Eve Auditor',
        email: 'eve@cb.example',
        kind: 'external-auditor',
        homeOrgUnitId: 'ou-fr',
      })
      .thenRejects('external-auditor-needs-certification-body');
  });

  it('binds a role to an org-unit subtree', () => {
    spec
      .given([alice])
      .when({ type: 'BindRole', bindingId: 'rb-1', role: 'ciso', orgUnitId: 'ou-fr' })
      .then([cisoOfFrance]);
  });

  it('role-already-bound: the same role on the same unit is bound once', () => {
    spec
      .given([alice, cisoOfFrance])
      .when({ type: 'BindRole', bindingId: 'rb-2', role: 'ciso', orgUnitId: 'ou-fr' })
      .thenRejects('role-already-bound', /rb-1/);
  });

  it('external-auditor-role-is-granted-not-bound: the external-auditor role comes from a grant', () => {
    spec
      .given([alice])
      .when({ type: 'BindRole', bindingId: 'rb-2', role: 'external-auditor', orgUnitId: 'ou-fr' })
      .thenRejects('external-auditor-role-is-granted-not-bound', /access grant/);
  });

  it('external-auditors-hold-no-roles: an external auditor is never bound to an internal role', () => {
    spec
      .given([auditor])
      .when({ type: 'BindRole', bindingId: 'rb-2', role: 'viewer', orgUnitId: 'ou-fr' })
      .thenRejects('external-auditors-hold-no-roles');
  });

  it('unbinds a role with the reason', () => {
    spec
      .given([alice, cisoOfFrance])
      .when({ type: 'UnbindRole', bindingId: 'rb-1', reason: 'new CISO appointed' })
      .then([
        {
          type: T.RoleUnbound,
          data: {
            personId: 'person-alice',
            bindingId: 'rb-1',
            role: 'ciso',
            orgUnitId: 'ou-fr',
            reason: 'new CISO appointed',
          },
        },
      ]);
  });

  it('role-binding-unknown: only an active binding can be revoked', () => {
    spec
      .given([alice])
      .when({ type: 'UnbindRole', bindingId: 'rb-1', reason: 'x' })
      .thenRejects('role-binding-unknown');
  });

  it('unbinding-needs-reason: taking a role away says why', () => {
    spec
      .given([alice, cisoOfFrance])
      .when({ type: 'UnbindRole', bindingId: 'rb-1', reason: ' ' })
      .thenRejects('unbinding-needs-reason');
  });

  it('deactivating a person revokes each of their bindings, then records the deactivation', () => {
    spec
      .given([alice, cisoOfFrance])
      .when({ type: 'DeactivatePerson', reason: 'left the company' })
      .then([
        {
          type: T.RoleUnbound,
          data: {
            personId: 'person-alice',
            bindingId: 'rb-1',
            role: 'ciso',
            orgUnitId: 'ou-fr',
            reason: 'left the company',
          },
        },
        {
          type: T.PersonDeactivated,
          data: { personId: 'person-alice', reason: 'left the company' },
        },
      ]);
  });

  it('deactivation-needs-reason: deactivation says why', () => {
    spec
      .given([alice])
      .when({ type: 'DeactivatePerson', reason: '' })
      .thenRejects('deactivation-needs-reason');
  });

  it('person-deactivated: a deactivated person gets no new roles', () => {
    spec
      .given([
        alice,
        { type: T.PersonDeactivated, data: { personId: 'person-alice', reason: 'left' } },
      ])
      .when({ type: 'BindRole', bindingId: 'rb-9', role: 'viewer', orgUnitId: 'ou-fr' })
      .thenRejects('person-deactivated');
  });

  it('person-unknown: nothing happens to a person who is not registered', () => {
    spec
      .given([])
      .when({ type: 'BindRole', bindingId: 'rb-1', role: 'viewer', orgUnitId: 'ou-fr' })
      .thenRejects('person-unknown');
  });
});
