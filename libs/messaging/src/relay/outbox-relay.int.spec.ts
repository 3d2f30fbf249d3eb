import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { SqlEventStore } from '@isms/event-store';
import { createPostgresEventStore } from '@isms/event-store';
import { TopicJanitor, connectTestBus } from '../kafka/kafka-test-support.js';
import { outboxRelayScenarios } from './relay-test-scenarios.js';

/**
 * The relay between real servers: a PostgreSQL event store (DATABASE_URL, a database of its own
 * per run, a schema per test, dropped at the end) and Kafka (KAFKA_BROKERS). Both are started
 * by `bash tools/infra/up.sh`.
 */
const serverUrl = process.env['DATABASE_URL'] ?? 'postgres://isms:isms@127.0.0.1:5432/isms';
const database = `isms_relay_${randomUUID().replaceAll('-', '').slice(0, 12)}`;
let databaseUrl: Promise<string> | undefined;
let schemas = 0;
const stores: SqlEventStore[] = [];
const janitor = new TopicJanitor();

async function admin<T>(work: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  try {
    await client.connect();
  } catch (error) {
    const url = new URL(serverUrl);
    if (url.password) url.password = '***';
    throw new Error(
      `PostgreSQL is not reachable at ${url.toString()}: ${(error as Error).message}. ` +
        'Start the local servers with `bash tools/infra/up.sh` (or point DATABASE_URL at a server).',
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

afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await janitor.cleanup();
  if (databaseUrl) {
    await databaseUrl.catch(() => undefined);
    await admin((client) => client.query(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
  }
}, 60_000);

outboxRelayScenarios({
  adapter: 'PostgreSQL event store → Kafka',
  store: async () => {
    const store = await createPostgresEventStore({
      connectionString: await testDatabase(),
      schema: `relay_${++schemas}`,
      maxConnections: 4,
    });
    stores.push(store);
    return { store, checkpoints: store.checkpoints };
  },
  connect: async () => {
    const bus = janitor.track(await connectTestBus());
    return { bus, release: () => bus.close() };
  },
  deliveryMs: 15_000,
  quietMs: 600,
  testMs: 60_000,
});
