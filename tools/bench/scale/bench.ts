/**
 * Scale benchmark of the embedded platform (issue 9) on a seeded data directory:
 *
 *   npm run seed -- --data-dir /tmp/isms-scale-1m            # ~1,000,000 events, once
 *   npm run bench:scale -- --data-dir /tmp/isms-scale-1m [--rate 200] [--seconds 30]
 *                          [--report-samples 30] [--asof-samples 5] [--copy]
 *                          [--settle-seconds 0] [--warmup-seconds 3] [--keep-snapshot]
 *                          [--skip read,report,commands,asof,decisions,rebuild,restart] [--cpu-prof]
 *                          [--node-flags=--trace-gc] [--platform-log platform.log]
 *                          [--commands-during-rebuild reporting-risks]
 *
 * The platform runs as it does with `npm start` (apps/platform/src/main.ts, from source, PGlite
 * event store, in-memory read models rebuilt at start) in a child process; this process drives
 * it over HTTP on loopback, as a client would. Measured:
 * 0. before the platform starts, the event store alone: the whole log read back with readAll in
 *    batches of 1,000 (as the start-up's shared feed reads it), events/s: what bounds any rebuild;
 * 1. start-up: spawn → HTTP listening → every projection caught up (the rebuild of all read
 *    models from the event store), the rebuild rate, and the platform's resident memory then;
 * 2. group consolidation report (`GET /api/reporting/consolidation`, whole group, as the group
 *    CISO), sequential requests: p50/p95/p99;
 * 3. command latency, open loop at --rate commands/s for --seconds: half identify a risk
 *    (`POST /api/risk/risks`), half assess the inherent risk of one identified earlier in the
 *    run; latency counts from the instant the command was due (not when it was sent), so a
 *    platform that falls behind shows it; the first --warmup-seconds (default 3) run the same
 *    way but are not counted; the platform's own figures for the counted ones (from /metrics:
 *    answered within 5-50 ms, longest event-loop stall, CPU per command, collections); with
 *    --commands-during-rebuild <read model>, that reporting read model's rebuild is started
 *    just before (and waited for after);
 * 4. SoA `asOf` reconstruction (`GET /api/scopes/{scopeId}/soa?asOf=…`) of one subsidiary at a
 *    past instant;
 * 4b. the decision log, as the group CISO: its first page and the next (50 decisions each,
 *    `GET /api/reporting/decisions`), --report-samples times; then the verification of the
 *    whole group's decision log (`GET /api/reporting/decisions/verification`): every stream
 *    holding a decision, its hash chain recomputed; seconds, events checked per second, and the
 *    slowest answer meanwhile to a /health poll every 100 ms;
 * 5. rebuild of each reporting read model on the running platform, one after the other
 *    (`POST /api/reporting/projections/{name}/rebuild`, as the group administrator, then its
 *    state polled every 100 ms until it is live again): seconds, events applied and applied per
 *    second (the store reads each one only the stream types it takes), and the slowest answer to
 *    a poll (how long the replay kept a request waiting);
 * 6. restart: the stop (the platform saves its read models, `<data-dir>/read-models.snapshot`),
 *    then a second start on the same directory, which restores them instead of rebuilding:
 *    spawn → listening → caught up, resident memory, and the group report again.
 * A snapshot already in the data directory is removed first, so the first start rebuilds
 * (with --keep-snapshot it is kept: the first start restores it, e.g. to measure commands on a
 * restarted platform; it is used only if the same code wrote it).
 * The commands append to the data directory: with --copy the bench works on a copy (made
 * first, removed at the end) so the seeded data set stays as it was.
 */
import {
  appendFileSync,
  cpSync,
  existsSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createEmbeddedEventStore } from '@isms/event-store';
import { DEFAULT_THREATS, DEFAULT_VULNERABILITIES } from '@isms/risk';
import type { SeedManifest } from '../../seed/src/generate.js';
import { manifestFile } from '../../seed/src/seed.js';
import { startPlatform } from '../../seed/src/platform-process.js';
import type { PlatformProcess } from '../../seed/src/platform-process.js';
import type { BenchReply } from '../kept-alive-client.js';
import { readWholeLog } from '../whole-log.js';
import { answeredWithin, percentiles, platformSpent, r1, series } from '../measures.js';
import { KeptAliveClient } from '../kept-alive-client.js';

const { values: args } = parseArgs({
  options: {
    'data-dir': { type: 'string' },
    rate: { type: 'string', default: '200' },
    seconds: { type: 'string', default: '30' },
    'report-samples': { type: 'string', default: '30' },
    'asof-samples': { type: 'string', default: '5' },
    'as-of': { type: 'string', default: '2025-06-30T23:59:59Z' },
    copy: { type: 'boolean', default: false },
    'keep-snapshot': { type: 'boolean', default: false },
    'cpu-prof': { type: 'boolean', default: false },
    skip: { type: 'string', default: '' },
    'settle-seconds': { type: 'string', default: '0' },
    'warmup-seconds': { type: 'string', default: '3' },
    'node-flags': { type: 'string', default: '' },
    'platform-log': { type: 'string' },
    'commands-during-rebuild': { type: 'string' },
  },
});
const RATE = Math.min(Math.max(Number(args.rate), 1), 2000);
const SECONDS = Math.min(Math.max(Number(args.seconds), 1), 600);
const REPORT_SAMPLES = Math.min(Math.max(Number(args['report-samples']), 1), 1000);
const ASOF_SAMPLES = Math.min(Math.max(Number(args['asof-samples']), 1), 100);
const SKIP = new Set(args.skip.split(',').filter(Boolean));
const platformLog = args['platform-log'] && resolve(args['platform-log']);
const WARMUP_SECONDS = Math.min(Math.max(Number(args['warmup-seconds']), 0), 60);
const SETTLE_SECONDS = Math.min(Math.max(Number(args['settle-seconds']), 0), 600);

/** One read model in `GET /api/reporting/projections`. */
interface ProjectionStatusReply {
  readonly name: string;
  readonly state: string;
  readonly checkpoint: number;
  readonly eventsApplied: number;
}

const client = new KeptAliveClient();

function call(
  platform: PlatformProcess,
  token: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<BenchReply> {
  return client.call(platform.baseUrl, token, method, path, body);
}

/** The platform's Prometheus text (public, as a scraper reads it). */
async function scrape(platform: PlatformProcess): Promise<string> {
  return (await fetch(`${platform.baseUrl}/metrics`)).text(); // twice a run: fetch is fine here
}

async function timed<T>(work: () => Promise<T>): Promise<{ ms: number; value: T }> {
  const started = performance.now();
  const value = await work();
  return { ms: performance.now() - started, value };
}

/** The whole log read back, as the platform's start-up reads it (PGlite in its own thread). */
async function readBackLog(directory: string) {
  const store = await createEmbeddedEventStore({ dataDir: directory });
  try {
    const { events, seconds } = await readWholeLog(store);
    return { events, seconds: r1(seconds), eventsPerSecond: Math.round(events / seconds) };
  } finally {
    await store.close();
  }
}

async function main(): Promise<void> {
  if (!args['data-dir']) throw new Error('Say which seeded data directory: --data-dir <dir>');
  const seeded = resolve(args['data-dir']);
  const manifest = JSON.parse(readFileSync(manifestFile(seeded), 'utf8')) as SeedManifest;
  let dataDir = seeded;
  if (args.copy) {
    dataDir = mkdtempSync(join(tmpdir(), 'isms-bench-scale-'));
    const copying = performance.now();
    cpSync(seeded, dataDir, { recursive: true });
    console.error(`copied the data set in ${((performance.now() - copying) / 1000).toFixed(1)} s`);
  }
  const results: Record<string, unknown> = {
    machine: `${cpus().length} cores (${cpus()[0]?.model ?? '?'}), ${Math.round(totalmem() / 2 ** 30)} GB`,
    node: process.version,
    dataSet: {
      events: manifest.events,
      risks: manifest.risks,
      subsidiaries: manifest.subsidiaries,
      sites: manifest.sites,
      scale: manifest.scale,
    },
  };
  const profDir = join(tmpdir(), 'isms-bench-scale-prof');
  const snapshotFile = join(dataDir, 'read-models.snapshot');
  if (existsSync(snapshotFile) && !args['keep-snapshot']) {
    console.error(`removing ${snapshotFile}: the first start is to rebuild the read models`);
    rmSync(snapshotFile);
  }
  if (!SKIP.has('read')) {
    results['readAll'] = await readBackLog(join(dataDir, 'event-store'));
    console.error(`readAll ${JSON.stringify(results['readAll'])}`);
  }
  const start = () =>
    startPlatform({
      dataDir,
      timeoutMs: 1_800_000,
      nodeFlags: [
        ...(args['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${profDir}`] : []),
        ...args['node-flags'].split(' ').filter(Boolean),
      ],
      log: (line) => {
        if (platformLog) appendFileSync(platformLog, line);
        if (/error|fail/i.test(line)) process.stderr.write(`[platform] ${line}`);
      },
    });
  let platform = await start();
  try {
    const head = manifest.events; // the platform appends its bootstrap administrator on top
    const rebuildSeconds = (platform.readyMs - platform.listeningMs) / 1000;
    results['startup'] = {
      listeningSeconds: r1(platform.listeningMs / 1000),
      readySeconds: r1(platform.readyMs / 1000),
      eventsPerSecondWholeStartup: Math.round(head / (platform.readyMs / 1000)),
      // The platform may start listening only once the projections have (nearly) caught up:
      // then there is no separate rebuild figure.
      ...(rebuildSeconds > 1
        ? {
            rebuildSecondsAfterListening: r1(rebuildSeconds),
            eventsPerSecondAfterListening: Math.round(head / rebuildSeconds),
          }
        : {}),
      rssMiBAfterRebuild: Math.round((await platform.rssBytes()) / 2 ** 20),
    };
    console.error(JSON.stringify(results['startup']));

    const cisoToken = await platform.token(manifest.tenantId, manifest.groupCisoPersonId);
    if (SETTLE_SECONDS > 0) {
      // Measure a platform that has been up a while, not one still collecting the rebuild's garbage.
      await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
      results['settleSeconds'] = SETTLE_SECONDS;
    }

    if (!SKIP.has('report')) {
      const latencies: number[] = [];
      for (let i = 0; i < REPORT_SAMPLES + 3; i++) {
        const { ms, value } = await timed(() =>
          call(platform, cisoToken, 'GET', '/api/reporting/consolidation'),
        );
        if (value.status !== 200)
          throw new Error(`consolidation: ${value.status} ${JSON.stringify(value.body)}`);
        if (i >= 3) latencies.push(ms); // three warm-up requests
      }
      results['groupReport'] = percentiles(latencies);
      console.error(`group report ${JSON.stringify(results['groupReport'])}`);
    }

    /** The group administrator's token (rebuilds are theirs), found as the CISO would. */
    const groupAdminToken = async () => {
      const people = await call(platform, cisoToken, 'GET', `/api/people?role=group-admin&limit=1`);
      const adminId = (people.body['items'] as { personId?: string }[] | undefined)?.[0]?.personId;
      if (people.status !== 200 || !adminId)
        throw new Error(`no group administrator: ${people.status} ${JSON.stringify(people.body)}`);
      return platform.token(manifest.tenantId, adminId);
    };
    const startRebuild = async (adminToken: string, name: string) => {
      const reply = await call(
        platform,
        adminToken,
        'POST',
        `/api/reporting/projections/${name}/rebuild?waitSeconds=0`,
      );
      if (reply.status !== 200 && reply.status !== 202)
        throw new Error(`rebuild ${name}: ${reply.status} ${JSON.stringify(reply.body)}`);
      return Number(reply.body['headPosition']);
    };
    const statusOf = async (adminToken: string, name: string) => {
      const reply = await call(platform, adminToken, 'GET', '/api/reporting/projections');
      if (reply.status !== 200) throw new Error(`projections: ${reply.status}`);
      const status = (reply.body as unknown as ProjectionStatusReply[]).find(
        (p) => p.name === name,
      );
      if (!status) throw new Error(`no reporting read model ${name}`);
      return status;
    };
    /**
     * Polls every `everyMs` until the rebuilt read model is live at `head`; also says how long
     * the platform kept a poll waiting while it replayed.
     */
    const untilRebuilt = async (
      adminToken: string,
      name: string,
      head: number,
      everyMs: number,
    ) => {
      let slowestPollMs = 0;
      const poll = async () => {
        const { ms, value } = await timed(() => statusOf(adminToken, name));
        slowestPollMs = Math.max(slowestPollMs, ms);
        return value;
      };
      let now = await poll();
      while (now.state !== 'live' || now.checkpoint < head) {
        if (now.state === 'failed') throw new Error(`rebuild ${name} failed`);
        await new Promise((ok) => setTimeout(ok, everyMs));
        now = await poll();
      }
      return { status: now, slowestPollMs };
    };

    if (!SKIP.has('commands')) {
      const duringRebuild = args['commands-during-rebuild'];
      const rebuildToken = duringRebuild ? await groupAdminToken() : undefined;
      const owners = await Promise.all(
        manifest.sample.map(async (s) => ({
          ...s,
          token: await platform.token(manifest.tenantId, s.riskOwnerPersonId),
        })),
      );
      const threat = DEFAULT_THREATS[0]!.code;
      const vulnerability = DEFAULT_VULNERABILITIES[0]!.code;
      const identified: { riskId: string; token: string; revision: string }[] = [];
      const byKind: Record<string, number[]> = { identify: [], assess: [] };
      /** Every answered command: when it was due (s into the run), its kind and latency. */
      const timeline: { atSecond: number; kind: string; ms: number }[] = [];
      const errors: Record<string, number> = {};
      // The first WARMUP_SECONDS run at the same rate but are not counted: the platform's first
      // commands compile their code paths (in a 96k-event run the slowest answers, up to 1 s,
      // were all due in the first second).
      const warmup = Math.round(RATE * WARMUP_SECONDS);
      let metricsBefore: string | undefined;
      const total = warmup + RATE * SECONDS;
      // An operator's rebuild running under the commands (it does not block them: they do not
      // wait for a read model being rebuilt, but its replay shares the main thread).
      const rebuildHead = duringRebuild ? await startRebuild(rebuildToken!, duringRebuild) : 0;
      const firstDue = performance.now() + 200;
      const started = firstDue + WARMUP_SECONDS * 1000;
      const inFlight: Promise<void>[] = [];
      let maxInFlight = 0;
      let running = 0;
      for (let i = 0; i < total; i++) {
        const due = firstDue + (i * 1000) / RATE;
        if (i === warmup) metricsBefore = await scrape(platform);
        const wait = due - performance.now();
        if (wait > 1) await new Promise((ok) => setTimeout(ok, wait));
        const owner = owners[i % owners.length]!;
        const target = i % 2 === 1 ? identified.shift() : undefined;
        const kind = target ? 'assess' : 'identify';
        running++;
        maxInFlight = Math.max(maxInFlight, running);
        inFlight.push(
          (async () => {
            const reply = await (
              target
                ? call(
                    platform,
                    target.token,
                    'POST',
                    `/api/risk/risks/${target.riskId}/inherent-assessment`,
                    {
                      likelihood: 1 + (i % 5),
                      impact: 1 + ((i * 3) % 5),
                      rationale: 'Benchmark assessment',
                    },
                  )
                : call(platform, owner.token, 'POST', '/api/risk/risks', {
                    title: `Benchmark risk ${i}`,
                    description: 'Identified by the scale benchmark',
                    assetIds: owner.assetIds.slice(0, 2),
                    threatCode: threat,
                    vulnerabilityCode: vulnerability,
                    ownerPersonId: owner.riskOwnerPersonId,
                    orgUnitId: owner.siteId,
                    scopeId: owner.scopeId,
                  })
            ).catch((error: unknown): { status: number; body: Record<string, unknown> } => ({
              status: 0,
              body: { title: `no answer: ${String((error as Error).cause ?? error)}` },
            }));
            const latency = performance.now() - due;
            running--;
            const answered = reply.status === 200 || reply.status === 201;
            if (answered && kind === 'identify') {
              identified.push({
                riskId: String(reply.body['riskId']),
                token: owner.token,
                revision: '1',
              });
            }
            if (i < warmup) return;
            if (!answered) {
              const key = `${kind} ${reply.status} ${String(reply.body['type'] ?? reply.body['title'] ?? '')}`;
              errors[key] = (errors[key] ?? 0) + 1;
              return;
            }
            byKind[kind]!.push(latency);
            timeline.push({ atSecond: r1((due - started) / 1000), kind, ms: r1(latency) });
          })(),
        );
      }
      await Promise.all(inFlight);
      const elapsed = (performance.now() - started) / 1000;
      // The platform's own view of the same commands (from the request's arrival to its answer,
      // without the client's or the network's share) and the longest stall of its event loop.
      const metricsAfter = await scrape(platform);
      const { answered, within } = answeredWithin(metricsBefore ?? '', metricsAfter, 'POST', [
        '0.005',
        '0.01',
        '0.02',
        '0.05',
      ]);
      const loopDelayMax = series(metricsAfter, 'isms_nodejs_eventloop_lag_max_seconds');
      const all = [...byKind['identify']!, ...byKind['assess']!];
      results['commands'] = {
        targetRate: RATE,
        warmupSeconds: WARMUP_SECONDS,
        achievedRate: r1(all.length / elapsed),
        seconds: r1(elapsed),
        all: percentiles(all),
        identify: percentiles(byKind['identify']!),
        assess: percentiles(byKind['assess']!),
        maxInFlight,
        errors,
        serverSide: {
          answered,
          within,
          ...(loopDelayMax !== undefined ? { eventLoopDelayMaxMs: r1(loopDelayMax * 1000) } : {}),
          ...platformSpent(metricsBefore ?? '', metricsAfter, answered),
        },
        // Where the tail comes from: the slowest answers and when they were due.
        slowest: timeline.sort((a, b) => b.ms - a.ms).slice(0, 8),
      };
      if (duringRebuild) {
        // Whether the replay lasted the whole command phase; then let it finish.
        const atEnd = await statusOf(rebuildToken!, duringRebuild);
        (results['commands'] as Record<string, unknown>)['duringRebuild'] = {
          name: duringRebuild,
          stateAtEnd: atEnd.state,
          checkpointAtEnd: atEnd.checkpoint,
        };
        await untilRebuilt(rebuildToken!, duringRebuild, rebuildHead, 500);
      }
      console.error(`commands ${JSON.stringify(results['commands'])}`);
      results['rssMiBAfterCommands'] = Math.round((await platform.rssBytes()) / 2 ** 20);
    }
    if (!SKIP.has('asof')) {
      const scope = manifest.scopes[0]!;
      const latencies: number[] = [];
      let lines = 0;
      for (let i = 0; i < ASOF_SAMPLES; i++) {
        const { ms, value } = await timed(() =>
          call(
            platform,
            cisoToken,
            'GET',
            `/api/scopes/${scope.scopeId}/soa?asOf=${encodeURIComponent(args['as-of'])}`,
          ),
        );
        if (value.status !== 200)
          throw new Error(`SoA asOf: ${value.status} ${JSON.stringify(value.body)}`);
        lines = Array.isArray(value.body['lines']) ? (value.body['lines'] as unknown[]).length : 0;
        latencies.push(ms);
      }
      results['soaAsOf'] = {
        scope: scope.name,
        asOf: args['as-of'],
        lines,
        ...percentiles(latencies),
      };
      console.error(`SoA asOf ${JSON.stringify(results['soaAsOf'])}`);
    }

    if (!SKIP.has('decisions')) {
      // The decision log as the group CISO reads it: its first page, then the next one.
      const firstPages: number[] = [];
      const nextPages: number[] = [];
      for (let i = 0; i < REPORT_SAMPLES + 1; i++) {
        const first = await timed(() =>
          call(platform, cisoToken, 'GET', '/api/reporting/decisions?limit=50'),
        );
        const cursor = first.value.body['nextCursor'];
        if (first.value.status !== 200 || typeof cursor !== 'string')
          throw new Error(
            `decision log: ${first.value.status} ${JSON.stringify(first.value.body)}`,
          );
        const next = await timed(() =>
          call(platform, cisoToken, 'GET', `/api/reporting/decisions?limit=50&cursor=${cursor}`),
        );
        if (next.value.status !== 200) throw new Error(`decision log page 2: ${next.value.status}`);
        if (i === 0) continue; // warm-up
        firstPages.push(first.ms);
        nextPages.push(next.ms);
      }
      results['decisionLogPages'] = {
        first: percentiles(firstPages),
        next: percentiles(nextPages),
      };
      console.error(`decision log pages ${JSON.stringify(results['decisionLogPages'])}`);

      // The certification auditor's question at group scale: was any decision altered? Every
      // stream holding a decision of the whole group is verified (hash chain and register),
      // while a second client polls /health to see how long the check holds other requests.
      let slowestOtherMs = 0;
      let verifying = true;
      const poller = (async () => {
        while (verifying) {
          const { ms } = await timed(() => call(platform, cisoToken, 'GET', '/health'));
          slowestOtherMs = Math.max(slowestOtherMs, ms);
          await new Promise((ok) => setTimeout(ok, 100));
        }
      })();
      const { ms, value } = await timed(() =>
        call(platform, cisoToken, 'GET', '/api/reporting/decisions/verification'),
      ).finally(() => (verifying = false));
      await poller;
      if (value.status !== 200 || value.body['allVerified'] !== true)
        throw new Error(`decision log verification: ${value.status} ${JSON.stringify(value.body)}`);
      const events = Number(value.body['eventsChecked']);
      results['verification'] = {
        seconds: r1(ms / 1000),
        decisions: value.body['decisions'],
        streamsChecked: value.body['streamsChecked'],
        eventsChecked: events,
        eventsPerSecond: Math.round(events / (ms / 1000)),
        slowestOtherAnswerMs: r1(slowestOtherMs),
      };
      console.error(`verification ${JSON.stringify(results['verification'])}`);
    }

    if (!SKIP.has('rebuild')) {
      const adminToken = await groupAdminToken();
      const names = await call(platform, adminToken, 'GET', '/api/reporting/projections');
      if (names.status !== 200) throw new Error(`projections: ${names.status}`);
      const rebuilt: Record<string, unknown>[] = [];
      for (const { name } of names.body as unknown as ProjectionStatusReply[]) {
        const started = performance.now();
        const head = await startRebuild(adminToken, name);
        // How long the platform kept a request waiting while it replayed (the polls' answers).
        const { status: now, slowestPollMs } = await untilRebuilt(adminToken, name, head, 100);
        const seconds = (performance.now() - started) / 1000;
        rebuilt.push({
          name,
          seconds: r1(seconds),
          eventsApplied: now.eventsApplied,
          // Of the read models that take thousands of events; a few events in a few ms say nothing.
          ...(now.eventsApplied >= 10_000
            ? { eventsAppliedPerSecond: Math.round(now.eventsApplied / seconds) }
            : {}),
          slowestPollMs: r1(slowestPollMs),
        });
        console.error(`rebuilt ${JSON.stringify(rebuilt.at(-1))}`);
      }
      results['rebuildEach'] = rebuilt;
    }

    if (!SKIP.has('restart')) {
      const stopped = await timed(() => platform.stop());
      platform = await start();
      const report: number[] = [];
      for (let i = 0; i < 13; i++) {
        const { ms, value } = await timed(() =>
          call(platform, cisoToken, 'GET', '/api/reporting/consolidation'),
        );
        if (value.status !== 200)
          throw new Error(`group report after the restart: ${value.status}`);
        if (i >= 3) report.push(ms);
      }
      results['restart'] = {
        stopSecondsSavingReadModels: r1(stopped.ms / 1000),
        snapshotMiB: Math.round(statSync(snapshotFile).size / 2 ** 20),
        listeningSeconds: r1(platform.listeningMs / 1000),
        readySeconds: r1(platform.readyMs / 1000),
        rssMiBAfterRestore: Math.round((await platform.rssBytes()) / 2 ** 20),
        groupReport: percentiles(report),
      };
      console.error(`restart ${JSON.stringify(results['restart'])}`);
    }
  } finally {
    client.close();
    await platform.stop();
    if (args.copy) rmSync(dataDir, { recursive: true, force: true });
  }
  process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
