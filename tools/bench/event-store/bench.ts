/**
 * Event store benchmark: both adapters, the same workload, one markdown table.
 *
 *   npm run bench:event-store -- [--events 20000] [--rounds 3] [--concurrency 8]
 *                                [--adapters pglite,pglite-main,postgresql]
 *
 * Workloads (bounded; nothing runs longer than the event count allows):
 *   1. single-event appends spread over many streams (each append its own transaction),
 *   2. appends in batches of 10 events (one transaction per batch),
 *   3. reading the whole log back with readAll in batches of 5,000.
 * PostgreSQL: DATABASE_URL or postgres://isms:isms@127.0.0.1:5432/isms, in a throwaway database
 * (created and dropped here). Its fsync / synchronous_commit settings are printed with the
 * results: figures taken with fsync=off say nothing about durable throughput.
 * PGlite: a fresh directory under the OS temp dir, removed at the end; `pglite` runs it in its
 * worker thread as the platform does, `pglite-main` in the main thread (createEmbeddedEventStore's
 * `thread: 'main'`), to show what the thread costs or saves.
 * Each append workload runs --rounds times (new streams each round, the log growing); the
 * table gives the median and the best round, since other processes on a small machine make
 * single rounds noisy. readAll reads the whole log once per round, after the appends.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import type { EventMetadata, NewEvent } from '@isms/event-sourcing';
import type { SqlEventStore } from '@isms/event-store';
import { createEmbeddedEventStore, createPostgresEventStore } from '@isms/event-store';

const { values: args } = parseArgs({
  options: {
    events: { type: 'string', default: '20000' },
    rounds: { type: 'string', default: '3' },
    concurrency: { type: 'string', default: '8' },
    streams: { type: 'string', default: '1000' },
    adapters: { type: 'string', default: 'pglite,postgresql' },
  },
});
const EVENTS = Math.min(Math.max(Number(args.events), 100), 200_000);
const CONCURRENCY = Math.min(Math.max(Number(args.concurrency), 1), 64);
const STREAMS = Math.min(Math.max(Number(args.streams), CONCURRENCY), 100_000);
const ROUNDS = Math.min(Math.max(Number(args.rounds), 1), 10);
const BATCH = 10;

interface Row {
  adapter: string;
  workload: string;
  events: number;
  /** Events per second, one entry per round. */
  rates: number[];
}

const metadata: EventMetadata = {
  actor: { userId: 'user-0042', role: 'risk-owner', onBehalfOfOrgUnitId: 'ou-subsidiary-de' },
  reason: 'Residual risk within the appetite approved by the management review of 2026-01-15',
  correlationId: randomUUID(),
  occurredAt: '2026-02-01T09:30:00.000Z',
};

function riskEvent(i: number): NewEvent {
  return {
    type: 'RiskAssessed',
    data: {
      riskId: `risk-${i % STREAMS}`,
      likelihood: (i % 5) + 1,
      impact: ((i * 7) % 5) + 1,
      method: 'iso27005-5x5',
      assets: ['asset-erp', 'asset-file-servers'],
      note: 'Assessed during the quarterly risk workshop with the asset owners',
    },
    metadata,
  };
}

/**
 * Appends `total` events as `total / perAppend` appends, spread round-robin over STREAMS
 * streams, by CONCURRENCY workers; each worker owns a disjoint set of streams, so no append
 * conflicts and every one is counted.
 */
async function appendWorkload(
  store: SqlEventStore,
  tenantId: string,
  prefix: string,
  total: number,
  perAppend: number,
): Promise<number> {
  const appends = Math.floor(total / perAppend);
  const revisions = new Map<string, number>();
  let next = 0;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async (_, worker) => {
      for (;;) {
        const n = next++;
        if (n >= appends) return;
        // Stream s belongs to worker s % CONCURRENCY.
        const slot = Math.floor(n / CONCURRENCY);
        const streamsPerWorker = Math.max(1, Math.floor(STREAMS / CONCURRENCY));
        const streamId = `${prefix}-${(slot % streamsPerWorker) * CONCURRENCY + worker}`;
        const revision = revisions.get(streamId) ?? 0;
        const result = await store.append({
          tenantId,
          streamId,
          streamType: 'risk',
          expectedRevision: revision,
          events: Array.from({ length: perAppend }, (_, k) => riskEvent(n * perAppend + k)),
        });
        revisions.set(streamId, result.nextExpectedRevision);
      }
    }),
  );
  return (performance.now() - started) / 1000;
}

async function readAllWorkload(store: SqlEventStore): Promise<{ events: number; seconds: number }> {
  const started = performance.now();
  let after = 0;
  let events = 0;
  for (let guard = 0; guard < 1_000_000; guard++) {
    const batch = await store.readAll({ afterPosition: after, limit: 5000 });
    if (batch.length === 0) break;
    events += batch.length;
    after = batch[batch.length - 1]!.globalPosition;
  }
  return { events, seconds: (performance.now() - started) / 1000 };
}

async function runAdapter(
  name: string,
  store: SqlEventStore,
  rows: Row[],
  beforeReading: () => Promise<void> = async () => {},
): Promise<void> {
  const tenantId = `bench-${randomUUID().slice(0, 8)}`;
  // Warm-up (statement preparation, JIT), not counted.
  await appendWorkload(store, tenantId, 'warmup', Math.min(500, EVENTS), 1);

  const single: Row = {
    adapter: name,
    workload: 'append, 1 event per append',
    events: EVENTS,
    rates: [],
  };
  const batched: Row = {
    adapter: name,
    workload: `append, ${BATCH} events per append`,
    events: EVENTS,
    rates: [],
  };
  const read: Row = { adapter: name, workload: 'readAll, batches of 5,000', events: 0, rates: [] };
  for (let round = 1; round <= ROUNDS; round++) {
    single.rates.push(
      EVENTS / (await appendWorkload(store, tenantId, `single${round}`, EVENTS, 1)),
    );
    batched.rates.push(
      EVENTS / (await appendWorkload(store, tenantId, `batched${round}`, EVENTS, BATCH)),
    );
    await beforeReading();
    const all = await readAllWorkload(store);
    read.events = all.events;
    read.rates.push(all.events / all.seconds);
    process.stderr.write(`${name}: round ${round} of ${ROUNDS} done\n`);
  }
  rows.push(single, batched, read);
  const verification = await store.verifyAllStreams({ tenantId });
  if (verification.failures.length > 0) throw new Error(`${name}: hash chains do not verify`);
}

async function main(): Promise<void> {
  const adapters = args.adapters.split(',').map((a) => a.trim());
  const rows: Row[] = [];
  const notes: string[] = [];

  const pgliteThreads = [
    { adapter: 'pglite', thread: 'worker', label: 'PGlite (embedded, file-backed, own thread)' },
    {
      adapter: 'pglite-main',
      thread: 'main',
      label: 'PGlite (embedded, file-backed, main thread)',
    },
  ] as const;
  for (const { adapter, thread, label } of pgliteThreads) {
    if (!adapters.includes(adapter)) continue;
    const dataDir = mkdtempSync(join(tmpdir(), 'isms-bench-pglite-'));
    try {
      const store = await createEmbeddedEventStore({ dataDir, thread });
      try {
        await runAdapter(label, store, rows);
      } finally {
        await store.close();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  }
  if (pgliteThreads.some(({ adapter }) => adapters.includes(adapter))) {
    notes.push(
      'PGlite: commits are written to the file system before append returns (a killed process loses nothing); PGlite does not fsync, so a power loss can lose the last commits.',
    );
  }

  if (adapters.includes('postgresql')) {
    const serverUrl = process.env['DATABASE_URL'] ?? 'postgres://isms:isms@127.0.0.1:5432/isms';
    const database = `isms_bench_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
    const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
    try {
      await admin.connect();
    } catch (error) {
      throw new Error(
        `PostgreSQL is not reachable (${(error as Error).message}); run \`bash tools/infra/postgres.sh up\` or set DATABASE_URL`,
      );
    }
    const settings = await admin.query<{ fsync: string; sync: string; version: string }>(
      "SELECT current_setting('fsync') AS fsync, current_setting('synchronous_commit') AS sync, current_setting('server_version') AS version",
    );
    const { fsync, sync, version } = settings.rows[0]!;
    await admin.query(`CREATE DATABASE ${database}`);
    try {
      const url = new URL(serverUrl);
      url.pathname = `/${database}`;
      const store = await createPostgresEventStore({
        connectionString: url.toString(),
        maxConnections: CONCURRENCY,
      });
      try {
        // Autovacuum would refresh the planner's statistics a minute or so after this burst of
        // inserts; do it now so that the read is measured with the plan a running system has.
        await runAdapter(`PostgreSQL ${version}`, store, rows, async () => {
          const analyzer = new pg.Client({ connectionString: url.toString() });
          await analyzer.connect();
          await analyzer.query('ANALYZE isms_events');
          await analyzer.end();
        });
      } finally {
        await store.close();
      }
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
      await admin.end();
    }
    notes.push(
      `PostgreSQL ${version} on 127.0.0.1, fsync=${fsync}, synchronous_commit=${sync}` +
        (fsync === 'on' && sync !== 'off'
          ? ' (durable: each commit is flushed to disk).'
          : ' (NOT durable: these figures overstate what a durable configuration gives; start it with `PG_DURABLE=1 bash tools/infra/postgres.sh up` for durable figures).'),
    );
  }

  const cpu = cpus();
  console.log(`\n### Event store benchmark\n`);
  console.log(
    `Machine: ${cpu.length} cores, ${cpu[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; ` +
      `${EVENTS.toLocaleString('en')} events per append workload and round, ${CONCURRENCY} concurrent appenders over ${STREAMS.toLocaleString('en')} streams; readAll reads the whole log.\n`,
  );
  const rate = (n: number) => Math.round(n).toLocaleString('en');
  console.log(`| adapter | workload | events per round | events/s, median of ${ROUNDS} | best |`);
  console.log('|---|---|---:|---:|---:|');
  for (const row of rows) {
    const sorted = [...row.rates].sort((a, b) => a - b);
    const median = sorted[Math.floor((sorted.length - 1) / 2)]!;
    console.log(
      `| ${row.adapter} | ${row.workload} | ${row.events.toLocaleString('en')} | ${rate(median)} | ${rate(sorted.at(-1)!)} |`,
    );
  }
  console.log('');
  for (const note of notes) console.log(`- ${note}`);
}

await main();
