import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { EventMetadata, NewEvent } from '@isms/event-sourcing';
import { ConcurrencyConflictError } from '@isms/event-sourcing';
import { eventStoreContract } from '@isms/event-sourcing/testing';
import { createPostgresEventStore } from './factories.js';
import { PostgresSqlClient } from './postgres-sql-client.js';
import { SqlEventStore } from './sql-event-store.js';
import { sqlEventStoreSpecifics, sqlTampering } from './testing/sql-fixtures.js';

/**
 * Runs against a real PostgreSQL: DATABASE_URL, or the one `bash tools/infra/postgres.sh up`
 * starts. Each run works in a database of its own (dropped at the end), each fixture in a
 * schema of its own, so runs never see each other's events.
 */
const serverUrl = process.env['DATABASE_URL'] ?? 'postgres://isms:isms@127.0.0.1:5432/isms';
const database = `isms_test_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
let databaseUrl: Promise<string> | undefined;
let schemas = 0;

function redacted(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `PostgreSQL is not reachable at ${redacted(serverUrl)}: ${(error as Error).message}. ` +
        'Start it with `bash tools/infra/postgres.sh up` (or point DATABASE_URL at a server).',
    );
  }
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

function testDatabase(): Promise<string> {
  databaseUrl ??= admin(async (client) => {
    await client.query(`CREATE DATABASE ${database}`);
    const url = new URL(serverUrl);
    url.pathname = `/${database}`;
    return url.toString();
  });
  return databaseUrl;
}

const nextSchema = () => `fixture_${++schemas}`;

afterAll(async () => {
  if (databaseUrl) {
    await databaseUrl.catch(() => undefined);
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
}, 60_000);

eventStoreContract(
  'PostgreSQL (server)',
  async ({ clock, upcasters }) => {
    const client = await PostgresSqlClient.connect({
      connectionString: await testDatabase(),
      schema: nextSchema(),
      maxConnections: 10,
    });
    const store = await SqlEventStore.open(client, { clock, upcasters });
    return {
      store,
      checkpoints: store.checkpoints,
      tamper: sqlTampering(client),
      cleanup: () => store.close(),
    };
  },
  { adapter: 'postgresql' },
);

sqlEventStoreSpecifics('PostgreSQL', async () => {
  const client = await PostgresSqlClient.connect({
    connectionString: await testDatabase(),
    schema: nextSchema(),
  });
  const store = await SqlEventStore.open(client);
  return { store, client, cleanup: () => store.close() };
});

describe('PostgreSQL event store shared by several processes', () => {
  const metadata: EventMetadata = {
    actor: { userId: 'user-risk-owner' },
    correlationId: 'corr-processes',
    occurredAt: '2026-01-01T00:00:00.000Z',
  };
  const event = (data: unknown): NewEvent => ({ type: 'RiskReviewed', data, metadata });

  it('two stores (two pools, as two services would have) starting at once on a new schema, then racing on one stream', async () => {
    const connectionString = await testDatabase();
    const schema = nextSchema();
    const [a, b] = await Promise.all([
      createPostgresEventStore({ connectionString, schema, maxConnections: 5 }),
      createPostgresEventStore({ connectionString, schema, maxConnections: 5 }),
    ]);
    try {
      const stream = { tenantId: 't1', streamId: `risk-${randomUUID()}`, streamType: 'risk' };
      await a.append({ ...stream, expectedRevision: 'no-stream', events: [event({ n: 0 })] });
      const outcomes = await Promise.allSettled(
        Array.from({ length: 16 }, (_, i) =>
          (i % 2 ? a : b).append({ ...stream, expectedRevision: 1, events: [event({ n: i })] }),
        ),
      );
      expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      for (const outcome of outcomes) {
        if (outcome.status === 'rejected') {
          expect(outcome.reason).toBeInstanceOf(ConcurrencyConflictError);
        }
      }
      expect(await b.readStream(stream.streamId)).toHaveLength(2);
      expect((await a.verifyStream(stream.streamId)).valid).toBe(true);
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);

  it('a store whose picture of a stream is stale (another process appended) neither loses nor misreports', async () => {
    const connectionString = await testDatabase();
    const schema = nextSchema();
    const a = await createPostgresEventStore({ connectionString, schema });
    const b = await createPostgresEventStore({ connectionString, schema });
    try {
      const stream = { tenantId: 't1', streamId: `risk-${randomUUID()}`, streamType: 'risk' };
      await a.append({ ...stream, expectedRevision: 'no-stream', events: [event({ n: 1 })] });
      await b.append({ ...stream, expectedRevision: 1, events: [event({ n: 2 })] });
      // a still believes the stream is at revision 1; the caller knows better: a looks again.
      await expect(
        a.append({ ...stream, expectedRevision: 2, events: [event({ n: 3 })] }),
      ).resolves.toMatchObject({ nextExpectedRevision: 3 });
      await expect(
        b.append({ ...stream, expectedRevision: 3, events: [event({ n: 4 })] }),
      ).resolves.toMatchObject({ nextExpectedRevision: 4 });
      // a believes 3, and so does its caller: the write is refused with the true revision.
      const conflict = await a
        .append({ ...stream, expectedRevision: 3, events: [event({ n: 5 })] })
        .then(
          () => undefined,
          (error: unknown) => error,
        );
      expect(conflict).toBeInstanceOf(ConcurrencyConflictError);
      expect((conflict as ConcurrencyConflictError).currentRevision).toBe(4);
      await expect(
        a.append({ ...stream, expectedRevision: 'any', events: [event({ n: 5 })] }),
      ).resolves.toMatchObject({ nextExpectedRevision: 5 });
      expect(await a.verifyStream(stream.streamId)).toMatchObject({
        valid: true,
        eventsChecked: 5,
      });
    } finally {
      await Promise.all([a.close(), b.close()]);
    }
  }, 60_000);

  it('reports itself down once its connections are gone', async () => {
    const store = await createPostgresEventStore({
      connectionString: await testDatabase(),
      schema: nextSchema(),
    });
    await store.close();
    expect(await store.health()).toMatchObject({ status: 'down', adapter: 'postgresql' });
  });
});
