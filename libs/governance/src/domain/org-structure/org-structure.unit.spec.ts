import { deciderSpec } from '@isms/event-sourcing/testing';
import { GovernanceEventTypes as T } from '@isms/contracts';
import type { OrgStructureEvent } from './events.js';
import { isWithin, orgStructure, pathOf } from './org-structure.js';

const spec = deciderSpec(orgStructure);

const established: OrgStructureEvent[] = [
  {
    type: T.TenantEstablished,
    data: { tenantId: 'tenant-acme', name: 'Acme Group', rootOrgUnitId: 'ou-group' },
  },
  {
    type: T.OrgUnitCreated,
    data: { orgUnitId: 'ou-group', parentId: null, kind: 'group', name: 'Acme Group' },
  },
];
const created = (
  orgUnitId: string,
  parentId: string,
  kind: 'subsidiary' | 'site' | 'department',
  name: string,
): OrgStructureEvent => ({
  type: T.OrgUnitCreated,
  data: { orgUnitId, parentId, kind, name },
});
/** Acme Group → Acme France (subsidiary) → Lyon (site) → IT (department); Acme Germany. */
const tree: OrgStructureEvent[] = [
  ...established,
  created('ou-fr', 'ou-group', 'subsidiary', 'Acme France'),
  created('ou-lyon', 'ou-fr', 'site', 'Lyon'),
  created('ou-lyon-it', 'ou-lyon', 'department', 'IT'),
  created('ou-de', 'ou-group', 'subsidiary', 'Acme Germany'),
];
const closed = (orgUnitId: string): OrgStructureEvent => ({
  type: T.OrgUnitClosed,
  data: { orgUnitId, reason: 'sold', closedAt: '2026-02-01T00:00:00.000Z' },
});

describe('group structure (one tree per tenant)', () => {
  it('establishing a tenant creates the group as the root of its tree', () => {
    spec
      .given([])
      .when({
        type: 'EstablishTenant',
        tenantId: 'tenant-acme',
        name: ' Acme Group ',
        rootOrgUnitId: 'ou-group',
      })
      .then(established);
  });

  it('tenant-already-established: a tenant is established once', () => {
    spec
      .given(established)
      .when({ type: 'EstablishTenant', tenantId: 'tenant-acme', name: 'Again', rootOrgUnitId: 'x' })
      .thenRejects('tenant-already-established', /already established/);
  });

  it('tenant-name-required: the group needs a name', () => {
    spec
      .given([])
      .when({ type: 'EstablishTenant', tenantId: 't', name: '  ', rootOrgUnitId: 'r' })
      .thenRejects('tenant-name-required');
  });

  it('tenant-not-established: no org unit before the tenant exists', () => {
    spec
      .given([])
      .when({
        type: 'CreateOrgUnit',
        orgUnitId: 'ou-fr',
        parentId: 'ou-group',
        kind: 'subsidiary',
        name: 'Acme France',
      })
      .thenRejects('tenant-not-established');
  });

  it('creates a subsidiary under the group, with its country', () => {
    spec
      .given(established)
      .when({
        type: 'CreateOrgUnit',
        orgUnitId: 'ou-fr',
        parentId: 'ou-group',
        kind: 'subsidiary',
        name: 'Acme France ',
        country: 'FR',
      })
      .then([
        {
          type: T.OrgUnitCreated,
          data: {
            orgUnitId: 'ou-fr',
            parentId: 'ou-group',
            kind: 'subsidiary',
            name: 'Acme France',
            country: 'FR',
          },
        },
      ]);
  });

  it('org-unit-id-taken: ids are unique in the tree', () => {
    spec
      .given(tree)
      .when({
        type: 'CreateOrgUnit',
        orgUnitId: 'ou-fr',
        parentId: 'ou-group',
        kind: 'subsidiary',
        name: 'Other',
      })
      .thenRejects('org-unit-id-taken');
  });

  it('group-root-is-fixed: no second group unit; the root cannot be moved or closed', () => {
    spec
      .given(tree)
      .when({
        type: 'CreateOrgUnit',
        orgUnitId: 'ou-2',
        parentId: 'ou-group',
        kind: 'group',
        name: 'Second group',
      })
      .thenRejects('group-root-is-fixed');
    spec
      .given(tree)
      .when({ type: 'MoveOrgUnit', orgUnitId: 'ou-group', newParentId: 'ou-fr' })
      .thenRejects('group-root-is-fixed');
    spec
      .given(tree)
      .when({ type: 'CloseOrgUnit', orgUnitId: 'ou-group', reason: 'x', at: '2026-01-01' })
      .thenRejects('group-root-is-fixed');
  });

  it('parent-unknown: the parent must exist in this tenant', () => {
    spec
      .given(tree)
      .when({
        type: 'CreateOrgUnit',
        orgUnitId: 'ou-x',
        parentId: 'ou-elsewhere',
        kind: 'site',
        name: 'X',
      })
      .thenRejects('parent-unknown');
  });

  it('parent-kind-not-allowed: a site belongs under a subsidiary or the group, not a department', () => {
    spec
      .given(tree)
      .when({
        type: 'CreateOrgUnit',
        orgUnitId: 'ou-x',
        parentId: 'ou-lyon-it',
        kind: 'site',
        name: 'Annex',
      })
      .thenRejects('parent-kind-not-allowed', /site cannot sit under a department/);
    spec
      .given(tree)
      .when({
        type: 'CreateOrgUnit',
        orgUnitId: 'ou-x',
        parentId: 'ou-lyon',
        kind: 'subsidiary',
        name: 'Acme Lyon SAS',
      })
      .thenRejects('parent-kind-not-allowed');
  });

  it('sibling-name-taken: names are unique (case-insensitive) among open siblings', () => {
    spec
      .given(tree)
      .when({
        type: 'CreateOrgUnit',
        orgUnitId: 'ou-x',
        parentId: 'ou-group',
        kind: 'subsidiary',
        name: 'acme france',
      })
      .thenRejects('sibling-name-taken');
    // a closed sibling's name can be reused
    spec
      .given([...tree, closed('ou-de')])
      .when({
        type: 'CreateOrgUnit',
        orgUnitId: 'ou-de2',
        parentId: 'ou-group',
        kind: 'subsidiary',
        name: 'Acme Germany',
      })
      .then([created('ou-de2', 'ou-group', 'subsidiary', 'Acme Germany')]);
  });

  it('org-unit-name-required: a unit needs a name', () => {
    spec
      .given(tree)
      .when({ type: 'RenameOrgUnit', orgUnitId: 'ou-fr', name: ' ' })
      .thenRejects('org-unit-name-required');
  });

  it('renames a unit and keeps the previous name in the event', () => {
    spec
      .given(tree)
      .when({ type: 'RenameOrgUnit', orgUnitId: 'ou-fr', name: 'Acme France SAS' })
      .then([
        {
          type: T.OrgUnitRenamed,
          data: { orgUnitId: 'ou-fr', previousName: 'Acme France', name: 'Acme France SAS' },
        },
      ]);
  });

  it('renaming to the same name or moving to the same parent records nothing', () => {
    spec
      .given(tree)
      .when({ type: 'RenameOrgUnit', orgUnitId: 'ou-fr', name: 'Acme France' })
      .then([]);
    spec
      .given(tree)
      .when({ type: 'MoveOrgUnit', orgUnitId: 'ou-lyon', newParentId: 'ou-fr' })
      .then([]);
  });

  it('moves a site to another subsidiary and keeps the previous parent in the event', () => {
    spec
      .given(tree)
      .when({ type: 'MoveOrgUnit', orgUnitId: 'ou-lyon', newParentId: 'ou-de' })
      .then([
        {
          type: T.OrgUnitMoved,
          data: { orgUnitId: 'ou-lyon', previousParentId: 'ou-fr', parentId: 'ou-de' },
        },
      ]);
  });

  it('move-would-create-cycle: a unit cannot move below itself', () => {
    spec
      .given(tree)
      .when({ type: 'MoveOrgUnit', orgUnitId: 'ou-fr', newParentId: 'ou-fr' })
      .thenRejects('move-would-create-cycle');
    spec
      .given([...tree, created('ou-fr-sub', 'ou-fr', 'subsidiary', 'Acme France Services')])
      .when({ type: 'MoveOrgUnit', orgUnitId: 'ou-fr', newParentId: 'ou-fr-sub' })
      .thenRejects('move-would-create-cycle', /lies below it/);
  });

  it('org-unit-unknown: only units of this tree can change', () => {
    spec
      .given(tree)
      .when({ type: 'RenameOrgUnit', orgUnitId: 'ou-nowhere', name: 'X' })
      .thenRejects('org-unit-unknown');
  });

  it('closes a unit with its reason and date', () => {
    spec
      .given(tree)
      .when({
        type: 'CloseOrgUnit',
        orgUnitId: 'ou-de',
        reason: ' sold to Beta AG ',
        at: '2026-03-31T00:00:00.000Z',
      })
      .then([
        {
          type: T.OrgUnitClosed,
          data: {
            orgUnitId: 'ou-de',
            reason: 'sold to Beta AG',
            closedAt: '2026-03-31T00:00:00.000Z',
          },
        },
      ]);
  });

  it('closure-needs-reason: closing a unit says why', () => {
    spec
      .given(tree)
      .when({ type: 'CloseOrgUnit', orgUnitId: 'ou-de', reason: '', at: '2026-03-31' })
      .thenRejects('closure-needs-reason');
  });

  it('org-unit-has-open-children: close the units below first', () => {
    spec
      .given(tree)
      .when({ type: 'CloseOrgUnit', orgUnitId: 'ou-fr', reason: 'sold', at: '2026-03-31' })
      .thenRejects('org-unit-has-open-children', /"Lyon"/);
  });

  it('org-unit-closed: a closed unit is history and cannot change', () => {
    const history = [...tree, closed('ou-de')];
    spec
      .given(history)
      .when({ type: 'RenameOrgUnit', orgUnitId: 'ou-de', name: 'Acme DE' })
      .thenRejects('org-unit-closed');
    spec
      .given(history)
      .when({ type: 'CloseOrgUnit', orgUnitId: 'ou-de', reason: 'again', at: '2026-04-01' })
      .thenRejects('org-unit-closed');
  });

  it('parent-closed: nothing is created or moved under a closed unit', () => {
    const history = [...tree, closed('ou-de')];
    spec
      .given(history)
      .when({
        type: 'CreateOrgUnit',
        orgUnitId: 'ou-x',
        parentId: 'ou-de',
        kind: 'site',
        name: 'Berlin',
      })
      .thenRejects('parent-closed');
    spec
      .given(history)
      .when({ type: 'MoveOrgUnit', orgUnitId: 'ou-lyon', newParentId: 'ou-de' })
      .thenRejects('parent-closed');
  });

  it('keeps the tree: paths and subtree membership follow moves', () => {
    const state = spec.stateAfter([
      ...tree,
      {
        type: T.OrgUnitMoved,
        data: { orgUnitId: 'ou-lyon', previousParentId: 'ou-fr', parentId: 'ou-de' },
      },
    ]);
    if (state.status !== 'established') throw new Error('expected an established tenant');
    expect(pathOf(state, 'ou-lyon-it')).toEqual(['ou-group', 'ou-de', 'ou-lyon', 'ou-lyon-it']);
    expect(isWithin(state, 'ou-lyon-it', 'ou-de')).toBe(true);
    expect(isWithin(state, 'ou-lyon-it', 'ou-fr')).toBe(false);
  });
});
