import type { EventStore, RecordedEvent } from '@isms/event-sourcing';

/**
 * Reads the whole log back with `readAll` in batches of 1,000, as the platform's start-up feed
 * reads it, handing each batch to `visit`; resolves with the events read and the seconds taken.
 * Shared by `bench:scale` (its read phase) and `bench:apply` (which keeps the events).
 */
export async function readWholeLog(
  store: EventStore,
  visit: (batch: readonly RecordedEvent[]) => void = () => undefined,
): Promise<{ events: number; seconds: number }> {
  const started = performance.now();
  let events = 0;
  for (let after = 0; ;) {
    const batch = await store.readAll({ afterPosition: after, limit: 1_000 });
    if (batch.length === 0) break;
    visit(batch);
    events += batch.length;
    after = batch[batch.length - 1]!.globalPosition;
  }
  return { events, seconds: (performance.now() - started) / 1000 };
}
