import type { AuditEvent, AuditEventTypes as T } from '@isms/contracts';

/** Everything recorded in a scope's certification stream: the certificate decisions. */
export type CertificationEvent = Extract<
  AuditEvent,
  {
    type:
      | typeof T.CertificateIssued
      | typeof T.CertificateSuspended
      | typeof T.CertificateReinstated
      | typeof T.CertificateWithdrawn;
  }
>;
