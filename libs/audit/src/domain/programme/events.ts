import type {
  AuditEventTypes,
  AuditProgrammeEstablishedV1,
  ProgrammeSitesSampledV1,
} from '@isms/contracts';

export type AuditProgrammeEstablished = {
  readonly type: typeof AuditEventTypes.AuditProgrammeEstablished;
  readonly data: AuditProgrammeEstablishedV1;
};
export type ProgrammeSitesSampled = {
  readonly type: typeof AuditEventTypes.ProgrammeSitesSampled;
  readonly data: ProgrammeSitesSampledV1;
};

export type ProgrammeEvent = AuditProgrammeEstablished | ProgrammeSitesSampled;
