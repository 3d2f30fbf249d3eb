import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import type { IsmsScopeDefinition } from '@isms/contracts';
import { GovernanceEventTypes as T } from '@isms/contracts';
import { requireText } from '../rules.js';
import type { ApproveScope, DraftScope, IsmsScopeCommand, ReviseScope } from './commands.js';
import type { IsmsScopeEvent } from './events.js';

/**
 * The ISMS scope (clause 4.3) with its context (4.1 issues, 4.2 interested parties): drafted,
 * approved by top management, revised into a new draft version, approved again. The approved
 * version stays in force while a revision is in draft.
 */
export type IsmsScopeState =
  | { readonly status: 'none' }
  | {
      readonly status: 'draft' | 'approved';
      readonly scopeId: string;
      readonly version: number;
      readonly definition: IsmsScopeDefinition;
      readonly approvedVersion?: number;
      readonly approvedDefinition?: IsmsScopeDefinition;
    };

type Defined = Extract<IsmsScopeState, { status: 'draft' | 'approved' }>;

export const ismsScope: Decider<IsmsScopeState, IsmsScopeCommand, IsmsScopeEvent> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'DraftScope':
        return draft(command, state);
      case 'ReviseScope':
        return revise(command, defined(state));
      case 'ApproveScope':
        return approve(command, defined(state));
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.IsmsScopeDrafted:
        return {
          status: 'draft',
          scopeId: event.data.scopeId,
          version: event.data.version,
          definition: event.data.definition,
        };
      case T.IsmsScopeRevised:
        return {
          ...defined(state),
          status: 'draft',
          version: event.data.version,
          definition: event.data.definition,
        };
      case T.IsmsScopeApproved: {
        const s = defined(state);
        return {
          ...s,
          status: 'approved',
          approvedVersion: event.data.version,
          approvedDefinition: s.definition,
        };
      }
      default:
        return assertNever(event, 'event');
    }
  },
};

function draft(command: DraftScope, state: IsmsScopeState): IsmsScopeEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation(
      'scope-already-drafted',
      `Scope ${state.scopeId} exists already; revise it instead.`,
    );
  }
  assertDefinition(command.definition);
  return [
    {
      type: T.IsmsScopeDrafted,
      data: { scopeId: command.scopeId, version: 1, definition: command.definition },
    },
  ];
}

function revise(command: ReviseScope, state: Defined): IsmsScopeEvent[] {
  assertDefinition(command.definition);
  if (command.definition.ownerOrgUnitId !== state.definition.ownerOrgUnitId) {
    throw new DomainRuleViolation(
      'scope-owner-cannot-change',
      'The org unit whose ISMS this is cannot change; draft a new scope for another unit.',
      { ownerOrgUnitId: state.definition.ownerOrgUnitId },
    );
  }
  requireText(
    command.changeSummary,
    'revision-needs-summary',
    'Summarise what the revision changes, so approvers and auditors can see it.',
  );
  return [
    {
      type: T.IsmsScopeRevised,
      data: {
        scopeId: state.scopeId,
        version: state.status === 'approved' ? state.version + 1 : state.version,
        definition: command.definition,
        changeSummary: command.changeSummary.trim(),
      },
    },
  ];
}

function approve(command: ApproveScope, state: Defined): IsmsScopeEvent[] {
  if (state.status === 'approved') {
    throw new DomainRuleViolation(
      'scope-already-approved',
      `Version ${state.version} of the scope is already approved; revise the scope to approve a new version.`,
      { approvedVersion: state.version },
    );
  }
  if (command.version !== undefined && command.version !== state.version) {
    throw new DomainRuleViolation(
      'approving-another-version',
      `You asked to approve version ${command.version}, but version ${state.version} is in draft; review version ${state.version} and approve that.`,
      { draftVersion: state.version },
    );
  }
  requireText(
    command.approvedBy,
    'approval-needs-approver',
    'An approval names the member of top management who approved.',
  );
  requireText(
    command.reason,
    'approval-needs-reason',
    'An approval carries its justification (e.g. "reviewed in the management meeting of 2026-03-02").',
  );
  return [
    {
      type: T.IsmsScopeApproved,
      data: {
        scopeId: state.scopeId,
        version: state.version,
        approvedBy: command.approvedBy,
        approverRole: command.approverRole,
        reason: command.reason.trim(),
        approvedAt: command.at,
      },
    },
  ];
}

function assertDefinition(definition: IsmsScopeDefinition): void {
  requireText(definition.name, 'scope-name-required', 'A scope needs a name.');
  if (definition.includedOrgUnitIds.length === 0) {
    throw new DomainRuleViolation(
      'scope-needs-org-units',
      'A scope includes at least one org unit (each with its subtree).',
    );
  }
  definition.exclusions.forEach((exclusion, index) => {
    if (exclusion.justification.trim().length === 0) {
      throw new DomainRuleViolation(
        'exclusion-needs-justification',
        `Exclusion ${index + 1} ("${exclusion.description}") has no justification; clause 4.3 asks why something is left out.`,
        { index },
      );
    }
    if (
      exclusion.orgUnitId !== undefined &&
      definition.includedOrgUnitIds.includes(exclusion.orgUnitId)
    ) {
      throw new DomainRuleViolation(
        'unit-both-included-and-excluded',
        `Org unit ${exclusion.orgUnitId} is both included and excluded; include its parent and exclude it, or drop one of the two.`,
        { orgUnitId: exclusion.orgUnitId },
      );
    }
  });
}

function defined(state: IsmsScopeState): Defined {
  if (state.status === 'none') {
    throw new DomainRuleViolation('scope-unknown', 'This ISMS scope has not been drafted.');
  }
  return state;
}
