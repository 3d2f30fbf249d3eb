import { jest } from '@jest/globals';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import type { TestTopology } from './e2e-support.js';
import { eventually, startTestTopology } from './e2e-support.js';
import { FaultyGroup, expectMirrorExact } from './fault-fixture.js';
import type { PrivateInfra } from './private-infra.js';
import { startPrivateInfra } from './private-infra.js';
import type { ServiceName } from './topology.js';

/**
 * Faults of the servers under running services, on real processes: the Kafka broker stopped
 * while commands are accepted and started again, and PostgreSQL (the event stores) killed and
 * started again. The services run on a private broker and a private PostgreSQL cluster of
 * tools/infra (ISMS_INFRA_DIR in a temporary directory, free ports), so the shared servers other
 * test runs use are never touched; read models stay on the shared MongoDB-compatible server.
 */
jest.setTimeout(240_000);

const SERVICES: ServiceName[] = ['governance-service', 'risk-service', 'reporting-service'];

describe('faults: Kafka and PostgreSQL restarted under running services', () => {
  let infra: PrivateInfra;
  let t: TestTopology;
  let g: FaultyGroup;
  const timings: Record<string, number | string> = {};

  const health = (service: ServiceName) => g.call(service, 'GET', '/health');
  const componentsOf = (reply: { body: Record<string, unknown> }) =>
    reply.body['components'] as Record<string, { status: string } & Record<string, unknown>>;
  const allHealthy = async () => {
    for (const service of SERVICES) {
      const reply = await health(service);
      if (reply.status !== 200) {
        throw new Error(`${service} /health ${reply.status}: ${JSON.stringify(reply.body)}`);
      }
    }
  };
  const appliedByReporting = async (): Promise<number> => {
    const metrics = await (await fetch(`${t.services['reporting-service']!.url}/metrics`)).text();
    const match = /isms_projection_events_applied\{projection="reporting-risks@kafka"\} (\d+)/.exec(
      metrics,
    );
    return Number(match?.[1] ?? 0);
  };

  /**
   * The report, the reporting service's register and the risk service's own register agree
   * exactly with `expected` (default: what was acknowledged): every risk once, none twice.
   */
  const convergesExactly = async (
    what: string,
    { units = [], expected = g.risks }: { units?: string[]; expected?: readonly string[] } = {},
  ) => {
    let most = 0;
    timings[what] = await eventually(
      async () => {
        const report = await g.report();
        most = Math.max(most, report.openRisks);
        expect(most).toBeLessThanOrEqual(expected.length); // never counted twice on the way
        expect(report.openRisks).toBe(expected.length);
        for (const unit of units) expect(report.unitIds).toContain(g.ids[unit]);
        expect(new Set(report.unitIds).size).toBe(report.unitIds.length);
      },
      60_000,
      250,
    );
    const reported = await g.reportedRiskIds();
    expect(new Set(reported).size).toBe(reported.length);
    expect([...reported].sort()).toEqual([...expected].sort());
    const recorded = await g.recordedRiskIds();
    expect([...recorded].sort()).toEqual([...expected].sort());
  };
  /** Messages on the risk topic, and events in the risk service's store. */
  const riskTopicAndStore = async () => {
    const admin = new Kafka({
      clientId: 'isms-e2e-faults',
      brokers: infra.env['KAFKA_BROKERS']!.split(','),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const offsets = await admin.fetchTopicOffsets(`${t.deployment}.isms.risk.events.v1`);
      const onTopic = offsets.reduce((sum, p) => sum + Number(p.high) - Number(p.low), 0);
      const metrics = await (await fetch(`${t.services['risk-service']!.url}/metrics`)).text();
      const head = /isms_event_store_head_position (\d+)/.exec(metrics);
      return { onTopic, inStore: Number(head?.[1]) };
    } finally {
      await admin.disconnect();
    }
  };

  beforeAll(async () => {
    const started = Date.now();
    infra = await startPrivateInfra(['postgres', 'kafka']);
    timings['private PostgreSQL + Kafka up (ms)'] = Date.now() - started;
    const topologyStarted = Date.now();
    t = await startTestTopology(SERVICES, infra.env);
    timings['services healthy (ms)'] = Date.now() - topologyStarted;
    g = await FaultyGroup.seed(t);
    for (let n = 1; n <= 3; n++) await g.addRisk(n);
    await convergesExactly('baseline converged (ms)');
  });

  afterAll(async () => {
    console.log(`infra fault test timings: ${JSON.stringify(timings, null, 1)}`);
    // ISMS_E2E_KEEP_LOGS=<dir>: keep the services' logs (the topology's directory is removed).
    const keep = process.env['ISMS_E2E_KEEP_LOGS'];
    if (keep && t) cpSync(join(t.dataDir, 'state', 'logs'), keep, { recursive: true });
    await t?.close();
    await infra?.close();
  });

  it('Kafka stopped while commands are accepted, then started again: every read model converges, nothing lost, nothing applied twice', async () => {
    const appliedBefore = await appliedByReporting();
    const risksBefore = g.risks.length;
    const stopped = Date.now();
    await infra.run('kafka', 'down');
    timings['broker stopped (ms)'] = Date.now() - stopped;

    // The event store is the outbox: commands are accepted without the broker.
    const burst = Date.now();
    for (let n = 101; n <= 110; n++) await g.addRisk(n);
    await g.addUnit('es', 'Faulty Spain'); // governance → reporting and the risk service's directory
    timings['10 risks + 1 unit accepted without the broker (ms)'] = Date.now() - burst;

    // Health says so: the bus is down and the relay has events it could not publish.
    const down = await health('risk-service');
    expect(down.status).toBe(503);
    expect(componentsOf(down)['messageBus']!.status).toBe('down');
    expect(componentsOf(down)['outboxRelay']!['lag']).toBeGreaterThan(0);
    const report = await g.report(); // read models still answer (stale)
    expect(report.openRisks).toBe(risksBefore);

    const restarted = Date.now();
    await infra.run('kafka', 'up');
    timings['broker up again (ms)'] = Date.now() - restarted;
    timings['all /health 200 after the broker restart (ms)'] = await eventually(
      allHealthy,
      60_000,
      500,
    );
    await convergesExactly('report converged after the broker restart (ms)', { units: ['es'] });
    await expectMirrorExact(t, ['governance', 'risk']);
    const applied = (await appliedByReporting()) - appliedBefore;
    timings['risk events applied by reporting for the burst'] = applied;
    expect(applied).toBeGreaterThanOrEqual(2 * (g.risks.length - risksBefore));
    const relay = componentsOf(await health('risk-service'))['outboxRelay']!;
    expect(relay).toMatchObject({ lag: 0, state: 'live' });
    // Nothing lost on the way to the topic (and, with the idempotent producer, nothing doubled).
    const { onTopic, inStore } = await riskTopicAndStore();
    timings['risk topic messages / risk store events'] = `${onTopic} / ${inStore}`;
    expect(onTopic).toBeGreaterThanOrEqual(inStore);

    // The risk service's access directory (fed from governance's topic) knows the new unit.
    await eventually(
      async () => {
        await g.addRisk(111, 'es');
      },
      30_000,
      500,
    );
    await convergesExactly('risk in the new unit reported (ms)');
  });

  it('PostgreSQL killed under a burst of commands and started again: 503 meanwhile, then services recover without a restart', async () => {
    const pids = Object.fromEntries(SERVICES.map((s) => [s, t.services[s]!.pid]));
    const acknowledgedBefore = g.risks.length;
    // Commands in flight when the server goes: each is answered 201/200 or 503, never 500.
    const burst = Array.from({ length: 8 }, (_, i) => g.addRisk(301 + i));
    await eventually(
      async () => expect(g.risks.length).toBeGreaterThanOrEqual(acknowledgedBefore + 2),
      30_000,
      20,
    );
    await infra.run('postgres', 'kill');
    const outage = Date.now();

    // While it is down: commands 503 problem+json, health says which component is down.
    const refused = await g.call('risk-service', 'POST', '/api/risk/risks', 'isms', {
      title: 'During the outage',
      assetIds: [g.ids['asset']],
      threatCode: 'TH-07',
      vulnerabilityCode: 'VU-05',
      ownerPersonId: g.ids['isms'],
      orgUnitId: g.ids['fr'],
      scopeId: g.ids['scope'],
    });
    expect(refused.status).toBe(503);
    expect(refused.body).toMatchObject({
      status: 503,
      type: expect.stringContaining('event-store-unavailable'),
    });
    const unit = await g.call('governance-service', 'POST', '/api/org-units', 'admin', {
      parentId: g.ids['root'],
      kind: 'subsidiary',
      name: 'Never',
    });
    expect(unit.status).toBe(503);
    for (const service of SERVICES) {
      const down = await health(service);
      expect(down.status).toBe(503);
      expect(componentsOf(down)['eventStore']!.status).toBe('down');
    }
    await new Promise((r) => setTimeout(r, 2_000)); // relays and projections fail and back off

    await infra.run('postgres', 'up');
    timings['PostgreSQL down for (ms)'] = Date.now() - outage;
    timings['all /health 200 after the PostgreSQL restart (ms)'] = await eventually(
      allHealthy,
      60_000,
      500,
    );
    // Same processes: they reconnected by themselves.
    for (const service of SERVICES) expect(t.services[service]!.pid).toBe(pids[service]);
    // A command recorded before the kill is answered once its read models caught up (or the
    // settle timeout passed); one that was not is refused with 503. None is a 500.
    const outcomes = await Promise.allSettled(burst);
    const refusals = outcomes.flatMap((o) =>
      o.status === 'rejected' ? [/expected \d+, got (\d+)/.exec(String(o.reason))?.[1]] : [],
    );
    timings['burst commands refused when PostgreSQL was killed'] = refusals.length;
    for (const status of refusals) expect(status).toBe('503');
    const recovered = Date.now();
    for (let n = 401; n <= 405; n++) await g.addRisk(n);
    await g.addUnit('it', 'Faulty Italy');
    timings['5 risks + 1 unit after the restart (ms)'] = Date.now() - recovered;

    // The risk service's store is the truth (a refused command may still have been recorded):
    // it holds everything acknowledged, and the report matches it exactly.
    let recorded: string[] = [];
    await eventually(async () => {
      recorded = await g.recordedRiskIds();
      for (const acknowledged of g.risks) expect(recorded).toContain(acknowledged);
    }, 30_000);
    expect(recorded.length).toBeLessThanOrEqual(acknowledgedBefore + 8 + 5);
    await convergesExactly('report converged after the PostgreSQL restart (ms)', {
      units: ['it'],
      expected: recorded,
    });
    // The reporting service's own PostgreSQL store (its event mirror) went away too: it still
    // holds every event of the others exactly once.
    timings['events mirrored by reporting'] = JSON.stringify(
      await expectMirrorExact(t, ['governance', 'risk']),
    );
  });
});
