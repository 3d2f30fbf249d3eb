import type { IsmsScopeDefinition, Role } from '@isms/contracts';

export interface DraftScope {
  readonly type: 'DraftScope';
  readonly scopeId: string;
  readonly definition: IsmsScopeDefinition;
}

export interface ReviseScope {
  readonly type: 'ReviseScope';
  readonly definition: IsmsScopeDefinition;
  readonly changeSummary: string;
}

/** Top management approves the version in draft; `version`, if given, must be that one. */
export interface ApproveScope {
  readonly type: 'ApproveScope';
  readonly version?: number;
  readonly approvedBy: string;
  readonly approverRole: Role;
  readonly reason: string;
  readonly at: string;
}

export type IsmsScopeCommand = DraftScope | ReviseScope | ApproveScope;
