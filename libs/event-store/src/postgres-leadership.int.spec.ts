import { randomUUID } from 'node:crypto';
import { jest } from '@jest/globals';
import pg from 'pg';
import type { EventMetadata } from '@isms/event-sourcing';
import { createPostgresEventStore } from './factories.js';
import { PostgresLeadership } from './postgres-leadership.js';
import type { SqlEventStore } from './sql-event-store.js';

/**
 * Against a real PostgreSQL (DATABASE_URL, or the one `bash tools/infra/postgres.sh up`
 * starts), in a schema of its own dropped at the end: two "processes" (two leaderships, two
 * store objects) compete for leads, hear each other's announcements and appends, and a lead
 * moves when the connection holding it is killed.
 */
jest.setTimeout(30_000);

const url = process.env['DATABASE_URL'] ?? 'postgres://isms:isms@127.0.0.1:5432/isms';
const schema = `lead_spec_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const metadata: EventMetadata = {
  actor: { userId: 'user-1', role: 'risk-owner' },
  correlationId: 'corr-leadership-spec',
  occurredAt: '2026-01-01T00:00:00.000Z',
};

let stores: SqlEventStore[] = [];
let leaderships: PostgresLeadership[] = [];

async function processes(count = 2) {
  const created = [];
  for (let i = 0; i < count; i++) {
    const store = await createPostgresEventStore({ connectionString: url, schema });
    const leadership = await PostgresLeadership.connect({
      connectionString: url,
      schema,
      store,
      retryMs: 100,
    });
    stores.push(store);
    leaderships.push(leadership);
    created.push({ store, leadership });
  }
  return created;
}

async function until(check: () => boolean, what: string, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

afterEach(async () => {
  await Promise.all(leaderships.map((l) => l.close()));
  await Promise.all(stores.map((s) => s.close()));
  leaderships = [];
  stores = [];
});

afterAll(async () => {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await client.end();
});

describe('PostgresLeadership', () => {
  it('one process leads an id; withdrawing hands it to the other', async () => {
    const [a, b] = await processes();
    const changes: string[] = [];
    const withdrawA = a!.leadership.compete('projection:x', (l) => changes.push(`a:${l}`));
    await until(() => changes.includes('a:true'), 'a to lead');
    b!.leadership.compete('projection:x', (l) => changes.push(`b:${l}`));
    await new Promise((r) => setTimeout(r, 300)); // three retries: b must not get it
    expect(changes).toEqual(['a:true']);
    expect(b!.leadership.leads()).toEqual([]);
    await withdrawA();
    await until(() => changes.includes('b:true'), 'b to take over');
    expect(changes).toEqual(['a:true', 'b:true']);
  });

  it('while another process follows, a leader announces its checkpoints and the follower its appends; a lone leader stays quiet', async () => {
    const [a, b] = await processes();
    const heardByA: [string, number][] = [];
    const heardByB: [string, number][] = [];
    a!.leadership.onAnnounced((id, p) => heardByA.push([id, p]));
    b!.leadership.onAnnounced((id, p) => heardByB.push([id, p]));
    const wokenA: number[] = [];
    const wokenB: number[] = [];
    a!.store.onAppended((p) => wokenA.push(p));
    b!.store.onAppended((p) => wokenB.push(p));
    const append = (via: SqlEventStore) =>
      via.append({
        tenantId: 'tenant-1',
        streamId: `risk-${randomUUID()}`,
        streamType: 'risk',
        expectedRevision: 'no-stream',
        events: [{ type: 'RiskIdentified', data: {}, metadata }],
      });

    // a leads everything, nobody follows: nothing is sent.
    const leads: string[] = [];
    a!.leadership.compete('projection:risk:register', (l) => leads.push(`a:${l}`));
    await until(() => leads.includes('a:true'), 'a to lead');
    a!.leadership.announce('projection:risk:register', 40);
    const lone = await append(a!.store);
    await new Promise((r) => setTimeout(r, 300));
    expect(heardByB).toEqual([]);
    expect(wokenB).not.toContain(lone.lastGlobalPosition);

    // b follows: it says so, a announces from then on, b's appends wake a's tails at once.
    b!.leadership.compete('projection:risk:register', (l) => leads.push(`b:${l}`));
    let position = 41;
    await until(() => {
      a!.leadership.announce('projection:risk:register', position++);
      return heardByB.length > 0;
    }, 'b to hear a checkpoint');
    expect(heardByB[0]![0]).toBe('projection:risk:register');
    expect(heardByA).toEqual([]); // nobody hears itself
    const followed = await append(b!.store);
    await until(() => wokenA.includes(followed.lastGlobalPosition), 'a to hear the append');
    expect(leads).toEqual(['a:true']);
  });

  it('the connection holding a lead is killed: the lead moves to the other process, the first hears it lost it', async () => {
    const [a, b] = await processes();
    const changes: string[] = [];
    a!.leadership.compete('outbox-relay', (l) => changes.push(`a:${l}`));
    await until(() => changes.includes('a:true'), 'a to lead');
    b!.leadership.compete('outbox-relay', (l) => changes.push(`b:${l}`));
    const admin = new pg.Client({ connectionString: url });
    await admin.connect();
    try {
      const { rows } = await admin.query<{ terminated: boolean }>(
        `SELECT pg_terminate_backend(l.pid) AS terminated FROM pg_locks l
         WHERE l.locktype = 'advisory' AND l.granted AND l.classid::int = hashtext($1)`,
        [`isms-lead:${schema}`],
      );
      expect(rows).toEqual([{ terminated: true }]);
    } finally {
      await admin.end();
    }
    await until(() => changes.includes('b:true') && changes.includes('a:false'), 'the move');
    expect(changes.indexOf('a:false')).toBeGreaterThan(changes.indexOf('a:true'));
    expect(b!.leadership.leads()).toEqual(['outbox-relay']);
    // a reconnected and competes again, as a follower.
    await new Promise((r) => setTimeout(r, 300));
    expect(a!.leadership.leads()).toEqual([]);
    expect(changes.filter((c) => c === 'a:true')).toHaveLength(1);
  });
});
