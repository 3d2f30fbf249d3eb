import type { Decider } from '@isms/event-sourcing';
import { DomainRuleViolation, assertNever } from '@isms/event-sourcing';
import type { TestFrequency, TestMethod } from '@isms/contracts';
import { ControlsEventTypes as T, TEST_FREQUENCY_MONTHS } from '@isms/contracts';
import { addMonths, dateOf, instant, requireText } from '../rules.js';
import type {
  ControlTestPlanCommand,
  RecordControlTestResult,
  ReviseControlTestPlan,
  ScheduleControlTest,
} from './commands.js';
import type { ControlTestPlanEvent } from './events.js';

/**
 * How the effectiveness of one control implementation (a control in a scope) is tested (9.1):
 * how often, by which method, by whom; each result (effective, partially effective, not
 * effective) sets the next due date. A test not done by its due date is overdue.
 */
export type ControlTestPlanState =
  | { readonly status: 'none' }
  | {
      readonly status: 'active' | 'retired';
      readonly testPlanId: string;
      readonly scopeId: string;
      readonly orgUnitId: string;
      readonly catalogueId: string;
      readonly controlId: string;
      readonly frequency: TestFrequency;
      readonly method: TestMethod;
      readonly testerPersonId?: string;
      readonly nextDueOn: string;
      readonly lastTestedAt?: string;
    };

type Defined = Extract<ControlTestPlanState, { status: 'active' | 'retired' }>;

export const controlTestPlan: Decider<
  ControlTestPlanState,
  ControlTestPlanCommand,
  ControlTestPlanEvent
> = {
  initialState: () => ({ status: 'none' }),
  decide(command, state) {
    switch (command.type) {
      case 'ScheduleControlTest':
        return schedule(command, state);
      case 'ReviseControlTestPlan':
        return revise(command, active(state));
      case 'RecordControlTestResult':
        return record(command, active(state));
      case 'RetireControlTestPlan': {
        const s = active(state);
        requireText(command.reason, 'retirement-needs-reason', 'Say why the tests stop.');
        return [
          {
            type: T.ControlTestPlanRetired,
            data: {
              testPlanId: s.testPlanId,
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
      case T.ControlTestPlanScheduled: {
        const d = event.data;
        return {
          status: 'active',
          testPlanId: d.testPlanId,
          scopeId: d.scopeId,
          orgUnitId: d.orgUnitId,
          catalogueId: d.catalogueId,
          controlId: d.controlId,
          frequency: d.frequency,
          method: d.method,
          ...(d.testerPersonId ? { testerPersonId: d.testerPersonId } : {}),
          nextDueOn: d.firstDueOn,
        };
      }
      case T.ControlTestPlanRevised: {
        const s = defined(state);
        const { testerPersonId: _previous, ...rest } = s;
        return {
          ...rest,
          frequency: event.data.frequency,
          method: event.data.method,
          ...(event.data.testerPersonId ? { testerPersonId: event.data.testerPersonId } : {}),
          nextDueOn: event.data.nextDueOn,
        };
      }
      case T.ControlTestResultRecorded:
        return {
          ...defined(state),
          lastTestedAt: event.data.testedAt,
          nextDueOn: event.data.nextDueOn,
        };
      case T.ControlTestPlanRetired:
        return { ...defined(state), status: 'retired' };
      default:
        return assertNever(event, 'event');
    }
  },
};

function defined(state: ControlTestPlanState): Defined {
  if (state.status === 'none') {
    throw new DomainRuleViolation('test-plan-not-found', 'There is no such test plan.');
  }
  return state;
}

function active(state: ControlTestPlanState): Defined {
  const s = defined(state);
  if (s.status === 'retired') {
    throw new DomainRuleViolation(
      'test-plan-retired',
      `Test plan ${s.testPlanId} is retired; schedule a new one to test the control again.`,
    );
  }
  return s;
}

function schedule(
  command: ScheduleControlTest,
  state: ControlTestPlanState,
): ControlTestPlanEvent[] {
  if (state.status !== 'none') {
    throw new DomainRuleViolation(
      'test-plan-already-scheduled',
      `Test plan ${state.testPlanId} exists already; revise it instead.`,
    );
  }
  if (command.applicability !== 'applicable') {
    throw new DomainRuleViolation(
      'test-plan-needs-applicable-control',
      command.applicability === 'excluded'
        ? `${command.controlId} is excluded from the scope's SoA; only applicable controls are tested.`
        : `${command.controlId} has no line in the scope's SoA yet; record it as applicable first.`,
    );
  }
  requireText(
    command.description,
    'test-plan-needs-description',
    'Describe the test (what is checked, on which sample).',
  );
  if (dateOf(command.firstDueOn) < dateOf(command.at)) {
    throw new DomainRuleViolation(
      'first-test-not-in-past',
      `The first test cannot be due in the past (${command.firstDueOn}); choose ${dateOf(command.at)} or later.`,
    );
  }
  return [
    {
      type: T.ControlTestPlanScheduled,
      data: {
        testPlanId: command.testPlanId,
        scopeId: command.scopeId,
        orgUnitId: command.orgUnitId,
        catalogueId: command.catalogueId,
        controlId: command.controlId,
        frequency: command.frequency,
        method: command.method,
        description: command.description.trim(),
        ...(command.testerPersonId ? { testerPersonId: command.testerPersonId } : {}),
        firstDueOn: dateOf(command.firstDueOn),
      },
    },
  ];
}

function revise(command: ReviseControlTestPlan, s: Defined): ControlTestPlanEvent[] {
  requireText(command.description, 'test-plan-needs-description', 'Describe the test.');
  const nextDueOn = s.lastTestedAt
    ? addMonths(s.lastTestedAt, TEST_FREQUENCY_MONTHS[command.frequency])
    : s.nextDueOn;
  return [
    {
      type: T.ControlTestPlanRevised,
      data: {
        testPlanId: s.testPlanId,
        frequency: command.frequency,
        method: command.method,
        description: command.description.trim(),
        ...(command.testerPersonId ? { testerPersonId: command.testerPersonId } : {}),
        nextDueOn,
      },
    },
  ];
}

function record(command: RecordControlTestResult, s: Defined): ControlTestPlanEvent[] {
  if (instant(command.testedAt) > instant(command.at)) {
    throw new DomainRuleViolation(
      'test-result-not-in-future',
      `A test cannot be recorded before it happened (tested at ${command.testedAt}, now ${command.at}).`,
    );
  }
  if (s.lastTestedAt && instant(command.testedAt) <= instant(s.lastTestedAt)) {
    throw new DomainRuleViolation(
      'test-results-in-order',
      `A result tested at ${command.testedAt} is not newer than the last one (${s.lastTestedAt}); record results in the order the tests were done.`,
    );
  }
  if (command.result !== 'effective') {
    requireText(
      command.notes,
      'ineffective-result-needs-notes',
      `A ${command.result} result needs notes: what was found, so that it can be corrected.`,
    );
  }
  return [
    {
      type: T.ControlTestResultRecorded,
      data: {
        testPlanId: s.testPlanId,
        scopeId: s.scopeId,
        orgUnitId: s.orgUnitId,
        catalogueId: s.catalogueId,
        controlId: s.controlId,
        result: command.result,
        testedBy: command.testedBy,
        testedAt: new Date(command.testedAt).toISOString(),
        notes: command.notes.trim(),
        nextDueOn: addMonths(command.testedAt, TEST_FREQUENCY_MONTHS[s.frequency]),
      },
    },
  ];
}
