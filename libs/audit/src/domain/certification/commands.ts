import type { CertifiedStandard, EngagementKind, EngagementStatus } from '@isms/contracts';

/** What the application knows of the engagement a certificate rests on (from its read model). */
export interface CertifyingEngagementFacts {
  readonly engagementId: string;
  readonly scopeId: string;
  readonly kind: EngagementKind;
  readonly status: EngagementStatus;
  readonly openMajorNonconformities: number;
}

/** Records the certification body's decision to certify the scope. */
export interface IssueCertificate {
  readonly type: 'IssueCertificate';
  readonly certificateId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly certificationBody: string;
  readonly certificateNumber: string;
  readonly issuedOn: string;
  readonly validUntil: string;
  readonly standard: CertifiedStandard;
  readonly basedOnEngagementId: string;
  /** Undefined when no engagement of that id is known to the tenant. */
  readonly engagement: CertifyingEngagementFacts | undefined;
  readonly reason: string;
  readonly by: string;
  readonly at: string;
}

interface CertificateDecision {
  readonly certificateId: string;
  readonly reason: string;
  readonly by: string;
  readonly at: string;
}

export interface SuspendCertificate extends CertificateDecision {
  readonly type: 'SuspendCertificate';
}
export interface ReinstateCertificate extends CertificateDecision {
  readonly type: 'ReinstateCertificate';
}
export interface WithdrawCertificate extends CertificateDecision {
  readonly type: 'WithdrawCertificate';
}

export type CertificationCommand =
  IssueCertificate | SuspendCertificate | ReinstateCertificate | WithdrawCertificate;
