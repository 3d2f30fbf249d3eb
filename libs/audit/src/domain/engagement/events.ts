import type { AuditEvent, AuditEventTypes as T } from '@isms/contracts';

/** Everything recorded in an engagement's stream (all audit events but the programme's). */
export type EngagementEvent = Exclude<
  AuditEvent,
  {
    type:
      | typeof T.AuditProgrammeEstablished
      | typeof T.ProgrammeSitesSampled
      | typeof T.CertificateIssued
      | typeof T.CertificateSuspended
      | typeof T.CertificateReinstated
      | typeof T.CertificateWithdrawn;
  }
>;
