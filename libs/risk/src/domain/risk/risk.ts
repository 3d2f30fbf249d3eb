import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever, canonicalJson, foldEvents } from '@isms/event-sourcing';
import type { RiskRating, TreatmentOption } from '@isms/contracts';
import { RiskEventTypes as T, controlKey } from '@isms/contracts';
import { acceptanceAuthority, rate } from '../methodology/methodology-rules.js';
import { addDays, isCalendarDate, requireText, unique } from '../rules.js';
import type {
  AcceptRisk,
  AssessInherentRisk,
  AssessResidualRisk,
  ChangeRiskScope,
  CloseRisk,
  CompleteTreatmentAction,
  DecideTreatment,
  FlagAcceptanceStale,
  IdentifyRisk,
  PlanTreatment,
  ReassignRiskOwner,
  ReviewRisk,
  ReviseRiskScenario,
  RiskCommand,
} from './commands.js';
import type { RiskEvent } from './events.js';
import type { RiskRecord, RiskState } from './risk-state.js';
import {
  acceptanceStatus,
  basisDigest,
  currentDigest,
  currentRating,
  digestOf,
  materialState,
  reliedOnControls,
  residualIsOutdated,
  riskStatus,
} from './risk-state.js';

/**
 * A risk (6.1.2 c–e, 6.1.3, 8.2, 8.3): a scenario (assets, a threat, a vulnerability) with an owner,
 * an org unit and an ISMS scope; rated before treatment (inherent), treated (modify, avoid, share,
 * retain) with a plan, rated after treatment (residual), accepted by whoever the acceptance
 * criteria name, reviewed at its due date, closed. An acceptance approves a digest of the exact
 * material state; a later material change marks it "needs re-approval" instead of blocking the
 * change or silently keeping an approval of something else.
 */
export const risk: Decider<RiskState, RiskCommand, RiskEvent> = {
  initialState: () => ({ kind: 'none' }),
  decide(command, state) {
    if (command.type === 'IdentifyRisk') return identify(command, state);
    const current = open(state, command.type);
    switch (command.type) {
      case 'ReviseRiskScenario':
        return reviseScenario(command, current);
      case 'ReassignRiskOwner':
        return reassignOwner(command, current);
      case 'ChangeRiskScope':
        return changeScope(command, current);
      case 'AssessInherentRisk':
        return assessInherent(command, current);
      case 'DecideTreatment':
        return decideTreatment(command, current);
      case 'PlanTreatment':
        return planTreatment(command, current);
      case 'CompleteTreatmentAction':
        return completeAction(command, current);
      case 'AssessResidualRisk':
        return assessResidual(command, current);
      case 'AcceptRisk':
        return accept(command, current);
      case 'FlagAcceptanceStale':
        return flagStale(command, current);
      case 'ReviewRisk':
        return review(command, current);
      case 'CloseRisk':
        return close(command, current);
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    if (event.type === T.RiskIdentified) {
      const { identifiedAt, ...data } = event.data;
      return { kind: 'risk', ...data, identifiedAt };
    }
    const r = record(state);
    switch (event.type) {
      case T.RiskScenarioRevised: {
        const { title, description, assetIds, threatCode, vulnerabilityCode } = event.data;
        return { ...r, title, description, assetIds, threatCode, vulnerabilityCode };
      }
      case T.RiskOwnerReassigned:
        return { ...r, ownerPersonId: event.data.ownerPersonId };
      case T.RiskScopeChanged:
        return { ...r, scopeId: event.data.scopeId };
      case T.InherentRiskAssessed: {
        const { rating, existingControls, existingControlRefs, rationale, assessedBy, assessedAt } =
          event.data;
        return {
          ...r,
          inherent: {
            rating,
            existingControls,
            existingControlRefs,
            rationale,
            assessedBy,
            assessedAt,
          },
          nextReviewDue: event.data.nextReviewDue,
        };
      }
      case T.RiskTreatmentDecided: {
        const { option, justification, decidedBy, decidedAt } = event.data;
        return { ...r, treatment: { option, justification, decidedBy, decidedAt } };
      }
      case T.RiskTreatmentPlanned: {
        const previous = new Map((r.plan?.actions ?? []).map((a) => [a.actionId, a]));
        return {
          ...r,
          plan: {
            version: event.data.planVersion,
            actions: event.data.actions.map((action) => {
              const before = previous.get(action.actionId);
              return before?.completedAt
                ? {
                    ...action,
                    completedAt: before.completedAt,
                    ...(before.completedBy ? { completedBy: before.completedBy } : {}),
                    ...(before.completionNote !== undefined
                      ? { completionNote: before.completionNote }
                      : {}),
                  }
                : action;
            }),
            linkedControls: event.data.linkedControls,
            plannedBy: event.data.plannedBy,
            plannedAt: event.data.plannedAt,
          },
        };
      }
      case T.TreatmentActionCompleted: {
        const plan = r.plan!;
        return {
          ...r,
          plan: {
            ...plan,
            actions: plan.actions.map((a) =>
              a.actionId === event.data.actionId
                ? {
                    ...a,
                    completedAt: event.data.completedAt,
                    completedBy: event.data.completedBy,
                    completionNote: event.data.note,
                  }
                : a,
            ),
          },
        };
      }
      case T.ResidualRiskAssessed: {
        const { rating, rationale, assessedBy, assessedAt } = event.data;
        return {
          ...r,
          residual: { rating, rationale, assessedBy, assessedAt, basis: basisDigest(r) ?? '' },
          nextReviewDue: event.data.nextReviewDue,
        };
      }
      case T.RiskAccepted: {
        const { acceptedBy, authority, residualLevel, withinAppetite, digest, reason, acceptedAt } =
          event.data;
        return {
          ...r,
          acceptance: {
            acceptedBy,
            authority,
            residualLevel,
            withinAppetite,
            digest,
            reason,
            acceptedAt,
          },
          nextReviewDue: event.data.nextReviewDue,
        };
      }
      case T.RiskAcceptanceMarkedStale:
        return r.acceptance
          ? {
              ...r,
              acceptance: {
                ...r.acceptance,
                staleCause: event.data.cause,
                staleAt: event.data.markedAt,
              },
            }
          : r;
      case T.RiskReviewed:
        return {
          ...r,
          lastReviewedAt: event.data.reviewedAt,
          nextReviewDue: event.data.nextReviewDue,
        };
      case T.RiskClosed: {
        const { reason, closedBy, closedAt } = event.data;
        return { ...r, closed: { reason, closedBy, closedAt } };
      }
      default:
        return assertNever(event, 'event');
    }
  },
};

// ─── Identification ─────────────────────────────────────────────────────────────────────────

function assertScenario(scenario: {
  title: string;
  assetIds: readonly string[];
  threatCode: string;
  vulnerabilityCode: string;
}): void {
  requireText(scenario.title, 'risk-needs-title', 'Give the risk a title that names the scenario.');
  if (scenario.assetIds.filter((id) => id.trim().length > 0).length === 0) {
    throw new DomainRuleViolation(
      'risk-needs-assets',
      'A risk concerns at least one asset of the inventory: link the assets exposed to the threat.',
    );
  }
  if (scenario.threatCode.trim().length === 0 || scenario.vulnerabilityCode.trim().length === 0) {
    throw new DomainRuleViolation(
      'risk-needs-threat-and-vulnerability',
      'A risk scenario names a threat and the vulnerability it exploits (codes from the catalogues).',
    );
  }
}

function identify(command: IdentifyRisk, state: RiskState): RiskEvent[] {
  if (state.kind !== 'none') {
    throw new DomainRuleViolation(
      'risk-already-identified',
      `Risk ${state.riskId} exists already; revise its scenario instead.`,
    );
  }
  assertScenario(command);
  requireText(
    command.ownerPersonId,
    'risk-needs-owner',
    'Every risk has an owner accountable for managing it (6.1.2 c 2).',
  );
  requireText(command.scopeId, 'risk-needs-scope', 'A risk belongs to an ISMS scope.');
  return [
    {
      type: T.RiskIdentified,
      data: {
        riskId: command.riskId,
        title: command.title.trim(),
        description: command.description.trim(),
        assetIds: unique(command.assetIds),
        threatCode: command.threatCode,
        vulnerabilityCode: command.vulnerabilityCode,
        ownerPersonId: command.ownerPersonId,
        orgUnitId: command.orgUnitId,
        scopeId: command.scopeId,
        identifiedAt: command.at,
      },
    },
  ];
}

function reviseScenario(command: ReviseRiskScenario, r: RiskRecord): RiskEvent[] {
  assertScenario(command);
  const revised = {
    title: command.title.trim(),
    description: command.description.trim(),
    assetIds: unique(command.assetIds),
    threatCode: command.threatCode,
    vulnerabilityCode: command.vulnerabilityCode,
  };
  const before = {
    title: r.title,
    description: r.description,
    assetIds: r.assetIds,
    threatCode: r.threatCode,
    vulnerabilityCode: r.vulnerabilityCode,
  };
  if (canonicalJson(revised) === canonicalJson(before)) return [];
  requireText(
    command.changeSummary,
    'revision-needs-summary',
    'Say what changed in the scenario and why, so the history explains it.',
  );
  return withStaleness(
    r,
    [
      {
        type: T.RiskScenarioRevised,
        data: { riskId: r.riskId, ...revised, changeSummary: command.changeSummary.trim() },
      },
    ],
    command.at,
    `Scenario revised: ${command.changeSummary.trim()}`,
  );
}

function reassignOwner(command: ReassignRiskOwner, r: RiskRecord): RiskEvent[] {
  requireText(command.ownerPersonId, 'risk-needs-owner', 'Name the new risk owner.');
  if (command.ownerPersonId === r.ownerPersonId) return [];
  requireText(
    command.reason,
    'reassignment-needs-reason',
    'Say why the risk changes owner (e.g. "moved to the new head of operations").',
  );
  return [
    {
      type: T.RiskOwnerReassigned,
      data: {
        riskId: r.riskId,
        previousOwnerPersonId: r.ownerPersonId,
        ownerPersonId: command.ownerPersonId,
        reason: command.reason.trim(),
      },
    },
  ];
}

function changeScope(command: ChangeRiskScope, r: RiskRecord): RiskEvent[] {
  requireText(command.scopeId, 'risk-needs-scope', 'Name the ISMS scope the risk moves to.');
  if (command.scopeId === r.scopeId) return [];
  requireText(
    command.reason,
    'scope-change-needs-reason',
    'Say why the risk moves to another ISMS scope.',
  );
  return withStaleness(
    r,
    [
      {
        type: T.RiskScopeChanged,
        data: {
          riskId: r.riskId,
          previousScopeId: r.scopeId,
          scopeId: command.scopeId,
          reason: command.reason.trim(),
        },
      },
    ],
    command.at,
    `Moved from scope ${r.scopeId} to ${command.scopeId}`,
  );
}

// ─── Assessment and treatment ───────────────────────────────────────────────────────────────

function assessInherent(command: AssessInherentRisk, r: RiskRecord): RiskEvent[] {
  const rating = rate(command.methodology, command.likelihood, command.impact);
  requireText(
    command.rationale,
    'rating-needs-rationale',
    'A rating is a judgement: say why this likelihood and impact (the evidence or reasoning).',
  );
  const reviewBasis = r.residual?.rating ?? rating;
  return withStaleness(
    r,
    [
      {
        type: T.InherentRiskAssessed,
        data: {
          riskId: r.riskId,
          rating,
          existingControls: command.existingControls.trim(),
          existingControlRefs: unique(command.existingControlRefs, controlKey),
          rationale: command.rationale.trim(),
          assessedBy: command.by,
          assessedAt: command.at,
          nextReviewDue: addDays(command.at, reviewBasis.reviewIntervalDays),
        },
      },
    ],
    command.at,
    `Inherent risk re-rated: likelihood ${rating.likelihood}, impact ${rating.impact} (${rating.levelLabel})`,
  );
}

function decideTreatment(command: DecideTreatment, r: RiskRecord): RiskEvent[] {
  if (!r.inherent) {
    throw new DomainRuleViolation(
      'treatment-needs-inherent-assessment',
      'Assess the inherent risk (likelihood and impact) before deciding how to treat it.',
    );
  }
  requireText(
    command.justification,
    'treatment-needs-justification',
    `Justify the decision to ${command.option} the risk (6.1.3 a).`,
  );
  return withStaleness(
    r,
    [
      {
        type: T.RiskTreatmentDecided,
        data: {
          riskId: r.riskId,
          option: command.option,
          justification: command.justification.trim(),
          decidedBy: command.by,
          decidedAt: command.at,
        },
      },
    ],
    command.at,
    `Treatment decided: ${command.option}`,
  );
}

const PLAN_NEEDS: Record<Exclude<TreatmentOption, 'retain'>, string> = {
  modify: 'links at least one control',
  share: 'has at least one action (e.g. the insurance or outsourcing contract)',
  avoid: 'has at least one action (e.g. ending the activity)',
};

function planTreatment(command: PlanTreatment, r: RiskRecord): RiskEvent[] {
  const option = r.treatment?.option;
  if (option === undefined) {
    throw new DomainRuleViolation(
      'plan-needs-treatment-decision',
      'Decide the treatment option (modify, avoid, share or retain) before planning it.',
    );
  }
  if (command.actions.length === 0 && command.linkedControls.length === 0) {
    throw new DomainRuleViolation(
      'plan-is-empty',
      'A treatment plan has actions or linked controls; a retained risk needs no plan.',
    );
  }
  if (option === 'modify' && command.linkedControls.length === 0) {
    throw new DomainRuleViolation(
      'modify-needs-linked-controls',
      'Modifying a risk means treating it with controls: link at least one control (Annex A or custom, by catalogue reference).',
    );
  }
  if ((option === 'share' || option === 'avoid') && command.actions.length === 0) {
    throw new DomainRuleViolation(
      'plan-needs-actions',
      `A plan to ${option} the risk ${PLAN_NEEDS[option]}.`,
    );
  }
  const previous = new Map((r.plan?.actions ?? []).map((a) => [a.actionId, a]));
  const ids = new Set<string>();
  for (const action of command.actions) {
    if (ids.has(action.actionId)) {
      throw new DomainRuleViolation(
        'action-ids-unique',
        `Two actions have the id ${action.actionId}; each action of a plan has its own id.`,
      );
    }
    ids.add(action.actionId);
    requireText(
      action.title,
      'action-needs-title-and-owner',
      'Every action says what is to be done.',
    );
    requireText(
      action.ownerPersonId,
      'action-needs-title-and-owner',
      `Action "${action.title}" needs an owner who carries it out.`,
    );
    if (!isCalendarDate(action.dueDate)) {
      throw new DomainRuleViolation(
        'action-due-date-invalid',
        `Action "${action.title}" is due on "${action.dueDate}", which is not a date; write YYYY-MM-DD.`,
      );
    }
    const unchangedDate = previous.get(action.actionId)?.dueDate === action.dueDate;
    if (!unchangedDate && action.dueDate < command.at.slice(0, 10)) {
      throw new DomainRuleViolation(
        'action-due-in-the-past',
        `Action "${action.title}" would be due on ${action.dueDate}, before today (${command.at.slice(0, 10)}); give a date from today on.`,
        { actionId: action.actionId },
      );
    }
  }
  return withStaleness(
    r,
    [
      {
        type: T.RiskTreatmentPlanned,
        data: {
          riskId: r.riskId,
          planVersion: (r.plan?.version ?? 0) + 1,
          option,
          actions: command.actions.map(({ actionId, title, ownerPersonId, dueDate }) => ({
            actionId,
            title: title.trim(),
            ownerPersonId,
            dueDate,
          })),
          linkedControls: unique(command.linkedControls, controlKey).map((c) => ({
            catalogueId: c.catalogueId,
            controlId: c.controlId,
          })),
          title: r.title,
          orgUnitId: r.orgUnitId,
          scopeId: r.scopeId,
          plannedBy: command.by,
          plannedAt: command.at,
        },
      },
    ],
    command.at,
    'Treatment plan changed',
  );
}

function completeAction(command: CompleteTreatmentAction, r: RiskRecord): RiskEvent[] {
  const action = r.plan?.actions.find((a) => a.actionId === command.actionId);
  if (!action) {
    throw new DomainRuleViolation(
      'action-unknown',
      `The treatment plan has no action ${command.actionId}.`,
    );
  }
  if (action.completedAt) {
    throw new DomainRuleViolation(
      'action-already-completed',
      `Action "${action.title}" was completed on ${action.completedAt}.`,
    );
  }
  return [
    {
      type: T.TreatmentActionCompleted,
      data: {
        riskId: r.riskId,
        actionId: action.actionId,
        note: command.note.trim(),
        completedBy: command.by,
        completedAt: command.at,
      },
    },
  ];
}

function assessResidual(command: AssessResidualRisk, r: RiskRecord): RiskEvent[] {
  const status = riskStatus(r);
  if (status === 'identified' || status === 'assessed') {
    throw new DomainRuleViolation(
      'residual-needs-treatment-decision',
      'The residual risk is what remains after treatment: assess the inherent risk and decide its treatment first.',
      { riskStatus: status },
    );
  }
  if (status === 'treatment-decided') {
    const option = r.treatment!.option as Exclude<TreatmentOption, 'retain'>;
    throw new DomainRuleViolation(
      'residual-needs-treatment-plan',
      `The "${option}" treatment has no plan that ${PLAN_NEEDS[option]}; plan the treatment before assessing the residual risk.`,
      { riskStatus: status },
    );
  }
  const rating = rate(command.methodology, command.likelihood, command.impact);
  requireText(
    command.rationale,
    'rating-needs-rationale',
    'A rating is a judgement: say why this likelihood and impact remain after treatment.',
  );
  assertNotAboveInherent(rating, r.inherent!.rating);
  return withStaleness(
    r,
    [
      {
        type: T.ResidualRiskAssessed,
        data: {
          riskId: r.riskId,
          rating,
          rationale: command.rationale.trim(),
          assessedBy: command.by,
          assessedAt: command.at,
          nextReviewDue: addDays(command.at, rating.reviewIntervalDays),
        },
      },
    ],
    command.at,
    `Residual risk re-rated: likelihood ${rating.likelihood}, impact ${rating.impact} (${rating.levelLabel})`,
  );
}

function assertNotAboveInherent(residual: RiskRating, inherent: RiskRating): void {
  const sameMethodology =
    canonicalJson(residual.methodology) === canonicalJson(inherent.methodology);
  const worse =
    residual.levelRank > inherent.levelRank ||
    (sameMethodology &&
      (residual.likelihood > inherent.likelihood || residual.impact > inherent.impact));
  if (worse) {
    throw new DomainRuleViolation(
      'residual-above-inherent',
      `Treatment does not make a risk worse: the residual rating (likelihood ${residual.likelihood}, impact ${residual.impact}, ${residual.levelLabel}) is above the inherent one (likelihood ${inherent.likelihood}, impact ${inherent.impact}, ${inherent.levelLabel}). If the situation got worse, re-assess the inherent risk first.`,
    );
  }
}

// ─── Acceptance (6.1.3 f) ───────────────────────────────────────────────────────────────────

const NOT_READY: Partial<Record<string, string>> = {
  identified:
    'The risk has not been assessed: assess the inherent risk, decide and plan its treatment, and assess the residual risk; then it can be accepted.',
  assessed:
    'Only a residual risk is accepted: decide and plan the treatment, then assess the residual risk before accepting it.',
  'treatment-decided':
    'The treatment has no plan yet: plan it and assess the residual risk before accepting it.',
  'treatment-planned': 'Assess the residual risk before accepting it.',
};

function accept(command: AcceptRisk, r: RiskRecord): RiskEvent[] {
  const status = riskStatus(r);
  if (status === 'treatment-planned' && residualIsOutdated(r)) {
    throw new DomainRuleViolation(
      'residual-assessment-outdated',
      'The residual assessment was made before the latest change to the risk (its ratings, treatment, controls or scope); re-assess the residual risk, then accept it.',
      { riskStatus: status },
    );
  }
  const notReady = NOT_READY[status];
  if (notReady) {
    throw new DomainRuleViolation('acceptance-needs-residual-assessment', notReady, {
      riskStatus: status,
    });
  }
  if (acceptanceStatus(r) === 'current') {
    throw new DomainRuleViolation(
      'risk-already-accepted',
      `The residual risk was accepted on ${r.acceptance!.acceptedAt} and that acceptance is still current.`,
    );
  }
  requireText(
    command.reason,
    'acceptance-needs-reason',
    'Accepting a residual risk is a decision: record why it is acceptable (6.1.3 f).',
  );
  const residual = r.residual!.rating;
  const authority = acceptanceAuthority(command.criteria, residual.level, r.ownerPersonId, {
    personId: command.by,
    roles: command.acceptorRoles,
  });
  if (!authority.allowed) {
    throw new DomainRuleViolation(authority.rule, authority.message, { level: residual.level });
  }
  const state = materialState(r)!;
  return [
    {
      type: T.RiskAccepted,
      data: {
        riskId: r.riskId,
        acceptedBy: command.by,
        authority: authority.authority,
        residualLevel: residual.level,
        residualLevelLabel: authority.level.label,
        withinAppetite: authority.withinAppetite,
        materialState: state,
        digest: digestOf(state),
        reason: command.reason.trim(),
        acceptedAt: command.at,
        nextReviewDue: addDays(command.at, authority.level.reviewIntervalDays),
      },
    },
  ];
}

/**
 * A material change keeps going through, and marks a current acceptance "needs re-approval" when
 * the risk it approved is no longer the risk as it is (the digests differ).
 */
function withStaleness(
  r: RiskRecord,
  events: RiskEvent[],
  at: string,
  summary: string,
): RiskEvent[] {
  if (acceptanceStatus(r) !== 'current') return events;
  const after = foldEvents(risk.evolve, r as RiskState, events) as RiskRecord;
  const digest = currentDigest(after);
  if (digest === r.acceptance!.digest) return events;
  return [
    ...events,
    {
      type: T.RiskAcceptanceMarkedStale,
      data: {
        riskId: r.riskId,
        acceptedDigest: r.acceptance!.digest,
        currentDigest: digest ?? '',
        cause: { kind: 'material-change', change: events[0]!.type, summary },
        markedAt: at,
      },
    },
  ];
}

function flagStale(command: FlagAcceptanceStale, r: RiskRecord): RiskEvent[] {
  if (r.closed || acceptanceStatus(r) !== 'current') return [];
  if (new Date(command.causeRecordedAt).getTime() <= new Date(r.acceptance!.acceptedAt).getTime()) {
    return []; // the acceptor decided knowing it
  }
  const { cause } = command;
  const applies =
    cause.kind === 'control-found-ineffective'
      ? reliedOnControls(r).some((c) => controlKey(c) === controlKey(cause.control))
      : cause.scopeId === r.scopeId;
  if (!applies) return [];
  return [
    {
      type: T.RiskAcceptanceMarkedStale,
      data: {
        riskId: r.riskId,
        acceptedDigest: r.acceptance!.digest,
        currentDigest: currentDigest(r) ?? '',
        cause,
        markedAt: command.at,
      },
    },
  ];
}

// ─── Review and closure (8.2) ───────────────────────────────────────────────────────────────

function review(command: ReviewRisk, r: RiskRecord): RiskEvent[] {
  const rating = currentRating(r);
  if (!rating) {
    throw new DomainRuleViolation(
      'review-needs-assessment',
      'A review looks at a rated risk: assess the inherent risk first.',
    );
  }
  requireText(
    command.notes,
    'review-needs-notes',
    'Record what the review found (e.g. "no change in exposure; controls tested in March").',
  );
  return [
    {
      type: T.RiskReviewed,
      data: {
        riskId: r.riskId,
        notes: command.notes.trim(),
        reviewedBy: command.by,
        reviewedAt: command.at,
        nextReviewDue: addDays(command.at, rating.reviewIntervalDays),
      },
    },
  ];
}

function close(command: CloseRisk, r: RiskRecord): RiskEvent[] {
  requireText(
    command.reason,
    'closing-needs-reason',
    'Say why the risk no longer needs managing (e.g. "the activity was ended", "the asset was retired").',
  );
  return [
    {
      type: T.RiskClosed,
      data: {
        riskId: r.riskId,
        reason: command.reason.trim(),
        closedBy: command.by,
        closedAt: command.at,
      },
    },
  ];
}

// ─── State guards ───────────────────────────────────────────────────────────────────────────

function record(state: RiskState): RiskRecord {
  if (state.kind === 'none') {
    throw new DomainRuleViolation('risk-unknown', 'This risk has not been identified.');
  }
  return state;
}

function open(state: RiskState, commandType: RiskCommand['type']): RiskRecord {
  const r = record(state);
  if (r.closed) {
    if (commandType === 'FlagAcceptanceStale') return r;
    throw new DomainRuleViolation(
      'risk-closed',
      `The risk was closed on ${r.closed.closedAt} ("${r.closed.reason}"); it is kept for history and cannot change. Identify a new risk if the scenario returns.`,
    );
  }
  return r;
}
