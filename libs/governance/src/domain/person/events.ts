import type {
  GovernanceEventTypes,
  PersonDeactivatedV1,
  PersonRegisteredV1,
  RoleBoundV1,
  RoleUnboundV1,
} from '@isms/contracts';

export type PersonRegistered = {
  readonly type: typeof GovernanceEventTypes.PersonRegistered;
  readonly data: PersonRegisteredV1;
};
export type PersonDeactivated = {
  readonly type: typeof GovernanceEventTypes.PersonDeactivated;
  readonly data: PersonDeactivatedV1;
};
export type RoleBound = {
  readonly type: typeof GovernanceEventTypes.RoleBound;
  readonly data: RoleBoundV1;
};
export type RoleUnbound = {
  readonly type: typeof GovernanceEventTypes.RoleUnbound;
  readonly data: RoleUnboundV1;
};

export type PersonEvent = PersonRegistered | PersonDeactivated | RoleBound | RoleUnbound;
