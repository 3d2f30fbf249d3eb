import type { Decider } from '../decider.js';
import { DomainRuleViolation, foldEvents } from '../decider.js';
import type { DomainEvent } from '../envelope.js';

/**
 * Specification-style decider tests:
 *   spec.given([...events]).when(command).then([...events])
 *   spec.given([...events]).when(command).thenRejects('rule-name')
 */
export function deciderSpec<TState, TCommand, TEvent extends DomainEvent>(
  decider: Decider<TState, TCommand, TEvent>,
) {
  return {
    given(events: readonly TEvent[]) {
      return {
        when(command: TCommand) {
          const run = () =>
            decider.decide(command, foldEvents(decider.evolve, decider.initialState(), events));
          return {
            then(expected: readonly TEvent[]): void {
              expect(run()).toEqual(expected);
            },
            thenRejects(rule: string, messagePattern?: RegExp): DomainRuleViolation {
              let caught: unknown;
              try {
                run();
              } catch (error) {
                caught = error;
              }
              expect(caught).toBeInstanceOf(DomainRuleViolation);
              const violation = caught as DomainRuleViolation;
              expect(violation.rule).toBe(rule);
              if (messagePattern) expect(violation.message).toMatch(messagePattern);
              return violation;
            },
          };
        },
      };
    },
    /** The state the given events fold into, for assertions on evolve alone. */
    stateAfter(events: readonly TEvent[]): TState {
      return foldEvents(decider.evolve, decider.initialState(), events);
    },
  };
}
