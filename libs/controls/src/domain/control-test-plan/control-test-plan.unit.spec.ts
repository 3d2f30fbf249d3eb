import { deciderSpec } from '@isms/event-sourcing/testing';
import { ControlsEventTypes as T } from '@isms/contracts';
import type { ScheduleControlTest } from './commands.js';
import { controlTestPlan } from './control-test-plan.js';
import type { ControlTestPlanEvent } from './events.js';

const spec = deciderSpec(controlTestPlan);
const where = {
  testPlanId: 'control-test-plan-1',
  scopeId: 'isms-scope-1',
  orgUnitId: 'ou-fr',
  catalogueId: 'iso27001-2022',
  controlId: '8.13',
};
const schedule: ScheduleControlTest = {
  type: 'ScheduleControlTest',
  ...where,
  applicability: 'applicable',
  frequency: 'quarterly',
  method: 're-performance',
  description: 'Restore a sample backup',
  testerPersonId: 'person-tester',
  firstDueOn: '2026-03-31',
  at: '2026-03-01T09:00:00.000Z',
};
const scheduled: ControlTestPlanEvent = {
  type: T.ControlTestPlanScheduled,
  data: {
    ...where,
    frequency: 'quarterly',
    method: 're-performance',
    description: 'Restore a sample backup',
    testerPersonId: 'person-tester',
    firstDueOn: '2026-03-31',
  },
};
const result = {
  type: 'RecordControlTestResult' as const,
  result: 'effective' as const,
  testedBy: 'person-tester',
  testedAt: '2026-03-30T14:00:00.000Z',
  notes: '',
  at: '2026-03-30T15:00:00.000Z',
};
const tested: ControlTestPlanEvent = {
  type: T.ControlTestResultRecorded,
  data: {
    ...where,
    result: 'effective',
    testedBy: 'person-tester',
    testedAt: '2026-03-30T14:00:00.000Z',
    notes: '',
    nextDueOn: '2026-06-30',
  },
};

describe('control effectiveness test plan (9.1)', () => {
  it('schedules tests of an applicable control: frequency, method, first due date', () => {
    spec.given([]).when(schedule).then([scheduled]);
    spec.given([scheduled]).when(schedule).thenRejects('test-plan-already-scheduled');
  });

  it('tests only controls the scope’s SoA says are applicable', () => {
    spec
      .given([])
      .when({ ...schedule, applicability: 'excluded' })
      .thenRejects('test-plan-needs-applicable-control', /excluded/);
    spec
      .given([])
      .when({ ...schedule, applicability: 'not-in-soa' })
      .thenRejects('test-plan-needs-applicable-control', /no line/);
  });

  it('describes the test and does not start in the past', () => {
    spec
      .given([])
      .when({ ...schedule, description: ' ' })
      .thenRejects('test-plan-needs-description');
    spec
      .given([])
      .when({ ...schedule, firstDueOn: '2026-02-28' })
      .thenRejects('first-test-not-in-past');
  });

  it('records a result and sets the next due date from the frequency', () => {
    spec.given([scheduled]).when(result).then([tested]);
  });

  it('needs notes for a partially effective or not effective result', () => {
    spec
      .given([scheduled])
      .when({ ...result, result: 'not-effective' })
      .thenRejects('ineffective-result-needs-notes', /not-effective/);
    spec
      .given([scheduled])
      .when({ ...result, result: 'partially-effective', notes: '  ' })
      .thenRejects('ineffective-result-needs-notes');
  });

  it('records no test before it happened', () => {
    spec
      .given([scheduled])
      .when({ ...result, testedAt: '2026-03-30T16:00:00.000Z' })
      .thenRejects('test-result-not-in-future');
  });

  it('records results in the order the tests were done', () => {
    spec
      .given([scheduled, tested])
      .when({ ...result, testedAt: '2026-03-29T10:00:00.000Z' })
      .thenRejects('test-results-in-order');
  });

  it('recomputes the next due date when the frequency is revised after a test', () => {
    spec
      .given([scheduled, tested])
      .when({
        type: 'ReviseControlTestPlan',
        frequency: 'monthly',
        method: 'inspection',
        description: 'Inspect restore logs',
      })
      .then([
        {
          type: T.ControlTestPlanRevised,
          data: {
            testPlanId: 'control-test-plan-1',
            frequency: 'monthly',
            method: 'inspection',
            description: 'Inspect restore logs',
            nextDueOn: '2026-04-30',
          },
        },
      ]);
  });

  it('is retired with a reason and then takes no results', () => {
    const retired: ControlTestPlanEvent = {
      type: T.ControlTestPlanRetired,
      data: { testPlanId: 'control-test-plan-1', reason: 'Control excluded', retiredBy: 'p' },
    };
    spec
      .given([scheduled])
      .when({ type: 'RetireControlTestPlan', reason: 'Control excluded', by: 'p' })
      .then([retired]);
    spec
      .given([scheduled])
      .when({ type: 'RetireControlTestPlan', reason: '', by: 'p' })
      .thenRejects('retirement-needs-reason');
    spec.given([scheduled, retired]).when(result).thenRejects('test-plan-retired');
    spec.given([]).when(result).thenRejects('test-plan-not-found');
  });
});
