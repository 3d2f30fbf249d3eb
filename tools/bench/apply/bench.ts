/**
 * The read models' rebuild without the event store's read: every projection of the embedded
 * platform, on an in-memory read store, fed by the platform's own `ProjectionRunner` from the
 * seeded log held in memory. What a start-up costs the main thread (applying, and the runner's
 * dispatch), without PGlite's reading and decoding, HTTP or the app's start: a measure of apply
 * changes with less noise than `bench:scale`'s start-ups.
 *
 *   npm run bench:apply -- --data-dir /tmp/isms-scale-96k [--runs 3]
 *
 * The data set is copied first (PGlite writes to the directory it opens). Each run rebuilds
 * every read model from the first event on a new read store; the first run also warms the JIT.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { AUDIT_PROJECTIONS } from '@isms/audit';
import { CONTROLS_PROJECTIONS } from '@isms/controls';
import {
  InMemoryCheckpointStore,
  ProjectionRunner,
  systemClock,
  type EventStore,
  type Projection,
  type ReadAllOptions,
  type RecordedEvent,
} from '@isms/event-sourcing';
import { createEmbeddedEventStore } from '@isms/event-store';
import { GOVERNANCE_PROJECTIONS } from '@isms/governance';
import { InMemoryReadStore } from '@isms/read-store';
import { REPORTING_PROJECTIONS } from '@isms/reporting';
import { AcceptancePolicyCommands, RISK_PROJECTIONS, acceptancePolicyProjection } from '@isms/risk';
import { readWholeLog } from '../whole-log.js';

const { values: args } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    runs: { type: 'string', default: '3' },
  },
});
const RUNS = Math.min(Math.max(Number(args.runs), 1), 20);

/**
 * The store the runner reads: the log held in memory for `readAll` by position (and stream or
 * event types), everything else from the seeded store itself (the acceptance policy reads it).
 */
function heldLog(store: EventStore, log: readonly RecordedEvent[]): EventStore {
  const head = log.at(-1)?.globalPosition ?? 0;
  const served = new Set(['afterPosition', 'limit', 'streamTypes', 'eventTypes']);
  return new Proxy(store, {
    get(target, property, receiver) {
      if (property === 'headPosition') return async () => head;
      if (property === 'readAll') {
        return async (options: ReadAllOptions = {}) => {
          if (Object.keys(options).some((key) => !served.has(key))) return target.readAll(options);
          const after = options.afterPosition ?? 0;
          const limit = options.limit ?? 500;
          let lo = 0;
          let hi = log.length;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (log[mid]!.globalPosition <= after) lo = mid + 1;
            else hi = mid;
          }
          const batch: RecordedEvent[] = [];
          for (let i = lo; i < log.length && batch.length < limit; i++) {
            const event = log[i]!;
            if (options.streamTypes && !options.streamTypes.includes(event.streamType)) continue;
            if (options.eventTypes && !options.eventTypes.includes(event.type)) continue;
            batch.push(event);
          }
          return batch;
        };
      }
      const value: unknown = Reflect.get(target, property, receiver);
      return typeof value === 'function' ? (value as () => unknown).bind(target) : value;
    },
  });
}

async function main(): Promise<void> {
  if (!args['data-dir']) throw new Error('Say which seeded data directory: --data-dir <dir>');
  const copy = mkdtempSync(join(tmpdir(), 'isms-bench-apply-'));
  cpSync(join(resolve(args['data-dir']), 'event-store'), copy, { recursive: true });
  const store = await createEmbeddedEventStore({ dataDir: copy });
  try {
    const log: RecordedEvent[] = [];
    const read = await readWholeLog(store, (batch) => {
      for (const event of batch) log.push(event);
    });
    console.log(
      JSON.stringify({
        machine: `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB`,
        node: process.version,
        events: log.length,
        readSeconds: Math.round(read.seconds * 10) / 10,
      }),
    );
    const held = heldLog(store, log);
    const head = log.at(-1)?.globalPosition ?? 0;
    // With --expose-gc (as `npm run bench:apply` runs it): each run starts on a collected heap,
    // and the heap is read with the garbage of the run collected.
    const collect = (globalThis as { gc?: () => void }).gc ?? (() => undefined);
    for (let run = 1; run <= RUNS; run++) {
      collect();
      const readStore = new InMemoryReadStore();
      let flagged = 0;
      const policy = new AcceptancePolicyCommands(held, systemClock);
      const projections: Projection[] = [
        ...GOVERNANCE_PROJECTIONS,
        ...RISK_PROJECTIONS,
        ...Object.values(CONTROLS_PROJECTIONS),
        ...AUDIT_PROJECTIONS,
        ...REPORTING_PROJECTIONS,
      ].map((factory) => factory(readStore));
      projections.push(
        acceptancePolicyProjection(async (...flag) => {
          flagged += 1;
          await policy.flag(...flag);
        })(readStore),
      );
      const runner = new ProjectionRunner(
        { store: held, checkpoints: new InMemoryCheckpointStore() },
        projections,
      );
      const started = performance.now();
      await runner.start();
      await runner.waitUntilCaughtUp(head, 3_600_000);
      const seconds = (performance.now() - started) / 1000;
      await runner.stop();
      collect();
      const failed = (await runner.status()).filter((s) => s.state === 'failed');
      console.log(
        JSON.stringify({
          run,
          projections: projections.length,
          seconds: Math.round(seconds * 10) / 10,
          eventsPerSecond: Math.round(log.length / seconds),
          heapUsedMiB: Math.round(process.memoryUsage().heapUsed / 2 ** 20),
          acceptancePolicyFlags: flagged,
          failed: failed.map((s) => s.name),
        }),
      );
      await readStore.close();
    }
  } finally {
    await store.close();
    rmSync(copy, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
