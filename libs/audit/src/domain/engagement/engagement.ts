import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import type {
  ChecklistItem,
  ChecklistResult,
  ControlRef,
  EngagementPlannedV1,
  EngagementStatus,
  EvidenceRequestedV1,
  FindingRaisedV1,
} from '@isms/contracts';
import { AuditEventTypes as T, isNonconformity } from '@isms/contracts';
import { dateOf, isCalendarDate, requireText } from '../rules.js';
import { generateChecklist, isIsmsClause } from './checklist.js';
import type {
  AnswerEvidenceRequest,
  AssessChecklistItem,
  CloseEngagement,
  CloseFinding,
  DecideEvidenceAnswer,
  EngagementCommand,
  ImplementCorrectiveAction,
  MarkOverdueCorrectiveActions,
  PlanCorrectiveAction,
  PlanEngagement,
  RaiseFinding,
  RecordCorrection,
  RecordRootCause,
  ReportEngagement,
  RequestEvidence,
  SetCutOff,
  StartEngagement,
  VerifyCorrectiveAction,
} from './commands.js';
import type { EngagementEvent } from './events.js';

export interface ChecklistEntry extends ChecklistItem {
  readonly result?: ChecklistResult;
  readonly notes?: string;
  readonly assessedBy?: string;
  readonly assessedAt?: string;
}

export type CorrectiveActionStatus =
  | 'planned'
  | 'implemented'
  | 'effective'
  /** Verified as not effective: a new plan is needed. */
  | 'not-effective';

export interface CorrectiveAction {
  readonly actionPlan: string;
  readonly ownerPersonId: string;
  readonly dueDate: string;
  readonly attempt: number;
  readonly status: CorrectiveActionStatus;
  readonly plannedBy: string;
  readonly plannedAt: string;
  readonly overdueMarkedAt?: string;
  readonly implementation?: string;
  readonly implementedBy?: string;
  readonly implementedAt?: string;
  readonly late?: boolean;
  readonly verification?: {
    readonly effective: boolean;
    readonly reason: string;
    readonly verifiedBy: string;
    readonly verifiedAt: string;
  };
}

export interface FindingRecord extends FindingRaisedV1 {
  readonly status: 'open' | 'closed';
  readonly correction?: { readonly text: string; readonly by: string; readonly at: string };
  readonly rootCause?: { readonly text: string; readonly by: string; readonly at: string };
  readonly correctiveAction?: CorrectiveAction;
  readonly closure?: {
    readonly reason: string;
    readonly closedBy: string;
    readonly closedAt: string;
  };
}

export interface EvidenceAnswer {
  readonly evidenceIds: readonly string[];
  readonly comment: string;
  readonly answeredBy: string;
  readonly answeredAt: string;
}

export interface EvidenceRequestRecord extends EvidenceRequestedV1 {
  readonly status: 'open' | 'answered' | 'accepted' | 'flagged';
  readonly answers: readonly EvidenceAnswer[];
  readonly decision?: {
    readonly accepted: boolean;
    readonly reason: string;
    readonly decidedBy: string;
    readonly decidedAt: string;
  };
}

export interface EngagementRecord extends Omit<EngagementPlannedV1, 'checklist'> {
  readonly status: EngagementStatus;
  readonly checklist: readonly ChecklistEntry[];
  readonly findings: readonly FindingRecord[];
  readonly evidenceRequests: readonly EvidenceRequestRecord[];
  readonly startedAt?: string;
  readonly cutOff?: { readonly cutOffAt: string; readonly setBy: string; readonly reason: string };
  readonly report?: {
    readonly summary: string;
    readonly conclusion: string;
    readonly reportedBy: string;
    readonly reportedAt: string;
  };
  readonly closure?: {
    readonly reason: string;
    readonly closedBy: string;
    readonly closedAt: string;
  };
}

export type EngagementState = { readonly status: 'none' } | EngagementRecord;

/**
 * An audit engagement (9.2): planned → in progress → reported → closed, with its checklist,
 * its graded findings, the evidence requested from the auditee and the corrective action of each
 * nonconformity (10.2). One consistency boundary, so that "no closure while a major
 * nonconformity is open" holds without a race.
 */
export const engagement: Decider<EngagementState, EngagementCommand, EngagementEvent> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'PlanEngagement':
        return plan(command, state);
      case 'StartEngagement':
        return start(command, existing(state));
      case 'AssessChecklistItem':
        return assess(command, existing(state));
      case 'SetCutOff':
        return setCutOff(command, existing(state));
      case 'ReportEngagement':
        return report(command, existing(state));
      case 'CloseEngagement':
        return close(command, existing(state));
      case 'RaiseFinding':
        return raise(command, existing(state));
      case 'CloseFinding':
        return closeFinding(command, existing(state));
      case 'RequestEvidence':
        return requestEvidence(command, existing(state));
      case 'AnswerEvidenceRequest':
        return answer(command, existing(state));
      case 'AcceptEvidence':
      case 'FlagEvidence':
        return decideAnswer(command, existing(state));
      case 'RecordCorrection':
        return recordCorrection(command, existing(state));
      case 'RecordRootCause':
        return recordRootCause(command, existing(state));
      case 'PlanCorrectiveAction':
        return planAction(command, existing(state));
      case 'MarkOverdueCorrectiveActions':
        return markOverdue(command, existing(state));
      case 'ImplementCorrectiveAction':
        return implement(command, existing(state));
      case 'VerifyCorrectiveAction':
        return verify(command, existing(state));
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    if (event.type === T.EngagementPlanned) {
      return {
        ...event.data,
        status: 'planned',
        checklist: event.data.checklist,
        findings: [],
        evidenceRequests: [],
      };
    }
    const s = existing(state);
    switch (event.type) {
      case T.EngagementStarted:
        return { ...s, status: 'in-progress', startedAt: event.data.startedAt };
      case T.ChecklistItemAssessed: {
        const d = event.data;
        return {
          ...s,
          checklist: s.checklist.map((item) =>
            item.itemId === d.itemId
              ? {
                  ...item,
                  result: d.result,
                  notes: d.notes,
                  assessedBy: d.assessedBy,
                  assessedAt: d.assessedAt,
                }
              : item,
          ),
        };
      }
      case T.EngagementCutOffSet:
        return {
          ...s,
          cutOff: {
            cutOffAt: event.data.cutOffAt,
            setBy: event.data.setBy,
            reason: event.data.reason,
          },
        };
      case T.EngagementReported: {
        const { summary, conclusion, reportedBy, reportedAt } = event.data;
        return {
          ...s,
          status: 'reported',
          report: { summary, conclusion, reportedBy, reportedAt },
        };
      }
      case T.EngagementClosed: {
        const { reason, closedBy, closedAt } = event.data;
        return { ...s, status: 'closed', closure: { reason, closedBy, closedAt } };
      }
      case T.FindingRaised:
        return { ...s, findings: [...s.findings, { ...event.data, status: 'open' }] };
      case T.FindingClosed: {
        const { reason, closedBy, closedAt } = event.data;
        return withFinding(s, event.data.findingId, (f) => ({
          ...f,
          status: 'closed',
          closure: { reason, closedBy, closedAt },
        }));
      }
      case T.EvidenceRequested:
        return {
          ...s,
          evidenceRequests: [...s.evidenceRequests, { ...event.data, status: 'open', answers: [] }],
        };
      case T.EvidenceRequestAnswered: {
        const { evidenceIds, comment, answeredBy, answeredAt } = event.data;
        return withRequest(s, event.data.requestId, (r) => ({
          ...r,
          status: 'answered',
          answers: [...r.answers, { evidenceIds, comment, answeredBy, answeredAt }],
        }));
      }
      case T.EvidenceRequestAccepted:
      case T.EvidenceRequestFlagged: {
        const accepted = event.type === T.EvidenceRequestAccepted;
        const { reason, decidedBy, decidedAt } = event.data;
        return withRequest(s, event.data.requestId, (r) => ({
          ...r,
          status: accepted ? 'accepted' : 'flagged',
          decision: { accepted, reason, decidedBy, decidedAt },
        }));
      }
      case T.CorrectionRecorded:
        return withFinding(s, event.data.findingId, (f) => ({
          ...f,
          correction: {
            text: event.data.correction,
            by: event.data.recordedBy,
            at: event.data.recordedAt,
          },
        }));
      case T.RootCauseRecorded:
        return withFinding(s, event.data.findingId, (f) => ({
          ...f,
          rootCause: {
            text: event.data.rootCause,
            by: event.data.recordedBy,
            at: event.data.recordedAt,
          },
        }));
      case T.CorrectiveActionPlanned: {
        const d = event.data;
        return withFinding(s, d.findingId, (f) => ({
          ...f,
          correctiveAction: {
            actionPlan: d.actionPlan,
            ownerPersonId: d.ownerPersonId,
            dueDate: d.dueDate,
            attempt: d.attempt,
            status: 'planned',
            plannedBy: d.plannedBy,
            plannedAt: d.plannedAt,
          },
        }));
      }
      case T.CorrectiveActionMarkedOverdue:
        return withAction(s, event.data.findingId, (a) => ({
          ...a,
          overdueMarkedAt: event.data.markedAt,
        }));
      case T.CorrectiveActionImplemented: {
        const d = event.data;
        return withAction(s, d.findingId, (a) => ({
          ...a,
          status: 'implemented',
          implementation: d.implementation,
          implementedBy: d.implementedBy,
          implementedAt: d.implementedAt,
          late: d.late,
        }));
      }
      case T.CorrectiveActionVerified: {
        const d = event.data;
        return withAction(s, d.findingId, (a) => ({
          ...a,
          status: d.effective ? 'effective' : 'not-effective',
          verification: {
            effective: d.effective,
            reason: d.reason,
            verifiedBy: d.verifiedBy,
            verifiedAt: d.verifiedAt,
          },
        }));
      }
      default:
        return assertNever(event, 'event');
    }
  },
};

// ─── Lifecycle ──────────────────────────────────────────────────────────────────────────────

function plan(command: PlanEngagement, state: EngagementState): EngagementEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation(
      'engagement-already-planned',
      'This engagement is planned already; change it through its own steps.',
    );
  }
  requireText(
    command.title,
    'engagement-needs-title',
    'Give the engagement a title people recognise.',
  );
  requireText(
    command.plan,
    'engagement-needs-plan',
    'Write the audit plan: objectives, criteria, agenda (9.2.2).',
  );
  if (!isCalendarDate(command.plannedStart) || !isCalendarDate(command.plannedEnd)) {
    throw new DomainRuleViolation(
      'engagement-dates-invalid',
      'Planned start and end are calendar dates written YYYY-MM-DD.',
    );
  }
  if (command.plannedEnd < command.plannedStart) {
    throw new DomainRuleViolation(
      'engagement-dates-out-of-order',
      `The engagement ends (${command.plannedEnd}) before it starts (${command.plannedStart}); swap or correct the dates.`,
    );
  }
  if (command.auditors.length === 0) {
    throw new DomainRuleViolation(
      'engagement-needs-auditor',
      'Name at least one auditor (an internal person, or an external auditor with their access grant).',
    );
  }
  const external = command.auditors.find((a) => a.kind === 'external' && !a.grantId);
  if (external) {
    throw new DomainRuleViolation(
      'external-auditor-needs-grant',
      `External auditor ${external.personId} works through an access grant on this scope; name the grant.`,
    );
  }
  if (command.kind === 'supplier' && !command.supplier?.trim()) {
    throw new DomainRuleViolation(
      'supplier-audit-needs-supplier',
      'A supplier audit names the supplier audited.',
    );
  }
  if (command.kind !== 'supplier' && command.supplier !== undefined) {
    throw new DomainRuleViolation(
      'supplier-only-for-supplier-audits',
      'Only a supplier audit names a supplier; remove it or plan a supplier audit.',
    );
  }
  const badClause = command.clauses.find((c) => !isIsmsClause(c));
  if (badClause !== undefined) {
    throw new DomainRuleViolation(
      'clause-outside-4-10',
      `Clause ${badClause} is not a requirement clause of 4–10; use e.g. 9.2.`,
    );
  }
  const checklist = generateChecklist({
    kind: command.kind,
    clauses: command.clauses,
    controls: command.controls,
    earlierNonconformityIds: command.earlierNonconformityIds,
  });
  if (checklist.length === 0) {
    throw new DomainRuleViolation(
      'checklist-empty',
      'An engagement audits something: select clauses of 4–10 or controls.',
    );
  }
  return [
    {
      type: T.EngagementPlanned,
      data: {
        engagementId: command.engagementId,
        tenantId: command.tenantId,
        scopeId: command.scopeId,
        orgUnitId: command.orgUnitId,
        ...(command.programmeId !== undefined ? { programmeId: command.programmeId } : {}),
        ...(command.cycleYear !== undefined ? { cycleYear: command.cycleYear } : {}),
        kind: command.kind,
        title: command.title.trim(),
        auditedOrgUnitIds: [...new Set(command.auditedOrgUnitIds)],
        auditors: command.auditors,
        plannedStart: command.plannedStart,
        plannedEnd: command.plannedEnd,
        plan: command.plan.trim(),
        checklist,
        ...(command.supplier !== undefined ? { supplier: command.supplier.trim() } : {}),
        plannedBy: command.by,
      },
    },
  ];
}

function start(command: StartEngagement, s: EngagementRecord): EngagementEvent[] {
  if (s.status !== 'planned') {
    throw new DomainRuleViolation(
      'engagement-not-planned',
      `Only a planned engagement starts; this one is ${s.status}.`,
    );
  }
  return [
    {
      type: T.EngagementStarted,
      data: {
        engagementId: s.engagementId,
        scopeId: s.scopeId,
        startedAt: command.at,
        startedBy: command.by,
      },
    },
  ];
}

function assess(command: AssessChecklistItem, s: EngagementRecord): EngagementEvent[] {
  inProgress(s, 'assess checklist items');
  const item = s.checklist.find((i) => i.itemId === command.itemId);
  if (!item) {
    throw new DomainRuleViolation(
      'checklist-item-unknown',
      `The checklist has no item ${command.itemId}; use one of its itemIds (e.g. clause-9.2).`,
      { field: 'itemId' },
    );
  }
  return [
    {
      type: T.ChecklistItemAssessed,
      data: {
        engagementId: s.engagementId,
        scopeId: s.scopeId,
        itemId: item.itemId,
        ref: item.ref,
        result: command.result,
        notes: command.notes.trim(),
        assessedBy: command.by,
        assessedAt: command.at,
      },
    },
  ];
}

function setCutOff(command: SetCutOff, s: EngagementRecord): EngagementEvent[] {
  notClosed(s);
  requireText(
    command.reason,
    'cut-off-needs-reason',
    'Say why the view is frozen at this instant (e.g. "stage 2 audit: SoA as approved on 1 March").',
  );
  if (Number.isNaN(Date.parse(command.cutOffAt))) {
    throw new DomainRuleViolation('cut-off-invalid', 'The cut-off is an ISO 8601 instant.');
  }
  if (Date.parse(command.cutOffAt) > Date.parse(command.at)) {
    throw new DomainRuleViolation(
      'cut-off-in-future',
      `A cut-off freezes recorded history; ${command.cutOffAt} lies in the future (now ${command.at}).`,
    );
  }
  return [
    {
      type: T.EngagementCutOffSet,
      data: {
        engagementId: s.engagementId,
        scopeId: s.scopeId,
        cutOffAt: new Date(command.cutOffAt).toISOString(),
        setBy: command.by,
        reason: command.reason.trim(),
      },
    },
  ];
}

function report(command: ReportEngagement, s: EngagementRecord): EngagementEvent[] {
  inProgress(s, 'be reported');
  requireText(command.summary, 'report-needs-summary', 'Summarise what was audited and found.');
  requireText(
    command.conclusion,
    'report-needs-conclusion',
    'State the audit conclusion (e.g. "ISMS conforms except for the findings raised").',
  );
  return [
    {
      type: T.EngagementReported,
      data: {
        engagementId: s.engagementId,
        scopeId: s.scopeId,
        summary: command.summary.trim(),
        conclusion: command.conclusion.trim(),
        reportedBy: command.by,
        reportedAt: command.at,
      },
    },
  ];
}

function close(command: CloseEngagement, s: EngagementRecord): EngagementEvent[] {
  if (s.status !== 'reported') {
    throw new DomainRuleViolation(
      'engagement-not-reported',
      `An engagement closes after its report; this one is ${s.status}.`,
    );
  }
  requireText(command.reason, 'decision-needs-reason', 'Say why the engagement can be closed.');
  const openMajors = s.findings.filter(
    (f) => f.grade === 'major-nonconformity' && f.status === 'open',
  );
  if (openMajors.length > 0) {
    throw new DomainRuleViolation(
      'open-major-nonconformity-blocks-closure',
      `${openMajors.length} major nonconformit${openMajors.length === 1 ? 'y is' : 'ies are'} still open (${openMajors.map((f) => f.findingId).join(', ')}); close them after an effective corrective action, then close the engagement.`,
      { findingIds: openMajors.map((f) => f.findingId) },
    );
  }
  return [
    {
      type: T.EngagementClosed,
      data: {
        engagementId: s.engagementId,
        scopeId: s.scopeId,
        closedBy: command.by,
        reason: command.reason.trim(),
        closedAt: command.at,
      },
    },
  ];
}

// ─── Findings ───────────────────────────────────────────────────────────────────────────────

function assertTarget(clause: string | undefined, control: ControlRef | undefined, what: string) {
  if ((clause === undefined) === (control === undefined)) {
    throw new DomainRuleViolation(
      `${what}-needs-clause-or-control`,
      `A ${what.replace('-', ' ')} concerns exactly one clause of 4–10 or one control; give one of them.`,
    );
  }
  if (clause !== undefined && !isIsmsClause(clause)) {
    throw new DomainRuleViolation(
      'clause-outside-4-10',
      `Clause ${clause} is not a requirement clause of 4–10; use e.g. 9.2 or 10.2.`,
      { field: 'clause' },
    );
  }
}

function raise(command: RaiseFinding, s: EngagementRecord): EngagementEvent[] {
  inProgress(s, 'take findings');
  if (s.findings.some((f) => f.findingId === command.findingId)) {
    throw new DomainRuleViolation('finding-already-raised', 'This finding is raised already.');
  }
  assertTarget(command.clause, command.control, 'finding');
  requireText(command.title, 'finding-needs-title', 'Give the finding a short title.');
  requireText(
    command.description,
    'finding-needs-description',
    'Describe the finding: the requirement, what was observed and where.',
  );
  if (isNonconformity(command.grade) && command.evidenceIds.length === 0) {
    throw new DomainRuleViolation(
      'nonconformity-needs-evidence',
      'A nonconformity rests on objective evidence; reference at least one evidence record.',
      { field: 'evidenceIds' },
    );
  }
  return [
    {
      type: T.FindingRaised,
      data: {
        engagementId: s.engagementId,
        findingId: command.findingId,
        scopeId: s.scopeId,
        engagementKind: s.kind,
        grade: command.grade,
        ...(command.clause !== undefined ? { clause: command.clause } : {}),
        ...(command.control !== undefined ? { control: command.control } : {}),
        orgUnitId: command.orgUnitId,
        title: command.title.trim(),
        description: command.description.trim(),
        evidenceIds: [...new Set(command.evidenceIds)],
        raisedBy: command.by,
        raisedByKind: command.raisedByKind,
        raisedAt: command.at,
      },
    },
  ];
}

function closeFinding(command: CloseFinding, s: EngagementRecord): EngagementEvent[] {
  const f = finding(s, command.findingId);
  if (f.status === 'closed') {
    throw new DomainRuleViolation(
      'finding-already-closed',
      `Finding ${f.findingId} is closed already.`,
    );
  }
  requireText(command.reason, 'decision-needs-reason', 'Say why the finding can be closed.');
  if (isNonconformity(f.grade) && f.correctiveAction?.status !== 'effective') {
    throw new DomainRuleViolation(
      'nonconformity-needs-effective-corrective-action',
      `A nonconformity closes only after its corrective action was verified effective; this one's action is ${f.correctiveAction?.status ?? 'not planned yet'}.`,
    );
  }
  return [
    {
      type: T.FindingClosed,
      data: {
        engagementId: s.engagementId,
        findingId: f.findingId,
        scopeId: s.scopeId,
        grade: f.grade,
        closedBy: command.by,
        reason: command.reason.trim(),
        closedAt: command.at,
      },
    },
  ];
}

// ─── Evidence requests ──────────────────────────────────────────────────────────────────────

function requestEvidence(command: RequestEvidence, s: EngagementRecord): EngagementEvent[] {
  inProgress(s, 'request evidence');
  assertTarget(command.clause, command.control, 'evidence-request');
  requireText(command.question, 'evidence-request-needs-question', 'Say what evidence you need.');
  return [
    {
      type: T.EvidenceRequested,
      data: {
        engagementId: s.engagementId,
        requestId: command.requestId,
        scopeId: s.scopeId,
        ...(command.clause !== undefined ? { clause: command.clause } : {}),
        ...(command.control !== undefined ? { control: command.control } : {}),
        question: command.question.trim(),
        ...(command.ownerPersonId !== undefined ? { ownerPersonId: command.ownerPersonId } : {}),
        requestedBy: command.by,
        requestedAt: command.at,
      },
    },
  ];
}

function answer(command: AnswerEvidenceRequest, s: EngagementRecord): EngagementEvent[] {
  notClosed(s);
  const r = request(s, command.requestId);
  if (r.status === 'accepted') {
    throw new DomainRuleViolation(
      'evidence-request-settled',
      'The auditor accepted the evidence already; nothing more to answer.',
    );
  }
  if (command.evidenceIds.length === 0) {
    throw new DomainRuleViolation(
      'evidence-answer-needs-evidence',
      'Answer with at least one evidence record.',
      { field: 'evidenceIds' },
    );
  }
  return [
    {
      type: T.EvidenceRequestAnswered,
      data: {
        engagementId: s.engagementId,
        requestId: r.requestId,
        scopeId: s.scopeId,
        evidenceIds: [...new Set(command.evidenceIds)],
        comment: command.comment.trim(),
        answeredBy: command.by,
        answeredAt: command.at,
      },
    },
  ];
}

function decideAnswer(command: DecideEvidenceAnswer, s: EngagementRecord): EngagementEvent[] {
  notClosed(s);
  const r = request(s, command.requestId);
  if (r.status !== 'answered') {
    throw new DomainRuleViolation(
      'evidence-request-not-answered',
      `Only an answered request is accepted or flagged; this one is ${r.status}.`,
    );
  }
  requireText(
    command.reason,
    'decision-needs-reason',
    'Say why the evidence does (or does not) prove what was asked.',
  );
  const data = {
    engagementId: s.engagementId,
    requestId: r.requestId,
    scopeId: s.scopeId,
    decidedBy: command.by,
    reason: command.reason.trim(),
    decidedAt: command.at,
  };
  return command.type === 'AcceptEvidence'
    ? [{ type: T.EvidenceRequestAccepted, data }]
    : [{ type: T.EvidenceRequestFlagged, data }];
}

// ─── Corrective actions (10.2) ──────────────────────────────────────────────────────────────

function openNonconformity(s: EngagementRecord, findingId: string): FindingRecord {
  const f = finding(s, findingId);
  if (!isNonconformity(f.grade)) {
    throw new DomainRuleViolation(
      'corrective-action-only-for-nonconformities',
      `Finding ${f.findingId} is an ${f.grade}; corrections, root causes and corrective actions belong to nonconformities.`,
    );
  }
  if (f.status === 'closed') {
    throw new DomainRuleViolation('finding-already-closed', `Finding ${f.findingId} is closed.`);
  }
  return f;
}

function recordCorrection(command: RecordCorrection, s: EngagementRecord): EngagementEvent[] {
  const f = openNonconformity(s, command.findingId);
  requireText(
    command.correction,
    'correction-needs-text',
    'Describe what was done at once to control and correct the nonconformity (10.2 a).',
  );
  return [
    {
      type: T.CorrectionRecorded,
      data: {
        engagementId: s.engagementId,
        findingId: f.findingId,
        scopeId: s.scopeId,
        correction: command.correction.trim(),
        recordedBy: command.by,
        recordedAt: command.at,
      },
    },
  ];
}

function recordRootCause(command: RecordRootCause, s: EngagementRecord): EngagementEvent[] {
  const f = openNonconformity(s, command.findingId);
  requireText(
    command.rootCause,
    'root-cause-needs-text',
    'Describe the cause of the nonconformity (10.2 b).',
  );
  return [
    {
      type: T.RootCauseRecorded,
      data: {
        engagementId: s.engagementId,
        findingId: f.findingId,
        scopeId: s.scopeId,
        rootCause: command.rootCause.trim(),
        recordedBy: command.by,
        recordedAt: command.at,
      },
    },
  ];
}

function planAction(command: PlanCorrectiveAction, s: EngagementRecord): EngagementEvent[] {
  const f = openNonconformity(s, command.findingId);
  if (!f.correction) {
    throw new DomainRuleViolation(
      'correction-before-action-plan',
      'Record the correction (what was done at once) before planning the corrective action.',
    );
  }
  if (!f.rootCause) {
    throw new DomainRuleViolation(
      'root-cause-before-action-plan',
      'Analyse the root cause before planning the corrective action: the action removes the cause.',
    );
  }
  const current = f.correctiveAction;
  if (current && current.status !== 'not-effective') {
    throw new DomainRuleViolation(
      'corrective-action-already-planned',
      `A corrective action is ${current.status} already; a new plan follows only a verification that found it not effective.`,
    );
  }
  requireText(command.actionPlan, 'action-plan-needs-text', 'Describe the corrective action.');
  requireText(command.ownerPersonId, 'action-plan-needs-owner', 'Name who owns the action.');
  if (!isCalendarDate(command.dueDate)) {
    throw new DomainRuleViolation('due-date-invalid', 'The due date is written YYYY-MM-DD.', {
      field: 'dueDate',
    });
  }
  if (command.dueDate < dateOf(command.at)) {
    throw new DomainRuleViolation(
      'due-date-in-past',
      `The due date ${command.dueDate} lies before today (${dateOf(command.at)}); plan a date ahead.`,
      { field: 'dueDate' },
    );
  }
  return [
    {
      type: T.CorrectiveActionPlanned,
      data: {
        engagementId: s.engagementId,
        findingId: f.findingId,
        scopeId: s.scopeId,
        grade: f.grade,
        actionPlan: command.actionPlan.trim(),
        ownerPersonId: command.ownerPersonId,
        dueDate: command.dueDate,
        attempt: (current?.attempt ?? 0) + 1,
        plannedBy: command.by,
        plannedAt: command.at,
      },
    },
  ];
}

/** True when the action's due date has passed on `at` and it is not implemented yet. */
export function isOverdue(action: CorrectiveAction | undefined, at: string): boolean {
  return action?.status === 'planned' && action.dueDate < dateOf(at);
}

function markOverdue(
  command: MarkOverdueCorrectiveActions,
  s: EngagementRecord,
): EngagementEvent[] {
  return s.findings
    .filter((f) => f.status === 'open' && isOverdue(f.correctiveAction, command.at))
    .filter((f) => f.correctiveAction?.overdueMarkedAt === undefined)
    .map((f) => ({
      type: T.CorrectiveActionMarkedOverdue,
      data: {
        engagementId: s.engagementId,
        findingId: f.findingId,
        scopeId: s.scopeId,
        dueDate: f.correctiveAction!.dueDate,
        ownerPersonId: f.correctiveAction!.ownerPersonId,
        markedAt: command.at,
      },
    }));
}

function implement(command: ImplementCorrectiveAction, s: EngagementRecord): EngagementEvent[] {
  const f = openNonconformity(s, command.findingId);
  if (f.correctiveAction?.status !== 'planned') {
    throw new DomainRuleViolation(
      'corrective-action-not-planned',
      `Only a planned corrective action is implemented; this one is ${f.correctiveAction?.status ?? 'not planned yet'}.`,
    );
  }
  requireText(
    command.implementation,
    'implementation-needs-text',
    'Describe what was implemented (and where the record of it is).',
  );
  return [
    {
      type: T.CorrectiveActionImplemented,
      data: {
        engagementId: s.engagementId,
        findingId: f.findingId,
        scopeId: s.scopeId,
        implementation: command.implementation.trim(),
        implementedBy: command.by,
        implementedAt: command.at,
        late: f.correctiveAction.dueDate < dateOf(command.at),
      },
    },
  ];
}

function verify(command: VerifyCorrectiveAction, s: EngagementRecord): EngagementEvent[] {
  const f = openNonconformity(s, command.findingId);
  const action = f.correctiveAction;
  if (action?.status !== 'implemented') {
    throw new DomainRuleViolation(
      'corrective-action-not-implemented',
      `Effectiveness is verified after implementation; this action is ${action?.status ?? 'not planned yet'}.`,
    );
  }
  requireText(
    command.reason,
    'verification-needs-reason',
    'Say on what evidence the action is (or is not) effective (10.2 d).',
  );
  if (command.by === action.ownerPersonId || command.by === action.implementedBy) {
    throw new DomainRuleViolation(
      'verifier-must-be-independent',
      'Whoever owns or implemented the action cannot verify its effectiveness; ask an auditor.',
    );
  }
  return [
    {
      type: T.CorrectiveActionVerified,
      data: {
        engagementId: s.engagementId,
        findingId: f.findingId,
        scopeId: s.scopeId,
        effective: command.effective,
        verifiedBy: command.by,
        reason: command.reason.trim(),
        verifiedAt: command.at,
      },
    },
  ];
}

// ─── Helpers ────────────────────────────────────────────────────────────────────────────────

function existing(state: EngagementState): EngagementRecord {
  if (state.status === 'none') {
    throw new DomainRuleViolation('engagement-unknown', 'This engagement has not been planned.');
  }
  return state;
}

function inProgress(s: EngagementRecord, what: string): void {
  if (s.status !== 'in-progress') {
    throw new DomainRuleViolation(
      'engagement-not-in-progress',
      `Only an engagement in progress can ${what}; this one is ${s.status}${s.status === 'planned' ? ' (start it first)' : ''}.`,
    );
  }
}

function notClosed(s: EngagementRecord): void {
  if (s.status === 'closed') {
    throw new DomainRuleViolation(
      'engagement-closed',
      'The engagement is closed; it no longer changes.',
    );
  }
}

function finding(s: EngagementRecord, findingId: string): FindingRecord {
  const f = s.findings.find((x) => x.findingId === findingId);
  if (!f) {
    throw new DomainRuleViolation('finding-unknown', `The engagement has no finding ${findingId}.`);
  }
  return f;
}

function request(s: EngagementRecord, requestId: string): EvidenceRequestRecord {
  const r = s.evidenceRequests.find((x) => x.requestId === requestId);
  if (!r) {
    throw new DomainRuleViolation(
      'evidence-request-unknown',
      `The engagement has no evidence request ${requestId}.`,
    );
  }
  return r;
}

function withFinding(
  s: EngagementRecord,
  findingId: string,
  change: (f: FindingRecord) => FindingRecord,
): EngagementRecord {
  return { ...s, findings: s.findings.map((f) => (f.findingId === findingId ? change(f) : f)) };
}

function withAction(
  s: EngagementRecord,
  findingId: string,
  change: (a: CorrectiveAction) => CorrectiveAction,
): EngagementRecord {
  return withFinding(s, findingId, (f) =>
    f.correctiveAction ? { ...f, correctiveAction: change(f.correctiveAction) } : f,
  );
}

function withRequest(
  s: EngagementRecord,
  requestId: string,
  change: (r: EvidenceRequestRecord) => EvidenceRequestRecord,
): EngagementRecord {
  return {
    ...s,
    evidenceRequests: s.evidenceRequests.map((r) => (r.requestId === requestId ? change(r) : r)),
  };
}
