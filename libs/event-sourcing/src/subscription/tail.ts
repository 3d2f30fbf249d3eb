import type { RecordedEvent } from '../envelope.js';
import type { EventStore } from '../event-store.js';

export interface TailOptions {
  /** Start after this global position (default 0: from the first event). */
  readonly afterPosition?: number;
  /** Events per readAll (default 500; the adapter may cap it lower). */
  readonly batchSize?: number;
  /**
   * When caught up, how long to wait for news before reading again (default 1000 ms). An append
   * through this process's store wakes the tailer at once; appends by other processes (other
   * service instances on the same PostgreSQL) are seen after at most this long.
   */
  readonly idleWaitMs?: number;
  /** Stops the tail: a pending wait ends at once, a pending read is dropped. */
  readonly signal?: AbortSignal;
  /** Only events of these stream types (filtered by the store). */
  readonly streamTypes?: readonly string[];
  /** Only events of this tenant (filtered by the store). */
  readonly tenantId?: string;
}

export interface TailBatch {
  /** The next events in global order (possibly none, when only the position moved). */
  readonly events: readonly RecordedEvent[];
  /**
   * Every event matching the filter at or below this position is in this batch or an earlier
   * one: a safe checkpoint once the batch is handled. It can be beyond the last event when the
   * store holds newer events the filter skips, so a filtered subscriber's lag still reaches 0.
   */
  readonly position: number;
  /** The batch reaches the head of the store as it was when it was read. */
  readonly caughtUp: boolean;
}

/**
 * Reads the event store from a position onwards, batch by batch (while catching up, the next
 * batch is read while the consumer handles one), and then keeps following it until the signal
 * aborts (or the consumer stops iterating). Yields only when there is news:
 * events, or a position moved by filtered-out events. Errors of the store are thrown to the
 * consumer, which decides whether to retry (the ProjectionRunner does).
 *
 * Relies on the EventStore guarantee that global positions are committed in increasing order
 * (the SQL adapters serialise appends), so reading `> position` never skips a late commit.
 */
export async function* tailEventStore(
  store: EventStore,
  options: TailOptions = {},
): AsyncGenerator<TailBatch, void, undefined> {
  const batchSize = options.batchSize ?? 500;
  const idleWaitMs = options.idleWaitMs ?? 1_000;
  const signal = options.signal;
  if (!Number.isInteger(batchSize) || batchSize < 1) {
    throw new RangeError(`batchSize must be an integer ≥ 1, got ${batchSize}`);
  }
  if (!(idleWaitMs > 0)) throw new RangeError(`idleWaitMs must be > 0, got ${idleWaitMs}`);

  let position = options.afterPosition ?? 0;
  let appended = false;
  let wake: (() => void) | undefined;
  const stopListening = store.onAppended(() => {
    appended = true;
    wake?.();
  });
  const read = async (after: number) => {
    appended = false; // an append from now on is news for the wait after this read
    // The head is read before the events: everything up to it is committed, so a read that
    // comes back short means nothing matching lies between the position and the head.
    const head = await store.headPosition();
    const events = await store.readAll({
      afterPosition: after,
      limit: batchSize,
      ...(options.streamTypes ? { streamTypes: options.streamTypes } : {}),
      ...(options.tenantId !== undefined ? { tenantId: options.tenantId } : {}),
    });
    return { head, events };
  };
  /** Catching up: the next batch, read while the consumer handles this one. */
  let ahead: ReturnType<typeof read> | undefined;
  try {
    while (!signal?.aborted) {
      const { head, events } = await (ahead ?? read(position));
      ahead = undefined;
      if (signal?.aborted) return;
      if (events.length > 0) {
        position = events[events.length - 1]!.globalPosition;
        if (position < head) {
          ahead = read(position);
          ahead.catch(() => undefined); // awaited next round, unless the consumer stops first
        }
        yield { events, position, caughtUp: position >= head };
        continue; // read on at once: only an empty read means there is nothing more
      }
      if (head > position) {
        position = head;
        yield { events: [], position, caughtUp: true };
      }
      if (appended || signal?.aborted) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(done, idleWaitMs);
        function done() {
          clearTimeout(timer);
          signal?.removeEventListener('abort', done);
          wake = undefined;
          resolve();
        }
        wake = done;
        signal?.addEventListener('abort', done, { once: true });
      });
    }
  } finally {
    stopListening();
  }
}
