import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import type { DocumentType, MandatoryDocumentType } from '@isms/contracts';
import { GovernanceEventTypes as T } from '@isms/contracts';
import { addMonths, instant, requireText } from '../rules.js';
import type {
  AddDocumentVersion,
  ApproveDocumentVersion,
  ChangeDocumentDetails,
  ControlledDocumentCommand,
  RegisterDocument,
  ReviewDocument,
  WithdrawDocument,
} from './commands.js';
import type { ControlledDocumentEvent } from './events.js';

/**
 * Documented information under control (7.5): a policy or other document with an owner,
 * numbered versions whose content is fixed by its SHA-256, approvals, and a review date. The
 * version in force is the latest approved one; a newer version waits in draft until approved.
 */
export interface DocumentVersionState {
  readonly version: number;
  readonly sha256: string;
  readonly approved: boolean;
}

export type ControlledDocumentState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'withdrawn';
      readonly documentId: string;
      readonly title: string;
      readonly documentType: DocumentType;
      readonly ownerPersonId: string;
      readonly orgUnitId: string;
      readonly mandatoryTypes: readonly MandatoryDocumentType[];
      readonly scopeIds: readonly string[];
      readonly reviewIntervalMonths: number;
      readonly versions: readonly DocumentVersionState[];
      readonly versionInForce?: number;
    };

type Registered = Extract<ControlledDocumentState, { status: 'active' | 'withdrawn' }>;

export const REVIEW_INTERVAL_MONTHS = { min: 1, max: 60 } as const;

export const controlledDocument: Decider<
  ControlledDocumentState,
  ControlledDocumentCommand,
  ControlledDocumentEvent
> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'RegisterDocument':
        return register(command, state);
      case 'ChangeDocumentDetails':
        return change(command, active(state));
      case 'AddDocumentVersion':
        return addVersion(command, active(state));
      case 'ApproveDocumentVersion':
        return approve(command, active(state));
      case 'ReviewDocument':
        return review(command, active(state));
      case 'WithdrawDocument':
        return withdraw(command, active(state));
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.DocumentRegistered:
        return { status: 'active', ...event.data, versions: [] };
      case T.DocumentDetailsChanged: {
        const { documentId: _id, ...changes } = event.data;
        return { ...registered(state), ...changes };
      }
      case T.DocumentVersionAdded: {
        const s = registered(state);
        const { version, sha256 } = event.data;
        return { ...s, versions: [...s.versions, { version, sha256, approved: false }] };
      }
      case T.DocumentVersionApproved: {
        const s = registered(state);
        return {
          ...s,
          versionInForce: event.data.version,
          versions: s.versions.map((v) =>
            v.version === event.data.version ? { ...v, approved: true } : v,
          ),
        };
      }
      case T.DocumentReviewed:
        return registered(state);
      case T.DocumentWithdrawn:
        return { ...registered(state), status: 'withdrawn' };
      default:
        return assertNever(event, 'event');
    }
  },
};

function register(
  command: RegisterDocument,
  state: ControlledDocumentState,
): ControlledDocumentEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation(
      'document-already-registered',
      `Document ${state.documentId} is already registered; add a version instead.`,
    );
  }
  const title = command.title.trim();
  requireText(title, 'document-title-required', 'A document needs a title.');
  assertReviewInterval(command.reviewIntervalMonths);
  return [
    {
      type: T.DocumentRegistered,
      data: {
        documentId: command.documentId,
        title,
        documentType: command.documentType,
        ownerPersonId: command.ownerPersonId,
        orgUnitId: command.orgUnitId,
        mandatoryTypes: unique(command.mandatoryTypes),
        scopeIds: unique(command.scopeIds),
        reviewIntervalMonths: command.reviewIntervalMonths,
      },
    },
  ];
}

function change(command: ChangeDocumentDetails, state: Registered): ControlledDocumentEvent[] {
  const changes: {
    title?: string;
    ownerPersonId?: string;
    mandatoryTypes?: readonly MandatoryDocumentType[];
    scopeIds?: readonly string[];
    reviewIntervalMonths?: number;
  } = {};
  if (command.title !== undefined) {
    const title = command.title.trim();
    requireText(title, 'document-title-required', 'A document needs a title.');
    if (title !== state.title) changes.title = title;
  }
  if (command.ownerPersonId !== undefined && command.ownerPersonId !== state.ownerPersonId) {
    changes.ownerPersonId = command.ownerPersonId;
  }
  if (command.mandatoryTypes && !sameSet(command.mandatoryTypes, state.mandatoryTypes)) {
    changes.mandatoryTypes = unique(command.mandatoryTypes);
  }
  if (command.scopeIds && !sameSet(command.scopeIds, state.scopeIds)) {
    changes.scopeIds = unique(command.scopeIds);
  }
  if (
    command.reviewIntervalMonths !== undefined &&
    command.reviewIntervalMonths !== state.reviewIntervalMonths
  ) {
    assertReviewInterval(command.reviewIntervalMonths);
    changes.reviewIntervalMonths = command.reviewIntervalMonths;
  }
  if (Object.keys(changes).length === 0) return [];
  return [{ type: T.DocumentDetailsChanged, data: { documentId: state.documentId, ...changes } }];
}

function addVersion(command: AddDocumentVersion, state: Registered): ControlledDocumentEvent[] {
  requireText(
    command.changeSummary,
    'version-needs-change-summary',
    'Say what the new version changes (e.g. "annual review: section 4 on remote work").',
  );
  if (!/^[0-9a-f]{64}$/.test(command.sha256)) {
    throw new DomainRuleViolation(
      'content-hash-required',
      'A version records the SHA-256 of its stored content (64 hex characters).',
    );
  }
  return [
    {
      type: T.DocumentVersionAdded,
      data: {
        documentId: state.documentId,
        version: (state.versions.at(-1)?.version ?? 0) + 1,
        fileName: command.fileName,
        contentType: command.contentType,
        size: command.size,
        sha256: command.sha256,
        changeSummary: command.changeSummary.trim(),
        addedBy: command.addedBy,
      },
    },
  ];
}

function approve(command: ApproveDocumentVersion, state: Registered): ControlledDocumentEvent[] {
  const version = state.versions.find((v) => v.version === command.version);
  if (!version) {
    throw new DomainRuleViolation(
      'version-unknown',
      `"${state.title}" has no version ${command.version}${
        state.versions.length ? ` (versions 1 to ${state.versions.length})` : ' yet: add one first'
      }.`,
    );
  }
  if (version.approved) {
    throw new DomainRuleViolation(
      'version-already-approved',
      `Version ${command.version} of "${state.title}" is already approved.`,
    );
  }
  if (state.versionInForce !== undefined && command.version < state.versionInForce) {
    throw new DomainRuleViolation(
      'version-superseded',
      `Version ${command.version} is older than version ${state.versionInForce}, which is in force; approve a newer version.`,
      { versionInForce: state.versionInForce },
    );
  }
  requireText(command.approvedBy, 'approval-needs-approver', 'An approval names who approved.');
  requireText(
    command.reason,
    'approval-needs-reason',
    'An approval carries its justification (e.g. "approved by the board on 2026-03-02").',
  );
  return [
    {
      type: T.DocumentVersionApproved,
      data: {
        documentId: state.documentId,
        version: command.version,
        approvedBy: command.approvedBy,
        approverRole: command.approverRole,
        reason: command.reason.trim(),
        approvedAt: command.at,
        nextReviewDue: nextReview(command.at, command.nextReviewDue, state.reviewIntervalMonths),
      },
    },
  ];
}

function review(command: ReviewDocument, state: Registered): ControlledDocumentEvent[] {
  if (state.versionInForce === undefined) {
    throw new DomainRuleViolation(
      'review-needs-approved-version',
      `"${state.title}" has no approved version to review; approve a version first.`,
    );
  }
  requireText(command.notes, 'review-needs-notes', 'Record what the review found.');
  return [
    {
      type: T.DocumentReviewed,
      data: {
        documentId: state.documentId,
        version: state.versionInForce,
        reviewedBy: command.reviewedBy,
        notes: command.notes.trim(),
        reviewedAt: command.at,
        nextReviewDue: nextReview(command.at, command.nextReviewDue, state.reviewIntervalMonths),
      },
    },
  ];
}

function withdraw(command: WithdrawDocument, state: Registered): ControlledDocumentEvent[] {
  requireText(command.reason, 'withdrawal-needs-reason', 'Say why the document is withdrawn.');
  return [
    {
      type: T.DocumentWithdrawn,
      data: {
        documentId: state.documentId,
        reason: command.reason.trim(),
        withdrawnAt: command.at,
      },
    },
  ];
}

function nextReview(at: string, requested: string | undefined, intervalMonths: number): string {
  if (requested === undefined) return addMonths(at, intervalMonths);
  if (instant(requested) <= instant(at.slice(0, 10))) {
    throw new DomainRuleViolation(
      'next-review-must-be-later',
      `The next review (${requested}) must come after ${at.slice(0, 10)}.`,
    );
  }
  return requested;
}

function assertReviewInterval(months: number): void {
  if (
    !Number.isInteger(months) ||
    months < REVIEW_INTERVAL_MONTHS.min ||
    months > REVIEW_INTERVAL_MONTHS.max
  ) {
    throw new DomainRuleViolation(
      'review-interval-out-of-range',
      `Review documents every ${REVIEW_INTERVAL_MONTHS.min} to ${REVIEW_INTERVAL_MONTHS.max} months (12 is usual), not ${months}.`,
    );
  }
}

function registered(state: ControlledDocumentState): Registered {
  if (state.status === 'none') {
    throw new DomainRuleViolation('document-unknown', 'This document is not registered.');
  }
  return state;
}

function active(state: ControlledDocumentState): Registered {
  const s = registered(state);
  if (s.status === 'withdrawn') {
    throw new DomainRuleViolation(
      'document-withdrawn',
      `"${s.title}" was withdrawn and is kept for history only; register a new document.`,
    );
  }
  return s;
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)];
}

function sameSet<T>(a: readonly T[], b: readonly T[]): boolean {
  const left = new Set(a);
  const right = new Set(b);
  return left.size === right.size && [...left].every((v) => right.has(v));
}
