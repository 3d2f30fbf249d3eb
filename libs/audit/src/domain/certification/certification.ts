import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import type { CertificateIssuedV1 } from '@isms/contracts';
import {
  AuditEventTypes as T,
  CERTIFICATE_MAX_VALIDITY_YEARS,
  CERTIFYING_ENGAGEMENT_KINDS,
} from '@isms/contracts';
import { dateOf, isCalendarDate, requireText } from '../rules.js';
import type {
  CertificationCommand,
  IssueCertificate,
  ReinstateCertificate,
  SuspendCertificate,
  WithdrawCertificate,
} from './commands.js';
import type { CertificationEvent } from './events.js';

/** What the certification body last decided about a certificate (expiry is derived, not recorded). */
export type CertificateDecisionStatus = 'issued' | 'suspended' | 'withdrawn' | 'superseded';

/** A certificate's standing at an instant. */
export type CertificateStanding =
  'in-force' | 'not-yet-valid' | 'suspended' | 'withdrawn' | 'superseded' | 'expired';

export interface CertificateRecord extends CertificateIssuedV1 {
  readonly status: CertificateDecisionStatus;
  readonly supersededByCertificateId?: string;
  readonly lastDecision?: {
    readonly kind: 'suspended' | 'reinstated' | 'withdrawn';
    readonly reason: string;
    readonly by: string;
    readonly at: string;
  };
}

/** The certificates of one ISMS scope: one consistency boundary, so only one is ever in force. */
export interface CertificationState {
  readonly certificates: readonly CertificateRecord[];
}

/**
 * A certificate's standing on the day of `at`: superseded and withdrawn are final; a suspended
 * one is not in force; a certificate is in force from `issuedOn` to `validUntil` (inclusive).
 */
export function certificateStanding(
  certificate: Pick<CertificateRecord, 'status' | 'issuedOn' | 'validUntil'>,
  at: string,
): CertificateStanding {
  if (certificate.status === 'withdrawn' || certificate.status === 'superseded') {
    return certificate.status;
  }
  const day = dateOf(at);
  if (day > certificate.validUntil) return 'expired';
  if (certificate.status === 'suspended') return 'suspended';
  if (day < certificate.issuedOn) return 'not-yet-valid';
  return 'in-force';
}

/** The certificate that currently stands for the scope (in force or suspended, not expired). */
function current(state: CertificationState, at: string): CertificateRecord | undefined {
  return state.certificates.find((c) => {
    const standing = certificateStanding(c, at);
    return standing === 'in-force' || standing === 'suspended' || standing === 'not-yet-valid';
  });
}

/** `YYYY-MM-DD` plus whole years (29 February → 28 February in a common year). */
export function addYears(date: string, years: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const target = new Date(Date.UTC(y + years, m - 1, d));
  if (target.getUTCMonth() !== m - 1) target.setUTCDate(0);
  return target.toISOString().slice(0, 10);
}

export const certification: Decider<CertificationState, CertificationCommand, CertificationEvent> =
  {
    initialState: () => ({ certificates: [] }),
    decide(command, state) {
      switch (command.type) {
        case 'IssueCertificate':
          return issue(command, state);
        case 'SuspendCertificate':
          return suspend(command, state);
        case 'ReinstateCertificate':
          return reinstate(command, state);
        case 'WithdrawCertificate':
          return withdraw(command, state);
        default:
          return assertNever(command, 'command');
      }
    },
    evolve(state, event) {
      const update = (id: string, change: (c: CertificateRecord) => CertificateRecord) => ({
        certificates: state.certificates.map((c) => (c.certificateId === id ? change(c) : c)),
      });
      const decision = (
        kind: 'suspended' | 'reinstated' | 'withdrawn',
        d: { reason: string; decidedBy: string; decidedAt: string },
      ) => ({ kind, reason: d.reason, by: d.decidedBy, at: d.decidedAt });
      switch (event.type) {
        case T.CertificateIssued: {
          const d = event.data;
          const superseded = d.supersedesCertificateId
            ? update(d.supersedesCertificateId, (c) => ({
                ...c,
                status: 'superseded',
                supersededByCertificateId: d.certificateId,
              })).certificates
            : state.certificates;
          return { certificates: [...superseded, { ...d, status: 'issued' }] };
        }
        case T.CertificateSuspended:
          return update(event.data.certificateId, (c) => ({
            ...c,
            status: 'suspended',
            lastDecision: decision('suspended', event.data),
          }));
        case T.CertificateReinstated:
          return update(event.data.certificateId, (c) => ({
            ...c,
            status: 'issued',
            lastDecision: decision('reinstated', event.data),
          }));
        case T.CertificateWithdrawn:
          return update(event.data.certificateId, (c) => ({
            ...c,
            status: 'withdrawn',
            lastDecision: decision('withdrawn', event.data),
          }));
        default:
          return assertNever(event, 'event');
      }
    },
  };

function issue(command: IssueCertificate, state: CertificationState): CertificationEvent[] {
  requireText(
    command.reason,
    'certificate-decision-needs-reason',
    'Say why the certificate is recorded (e.g. the certification body’s decision and its date).',
  );
  const e = command.engagement;
  if (e === undefined) {
    throw new DomainRuleViolation(
      'certificate-engagement-unknown',
      `Engagement ${command.basedOnEngagementId} is not known; name the stage 2 or recertification engagement of this scope the decision rests on.`,
      { field: 'basedOnEngagementId' },
    );
  }
  if (e.scopeId !== command.scopeId) {
    throw new DomainRuleViolation(
      'certificate-engagement-of-another-scope',
      `Engagement ${e.engagementId} audited scope ${e.scopeId}, not ${command.scopeId}; a certificate rests on an engagement of its own scope.`,
      { field: 'basedOnEngagementId' },
    );
  }
  if (!(CERTIFYING_ENGAGEMENT_KINDS as readonly string[]).includes(e.kind)) {
    throw new DomainRuleViolation(
      'certificate-needs-certifying-engagement',
      `A certificate is issued after a stage 2 or recertification audit; engagement ${e.engagementId} is a ${e.kind} audit.`,
      { field: 'basedOnEngagementId' },
    );
  }
  if (e.status !== 'reported' && e.status !== 'closed') {
    throw new DomainRuleViolation(
      'certificate-needs-reported-engagement',
      `The certification decision follows the audit report; engagement ${e.engagementId} is ${e.status}. Report it first.`,
      { field: 'basedOnEngagementId' },
    );
  }
  if (e.openMajorNonconformities > 0) {
    throw new DomainRuleViolation(
      'open-major-nonconformity-blocks-certification',
      `${e.openMajorNonconformities} major nonconformit${e.openMajorNonconformities === 1 ? 'y is' : 'ies are'} still open in engagement ${e.engagementId}; close them after an effective corrective action, then record the certificate.`,
      { openMajorNonconformities: e.openMajorNonconformities },
    );
  }
  for (const field of ['issuedOn', 'validUntil'] as const) {
    if (!isCalendarDate(command[field])) {
      throw new DomainRuleViolation(
        'certificate-dates-invalid',
        `${field} must be a calendar date written YYYY-MM-DD, not ${command[field]}.`,
        { field },
      );
    }
  }
  if (command.issuedOn > dateOf(command.at)) {
    throw new DomainRuleViolation(
      'certificate-issued-in-the-future',
      `A certificate is recorded once issued; ${command.issuedOn} is after today (${dateOf(command.at)}).`,
      { field: 'issuedOn' },
    );
  }
  const latest = addYears(command.issuedOn, CERTIFICATE_MAX_VALIDITY_YEARS);
  if (command.validUntil <= command.issuedOn || command.validUntil > latest) {
    throw new DomainRuleViolation(
      'certificate-validity-at-most-three-years',
      `A certificate issued on ${command.issuedOn} is valid after its issue and until ${latest} at the latest (one three-year cycle); got ${command.validUntil}.`,
      { field: 'validUntil', latest },
    );
  }
  const standing = current(state, command.at);
  if (standing && e.kind !== 'recertification') {
    throw new DomainRuleViolation(
      'one-certificate-in-force-per-scope',
      `Certificate ${standing.certificateNumber} (${standing.certificateId}) stands for this scope until ${standing.validUntil}; only a recertification supersedes it (or withdraw it first).`,
      { certificateId: standing.certificateId },
    );
  }
  if (state.certificates.some((c) => c.certificateId === command.certificateId)) {
    throw new DomainRuleViolation(
      'certificate-already-recorded',
      `Certificate ${command.certificateId} is recorded already.`,
    );
  }
  return [
    {
      type: T.CertificateIssued,
      data: {
        certificateId: command.certificateId,
        scopeId: command.scopeId,
        orgUnitId: command.orgUnitId,
        certificationBody: command.certificationBody.trim(),
        certificateNumber: command.certificateNumber.trim(),
        issuedOn: command.issuedOn,
        validUntil: command.validUntil,
        basedOnEngagementId: e.engagementId,
        standard: command.standard,
        ...(standing ? { supersedesCertificateId: standing.certificateId } : {}),
        reason: command.reason.trim(),
        recordedBy: command.by,
        recordedAt: command.at,
      },
    },
  ];
}

function known(state: CertificationState, certificateId: string): CertificateRecord {
  const found = state.certificates.find((c) => c.certificateId === certificateId);
  if (!found) {
    throw new DomainRuleViolation(
      'certificate-unknown',
      `Certificate ${certificateId} is not recorded for this scope.`,
    );
  }
  return found;
}

function decided(
  c: CertificateRecord,
  command: SuspendCertificate | ReinstateCertificate | WithdrawCertificate,
) {
  return {
    certificateId: c.certificateId,
    scopeId: c.scopeId,
    orgUnitId: c.orgUnitId,
    reason: command.reason.trim(),
    decidedBy: command.by,
    decidedAt: command.at,
  };
}

function suspend(command: SuspendCertificate, state: CertificationState): CertificationEvent[] {
  requireText(
    command.reason,
    'certificate-decision-needs-reason',
    'Say why the certification body suspended the certificate.',
  );
  const c = known(state, command.certificateId);
  const standing = certificateStanding(c, command.at);
  if (standing !== 'in-force' && standing !== 'not-yet-valid') {
    throw new DomainRuleViolation(
      'only-a-certificate-in-force-is-suspended',
      `Certificate ${c.certificateNumber} is ${standing}; only a certificate in force can be suspended.`,
      { standing },
    );
  }
  return [{ type: T.CertificateSuspended, data: decided(c, command) }];
}

function reinstate(command: ReinstateCertificate, state: CertificationState): CertificationEvent[] {
  requireText(
    command.reason,
    'certificate-decision-needs-reason',
    'Say why the certification body lifted the suspension.',
  );
  const c = known(state, command.certificateId);
  const standing = certificateStanding(c, command.at);
  if (standing !== 'suspended') {
    throw new DomainRuleViolation(
      'only-a-suspended-certificate-is-reinstated',
      `Certificate ${c.certificateNumber} is ${standing}; only a suspended (and not expired) certificate is reinstated.`,
      { standing },
    );
  }
  return [{ type: T.CertificateReinstated, data: decided(c, command) }];
}

function withdraw(command: WithdrawCertificate, state: CertificationState): CertificationEvent[] {
  requireText(
    command.reason,
    'certificate-decision-needs-reason',
    'Say why the certification body withdrew the certificate.',
  );
  const c = known(state, command.certificateId);
  const standing = certificateStanding(c, command.at);
  if (standing === 'withdrawn' || standing === 'superseded' || standing === 'expired') {
    throw new DomainRuleViolation(
      'only-a-standing-certificate-is-withdrawn',
      `Certificate ${c.certificateNumber} is ${standing} already; there is nothing to withdraw.`,
      { standing },
    );
  }
  return [{ type: T.CertificateWithdrawn, data: decided(c, command) }];
}
