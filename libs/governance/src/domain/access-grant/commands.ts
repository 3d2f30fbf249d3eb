export interface GrantAccess {
  readonly type: 'GrantAccess';
  readonly grantId: string;
  readonly auditorPersonId: string;
  readonly certificationBody: string;
  readonly scopeId: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly grantedBy: string;
  readonly reason: string;
  readonly at: string;
}

export interface RevokeAccessGrant {
  readonly type: 'RevokeAccessGrant';
  readonly revokedBy: string;
  readonly reason: string;
  readonly at: string;
}

export type AccessGrantCommand = GrantAccess | RevokeAccessGrant;
