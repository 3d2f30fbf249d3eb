import type { AccessGrantRevokedV1, AccessGrantedV1, GovernanceEventTypes } from '@isms/contracts';

export type AccessGranted = {
  readonly type: typeof GovernanceEventTypes.AccessGranted;
  readonly data: AccessGrantedV1;
};
export type AccessGrantRevoked = {
  readonly type: typeof GovernanceEventTypes.AccessGrantRevoked;
  readonly data: AccessGrantRevokedV1;
};

export type AccessGrantEvent = AccessGranted | AccessGrantRevoked;
