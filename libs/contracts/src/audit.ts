/**
 * Published events of the audit context (ISO/IEC 27001 clauses 9.2, 10.1, 10.2): the audit
 * programme of an ISMS scope over the three-year certification cycle (with the IAF MD 1 site
 * sample of each year), audit engagements (internal, certification stage 1 / stage 2,
 * surveillance, recertification, supplier) with their checklist, findings graded major / minor
 * nonconformity, observation or opportunity for improvement, evidence requests, and the
 * corrective action of each nonconformity (correction, root cause, plan, implementation,
 * verification of effectiveness, closure). Reporting may consume exactly these shapes.
 *
 * Stored event `type` = `audit.<EventName>`, `schemaVersion` 1; the versioned integration name is
 * `<type>.v<schemaVersion>` (`integrationEventName` in ./governance.ts). Stream ids are
 * `<streamType>-<uuidv7>`, except a programme (`auditProgrammeStreamId(scopeId)`: one per ISMS
 * scope). Findings, evidence requests and corrective actions live in their engagement's stream
 * (one consistency boundary: an engagement cannot close while a major nonconformity is open).
 * Instants are ISO 8601 strings (UTC); dates are `YYYY-MM-DD`.
 */
import type { ControlRef } from './controls.js';

/** Stream types of the audit context. */
export const AuditStreamTypes = {
  /** One per ISMS scope: its audit programme over the certification cycle. */
  AuditProgramme: 'audit-programme',
  /** One audit engagement with its checklist, findings, evidence requests and corrective actions. */
  AuditEngagement: 'audit-engagement',
  /** One per ISMS scope: the certificates the certification body issued for it (decisions). */
  AuditCertification: 'audit-certification',
} as const;
export type AuditStreamType = (typeof AuditStreamTypes)[keyof typeof AuditStreamTypes];

/** Scope ids are `isms-scope-<uuidv7>`; the scope's programme stream reuses the uuid. */
export function auditProgrammeStreamId(scopeId: string): string {
  const key = scopeId.startsWith('isms-scope-') ? scopeId.slice('isms-scope-'.length) : scopeId;
  return `${AuditStreamTypes.AuditProgramme}-${key}`;
}

export const AuditEventTypes = {
  AuditProgrammeEstablished: 'audit.AuditProgrammeEstablished',
  ProgrammeSitesSampled: 'audit.ProgrammeSitesSampled',

  EngagementPlanned: 'audit.EngagementPlanned',
  EngagementStarted: 'audit.EngagementStarted',
  ChecklistItemAssessed: 'audit.ChecklistItemAssessed',
  EngagementCutOffSet: 'audit.EngagementCutOffSet',
  EngagementReported: 'audit.EngagementReported',
  EngagementClosed: 'audit.EngagementClosed',

  FindingRaised: 'audit.FindingRaised',
  FindingClosed: 'audit.FindingClosed',

  EvidenceRequested: 'audit.EvidenceRequested',
  EvidenceRequestAnswered: 'audit.EvidenceRequestAnswered',
  EvidenceRequestAccepted: 'audit.EvidenceRequestAccepted',
  EvidenceRequestFlagged: 'audit.EvidenceRequestFlagged',

  CorrectionRecorded: 'audit.CorrectionRecorded',
  RootCauseRecorded: 'audit.RootCauseRecorded',
  CorrectiveActionPlanned: 'audit.CorrectiveActionPlanned',
  CorrectiveActionMarkedOverdue: 'audit.CorrectiveActionMarkedOverdue',
  CorrectiveActionImplemented: 'audit.CorrectiveActionImplemented',
  CorrectiveActionVerified: 'audit.CorrectiveActionVerified',

  CertificateIssued: 'audit.CertificateIssued',
  CertificateSuspended: 'audit.CertificateSuspended',
  CertificateReinstated: 'audit.CertificateReinstated',
  CertificateWithdrawn: 'audit.CertificateWithdrawn',
} as const;
export type AuditEventType = (typeof AuditEventTypes)[keyof typeof AuditEventTypes];

// ─── Programme (9.2) ────────────────────────────────────────────────────────────────────────

/**
 * `initial`: the first certification cycle (stage 1 + stage 2 in year 1); `recertification`: a
 * later cycle whose year 1 is the recertification audit. Years 2 and 3 are surveillance.
 */
export const CERTIFICATION_CYCLES = ['initial', 'recertification'] as const;
export type CertificationCycle = (typeof CERTIFICATION_CYCLES)[number];

/** Which IAF MD 1 sample factor applies to a year's audit. */
export const SAMPLING_AUDIT_KINDS = ['initial', 'surveillance', 'recertification'] as const;
export type SamplingAuditKind = (typeof SAMPLING_AUDIT_KINDS)[number];

export interface AuditProgrammeEstablishedV1 {
  readonly programmeId: string;
  readonly scopeId: string;
  /** The scope's owner org unit (who may manage the programme follows from it). */
  readonly orgUnitId: string;
  readonly cycle: CertificationCycle;
  /** Calendar year of cycle year 1, e.g. 2026. */
  readonly firstYear: number;
  /** The central function: audited every year (IAF MD 1). */
  readonly centralFunctionOrgUnitId: string;
  /** The n similar sites of the scope that are sampled. */
  readonly siteOrgUnitIds: readonly string[];
  readonly establishedBy: string;
}

/** The sites audited in one year of the cycle, with the IAF MD 1 arithmetic that sized the sample. */
export interface ProgrammeSitesSampledV1 {
  readonly programmeId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  /** 1, 2 or 3. */
  readonly cycleYear: number;
  /** Calendar year. */
  readonly year: number;
  readonly auditKind: SamplingAuditKind;
  /** n: the similar sites in the scope. */
  readonly siteCount: number;
  /** The minimum sample: ⌈factor · √n⌉ (factor 1, 0.6 or 0.8). */
  readonly requiredSampleSize: number;
  readonly centralFunctionOrgUnitId: string;
  readonly sampledSiteOrgUnitIds: readonly string[];
  readonly sampledBy: string;
  /** Why these sites (e.g. "not yet audited in this cycle"). */
  readonly reason: string;
}

// ─── Engagements (9.2) ──────────────────────────────────────────────────────────────────────

export const ENGAGEMENT_KINDS = [
  'internal',
  'stage-1',
  'stage-2',
  'surveillance',
  'recertification',
  'supplier',
] as const;
export type EngagementKind = (typeof ENGAGEMENT_KINDS)[number];

export const ENGAGEMENT_STATUSES = ['planned', 'in-progress', 'reported', 'closed'] as const;
export type EngagementStatus = (typeof ENGAGEMENT_STATUSES)[number];

/** An internal auditor is a person of the tenant; an external one reads through an access grant. */
export interface EngagementAuditor {
  readonly personId: string;
  readonly kind: 'internal' | 'external';
  /** External auditors: the access grant through which they work. */
  readonly grantId?: string;
  readonly lead: boolean;
}

/**
 * `clause`: a clause of 4–10 (`ref` e.g. `9.2`); `control`: a control of the SoA; `follow-up`: what
 * a surveillance or recertification audit always re-checks (`ref` = `earlier-nonconformities`,
 * `internal-audit`, `management-review`).
 */
export const CHECKLIST_ITEM_KINDS = ['clause', 'control', 'follow-up'] as const;
export type ChecklistItemKind = (typeof CHECKLIST_ITEM_KINDS)[number];

export interface ChecklistItem {
  readonly itemId: string;
  readonly kind: ChecklistItemKind;
  /** Clause number (`4.3`), control key (`iso27001-2022:5.15`) or follow-up ref. */
  readonly ref: string;
  readonly title: string;
  readonly control?: ControlRef;
  /** Follow-up of earlier nonconformities: the findings to re-check. */
  readonly findingIds?: readonly string[];
}

export const CHECKLIST_RESULTS = [
  'conforming',
  'nonconforming',
  'observation',
  'not-audited',
] as const;
export type ChecklistResult = (typeof CHECKLIST_RESULTS)[number];

export interface EngagementPlannedV1 {
  readonly engagementId: string;
  readonly tenantId: string;
  readonly scopeId: string;
  /** The scope's owner org unit. */
  readonly orgUnitId: string;
  readonly programmeId?: string;
  /** Cycle year (1–3) of the programme this engagement belongs to. */
  readonly cycleYear?: number;
  readonly kind: EngagementKind;
  readonly title: string;
  /** The org units audited (sites, departments). */
  readonly auditedOrgUnitIds: readonly string[];
  readonly auditors: readonly EngagementAuditor[];
  readonly plannedStart: string;
  readonly plannedEnd: string;
  /** The audit plan: objectives, criteria, agenda. */
  readonly plan: string;
  readonly checklist: readonly ChecklistItem[];
  /** Supplier audits: the supplier audited. */
  readonly supplier?: string;
  readonly plannedBy: string;
}

export interface EngagementStartedV1 {
  readonly engagementId: string;
  readonly scopeId: string;
  readonly startedAt: string;
  readonly startedBy: string;
}

export interface ChecklistItemAssessedV1 {
  readonly engagementId: string;
  readonly scopeId: string;
  readonly itemId: string;
  readonly ref: string;
  readonly result: ChecklistResult;
  readonly notes: string;
  readonly assessedBy: string;
  readonly assessedAt: string;
}

/** The certification body's view of the engagement is frozen at this instant. */
export interface EngagementCutOffSetV1 {
  readonly engagementId: string;
  readonly scopeId: string;
  readonly cutOffAt: string;
  readonly setBy: string;
  readonly reason: string;
}

export interface EngagementReportedV1 {
  readonly engagementId: string;
  readonly scopeId: string;
  readonly summary: string;
  readonly conclusion: string;
  readonly reportedBy: string;
  readonly reportedAt: string;
}

export interface EngagementClosedV1 {
  readonly engagementId: string;
  readonly scopeId: string;
  readonly closedBy: string;
  readonly reason: string;
  readonly closedAt: string;
}

// ─── Findings (9.2, 10.2) ───────────────────────────────────────────────────────────────────

export const FINDING_GRADES = [
  'major-nonconformity',
  'minor-nonconformity',
  'observation',
  'opportunity-for-improvement',
] as const;
export type FindingGrade = (typeof FINDING_GRADES)[number];

/** Nonconformities need a correction, a root cause, a corrective action and its verification. */
export function isNonconformity(grade: FindingGrade): boolean {
  return grade === 'major-nonconformity' || grade === 'minor-nonconformity';
}

export interface FindingRaisedV1 {
  readonly engagementId: string;
  readonly findingId: string;
  readonly scopeId: string;
  readonly engagementKind: EngagementKind;
  readonly grade: FindingGrade;
  /** Exactly one of `clause` and `control`. */
  readonly clause?: string;
  readonly control?: ControlRef;
  readonly orgUnitId: string;
  readonly title: string;
  readonly description: string;
  /** Evidence records (controls context) the finding rests on. */
  readonly evidenceIds: readonly string[];
  readonly raisedBy: string;
  readonly raisedByKind: 'internal' | 'external';
  readonly raisedAt: string;
}

export interface FindingClosedV1 {
  readonly engagementId: string;
  readonly findingId: string;
  readonly scopeId: string;
  readonly grade: FindingGrade;
  readonly closedBy: string;
  readonly reason: string;
  readonly closedAt: string;
}

// ─── Evidence requests ──────────────────────────────────────────────────────────────────────

export interface EvidenceRequestedV1 {
  readonly engagementId: string;
  readonly requestId: string;
  readonly scopeId: string;
  readonly clause?: string;
  readonly control?: ControlRef;
  readonly question: string;
  /** Who is asked to answer (a person of the tenant). */
  readonly ownerPersonId?: string;
  readonly requestedBy: string;
  readonly requestedAt: string;
}

export interface EvidenceRequestAnsweredV1 {
  readonly engagementId: string;
  readonly requestId: string;
  readonly scopeId: string;
  readonly evidenceIds: readonly string[];
  readonly comment: string;
  readonly answeredBy: string;
  readonly answeredAt: string;
}

export interface EvidenceRequestAcceptedV1 {
  readonly engagementId: string;
  readonly requestId: string;
  readonly scopeId: string;
  readonly decidedBy: string;
  readonly reason: string;
  readonly decidedAt: string;
}

/** The answer does not prove what was asked: the owner answers again. */
export interface EvidenceRequestFlaggedV1 {
  readonly engagementId: string;
  readonly requestId: string;
  readonly scopeId: string;
  readonly decidedBy: string;
  readonly reason: string;
  readonly decidedAt: string;
}

// ─── Corrective actions (10.2 of the 2022 edition) ──────────────────────────────────────────

export interface CorrectionRecordedV1 {
  readonly engagementId: string;
  readonly findingId: string;
  readonly scopeId: string;
  /** What was done at once to contain the nonconformity. */
  readonly correction: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

export interface RootCauseRecordedV1 {
  readonly engagementId: string;
  readonly findingId: string;
  readonly scopeId: string;
  readonly rootCause: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

export interface CorrectiveActionPlannedV1 {
  readonly engagementId: string;
  readonly findingId: string;
  readonly scopeId: string;
  readonly grade: FindingGrade;
  readonly actionPlan: string;
  readonly ownerPersonId: string;
  /** `YYYY-MM-DD`: overdue from the day after. */
  readonly dueDate: string;
  /** 1 for the first plan, 2 … after a verification found the action not effective. */
  readonly attempt: number;
  readonly plannedBy: string;
  readonly plannedAt: string;
}

/** The due date passed before the action was implemented. */
export interface CorrectiveActionMarkedOverdueV1 {
  readonly engagementId: string;
  readonly findingId: string;
  readonly scopeId: string;
  readonly dueDate: string;
  readonly ownerPersonId: string;
  readonly markedAt: string;
}

export interface CorrectiveActionImplementedV1 {
  readonly engagementId: string;
  readonly findingId: string;
  readonly scopeId: string;
  readonly implementation: string;
  readonly implementedBy: string;
  readonly implementedAt: string;
  /** True if implemented after the due date. */
  readonly late: boolean;
}

/** An auditor's decision on whether the action was effective, with its reason. */
export interface CorrectiveActionVerifiedV1 {
  readonly engagementId: string;
  readonly findingId: string;
  readonly scopeId: string;
  readonly effective: boolean;
  readonly verifiedBy: string;
  readonly reason: string;
  readonly verifiedAt: string;
}

// ─── Certification decisions (recorded after stage 2 or recertification) ────────────────────

/** The scope's certification stream reuses the scope's uuid (one stream per ISMS scope). */
export function auditCertificationStreamId(scopeId: string): string {
  const key = scopeId.startsWith('isms-scope-') ? scopeId.slice('isms-scope-'.length) : scopeId;
  return `${AuditStreamTypes.AuditCertification}-${key}`;
}

export const CERTIFIED_STANDARDS = ['ISO/IEC 27001:2022', 'ISO/IEC 27001:2013'] as const;
export type CertifiedStandard = (typeof CERTIFIED_STANDARDS)[number];

/** Engagement kinds after which a certification body issues a certificate. */
export const CERTIFYING_ENGAGEMENT_KINDS = ['stage-2', 'recertification'] as const;

/** A certificate is valid at most three years from its issue (one certification cycle). */
export const CERTIFICATE_MAX_VALIDITY_YEARS = 3;

/**
 * The certification body's decision to certify the scope, as recorded by an internal auditor or
 * the ISMS function. Expiry follows from `validUntil` (no event): on the day after, the
 * certificate is no longer in force.
 */
export interface CertificateIssuedV1 {
  readonly certificateId: string;
  readonly scopeId: string;
  /** The scope's owner org unit. */
  readonly orgUnitId: string;
  readonly certificationBody: string;
  readonly certificateNumber: string;
  /** `YYYY-MM-DD`. */
  readonly issuedOn: string;
  /** `YYYY-MM-DD`, inclusive; at most three years after `issuedOn`. */
  readonly validUntil: string;
  /** The reported (or closed) stage 2 or recertification engagement the decision rests on. */
  readonly basedOnEngagementId: string;
  readonly standard: CertifiedStandard;
  /** A recertification supersedes the scope's certificate in force (only one per scope). */
  readonly supersedesCertificateId?: string;
  readonly reason: string;
  readonly recordedBy: string;
  readonly recordedAt: string;
}

interface CertificateDecisionV1 {
  readonly certificateId: string;
  readonly scopeId: string;
  readonly orgUnitId: string;
  readonly reason: string;
  readonly decidedBy: string;
  readonly decidedAt: string;
}

/** The certification body suspended the certificate: not in force until reinstated. */
export type CertificateSuspendedV1 = CertificateDecisionV1;
/** The suspension is lifted: in force again (until `validUntil`). */
export type CertificateReinstatedV1 = CertificateDecisionV1;
/** The certificate is withdrawn for good. */
export type CertificateWithdrawnV1 = CertificateDecisionV1;

type E<TType extends AuditEventType, TData> = { readonly type: TType; readonly data: TData };
type A = typeof AuditEventTypes;

/** Every published audit event: its type and data. */
export type AuditEvent =
  | E<A['AuditProgrammeEstablished'], AuditProgrammeEstablishedV1>
  | E<A['ProgrammeSitesSampled'], ProgrammeSitesSampledV1>
  | E<A['EngagementPlanned'], EngagementPlannedV1>
  | E<A['EngagementStarted'], EngagementStartedV1>
  | E<A['ChecklistItemAssessed'], ChecklistItemAssessedV1>
  | E<A['EngagementCutOffSet'], EngagementCutOffSetV1>
  | E<A['EngagementReported'], EngagementReportedV1>
  | E<A['EngagementClosed'], EngagementClosedV1>
  | E<A['FindingRaised'], FindingRaisedV1>
  | E<A['FindingClosed'], FindingClosedV1>
  | E<A['EvidenceRequested'], EvidenceRequestedV1>
  | E<A['EvidenceRequestAnswered'], EvidenceRequestAnsweredV1>
  | E<A['EvidenceRequestAccepted'], EvidenceRequestAcceptedV1>
  | E<A['EvidenceRequestFlagged'], EvidenceRequestFlaggedV1>
  | E<A['CorrectionRecorded'], CorrectionRecordedV1>
  | E<A['RootCauseRecorded'], RootCauseRecordedV1>
  | E<A['CorrectiveActionPlanned'], CorrectiveActionPlannedV1>
  | E<A['CorrectiveActionMarkedOverdue'], CorrectiveActionMarkedOverdueV1>
  | E<A['CorrectiveActionImplemented'], CorrectiveActionImplementedV1>
  | E<A['CorrectiveActionVerified'], CorrectiveActionVerifiedV1>
  | E<A['CertificateIssued'], CertificateIssuedV1>
  | E<A['CertificateSuspended'], CertificateSuspendedV1>
  | E<A['CertificateReinstated'], CertificateReinstatedV1>
  | E<A['CertificateWithdrawn'], CertificateWithdrawnV1>;

const AUDIT_EVENT_TYPE_SET: ReadonlySet<string> = new Set(Object.values(AuditEventTypes));

/** Narrows an event (e.g. a RecordedEvent from the store or the bus) to an audit event. */
export function isAuditEvent<Ev extends { readonly type: string; readonly data: unknown }>(
  event: Ev,
): event is Ev & AuditEvent {
  return AUDIT_EVENT_TYPE_SET.has(event.type);
}
