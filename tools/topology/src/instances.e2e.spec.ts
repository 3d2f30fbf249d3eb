import { jest } from '@jest/globals';
import pg from 'pg';
import type { Reply, TestTopology } from './e2e-support.js';
import { eventually, expectStatus, startTestTopology } from './e2e-support.js';
import type { RunningServiceProcess } from './topology.js';

/**
 * Two instances of one write service (the risk service) in one deployment: same PostgreSQL
 * schema (events and projection checkpoints), same MongoDB database (read models). Commands are
 * spread over both, in concurrent bursts. Checked, on real processes:
 * - each command's answer shows its write, on the instance that answered and on the other one;
 * - the read models converge exactly (both instances list the same risks, each as last rated);
 * - one instance applies each event of its store's projections, the other follows the shared
 *   checkpoint (each event applied once, not once per instance);
 * - no checkpoint row ever goes backwards (watched every 20 ms);
 * - SIGKILL of the instance applying the projections: the other takes over and carries on.
 */
jest.setTimeout(180_000);

const labels = (names: string[]) => names.map((label) => ({ label, description: label }));
const methodology = {
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
    { id: 'high', label: 'High', description: 'h', acceptableBy: ['ciso'], reviewIntervalDays: 90 },
  ],
  matrix: [
    ['low', 'low', 'high'],
    ['low', 'high', 'high'],
    ['high', 'high', 'high'],
  ],
};

/** Polls the checkpoint rows of a schema and remembers every position that went backwards. */
class CheckpointWatch {
  readonly regressions: { subscriber: string; from: number; to: number }[] = [];
  readonly last = new Map<string, number>();
  private timer?: NodeJS.Timeout;
  private polling?: Promise<void>;

  private constructor(
    private readonly client: pg.Client,
    private readonly schema: string,
  ) {}

  static async start(databaseUrl: string, schema: string): Promise<CheckpointWatch> {
    const client = new pg.Client({ connectionString: databaseUrl });
    await client.connect();
    const watch = new CheckpointWatch(client, schema);
    await watch.poll();
    watch.timer = setInterval(() => {
      watch.polling ??= watch.poll().finally(() => (watch.polling = undefined));
    }, 20);
    return watch;
  }

  async poll(): Promise<void> {
    const { rows } = await this.client.query<{ subscriber_id: string; position: string }>(
      `SELECT subscriber_id, position FROM ${this.schema}.isms_checkpoints`,
    );
    for (const row of rows) {
      const position = Number(row.position);
      const before = this.last.get(row.subscriber_id);
      if (before !== undefined && position < before) {
        this.regressions.push({ subscriber: row.subscriber_id, from: before, to: position });
      }
      this.last.set(row.subscriber_id, position);
    }
  }

  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.polling;
    await this.client.end();
  }
}

describe('two instances of the risk service: one applies, both answer with their writes', () => {
  let t: TestTopology;
  let first: RunningServiceProcess;
  let second: RunningServiceProcess;
  let watch: CheckpointWatch;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  /** riskId → the likelihood it was last rated with. */
  const expected = new Map<string, number>();
  const timings: Record<string, number> = {};
  /** How long each identify command took, by the URL of the instance that answered. */
  const latencies = new Map<string, number[]>();

  const callAt = async (
    url: string,
    method: string,
    path: string,
    who: string,
    body?: unknown,
  ): Promise<Reply> => {
    const res = await fetch(`${url}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${tokens[who]}`,
        ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    return {
      status: res.status,
      body: text ? (JSON.parse(text) as Reply['body']) : {},
      etag: res.headers.get('etag') ?? undefined,
    };
  };
  const created = async (reply: Promise<Reply>, what: string) =>
    expectStatus(await reply, 201, what).body;
  type RiskView = { riskId: string; title: string; inherent: { likelihood: number } | null };
  const riskAt = async (url: string, riskId: string): Promise<RiskView> =>
    expectStatus(
      await callAt(url, 'GET', `/api/risk/risks/${riskId}`, 'ciso'),
      200,
      `get ${riskId}`,
    ).body as unknown as RiskView;

  /**
   * Identifies a risk on `on`, reads it back there, rates it on `rateOn` and reads the rating
   * back on both instances: every answer (and every read after it) shows the write.
   */
  const flow = async (n: number, on: RunningServiceProcess, rateOn: RunningServiceProcess) => {
    const title = `Risk ${n}`;
    const sent = Date.now();
    const identified = await created(
      callAt(on.url, 'POST', '/api/risk/risks', 'isms', {
        title,
        assetIds: [ids['asset']],
        threatCode: 'TH-07',
        vulnerabilityCode: 'VU-05',
        ownerPersonId: ids['isms'],
        orgUnitId: ids['fr'],
        scopeId: ids['scope'],
      }),
      `identify ${n} on ${on.url}`,
    );
    const risk = identified as unknown as RiskView;
    latencies.set(on.url, [...(latencies.get(on.url) ?? []), Date.now() - sent]);
    expect(risk.title).toBe(title);
    const riskId = risk.riskId;
    expect((await riskAt(on.url, riskId)).title).toBe(title);
    const likelihood = 1 + (n % 3);
    const rated = expectStatus(
      await callAt(rateOn.url, 'POST', `/api/risk/risks/${riskId}/inherent-assessment`, 'isms', {
        likelihood,
        impact: 2,
        rationale: 'Rated in the instances test',
      }),
      200,
      `rate ${n} on ${rateOn.url}`,
    ).body as unknown as RiskView;
    expect(rated.inherent?.likelihood).toBe(likelihood);
    expect((await riskAt(rateOn.url, riskId)).inherent?.likelihood).toBe(likelihood);
    expect((await riskAt(on.url, riskId)).inherent?.likelihood).toBe(likelihood);
    expected.set(riskId, likelihood);
  };

  /** Events each instance applied to its own store's register projection since it started. */
  const registerApplied = async (instance: RunningServiceProcess): Promise<number> => {
    const metrics = await (await fetch(`${instance.url}/metrics`)).text();
    const match = /isms_projection_events_applied\{projection="risk-register"\} (\d+)/.exec(
      metrics,
    );
    return Number(match?.[1] ?? 0);
  };

  /** Both instances list exactly the risks created, each with its last rating. */
  const converged = async (instances: readonly RunningServiceProcess[]) => {
    for (const instance of instances) {
      const list = expectStatus(
        await callAt(instance.url, 'GET', '/api/risk/risks?limit=200', 'ciso'),
        200,
        'register',
      );
      const seen = new Map(
        (list.body.items ?? []).map((r) => [
          r['riskId'] as string,
          (r['inherent'] as { likelihood: number } | null)?.likelihood,
        ]),
      );
      expect(seen).toEqual(expected);
    }
  };

  beforeAll(async () => {
    t = await startTestTopology(['governance-service', 'risk-service']);
    tokens['platformAdmin'] = await t.token(t.platformAdminId);
    const governance = t.services['governance-service']!.url;
    const tenant = await created(
      callAt(governance, 'POST', '/api/tenants', 'platformAdmin', {
        name: 'Twin Group',
        groupAdmin: { displayName: 'Admin', email: 'admin@twin.example' },
      }),
      'tenant',
    );
    const tenantId = tenant['tenantId'] as string;
    ids['root'] = tenant['rootOrgUnitId'] as string;
    tokens['admin'] = await t.token(
      (tenant['groupAdmin'] as { personId: string }).personId,
      tenantId,
    );
    ids['fr'] = (
      await created(
        callAt(governance, 'POST', '/api/org-units', 'admin', {
          parentId: ids['root'],
          kind: 'subsidiary',
          name: 'Twin France',
        }),
        'unit',
      )
    )['orgUnitId'] as string;
    for (const [key, role, unit] of [
      ['ciso', 'ciso', 'root'],
      ['isms', 'isms-manager', 'fr'],
    ] as const) {
      ids[key] = (
        await created(
          callAt(governance, 'POST', '/api/people', 'admin', {
            displayName: key,
            email: `${key}@twin.example`,
            homeOrgUnitId: ids[unit],
          }),
          key,
        )
      )['personId'] as string;
      await created(
        callAt(governance, 'POST', `/api/people/${ids[key]}/role-bindings`, 'admin', {
          role,
          orgUnitId: ids[unit],
        }),
        `${key} role`,
      );
      tokens[key] = await t.token(ids[key]!, tenantId);
    }
    ids['scope'] = (
      await created(
        callAt(governance, 'POST', '/api/scopes', 'admin', {
          name: 'Twin scope',
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
        'scope',
      )
    )['scopeId'] as string;
    expectStatus(
      await callAt(governance, 'POST', `/api/scopes/${ids['scope']}/approval`, 'admin', {
        reason: 'Approved',
      }),
      200,
      'scope approval',
    );
    first = t.services['risk-service']!;
    await eventually(async () => {
      expectStatus(
        await callAt(first.url, 'PUT', `/api/risk/methodologies/${ids['root']}`, 'ciso', {
          definition: methodology,
          reason: 'Group methodology',
        }),
        200,
        'methodology',
      );
    });
    ids['asset'] = (
      await created(
        callAt(first.url, 'POST', '/api/risk/assets', 'isms', {
          name: 'CRM',
          description: 'Customer data',
          assetType: 'information',
          ownerPersonId: ids['isms'],
          orgUnitId: ids['fr'],
          classification: 'confidential',
          requirements: { confidentiality: 'high', integrity: 'high', availability: 'medium' },
        }),
        'asset',
      )
    )['assetId'] as string;
    const adding = Date.now();
    second = await t.addInstance('risk-service');
    timings['second instance healthy (ms)'] = Date.now() - adding;
    watch = await CheckpointWatch.start(t.env['DATABASE_URL']!, `${t.deployment}_risk`);
  });

  afterAll(async () => {
    console.log(`instances test timings: ${JSON.stringify(timings, null, 1)}`);
    await watch?.stop();
    await t?.close();
  });

  it('commands spread over both instances in concurrent bursts: answers show their writes, read models converge exactly, each event applied once, checkpoints never go back', async () => {
    const appliedBefore = (await registerApplied(first)) + (await registerApplied(second));
    const started = Date.now();
    let n = 0;
    for (let burst = 0; burst < 3; burst++) {
      // 12 flows at once, 6 identified on each instance and rated on the other.
      await Promise.all(
        Array.from({ length: 12 }, () => {
          n += 1;
          return n % 2 === 0 ? flow(n, first, second) : flow(n, second, first);
        }),
      );
    }
    timings['36 flows in 3 bursts (ms)'] = Date.now() - started;
    const median = (values: number[]) => [...values].sort((x, y) => x - y)[values.length >> 1]!;
    timings['identify p50, instance started first (ms)'] = median(latencies.get(first.url)!);
    timings['identify p50, instance added (ms)'] = median(latencies.get(second.url)!);
    await converged([first, second]);
    // Each flow recorded two events on its risk stream: applied once each, by one instance.
    await eventually(async () => {
      const applied = (await registerApplied(first)) + (await registerApplied(second));
      expect(applied - appliedBefore).toBe(2 * expected.size);
    }, 10_000);
    await watch.poll();
    expect(watch.regressions).toEqual([]);
    expect(watch.last.get('projection:risk-register')).toBeGreaterThan(0);
  });

  it('the instance applying the projections is SIGKILLed: the other takes over and carries on', async () => {
    const byFirst = await registerApplied(first);
    const bySecond = await registerApplied(second);
    const [leader, survivor] = byFirst >= bySecond ? [first, second] : [second, first];
    const checkpointBefore = watch.last.get('projection:risk-register') ?? 0;
    process.kill(leader.pid, 'SIGKILL');
    const killed = Date.now();
    await flow(1001, survivor, survivor);
    timings['first command after the kill (ms)'] = Date.now() - killed;
    await Promise.all(Array.from({ length: 6 }, (_, i) => flow(1002 + i, survivor, survivor)));
    await converged([survivor]);
    expect(await registerApplied(survivor)).toBeGreaterThanOrEqual(14);
    await watch.poll();
    expect(watch.regressions).toEqual([]);
    expect(watch.last.get('projection:risk-register')).toBeGreaterThan(checkpointBefore);
    const health = expectStatus(
      await callAt(survivor.url, 'GET', '/health', 'ciso'),
      200,
      'health',
    );
    expect(JSON.stringify(health.body['components'])).not.toContain('"failed"');
  });
});
