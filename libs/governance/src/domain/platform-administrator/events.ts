import type {
  GovernanceEventTypes,
  PlatformAdministratorEnrolledV1,
  PlatformSetupCodeRedeemedV1,
} from '@isms/contracts';

export type PlatformAdministratorEnrolled = {
  readonly type: typeof GovernanceEventTypes.PlatformAdministratorEnrolled;
  readonly data: PlatformAdministratorEnrolledV1;
};
export type PlatformSetupCodeRedeemed = {
  readonly type: typeof GovernanceEventTypes.PlatformSetupCodeRedeemed;
  readonly data: PlatformSetupCodeRedeemedV1;
};

export type PlatformAdministratorEvent = PlatformAdministratorEnrolled | PlatformSetupCodeRedeemed;
