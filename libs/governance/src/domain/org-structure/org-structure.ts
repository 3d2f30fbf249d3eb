import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import type { OrgUnitKind } from '@isms/contracts';
import { GovernanceEventTypes as T } from '@isms/contracts';
import { requireText } from '../rules.js';
import type {
  CloseOrgUnit,
  CreateOrgUnit,
  EstablishTenant,
  MoveOrgUnit,
  OrgStructureCommand,
  RenameOrgUnit,
} from './commands.js';
import type { OrgStructureEvent } from './events.js';

/**
 * The group structure of one tenant: the group (root) and its tree of subsidiaries, sites and
 * departments. The whole tree is one aggregate because its rules span units: no cycles, a kind
 * only under the kinds that can hold it, unique names among siblings, no closing a unit that
 * still has open units below it.
 */
export interface OrgUnitState {
  readonly orgUnitId: string;
  readonly parentId: string | null;
  readonly kind: OrgUnitKind;
  readonly name: string;
  readonly country?: string;
  readonly location?: string;
  readonly status: 'open' | 'closed';
}

export type OrgStructureState =
  | { readonly status: 'not-established' }
  | {
      readonly status: 'established';
      readonly tenantId: string;
      readonly name: string;
      readonly rootOrgUnitId: string;
      readonly units: ReadonlyMap<string, OrgUnitState>;
    };

type Established = Extract<OrgStructureState, { status: 'established' }>;

/** Which kinds of unit may hold which: a site belongs to a legal entity (or the group itself). */
export const ALLOWED_PARENT_KINDS: Readonly<Record<OrgUnitKind, readonly OrgUnitKind[]>> = {
  group: [],
  subsidiary: ['group', 'subsidiary'],
  site: ['group', 'subsidiary'],
  department: ['group', 'subsidiary', 'site', 'department'],
};

export const orgStructure: Decider<OrgStructureState, OrgStructureCommand, OrgStructureEvent> = {
  initialState: () => ({ status: 'not-established' }),
  decide(command, state) {
    switch (command.type) {
      case 'EstablishTenant':
        return establish(command, state);
      case 'CreateOrgUnit':
        return create(command, established(state));
      case 'RenameOrgUnit':
        return rename(command, established(state));
      case 'MoveOrgUnit':
        return move(command, established(state));
      case 'CloseOrgUnit':
        return close(command, established(state));
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.TenantEstablished:
        return {
          status: 'established',
          tenantId: event.data.tenantId,
          name: event.data.name,
          rootOrgUnitId: event.data.rootOrgUnitId,
          units: new Map(),
        };
      case T.OrgUnitCreated: {
        const s = established(state);
        const { orgUnitId, parentId, kind, name, country, location } = event.data;
        return withUnit(s, {
          orgUnitId,
          parentId,
          kind,
          name,
          status: 'open',
          ...(country !== undefined ? { country } : {}),
          ...(location !== undefined ? { location } : {}),
        });
      }
      case T.OrgUnitRenamed: {
        const s = established(state);
        return withUnit(s, { ...unit(s, event.data.orgUnitId), name: event.data.name });
      }
      case T.OrgUnitMoved: {
        const s = established(state);
        return withUnit(s, { ...unit(s, event.data.orgUnitId), parentId: event.data.parentId });
      }
      case T.OrgUnitClosed: {
        const s = established(state);
        return withUnit(s, { ...unit(s, event.data.orgUnitId), status: 'closed' });
      }
      default:
        return assertNever(event, 'event');
    }
  },
};

function establish(command: EstablishTenant, state: OrgStructureState): OrgStructureEvent[] {
  if (state.status === 'established') {
    throw new DomainRuleViolation(
      'tenant-already-established',
      `Tenant ${state.tenantId} is already established as "${state.name}"; create org units in it instead.`,
    );
  }
  const name = command.name.trim();
  requireText(
    name,
    'tenant-name-required',
    'A tenant needs the name of the group, e.g. "Acme Group".',
  );
  return [
    {
      type: T.TenantEstablished,
      data: { tenantId: command.tenantId, name, rootOrgUnitId: command.rootOrgUnitId },
    },
    {
      type: T.OrgUnitCreated,
      data: { orgUnitId: command.rootOrgUnitId, parentId: null, kind: 'group', name },
    },
  ];
}

function create(command: CreateOrgUnit, state: Established): OrgStructureEvent[] {
  if (state.units.has(command.orgUnitId)) {
    throw new DomainRuleViolation(
      'org-unit-id-taken',
      `Org unit ${command.orgUnitId} already exists; use a new id.`,
    );
  }
  if (command.kind === 'group') {
    throw new DomainRuleViolation(
      'group-root-is-fixed',
      'A tenant has exactly one group unit, its root; create a subsidiary, site or department.',
    );
  }
  const parent = openParent(state, command.parentId);
  assertKindFits(command.kind, parent);
  const name = command.name.trim();
  requireText(name, 'org-unit-name-required', 'An org unit needs a name.');
  assertNameFree(state, parent.orgUnitId, name, command.orgUnitId);
  return [
    {
      type: T.OrgUnitCreated,
      data: {
        orgUnitId: command.orgUnitId,
        parentId: parent.orgUnitId,
        kind: command.kind,
        name,
        ...(command.country !== undefined ? { country: command.country } : {}),
        ...(command.location !== undefined ? { location: command.location } : {}),
      },
    },
  ];
}

function rename(command: RenameOrgUnit, state: Established): OrgStructureEvent[] {
  const current = openUnit(state, command.orgUnitId);
  const name = command.name.trim();
  requireText(name, 'org-unit-name-required', 'An org unit needs a name.');
  if (name === current.name) return [];
  if (current.parentId !== null) assertNameFree(state, current.parentId, name, current.orgUnitId);
  return [
    {
      type: T.OrgUnitRenamed,
      data: { orgUnitId: current.orgUnitId, previousName: current.name, name },
    },
  ];
}

function move(command: MoveOrgUnit, state: Established): OrgStructureEvent[] {
  const current = openUnit(state, command.orgUnitId);
  if (current.parentId === null) {
    throw new DomainRuleViolation(
      'group-root-is-fixed',
      'The group is the root of the tree and cannot be moved.',
    );
  }
  if (command.newParentId === current.parentId) return [];
  const parent = openParent(state, command.newParentId);
  if (isWithin(state, parent.orgUnitId, current.orgUnitId)) {
    throw new DomainRuleViolation(
      'move-would-create-cycle',
      `Cannot move "${current.name}" under "${parent.name}": that unit is "${current.name}" itself or lies below it. Choose a parent outside its subtree.`,
      { orgUnitId: current.orgUnitId, newParentId: parent.orgUnitId },
    );
  }
  assertKindFits(current.kind, parent);
  assertNameFree(state, parent.orgUnitId, current.name, current.orgUnitId);
  return [
    {
      type: T.OrgUnitMoved,
      data: {
        orgUnitId: current.orgUnitId,
        previousParentId: current.parentId,
        parentId: parent.orgUnitId,
      },
    },
  ];
}

function close(command: CloseOrgUnit, state: Established): OrgStructureEvent[] {
  const current = openUnit(state, command.orgUnitId);
  if (current.parentId === null) {
    throw new DomainRuleViolation(
      'group-root-is-fixed',
      'The group is the root of the tree and cannot be closed.',
    );
  }
  requireText(
    command.reason,
    'closure-needs-reason',
    'Say why the unit is closed (e.g. "sold to X on 2026-03-31").',
  );
  const openChildren = [...state.units.values()].filter(
    (u) => u.parentId === current.orgUnitId && u.status === 'open',
  );
  if (openChildren.length > 0) {
    throw new DomainRuleViolation(
      'org-unit-has-open-children',
      `"${current.name}" still has open units below it (${openChildren
        .map((u) => `"${u.name}"`)
        .join(', ')}); close or move them first.`,
      { openChildIds: openChildren.map((u) => u.orgUnitId) },
    );
  }
  return [
    {
      type: T.OrgUnitClosed,
      data: { orgUnitId: current.orgUnitId, reason: command.reason.trim(), closedAt: command.at },
    },
  ];
}

// ─── helpers (also used by read models built from this state) ───────────────────────────────

function established(state: OrgStructureState): Established {
  if (state.status !== 'established') {
    throw new DomainRuleViolation(
      'tenant-not-established',
      'The tenant is not established yet; the platform administrator creates it first.',
    );
  }
  return state;
}

function unit(state: Established, orgUnitId: string): OrgUnitState {
  const found = state.units.get(orgUnitId);
  if (!found) {
    throw new DomainRuleViolation(
      'org-unit-unknown',
      `Org unit ${orgUnitId} does not exist in this tenant.`,
      { orgUnitId },
    );
  }
  return found;
}

function openUnit(state: Established, orgUnitId: string): OrgUnitState {
  const found = unit(state, orgUnitId);
  if (found.status === 'closed') {
    throw new DomainRuleViolation(
      'org-unit-closed',
      `"${found.name}" is closed; closed units are kept for history and cannot change.`,
      { orgUnitId },
    );
  }
  return found;
}

function openParent(state: Established, parentId: string): OrgUnitState {
  const parent = state.units.get(parentId);
  if (!parent) {
    throw new DomainRuleViolation(
      'parent-unknown',
      `Parent org unit ${parentId} does not exist in this tenant.`,
      { parentId },
    );
  }
  if (parent.status === 'closed') {
    throw new DomainRuleViolation(
      'parent-closed',
      `"${parent.name}" is closed; choose an open parent.`,
      { parentId },
    );
  }
  return parent;
}

function assertKindFits(kind: OrgUnitKind, parent: OrgUnitState): void {
  const allowed = ALLOWED_PARENT_KINDS[kind];
  if (!allowed.includes(parent.kind)) {
    throw new DomainRuleViolation(
      'parent-kind-not-allowed',
      `A ${kind} cannot sit under a ${parent.kind} ("${parent.name}"); a ${kind} belongs under a ${allowed.join(' or ')}.`,
      { kind, parentKind: parent.kind },
    );
  }
}

function assertNameFree(state: Established, parentId: string, name: string, self: string): void {
  const clash = [...state.units.values()].find(
    (u) =>
      u.parentId === parentId &&
      u.status === 'open' &&
      u.orgUnitId !== self &&
      u.name.toLocaleLowerCase() === name.toLocaleLowerCase(),
  );
  if (clash) {
    throw new DomainRuleViolation(
      'sibling-name-taken',
      `"${clash.name}" already exists under the same parent; give the unit a distinct name.`,
      { existingOrgUnitId: clash.orgUnitId },
    );
  }
}

function withUnit(state: Established, next: OrgUnitState): Established {
  const units = new Map(state.units);
  units.set(next.orgUnitId, next);
  return { ...state, units };
}

/** True if `orgUnitId` is `ancestorId` or lies below it. */
export function isWithin(
  state: { readonly units: ReadonlyMap<string, OrgUnitState> },
  orgUnitId: string,
  ancestorId: string,
): boolean {
  let current: string | null = orgUnitId;
  for (let depth = 0; current !== null && depth <= state.units.size; depth++) {
    if (current === ancestorId) return true;
    current = state.units.get(current)?.parentId ?? null;
  }
  return false;
}

/** The ids from the root down to the unit itself. */
export function pathOf(
  state: { readonly units: ReadonlyMap<string, OrgUnitState> },
  orgUnitId: string,
): string[] {
  const path: string[] = [];
  let current: string | null = orgUnitId;
  while (current !== null && path.length <= state.units.size) {
    path.unshift(current);
    current = state.units.get(current)?.parentId ?? null;
  }
  return path;
}
