import { jest } from '@jest/globals';
import pg from 'pg';
import { PostgresEventMirror } from '@isms/service-runtime';
import type { Reply, TestTopology } from './e2e-support.js';
import { eventually, expectStatus, startTestTopology } from './e2e-support.js';
import { riskMethodology as methodology } from './fault-fixture.js';
import type { ServiceName } from './topology.js';

/**
 * Faults in the distributed deployment, on real processes: a consumer (the reporting service)
 * killed with SIGKILL while it applies a burst of risk events, and a producer (the risk service,
 * whose outbox relay publishes to Kafka) killed with SIGKILL in the middle of a burst of commands.
 * After a restart every read model converges: nothing lost, nothing counted twice.
 *
 * (The Kafka broker and PostgreSQL themselves are stopped in faults-infra.e2e.spec.ts, on private
 * servers: the shared servers of tools/infra are used by every test run on the machine.)
 */
jest.setTimeout(300_000);

const SERVICES: ServiceName[] = ['governance-service', 'risk-service', 'reporting-service'];

describe('faults: processes killed mid-stream, read models converge exactly', () => {
  let t: TestTopology;
  const tokens: Record<string, string> = {};
  const ids: Record<string, string> = {};
  const risks: string[] = [];
  const timings: Record<string, number> = {};

  const call = (service: ServiceName, method: string, path: string, who?: string, body?: unknown) =>
    t.call(service, method, path, who ? tokens[who] : undefined, body);
  const created = async (reply: Promise<Reply>, what: string) =>
    expectStatus(await reply, 201, what).body;

  /** Identifies a risk and rates it (two events on its stream). */
  const addRisk = async (n: number) => {
    const risk = await created(
      call('risk-service', 'POST', '/api/risk/risks', 'isms', {
        title: `Risk ${n}`,
        assetIds: [ids['asset']],
        threatCode: 'TH-07',
        vulnerabilityCode: 'VU-05',
        ownerPersonId: ids['isms'],
        orgUnitId: ids['fr'],
        scopeId: ids['scope'],
      }),
      `risk ${n}`,
    );
    const riskId = risk['riskId'] as string;
    expectStatus(
      await call('risk-service', 'POST', `/api/risk/risks/${riskId}/inherent-assessment`, 'isms', {
        likelihood: 1 + (n % 5),
        impact: 3,
        rationale: 'Rated in the fault test',
      }),
      200,
      `rating ${n}`,
    );
    risks.push(riskId);
  };

  /** The group report once it counts exactly `expected` open risks (and never more on the way). */
  const reportConverges = async (expected: number, what: string, allRated = true) => {
    let seen = 0;
    timings[what] = await eventually(
      async () => {
        const report = expectStatus(
          await call('reporting-service', 'GET', '/api/reporting/consolidation', 'ciso'),
          200,
          'consolidation',
        );
        const totals = (
          report.body['totals'] as { risks: { open: number; byLevel: Record<string, number> } }
        ).risks;
        seen = Math.max(seen, totals.open);
        expect(seen).toBeLessThanOrEqual(expected); // a redelivered event must not count twice
        expect(totals.open).toBe(expected);
        const byLevel = Object.values(totals.byLevel).reduce((a, b) => a + b, 0);
        if (allRated) expect(byLevel).toBe(expected);
      },
      90_000,
      250,
    );
  };

  beforeAll(async () => {
    t = await startTestTopology(SERVICES);
    tokens['platformAdmin'] = await t.token(t.platformAdminId);
    const tenant = await created(
      call('governance-service', 'POST', '/api/tenants', 'platformAdmin', {
        name: 'Faulty Group',
        groupAdmin: { displayName: 'Admin', email: 'admin@faulty.example' },
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
        call('governance-service', 'POST', '/api/org-units', 'admin', {
          parentId: ids['root'],
          kind: 'subsidiary',
          name: 'Faulty France',
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
          call('governance-service', 'POST', '/api/people', 'admin', {
            displayName: key,
            email: `${key}@faulty.example`,
            homeOrgUnitId: ids[unit],
          }),
          key,
        )
      )['personId'] as string;
      await created(
        call('governance-service', 'POST', `/api/people/${ids[key]}/role-bindings`, 'admin', {
          role,
          orgUnitId: ids[unit],
        }),
        `${key} role`,
      );
      tokens[key] = await t.token(ids[key]!, tenantId);
    }
    ids['scope'] = (
      await created(
        call('governance-service', 'POST', '/api/scopes', 'admin', {
          name: 'Faulty scope',
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
      await call('governance-service', 'POST', `/api/scopes/${ids['scope']}/approval`, 'admin', {
        reason: 'Approved',
      }),
      200,
      'scope approval',
    );
    await eventually(async () => {
      expectStatus(
        await call('risk-service', 'PUT', `/api/risk/methodologies/${ids['root']}`, 'ciso', {
          definition: methodology,
          reason: 'Group methodology',
        }),
        200,
        'methodology',
      );
    });
    ids['asset'] = (
      await created(
        call('risk-service', 'POST', '/api/risk/assets', 'isms', {
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
  });

  afterAll(async () => {
    console.log(`fault test timings: ${JSON.stringify(timings, null, 1)}`);
    await t?.close();
  });

  it('a consumer killed with SIGKILL mid-batch resumes from its committed offsets: nothing lost, nothing doubled', async () => {
    for (let n = 1; n <= 15; n++) await addRisk(n);
    // Kill the reporting service while it is still applying the burst (commits are periodic).
    await t.kill('reporting-service');
    for (let n = 16; n <= 30; n++) await addRisk(n);
    const restarted = Date.now();
    await t.restart('reporting-service');
    timings['reporting restart until healthy (ms)'] = Date.now() - restarted;
    await reportConverges(30, 'reporting converged after SIGKILL (ms)');
    // Since its restart the reporting service applied at least the 30 events recorded while it
    // was down (15 risks × identified + rated); more means redeliveries, which changed nothing.
    const metrics = await (await fetch(`${t.services['reporting-service']!.url}/metrics`)).text();
    const applied =
      /isms_projection_events_applied\{projection="reporting-risks@kafka"\} (\d+)/.exec(metrics);
    expect(Number(applied?.[1])).toBeGreaterThanOrEqual(30);
    timings['risk events applied by reporting since its restart'] = Number(applied?.[1]);
    const register = expectStatus(
      await call(
        'reporting-service',
        'GET',
        `/api/reporting/scopes/${ids['scope']}/risk-register`,
        'ciso',
      ),
      200,
      'register',
    );
    expect(JSON.stringify(register.body)).toContain(risks[29]!);
  });

  it('two instances of the reporting service share its consumer group; when the one consuming dies the other takes over', async () => {
    const first = t.services['reporting-service']!;
    const second = await t.addInstance('reporting-service');
    const applied = async (url: string) => {
      const metrics = await (await fetch(`${url}/metrics`)).text();
      const match =
        /isms_projection_events_applied\{projection="reporting-risks@kafka"\} (\d+)/.exec(metrics);
      return Number(match?.[1] ?? 0);
    };
    const before = risks.length;
    // While the group rebalances (the second instance joins), both may apply some events: at
    // least once, and the revision guards keep the report exact.
    for (let n = 101; n <= 105; n++) await addRisk(n);
    await reportConverges(before + 5, 'reporting (2 instances) converged (ms)');
    // Once settled, one partition per topic: exactly one instance of the group consumes.
    const firstBefore = await applied(first.url);
    const secondBefore = await applied(second.url);
    for (let n = 106; n <= 110; n++) await addRisk(n);
    await reportConverges(before + 10, 'reporting (2 instances, settled) converged (ms)');
    const byFirst = (await applied(first.url)) - firstBefore;
    const bySecond = (await applied(second.url)) - secondBefore;
    expect([byFirst, bySecond].sort((a, b) => a - b)).toEqual([0, 10]);
    const [holder, survivor] = byFirst > 0 ? [first, second] : [second, first];
    process.kill(holder.pid, 'SIGKILL');
    for (let n = 111; n <= 115; n++) await addRisk(n);
    const viaSurvivor = async () => {
      const res = await fetch(`${survivor.url}/api/reporting/consolidation`, {
        headers: { authorization: `Bearer ${tokens['ciso']}` },
      });
      const body = (await res.json()) as { totals: { risks: { open: number } } };
      return body.totals.risks.open;
    };
    const failover = Date.now();
    await eventually(async () => expect(await viaSurvivor()).toBe(before + 15), 90_000, 250);
    timings['failover to the other instance, converged (ms)'] = Date.now() - failover;
    expect(await applied(survivor.url)).toBeGreaterThan(0);
    if (holder === first) await t.restart('reporting-service');
  });

  it('a producer killed with SIGKILL mid-burst republishes what it had not checkpointed: the consumers dedupe', async () => {
    const base = risks.length;
    const burst = Array.from({ length: 20 }, (_, i) => addRisk(201 + i));
    // Let some commands land, then kill the risk service in the middle of the burst.
    await eventually(async () => expect(risks.length).toBeGreaterThanOrEqual(base + 3), 30_000, 20);
    await t.kill('risk-service');
    const outcomes = await Promise.allSettled(burst);
    const refused = outcomes.filter((o) => o.status === 'rejected').length;
    await t.restart('risk-service');
    for (let n = 221; n <= 225; n++) await addRisk(n);
    // The truth is the risk service's own store (a command may have been recorded just before
    // the kill without its answer reaching the client): the report must match it exactly.
    const own = expectStatus(
      await call('risk-service', 'GET', '/api/risk/risks?limit=200', 'ciso'),
      200,
      'risk register',
    );
    const recorded = (own.body.items ?? []).map((r) => r['riskId'] as string);
    expect(recorded.length).toBeGreaterThanOrEqual(risks.length);
    expect(recorded.length).toBeLessThanOrEqual(base + 25);
    for (const acknowledged of risks) expect(recorded).toContain(acknowledged);
    timings['burst commands refused while the risk service was down'] = refused;
    await reportConverges(
      recorded.length,
      'reporting converged after producer SIGKILL (ms)',
      false,
    );
    const register = expectStatus(
      await call(
        'reporting-service',
        'GET',
        `/api/reporting/scopes/${ids['scope']}/risk-register`,
        'ciso',
      ),
      200,
      'reporting register',
    );
    for (const riskId of recorded) expect(JSON.stringify(register.body)).toContain(riskId);
    const health = expectStatus(await call('risk-service', 'GET', '/health'), 200, 'risk health');
    expect(health.body['components']).toMatchObject({ outboxRelay: { lag: 0 } });
  });

  it('after all that, the reporting service’s event mirror is an exact replica of what the others recorded, and every chain verifies', async () => {
    const db = new pg.Client({ connectionString: t.env['DATABASE_URL'] });
    await db.connect();
    const mirror = `${t.deployment}_reporting.isms_mirror_events`;
    try {
      for (const context of ['governance', 'risk']) {
        const store = `${t.deployment}_${context}.isms_events`;
        await eventually(
          async () => {
            // Every recorded event is mirrored once, with its source position, revision and hash.
            const { rows } = await db.query<{ recorded: string; mirrored: string; exact: string }>(
              `SELECT (SELECT count(*) FROM ${store}) AS recorded,
                 (SELECT count(*) FROM ${mirror} WHERE source_context = $1) AS mirrored,
                 (SELECT count(*) FROM ${store} e JOIN ${mirror} m ON m.event_id = e.event_id
                    AND m.source_context = $1 AND m.source_position = e.global_position
                    AND m.stream_id = e.stream_id AND m.stream_revision = e.stream_revision
                    AND m.hash = e.hash AND m.previous_hash IS NOT DISTINCT FROM e.previous_hash
                 ) AS exact`,
              [context],
            );
            expect(rows[0]).toEqual({
              recorded: rows[0]!.recorded,
              mirrored: rows[0]!.recorded,
              exact: rows[0]!.recorded,
            });
            expect(Number(rows[0]!.recorded)).toBeGreaterThan(0);
          },
          30_000,
          250,
        );
      }
    } finally {
      await db.end();
    }
    const replica = await PostgresEventMirror.open({
      connectionString: t.env['DATABASE_URL']!,
      schema: `${t.deployment}_reporting`,
    });
    try {
      const verification = await replica.verifyAllStreams();
      expect(verification.failures).toEqual([]);
      expect(verification.streamsChecked).toBeGreaterThan(risks.length);
      timings['mirrored events verified'] = verification.eventsChecked;
    } finally {
      await replica.close();
    }
  });
});
