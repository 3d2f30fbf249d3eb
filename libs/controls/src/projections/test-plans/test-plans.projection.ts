import type { Projection } from '@isms/event-sourcing';
import type { ReadStore } from '@isms/read-store';
import { ControlsEventTypes as T, ControlsStreamTypes, controlKey } from '@isms/contracts';
import { controlsEvent, projectOne } from '../project.js';
import type { TestPlanView } from '../read-models.js';
import { Collections } from '../read-models.js';

export const TEST_PLANS_PROJECTION = 'controls-test-plans';

/** Test plans with their next due date (for overdue queries) and their results. */
export function testPlansProjection(readStore: ReadStore): Projection {
  const plans = readStore.collection<TestPlanView>(Collections.TestPlans);
  return {
    name: TEST_PLANS_PROJECTION,
    handles: {
      streamTypes: [ControlsStreamTypes.ControlTestPlan],
      // Exactly the types apply reacts to (the switch below); no other event reaches it.
      eventTypes: [
        T.ControlTestPlanScheduled,
        T.ControlTestPlanRevised,
        T.ControlTestResultRecorded,
        T.ControlTestPlanRetired,
      ],
    },
    async apply(recorded) {
      const event = controlsEvent(recorded);
      if (!event) return;
      const at = event.recordedAt;
      switch (event.type) {
        case T.ControlTestPlanScheduled: {
          const { firstDueOn, ...data } = event.data;
          return projectOne(plans, data.testPlanId, event, () => ({
            tenantId: event.tenantId,
            ...data,
            controlKey: controlKey(data),
            status: 'active' as const,
            nextDueOn: firstDueOn,
            results: [],
            scheduledAt: at,
            updatedAt: at,
          }));
        }
        case T.ControlTestPlanRevised:
          return projectOne(plans, event.data.testPlanId, event, (current) => {
            if (!current) return undefined;
            const { testerPersonId: _t, ...rest } = current;
            return { ...rest, ...event.data, updatedAt: at };
          });
        case T.ControlTestResultRecorded:
          return projectOne(plans, event.data.testPlanId, event, (current) => {
            if (!current) return undefined;
            const entry = {
              result: event.data.result,
              testedBy: event.data.testedBy,
              testedAt: event.data.testedAt,
              notes: event.data.notes,
            };
            return {
              ...current,
              nextDueOn: event.data.nextDueOn,
              lastResult: entry,
              results: [...current.results, entry],
              updatedAt: at,
            };
          });
        case T.ControlTestPlanRetired:
          return projectOne(plans, event.data.testPlanId, event, (current) =>
            current ? { ...current, status: 'retired' as const, updatedAt: at } : undefined,
          );
        default:
          return;
      }
    },
    reset: () => plans.drop(),
  };
}
