import type { Decider } from './decider.js';
import { foldEvents } from './decider.js';
import type { DomainEvent, EventMetadata, StreamRef } from './envelope.js';
import { ConcurrencyConflictError } from './errors.js';
import type { AppendResult, EventStore } from './event-store.js';

export interface HandleCommandOptions {
  /** From If-Match: the revision the caller last saw. Without it the handler reloads and retries. */
  readonly expectedRevision?: number;
  /** Retries on a concurrency conflict when no expectedRevision was given. Default 3. */
  readonly retries?: number;
  readonly schemaVersion?: number;
}

export interface HandleCommandResult<TState> extends AppendResult {
  readonly state: TState;
}

/**
 * Load → decide → append with the expected revision. Retrying on a conflict belongs here,
 * not in the domain; a caller that sent If-Match gets the conflict instead of a retry.
 */
export async function handleCommand<TState, TCommand, TEvent extends DomainEvent>(
  store: EventStore,
  stream: StreamRef,
  decider: Decider<TState, TCommand, TEvent>,
  command: TCommand,
  metadata: EventMetadata,
  options: HandleCommandOptions = {},
): Promise<HandleCommandResult<TState>> {
  const attempts = options.expectedRevision === undefined ? (options.retries ?? 3) + 1 : 1;
  for (let attempt = 1; ; attempt++) {
    // Expected not to exist yet (an id just minted): nothing to read, and should the stream
    // exist after all, the append refuses it as a conflict, as it would any stale revision.
    const history = options.expectedRevision === 0 ? [] : await store.readStream(stream.streamId);
    const revision = history.length === 0 ? 0 : history[history.length - 1]!.streamRevision;
    if (options.expectedRevision !== undefined && options.expectedRevision !== revision) {
      throw new ConcurrencyConflictError(stream.streamId, options.expectedRevision, revision);
    }
    const state = foldEvents(
      decider.evolve,
      decider.initialState(),
      history as readonly DomainEvent[] as readonly TEvent[],
    );
    const decided = decider.decide(command, state);
    if (decided.length === 0) {
      return {
        state,
        nextExpectedRevision: revision,
        lastGlobalPosition: history.at(-1)?.globalPosition ?? 0,
        events: [],
      };
    }
    try {
      const result = await store.append({
        ...stream,
        expectedRevision: revision,
        events: decided.map((event) => ({
          type: event.type,
          data: event.data,
          schemaVersion: options.schemaVersion ?? 1,
          metadata,
        })),
      });
      return { ...result, state: foldEvents(decider.evolve, state, decided) };
    } catch (error) {
      if (error instanceof ConcurrencyConflictError && attempt < attempts) continue;
      throw error;
    }
  }
}
