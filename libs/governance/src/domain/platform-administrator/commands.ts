export interface EnrolPlatformAdministrator {
  readonly type: 'EnrolPlatformAdministrator';
  readonly administratorId: string;
  readonly displayName: string;
  /** SHA-256 (hex) of a one-time setup code, for the first administrator of a new platform. */
  readonly setupCodeSha256?: string;
}

export interface RedeemSetupCode {
  readonly type: 'RedeemSetupCode';
  /** SHA-256 (hex) of the code the caller presented. */
  readonly presentedCodeSha256: string;
  readonly at: string;
}

export type PlatformAdministratorCommand = EnrolPlatformAdministrator | RedeemSetupCode;
