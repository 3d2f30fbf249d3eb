import { randomUUID } from 'node:crypto';
import { createServer } from 'node:net';
import pg from 'pg';
import { EventStoreUnavailableError } from '@isms/event-sourcing';
import { PostgresSqlClient, isConnectionFailure } from './postgres-sql-client.js';

/**
 * A PostgreSQL that goes away under a running pool (real server: DATABASE_URL or tools/infra's).
 * The server itself is shared with other test runs, so it is not stopped: the pool's sessions are
 * terminated by the server (pg_terminate_backend, what a restart does to them), and an address
 * where nothing listens stands for a server that is down.
 */
const serverUrl = process.env['DATABASE_URL'] ?? 'postgres://isms:isms@127.0.0.1:5432/isms';
const applicationName = `isms-unavailable-${randomUUID().slice(0, 8)}`;
let client: PostgresSqlClient;

/** Terminates every session of the pool under test; resolves with how many there were. */
async function terminateSessions(): Promise<number> {
  const admin = new pg.Client({ connectionString: serverUrl, connectionTimeoutMillis: 5_000 });
  await admin.connect();
  try {
    const { rows } = await admin.query<{ terminated: boolean }>(
      'SELECT pg_terminate_backend(pid) AS terminated FROM pg_stat_activity WHERE application_name = $1',
      [applicationName],
    );
    return rows.filter((row) => row.terminated).length;
  } finally {
    await admin.end();
  }
}

/** A loopback port where nothing listens. */
async function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

beforeAll(async () => {
  client = await PostgresSqlClient.connect({
    connectionString: serverUrl,
    applicationName,
    maxConnections: 2,
  });
});

afterAll(async () => {
  await client?.close();
});

describe('PostgresSqlClient when the server goes away', () => {
  it('a transaction whose session the server ends fails as EventStoreUnavailableError, and the pool recovers by itself', async () => {
    const failed = client.transaction(async (tx) => {
      await tx.query('SELECT 1');
      expect(await terminateSessions()).toBeGreaterThanOrEqual(1);
      await tx.query('SELECT 2');
    });
    await expect(failed).rejects.toBeInstanceOf(EventStoreUnavailableError);
    await expect(failed).rejects.toMatchObject({ code: 'event-store-unavailable' });
    // New sessions replace the broken ones: no restart of the process needed.
    expect(await client.query<{ n: number }>('SELECT 3 AS n')).toEqual([{ n: 3 }]);
  });

  it('idle sessions ended by the server are replaced: the next queries succeed', async () => {
    await Promise.all([client.query('SELECT 1'), client.query('SELECT 2')]);
    expect(await terminateSessions()).toBeGreaterThanOrEqual(1);
    await new Promise((r) => setTimeout(r, 200)); // the pool hears of it and drops them
    for (let i = 0; i < 3; i++) {
      expect(await client.query<{ n: number }>('SELECT $1::int AS n', [i])).toEqual([{ n: i }]);
    }
  });

  it('a server that does not answer fails as EventStoreUnavailableError (HTTP 503), not as a driver error', async () => {
    const url = new URL(serverUrl);
    url.port = String(await closedPort());
    await expect(
      PostgresSqlClient.connect({ connectionString: url.toString() }),
    ).rejects.toBeInstanceOf(EventStoreUnavailableError);
  });

  it('errors of the statement itself are not taken for an unavailable server', async () => {
    const error = await client.query('SELECT * FROM no_such_table').catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(EventStoreUnavailableError);
    expect(error).toMatchObject({ code: '42P01' });
    expect(isConnectionFailure(error)).toBe(false);
  });
});
