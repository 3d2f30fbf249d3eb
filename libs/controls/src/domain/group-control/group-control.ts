import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import { ControlsEventTypes as T, INCLUSION_REASONS } from '@isms/contracts';
import { requireControlIn, requireText } from '../rules.js';
import type {
  DefineGroupControl,
  GroupControlCommand,
  GroupControlContent,
  OrgUnitPath,
  RecordGroupControlDeviation,
  ReportGroupControlStatus,
  ReviseGroupControl,
  WithdrawGroupControlDeviation,
} from './commands.js';
import type { GroupControlEvent } from './events.js';

/**
 * A control implemented once at group level (e.g. the group's access control policy) and
 * inherited by the SoA of every scope of the tenant — referenced, not copied, so a revision
 * reaches every subsidiary. Each subsidiary reports its own implementation status; a local
 * deviation is a justified exception, decided with a reason.
 */
export type GroupControlState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'retired';
      readonly groupControlId: string;
      readonly orgUnitId: string;
      readonly revision: number;
      readonly content: GroupControlContent;
      /** org unit → reported status */
      readonly statuses: ReadonlyMap<string, { status: string; note?: string }>;
      /** org unit → deviation */
      readonly deviations: ReadonlyMap<string, string>;
    };

type Defined = Extract<GroupControlState, { status: 'active' | 'retired' }>;

export const groupControl: Decider<GroupControlState, GroupControlCommand, GroupControlEvent> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'DefineGroupControl':
        return define(command, state);
      case 'ReviseGroupControl':
        return revise(command, active(state));
      case 'ReportGroupControlStatus':
        return report(command, active(state));
      case 'RecordGroupControlDeviation':
        return deviate(command, active(state));
      case 'WithdrawGroupControlDeviation':
        return withdraw(command, active(state));
      case 'RetireGroupControl': {
        const s = active(state);
        requireText(
          command.reason,
          'retirement-needs-reason',
          'Say why the group control is retired; every inheriting SoA will need to answer the control itself.',
        );
        return [
          {
            type: T.GroupControlRetired,
            data: {
              groupControlId: s.groupControlId,
              reason: command.reason.trim(),
              retiredBy: command.by,
            },
          },
        ];
      }
      default:
        return assertNever(command, 'command');
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case T.GroupControlDefined: {
        const { groupControlId, orgUnitId, ...rest } = event.data;
        return {
          status: 'active',
          groupControlId,
          orgUnitId,
          revision: 1,
          content: contentOf(rest),
          statuses: new Map(),
          deviations: new Map(),
        };
      }
      case T.GroupControlRevised: {
        const s = defined(state);
        return { ...s, revision: event.data.revision, content: contentOf(event.data) };
      }
      case T.GroupControlStatusReported: {
        const s = defined(state);
        const statuses = new Map(s.statuses);
        statuses.set(event.data.orgUnitId, {
          status: event.data.implementationStatus,
          ...(event.data.note ? { note: event.data.note } : {}),
        });
        return { ...s, statuses };
      }
      case T.GroupControlDeviationRecorded: {
        const s = defined(state);
        const deviations = new Map(s.deviations);
        deviations.set(event.data.orgUnitId, event.data.deviation);
        return { ...s, deviations };
      }
      case T.GroupControlDeviationWithdrawn: {
        const s = defined(state);
        const deviations = new Map(s.deviations);
        deviations.delete(event.data.orgUnitId);
        return { ...s, deviations };
      }
      case T.GroupControlRetired:
        return { ...defined(state), status: 'retired' };
      default:
        return assertNever(event, 'event');
    }
  },
};

function contentOf(data: GroupControlContent): GroupControlContent {
  return {
    title: data.title,
    implementationDescription: data.implementationDescription,
    inclusionReasons: data.inclusionReasons,
    justification: data.justification,
    ownerPersonId: data.ownerPersonId,
    ...(data.policyDocumentId ? { policyDocumentId: data.policyDocumentId } : {}),
  };
}

function defined(state: GroupControlState): Defined {
  if (state.status === 'none') {
    throw new DomainRuleViolation('group-control-not-found', 'There is no such group control.');
  }
  return state;
}

function active(state: GroupControlState): Defined {
  const s = defined(state);
  if (s.status === 'retired') {
    throw new DomainRuleViolation(
      'group-control-retired',
      `Group control ${s.groupControlId} is retired; define a new one instead.`,
    );
  }
  return s;
}

function assertContent(content: GroupControlContent): GroupControlContent {
  requireText(content.title, 'group-control-needs-title', 'Give the group control a title.');
  requireText(
    content.implementationDescription,
    'group-control-needs-description',
    'Describe how the group implements the control, so that subsidiaries know what they inherit.',
  );
  requireText(
    content.justification,
    'soa-line-needs-justification',
    'Say why the control is included group-wide (the risk, law, contract or business need).',
  );
  if (content.inclusionReasons.length === 0) {
    throw new DomainRuleViolation(
      'applicable-control-needs-inclusion-reason',
      `Give at least one reason for the group control: ${INCLUSION_REASONS.join(', ')}.`,
    );
  }
  const reasons = new Set(content.inclusionReasons);
  return {
    ...contentOf(content),
    title: content.title.trim(),
    implementationDescription: content.implementationDescription.trim(),
    justification: content.justification.trim(),
    inclusionReasons: INCLUSION_REASONS.filter((r) => reasons.has(r)),
  };
}

function define(command: DefineGroupControl, state: GroupControlState): GroupControlEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation(
      'group-control-already-defined',
      `Group control ${state.groupControlId} exists already; revise it instead.`,
    );
  }
  if (command.orgUnitId !== command.groupRootOrgUnitId) {
    throw new DomainRuleViolation(
      'group-control-at-group-level',
      `A group control is defined at the group (org unit ${command.groupRootOrgUnitId}), so that every subsidiary inherits it; a subsidiary records its own SoA line instead.`,
    );
  }
  requireControlIn(command.catalogues, command.catalogueId, command.controlId);
  const content = assertContent(command);
  return [
    {
      type: T.GroupControlDefined,
      data: {
        groupControlId: command.groupControlId,
        orgUnitId: command.orgUnitId,
        catalogueId: command.catalogueId,
        controlId: command.controlId,
        ...content,
      },
    },
  ];
}

function revise(command: ReviseGroupControl, s: Defined): GroupControlEvent[] {
  requireText(
    command.changeSummary,
    'revision-needs-summary',
    'Summarise what changed: every inheriting SoA shows it and needs re-approval.',
  );
  const content = assertContent(command);
  return [
    {
      type: T.GroupControlRevised,
      data: {
        groupControlId: s.groupControlId,
        revision: s.revision + 1,
        ...content,
        changeSummary: command.changeSummary.trim(),
      },
    },
  ];
}

/** `orgUnitId` lies in the group control's subtree (the group itself included, unless `strictlyBelow`). */
function requireInherits(
  s: Defined,
  orgUnitId: string,
  path: OrgUnitPath,
  strictlyBelow: boolean,
): void {
  const inSubtree = path.includes(s.orgUnitId) && path.at(-1) === orgUnitId;
  if (!inSubtree || (strictlyBelow && orgUnitId === s.orgUnitId)) {
    throw new DomainRuleViolation(
      'org-unit-inherits-group-control',
      strictlyBelow
        ? `Org unit ${orgUnitId} cannot deviate from this group control: only units below ${s.orgUnitId} inherit it.`
        : `Org unit ${orgUnitId} does not inherit this group control: only ${s.orgUnitId} and the units below it report on it.`,
    );
  }
}

function report(command: ReportGroupControlStatus, s: Defined): GroupControlEvent[] {
  requireInherits(s, command.orgUnitId, command.orgUnitPath, false);
  if (command.implementationStatus === 'not-applicable') {
    throw new DomainRuleViolation(
      'inherited-control-is-applicable',
      'An inherited group control applies; to do something else locally, record a justified deviation.',
    );
  }
  const current = s.statuses.get(command.orgUnitId);
  const note = command.note?.trim() || undefined;
  if (current && current.status === command.implementationStatus && current.note === note) {
    return [];
  }
  return [
    {
      type: T.GroupControlStatusReported,
      data: {
        groupControlId: s.groupControlId,
        orgUnitId: command.orgUnitId,
        implementationStatus: command.implementationStatus,
        ...(note ? { note } : {}),
        reportedBy: command.by,
      },
    },
  ];
}

function deviate(command: RecordGroupControlDeviation, s: Defined): GroupControlEvent[] {
  requireInherits(s, command.orgUnitId, command.orgUnitPath, true);
  requireText(
    command.deviation,
    'deviation-needs-description',
    'Describe what the org unit does instead of the group control.',
  );
  requireText(
    command.reason,
    'deviation-needs-reason',
    'A local deviation is a justified exception: give the reason for it.',
  );
  return [
    {
      type: T.GroupControlDeviationRecorded,
      data: {
        groupControlId: s.groupControlId,
        orgUnitId: command.orgUnitId,
        deviation: command.deviation.trim(),
        reason: command.reason.trim(),
        decidedBy: command.by,
      },
    },
  ];
}

function withdraw(command: WithdrawGroupControlDeviation, s: Defined): GroupControlEvent[] {
  if (!s.deviations.has(command.orgUnitId)) {
    throw new DomainRuleViolation(
      'no-deviation-to-withdraw',
      `Org unit ${command.orgUnitId} has no deviation from this group control.`,
    );
  }
  requireText(command.reason, 'withdrawal-needs-reason', 'Say why the deviation ends.');
  return [
    {
      type: T.GroupControlDeviationWithdrawn,
      data: {
        groupControlId: s.groupControlId,
        orgUnitId: command.orgUnitId,
        reason: command.reason.trim(),
        withdrawnBy: command.by,
      },
    },
  ];
}
