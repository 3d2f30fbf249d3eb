import type { PersonKind, Role } from '@isms/contracts';

export interface RegisterPerson {
  readonly type: 'RegisterPerson';
  readonly personId: string;
  readonly displayName: string;
  readonly email: string;
  readonly kind: PersonKind;
  readonly homeOrgUnitId: string;
  readonly certificationBody?: string;
  readonly identitySubject?: string;
}

/** Ends all of the person's access: their bindings are revoked with the same reason. */
export interface DeactivatePerson {
  readonly type: 'DeactivatePerson';
  readonly reason: string;
}

export interface BindRole {
  readonly type: 'BindRole';
  readonly bindingId: string;
  readonly role: Role;
  readonly orgUnitId: string;
}

export interface UnbindRole {
  readonly type: 'UnbindRole';
  readonly bindingId: string;
  readonly reason: string;
}

export type PersonCommand = RegisterPerson | DeactivatePerson | BindRole | UnbindRole;
