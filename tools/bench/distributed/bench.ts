/**
 * Distributed benchmark (issue 9): governance, risk and reporting as separate processes on the
 * servers of tools/infra, fresh schemas/databases/topics per run (removed afterwards).
 *
 *   node --import @swc-node/register/esm-register tools/bench/distributed/bench.ts
 *   BENCH_RATE=20 BENCH_SECONDS=10 BENCH_PROPAGATION_SAMPLES=50 BENCH_CLIENTS=8 (defaults)
 *
 * Measures, over HTTP as a client sees it (node:http on kept-alive connections, see
 * ../kept-alive-client.ts):
 * - command latency of `POST /api/risk/risks` (identify a risk: append to PostgreSQL, project to
 *   FerretDB, answer after the service's own read model has it), closed loop (one client, as fast
 *   as it goes), open loop at BENCH_RATE commands/s, and saturated (BENCH_CLIENTS clients back
 *   to back for BENCH_SECONDS: the most commands/s the risk service answers);
 * - end-to-end propagation: from the risk service's answer to the group report of the reporting
 *   service counting the new risk (relay → Kafka → consumer → FerretDB → report), polled every 5 ms;
 * - read-model operations per command (deterministic, unlike latencies on a shared machine):
 *   rows written and index/table scans of this run's FerretDB collections, per command of the
 *   three load phases, from the statistics of the PostgreSQL database FerretDB keeps them in
 *   (`ferretdb` next to DATABASE_URL's, as tools/infra sets it up; BENCH_FERRETDB_DATABASE).
 */
import pg from 'pg';
import type { Reply, TestTopology } from '../../topology/src/e2e-support.js';
import { eventually, expectStatus, startTestTopology } from '../../topology/src/e2e-support.js';
import { KeptAliveClient } from '../kept-alive-client.js';
import { percentiles, r1 } from '../measures.js';

const RATE = Number(process.env['BENCH_RATE'] ?? 20);
const SECONDS = Number(process.env['BENCH_SECONDS'] ?? 10);
const SAMPLES = Number(process.env['BENCH_PROPAGATION_SAMPLES'] ?? 50);
const CLIENTS = Number(process.env['BENCH_CLIENTS'] ?? 8);

interface TableCounters {
  readonly writes: number;
  readonly scans: number;
}

/** Rows written and scans per FerretDB collection of the deployment (schema `<deployment>_<context>`). */
async function ferretCounters(
  databaseUrl: string,
  deployment: string,
): Promise<Map<string, TableCounters> | undefined> {
  const url = new URL(databaseUrl);
  url.pathname = `/${process.env['BENCH_FERRETDB_DATABASE'] ?? 'ferretdb'}`;
  const client = new pg.Client({ connectionString: url.toString() });
  try {
    await client.connect();
    const { rows } = await client.query<{ t: string; writes: string; scans: string }>(
      `SELECT schemaname || '.' || relname AS t, n_tup_ins + n_tup_upd + n_tup_del AS writes,
         coalesce(idx_scan, 0) + coalesce(seq_scan, 0) AS scans
       FROM pg_stat_user_tables WHERE schemaname LIKE $1`,
      [`${deployment}\\_%`],
    );
    return new Map(
      rows.map((r) => [r.t, { writes: Number(r.writes), scans: Number(r.scans) }] as const),
    );
  } catch {
    return undefined; // not FerretDB on that PostgreSQL: no figure
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** Per command, between two snapshots: writes and scans per context (the schema's suffix). */
function perCommand(
  before: Map<string, TableCounters>,
  after: Map<string, TableCounters>,
  deployment: string,
  commands: number,
) {
  const byContext: Record<string, { writes: number; scans: number }> = {};
  for (const [table, counters] of after) {
    const was = before.get(table) ?? { writes: 0, scans: 0 };
    const context = table.slice(deployment.length + 1).split('.')[0]!;
    const sum = (byContext[context] ??= { writes: 0, scans: 0 });
    sum.writes += counters.writes - was.writes;
    sum.scans += counters.scans - was.scans;
  }
  return Object.fromEntries(
    Object.entries(byContext).map(([context, { writes, scans }]) => [
      context,
      { writes: r1(writes / commands), scans: r1(scans / commands) },
    ]),
  );
}

async function main(): Promise<void> {
  const started = Date.now();
  const t: TestTopology = await startTestTopology([
    'governance-service',
    'risk-service',
    'reporting-service',
  ]);
  console.error(`topology up in ${Date.now() - started} ms (deployment ${t.deployment})`);
  const client = new KeptAliveClient();
  try {
    const tokens: Record<string, string> = { platform: await t.token(t.platformAdminId) };
    const ids: Record<string, string> = {};
    const created = async (reply: Promise<Reply>) => expectStatus(await reply, 201).body;
    const tenant = await created(
      t.call('governance-service', 'POST', '/api/tenants', tokens['platform'], {
        name: 'Bench Group',
        groupAdmin: { displayName: 'Admin', email: 'admin@bench.example' },
      }),
    );
    const tenantId = tenant['tenantId'] as string;
    ids['root'] = tenant['rootOrgUnitId'] as string;
    tokens['admin'] = await t.token(
      (tenant['groupAdmin'] as { personId: string }).personId,
      tenantId,
    );
    ids['fr'] = (
      await created(
        t.call('governance-service', 'POST', '/api/org-units', tokens['admin'], {
          parentId: ids['root'],
          kind: 'subsidiary',
          name: 'Bench France',
        }),
      )
    )['orgUnitId'] as string;
    for (const [key, role, unit] of [
      ['ciso', 'ciso', 'root'],
      ['isms', 'isms-manager', 'fr'],
    ] as const) {
      ids[key] = (
        await created(
          t.call('governance-service', 'POST', '/api/people', tokens['admin'], {
            displayName: key,
            email: `${key}@bench.example`,
            homeOrgUnitId: ids[unit],
          }),
        )
      )['personId'] as string;
      await created(
        t.call(
          'governance-service',
          'POST',
          `/api/people/${ids[key]}/role-bindings`,
          tokens['admin'],
          {
            role,
            orgUnitId: ids[unit],
          },
        ),
      );
      tokens[key] = await t.token(ids[key]!, tenantId);
    }
    ids['scope'] = (
      await created(
        t.call('governance-service', 'POST', '/api/scopes', tokens['admin'], {
          name: 'Bench scope',
          description: 'Everything',
          ownerOrgUnitId: ids['fr'],
          includedOrgUnitIds: [ids['fr']],
          locations: ['HQ'],
          exclusions: [],
          interfacesAndDependencies: [],
          internalIssues: [],
          externalIssues: [],
          interestedParties: [],
        }),
      )
    )['scopeId'] as string;
    const labels = (n: string[]) => n.map((label) => ({ label, description: label }));
    await eventually(async () => {
      expectStatus(
        await t.call(
          'risk-service',
          'PUT',
          `/api/risk/methodologies/${ids['root']}`,
          tokens['ciso'],
          {
            definition: {
              likelihoodScale: labels(['1', '2', '3']),
              impactScale: labels(['1', '2', '3']),
              levels: [
                {
                  id: 'low',
                  label: 'Low',
                  description: 'l',
                  acceptableBy: ['risk-owner'],
                  reviewIntervalDays: 365,
                },
                {
                  id: 'high',
                  label: 'High',
                  description: 'h',
                  acceptableBy: ['ciso'],
                  reviewIntervalDays: 90,
                },
              ],
              matrix: [
                ['low', 'low', 'high'],
                ['low', 'high', 'high'],
                ['high', 'high', 'high'],
              ],
            },
            reason: 'Bench methodology',
          },
        ),
        200,
      );
    });
    ids['asset'] = (
      await created(
        t.call('risk-service', 'POST', '/api/risk/assets', tokens['isms'], {
          name: 'CRM',
          description: 'Customer data',
          assetType: 'information',
          ownerPersonId: ids['isms'],
          orgUnitId: ids['fr'],
          classification: 'confidential',
          requirements: { confidentiality: 'high', integrity: 'high', availability: 'medium' },
        }),
      )
    )['assetId'] as string;
    // The measured requests go through the benchmarks' kept-alive node:http client (see
    // kept-alive-client.ts); the set-up above through the topology's.
    const riskUrl = t.services['risk-service']!.url;
    const reportingUrl = t.services['reporting-service']!.url;
    let n = 0;
    const identify = async () => {
      n += 1;
      const t0 = performance.now();
      const reply = await client.call(riskUrl, tokens['isms']!, 'POST', '/api/risk/risks', {
        title: `Bench risk ${n}`,
        assetIds: [ids['asset']],
        ownerPersonId: ids['isms'],
        orgUnitId: ids['fr'],
        scopeId: ids['scope'],
        threatCode: 'TH-07',
        vulnerabilityCode: 'VU-05',
      });
      expectStatus(reply, 201, 'identify');
      return performance.now() - t0;
    };
    for (let i = 0; i < 20; i++) await identify(); // warm-up

    // The open risks of the group report (propagation: risk service answer → counted there).
    const openRisks = async () =>
      (
        (
          await client.call(
            reportingUrl,
            tokens['ciso']!,
            'GET',
            `/api/reporting/consolidation?orgUnitId=${ids['fr']}`,
          )
        ).body['totals'] as { risks: { open: number } }
      ).risks.open;
    const caughtUp = () =>
      eventually(async () => {
        if ((await openRisks()) !== n) throw new Error('reporting not caught up yet');
      }, 120_000);
    await caughtUp();
    const countersBefore = await ferretCounters(t.env['DATABASE_URL']!, t.deployment);
    const loadStart = n;

    // Closed loop: one client, back to back.
    const closed: number[] = [];
    const closedStart = performance.now();
    for (let i = 0; i < 200; i++) closed.push(await identify());
    const closedRate = (200 / (performance.now() - closedStart)) * 1000;

    // Open loop at RATE commands/s: one command every 1000/RATE ms, whatever the answers do.
    const open: Promise<number>[] = [];
    const openStart = performance.now();
    for (let i = 0; i < RATE * SECONDS; i++) {
      const due = openStart + (i * 1000) / RATE;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      open.push(identify());
    }
    const openLatencies = await Promise.all(open);
    const openRate = (openLatencies.length / (performance.now() - openStart)) * 1000;

    // Saturated: CLIENTS clients back to back for SECONDS: the throughput ceiling.
    const saturated: number[] = [];
    const saturatedStart = performance.now();
    const saturatedEnd = saturatedStart + SECONDS * 1000;
    await Promise.all(
      Array.from({ length: CLIENTS }, async () => {
        while (performance.now() < saturatedEnd) saturated.push(await identify());
      }),
    );
    const saturatedRate = (saturated.length / (performance.now() - saturatedStart)) * 1000;
    const loadCommands = n - loadStart;
    // Let the consumers finish and the servers flush their statistics (about once a second).
    await caughtUp();
    await new Promise((r) => setTimeout(r, 1_500));
    const countersAfter = await ferretCounters(t.env['DATABASE_URL']!, t.deployment);

    await caughtUp();
    const propagation: number[] = [];
    for (let i = 0; i < SAMPLES; i++) {
      await identify();
      const answered = performance.now();
      for (;;) {
        if ((await openRisks()) === n) break;
        if (performance.now() - answered > 30_000) throw new Error('propagation took over 30 s');
        await new Promise((r) => setTimeout(r, 5));
      }
      propagation.push(performance.now() - answered);
    }
    const result = {
      machine: `${process.platform} ${process.arch}, node ${process.version}`,
      commandLatencyMs: {
        closedLoop: { ...percentiles(closed), commandsPerSecond: r1(closedRate) },
        openLoop: {
          targetRate: RATE,
          ...percentiles(openLatencies),
          commandsPerSecond: r1(openRate),
        },
        saturated: {
          clients: CLIENTS,
          ...percentiles(saturated),
          commandsPerSecond: r1(saturatedRate),
        },
      },
      propagationMs: percentiles(propagation),
      readModelOperationsPerCommand:
        countersBefore && countersAfter
          ? perCommand(countersBefore, countersAfter, t.deployment, loadCommands)
          : 'n/a (FerretDB statistics not reachable)',
      risksCreated: n,
    };
    console.log(JSON.stringify(result, null, 2));
  } finally {
    client.close();
    await t.close();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
