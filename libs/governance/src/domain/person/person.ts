import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import type { PersonKind, Role } from '@isms/contracts';
import { GovernanceEventTypes as T } from '@isms/contracts';
import { requireText } from '../rules.js';
import type {
  BindRole,
  DeactivatePerson,
  PersonCommand,
  RegisterPerson,
  UnbindRole,
} from './commands.js';
import type { PersonEvent } from './events.js';

/**
 * A person known to the tenant (5.3 roles, responsibilities and authorities) and the roles they
 * hold, each bound to an org-unit subtree. External auditors hold no roles: a certification
 * body's auditor reads through an access grant.
 */
export interface RoleBindingState {
  readonly bindingId: string;
  readonly role: Role;
  readonly orgUnitId: string;
}

export type PersonState =
  | { readonly status: 'unregistered' }
  | {
      readonly status: 'active' | 'deactivated';
      readonly personId: string;
      readonly displayName: string;
      readonly kind: PersonKind;
      readonly homeOrgUnitId: string;
      readonly bindings: readonly RoleBindingState[];
    };

type Registered = Extract<PersonState, { status: 'active' | 'deactivated' }>;

export const person: Decider<PersonState, PersonCommand, PersonEvent> = {
  initialState: () => ({ status: 'unregistered' }),
  decide(command, state) {
    switch (command.type) {
      case 'RegisterPerson':
        return register(command, state);
      case 'DeactivatePerson':
        return deactivate(command, active(state));
      case 'BindRole':
        return bind(command, active(state));
      case 'UnbindRole':
        return unbind(command, active(state));
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.PersonRegistered:
        return {
          status: 'active',
          personId: event.data.personId,
          displayName: event.data.displayName,
          kind: event.data.kind,
          homeOrgUnitId: event.data.homeOrgUnitId,
          bindings: [],
        };
      case T.PersonDeactivated:
        return { ...registered(state), status: 'deactivated' };
      case T.RoleBound: {
        const s = registered(state);
        const { bindingId, role, orgUnitId } = event.data;
        return { ...s, bindings: [...s.bindings, { bindingId, role, orgUnitId }] };
      }
      case T.RoleUnbound: {
        const s = registered(state);
        return { ...s, bindings: s.bindings.filter((b) => b.bindingId !== event.data.bindingId) };
      }
      default:
        return assertNever(event, 'event');
    }
  },
};

function register(command: RegisterPerson, state: PersonState): PersonEvent[] {
  if (state.status !== 'unregistered') {
    throw new DomainRuleViolation(
      'person-already-registered',
      `Person ${state.personId} is already registered.`,
    );
  }
  const displayName = command.displayName.trim();
  requireText(displayName, 'person-name-required', 'A person needs a display name.');
  const certificationBody = command.certificationBody?.trim();
  if (command.kind === 'external-auditor' && !certificationBody) {
    throw new DomainRuleViolation(
      'external-auditor-needs-certification-body',
      'Name the certification body the external auditor works for.',
    );
  }
  return [
    {
      type: T.PersonRegistered,
      data: {
        personId: command.personId,
        displayName,
        email: command.email.trim().toLowerCase(),
        kind: command.kind,
        homeOrgUnitId: command.homeOrgUnitId,
        ...(command.kind === 'external-auditor' && certificationBody ? { certificationBody } : {}),
        ...(command.identitySubject ? { identitySubject: command.identitySubject } : {}),
      },
    },
  ];
}

function deactivate(command: DeactivatePerson, state: Registered): PersonEvent[] {
  requireText(
    command.reason,
    'deactivation-needs-reason',
    'Say why the person loses access (e.g. "left the company on 2026-04-30").',
  );
  const reason = command.reason.trim();
  return [
    ...state.bindings.map((b): PersonEvent => ({
      type: T.RoleUnbound,
      data: {
        personId: state.personId,
        bindingId: b.bindingId,
        role: b.role,
        orgUnitId: b.orgUnitId,
        reason,
      },
    })),
    { type: T.PersonDeactivated, data: { personId: state.personId, reason } },
  ];
}

function bind(command: BindRole, state: Registered): PersonEvent[] {
  if (command.role === 'external-auditor') {
    throw new DomainRuleViolation(
      'external-auditor-role-is-granted-not-bound',
      'External auditors get read-only access to one ISMS scope through an access grant, not through a role binding.',
    );
  }
  if (state.kind === 'external-auditor') {
    throw new DomainRuleViolation(
      'external-auditors-hold-no-roles',
      `${state.displayName} is an external auditor: give them an access grant for a scope instead of a role.`,
    );
  }
  const duplicate = state.bindings.find(
    (b) => b.role === command.role && b.orgUnitId === command.orgUnitId,
  );
  if (duplicate) {
    throw new DomainRuleViolation(
      'role-already-bound',
      `${state.displayName} already holds ${command.role} on this org unit (binding ${duplicate.bindingId}).`,
      { bindingId: duplicate.bindingId },
    );
  }
  return [
    {
      type: T.RoleBound,
      data: {
        personId: state.personId,
        bindingId: command.bindingId,
        role: command.role,
        orgUnitId: command.orgUnitId,
      },
    },
  ];
}

function unbind(command: UnbindRole, state: Registered): PersonEvent[] {
  const binding = state.bindings.find((b) => b.bindingId === command.bindingId);
  if (!binding) {
    throw new DomainRuleViolation(
      'role-binding-unknown',
      `${state.displayName} holds no active role binding ${command.bindingId}.`,
    );
  }
  requireText(command.reason, 'unbinding-needs-reason', 'Say why the role is taken away.');
  return [
    {
      type: T.RoleUnbound,
      data: {
        personId: state.personId,
        bindingId: binding.bindingId,
        role: binding.role,
        orgUnitId: binding.orgUnitId,
        reason: command.reason.trim(),
      },
    },
  ];
}

function registered(state: PersonState): Registered {
  if (state.status === 'unregistered') {
    throw new DomainRuleViolation('person-unknown', 'This person is not registered.');
  }
  return state;
}

function active(state: PersonState): Registered {
  const s = registered(state);
  if (s.status === 'deactivated') {
    throw new DomainRuleViolation(
      'person-deactivated',
      `${s.displayName} has been deactivated; register a new person if they come back.`,
    );
  }
  return s;
}
