import { setFlagsFromString } from 'node:v8';
import type { INestApplication } from '@nestjs/common';
import type { EventStore } from '@isms/event-sourcing';
import { EVENT_STORE, ProjectionRegistry } from '@isms/platform-nest';

export interface HeapCompaction {
  readonly heapUsedBeforeBytes: number;
  readonly heapUsedAfterBytes: number;
  readonly pauseMs: number;
}

/**
 * Once the read models have caught up with the history at start, one full garbage collection.
 *
 * The rebuild replaces read-model documents millions of times and leaves gigabytes of garbage
 * behind (at ~1M events: a 4-6 GB heap for 1.5 GB of read models). Left alone, V8 collects it
 * while the platform serves its first requests: requests then pay for the marking, and the group
 * report took seconds. Collected at once, the pause (a second or two at that size) falls before
 * anyone asked for anything heavy. Only when Node runs with `--expose-gc` (as `npm start` does);
 * resolves undefined otherwise.
 *
 * This one collection compacts every page (V8's `--compact-on-every-full-gc`, set for it alone):
 * by its own heuristics V8 compacts a few, and the old generation stays riddled with the holes
 * of the replaced documents. Young-generation collections then promote into those holes, and
 * took longer for the same bytes (at ~1M events, 18-20 ms on average against 13-15 ms once
 * compacted, one traced run each), which is what the commands' p99 is made of. The compaction
 * itself costs about 1.5 s more (4 s at ~1M events).
 */
export async function compactHeapAfterRebuild(
  app: INestApplication,
  timeoutMs = 3_600_000,
  setV8Flags: (flags: string) => void = setFlagsFromString,
): Promise<HeapCompaction | undefined> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (typeof gc !== 'function') return undefined;
  const head = await app.get<EventStore>(EVENT_STORE).headPosition();
  await app.get(ProjectionRegistry).waitUntilCaughtUp(head, timeoutMs);
  const heapUsedBeforeBytes = process.memoryUsage().heapUsed;
  const started = performance.now();
  setV8Flags('--compact-on-every-full-gc');
  try {
    gc();
  } finally {
    setV8Flags('--no-compact-on-every-full-gc');
  }
  return {
    heapUsedBeforeBytes,
    heapUsedAfterBytes: process.memoryUsage().heapUsed,
    pauseMs: Math.round(performance.now() - started),
  };
}
