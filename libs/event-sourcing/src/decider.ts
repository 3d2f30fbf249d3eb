import type { DomainEvent } from './envelope.js';

/**
 * An aggregate as three plain functions (Emmett / Chassaing's decider pattern):
 * `decide` turns a command and the current state into new events or a typed rejection,
 * `evolve` folds one event into the state. No I/O, no clock, no framework.
 */
export interface Decider<TState, TCommand, TEvent extends DomainEvent> {
  readonly initialState: () => TState;
  readonly decide: (command: TCommand, state: TState) => readonly TEvent[];
  readonly evolve: (state: TState, event: TEvent) => TState;
}

export function foldEvents<TState, TEvent extends DomainEvent>(
  evolve: (state: TState, event: TEvent) => TState,
  initialState: TState,
  events: Iterable<TEvent>,
): TState {
  let state = initialState;
  for (const event of events) state = evolve(state, event);
  return state;
}

/**
 * A business rule said no. `rule` names the rule (machine readable), the message says what
 * was wrong and what would be right. Mapped to 409/422 problem+json in one place.
 */
export class DomainRuleViolation extends Error {
  constructor(
    readonly rule: string,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
    this.name = 'DomainRuleViolation';
  }
}

/** Exhaustiveness check for `switch (event.type)` in evolve functions. */
export function assertNever(value: never, what = 'value'): never {
  throw new Error(`Unexpected ${what}: ${JSON.stringify(value)}`);
}
