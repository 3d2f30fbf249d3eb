import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EventMetadata } from '@isms/event-sourcing';
import { eventStoreContract } from '@isms/event-sourcing/testing';
import { createEmbeddedEventStore } from './factories.js';
import { PgliteSqlClient, PgliteThreadSqlClient } from './pglite-sql-client.js';
import { asSqlError } from './sql-client.js';
import { SqlEventStore } from './sql-event-store.js';
import { sqlEventStoreSpecifics, sqlTampering } from './testing/sql-fixtures.js';

const directories: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'isms-event-store-'));
  directories.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of directories) rmSync(dir, { recursive: true, force: true });
});

// One PGlite database serves the contract and the SQL specifics (a fresh one costs seconds).
let shared: Promise<PgliteSqlClient> | undefined;
const sharedClient = () => (shared ??= PgliteSqlClient.open({ dataDir: tempDir() }));
afterAll(async () => {
  await (await shared)?.close();
});

eventStoreContract(
  'PGlite (embedded, file-backed)',
  async ({ clock, upcasters }) => {
    const client = await sharedClient();
    const store = await SqlEventStore.open(client, { clock, upcasters });
    return {
      store,
      checkpoints: store.checkpoints,
      tamper: sqlTampering(client),
      cleanup: async () => {}, // the shared client is closed after all suites
    };
  },
  { adapter: 'pglite' },
);

/**
 * The contract on a store that is the only writer of its database, as the embedded app opens it
 * (createEmbeddedEventStore): readAll answers tails from the events it appended. Each case opens
 * its own store object after the previous cases' appends, so it is the only one writing while
 * the case runs. A database of its own (the contract's cases expect the log's instants to be
 * theirs).
 */
function soleWriterContract(
  name: string,
  openClient: () => Promise<PgliteSqlClient | PgliteThreadSqlClient>,
): void {
  let opened: Promise<PgliteSqlClient | PgliteThreadSqlClient> | undefined;
  afterAll(async () => {
    await (await opened)?.close();
  });
  eventStoreContract(
    name,
    async ({ clock, upcasters }) => {
      const client = await (opened ??= openClient());
      const store = await SqlEventStore.open(client, { clock, upcasters, soleWriter: true });
      return {
        store,
        checkpoints: store.checkpoints,
        tamper: sqlTampering(client),
        cleanup: async () => {},
      };
    },
    { adapter: 'pglite' },
  );
}

soleWriterContract('PGlite, sole writer (new events read from memory)', () =>
  PgliteSqlClient.open({ dataDir: 'memory' }),
);
// As `npm start` runs it: PGlite in a worker thread (createEmbeddedEventStore's default), the
// only writer. Same contract: nothing a caller sees may differ from PGlite in the main thread.
soleWriterContract('PGlite in a worker thread, sole writer', () =>
  PgliteThreadSqlClient.open({ dataDir: 'memory' }),
);

describe('PGlite in a worker thread', () => {
  it('gives PostgreSQL errors with their fields, runs transactions whole or not at all, and locks its directory', async () => {
    const dataDir = tempDir();
    const client = await PgliteThreadSqlClient.open({ dataDir });
    try {
      await expect(PgliteThreadSqlClient.open({ dataDir })).rejects.toThrow(/already open/);
      await client.exec('CREATE TABLE soa_line (control text PRIMARY KEY, applicable boolean)');
      await client.query('INSERT INTO soa_line VALUES ($1, $2)', ['A.5.1', true]);
      const duplicate = await client
        .query('INSERT INTO soa_line VALUES ($1, $2)', ['A.5.1', false])
        .catch((error: unknown) => error);
      expect(asSqlError(duplicate)).toMatchObject({
        code: '23505',
        constraint: 'soa_line_pkey',
        message: expect.stringMatching(/duplicate key/),
      });

      // A transaction that throws leaves nothing; one that resolves commits everything.
      await expect(
        client.transaction(async (tx) => {
          await tx.query('INSERT INTO soa_line VALUES ($1, $2)', ['A.5.2', true]);
          throw new Error('the reviewer refused');
        }),
      ).rejects.toThrow('the reviewer refused');
      const committed = await client.transaction(
        async (tx) => {
          await tx.query('INSERT INTO soa_line VALUES ($1, $2)', ['A.5.3', false]);
          await tx.exec("UPDATE soa_line SET applicable = false WHERE control = 'A.5.1'");
          return (await tx.query<{ n: number }>('SELECT count(*)::int AS n FROM soa_line'))[0]!.n;
        },
        { prelude: 'SET LOCAL statement_timeout = 5000' },
      );
      expect(committed).toBe(2);
      // Sent while a transaction holds the database, a statement runs after it.
      const [inTransaction, outside] = await Promise.all([
        client.transaction(async (tx) => {
          await new Promise((resolve) => setTimeout(resolve, 50));
          await tx.query("DELETE FROM soa_line WHERE control = 'A.5.3'");
          return 'deleted';
        }),
        client.query<{ control: string }>('SELECT control FROM soa_line ORDER BY control'),
      ]);
      expect(inTransaction).toBe('deleted');
      expect(outside).toEqual([{ control: 'A.5.1' }]);
    } finally {
      await client.close();
    }
    await expect(client.query('SELECT 1')).rejects.toThrow(/closed/);
    // Closed: the directory is free again, and holds what was committed.
    const reopened = await PgliteThreadSqlClient.open({ dataDir });
    try {
      expect(await reopened.query('SELECT control, applicable FROM soa_line')).toEqual([
        { control: 'A.5.1', applicable: false },
      ]);
    } finally {
      await reopened.close();
    }
  }, 60_000);
});

sqlEventStoreSpecifics('PGlite', async () => {
  const client = await sharedClient();
  return { store: await SqlEventStore.open(client), client, cleanup: async () => {} };
});

describe('PGlite event store on disk', () => {
  const metadata: EventMetadata = {
    actor: { userId: 'user-ciso' },
    correlationId: 'corr-restart',
    occurredAt: '2026-01-01T00:00:00.000Z',
  };

  it('keeps events, stream revisions and checkpoints across a close and a reopen', async () => {
    const dataDir = tempDir();
    const first = await createEmbeddedEventStore({ dataDir });
    const appended = await first.append({
      tenantId: 't1',
      streamId: 'scope-1',
      streamType: 'isms-scope',
      expectedRevision: 'no-stream',
      events: [
        { type: 'IsmsScopeDefined', data: { name: 'Group HQ' }, metadata },
        { type: 'IsmsScopeApproved', data: { by: 'board' }, metadata },
      ],
    });
    await first.checkpoints.save('relay', appended.lastGlobalPosition);
    await first.close();

    const reopened = await createEmbeddedEventStore({ dataDir });
    try {
      // Two instances on one directory would corrupt it: the second open is refused.
      await expect(createEmbeddedEventStore({ dataDir })).rejects.toThrow(/already open/);
      expect(await reopened.readStream('scope-1')).toEqual(appended.events);
      expect(await reopened.streamRevision('scope-1')).toBe(2);
      expect(await reopened.headPosition()).toBe(appended.lastGlobalPosition);
      expect(await reopened.checkpoints.load('relay')).toBe(appended.lastGlobalPosition);
      expect((await reopened.verifyStream('scope-1')).valid).toBe(true);
      const next = await reopened.append({
        tenantId: 't1',
        streamId: 'scope-1',
        streamType: 'isms-scope',
        expectedRevision: 2,
        events: [{ type: 'IsmsScopeAmended', data: { name: 'Group HQ and DC' }, metadata }],
      });
      expect(next.events[0]).toMatchObject({
        streamRevision: 3,
        globalPosition: appended.lastGlobalPosition + 1,
        previousHash: appended.events[1]!.hash,
      });
      expect(await reopened.health()).toMatchObject({
        status: 'up',
        adapter: 'pglite',
        headPosition: 3,
      });
    } finally {
      await reopened.close();
    }
  }, 60_000);
});

describe('PGlite sole writer: what it answers from memory', () => {
  const metadata: EventMetadata = {
    actor: { userId: 'user-ciso' },
    correlationId: 'corr-memory',
    occurredAt: '2026-01-01T00:00:00.000Z',
  };
  const event = (type: string, n: number) => ({ type, data: { n, tags: ['x'] }, metadata });

  it('knows its head and the streams it read or wrote without a query, and gives copies', async () => {
    const client = await PgliteSqlClient.open({ dataDir: 'memory' });
    const store = await SqlEventStore.open(client, { soleWriter: true });
    try {
      const queries: string[] = [];
      const query = client.query.bind(client);
      client.query = (async (sql: string, params?: readonly unknown[]) => {
        queries.push(sql);
        return query(sql, params);
      }) as typeof client.query;

      expect(await store.readStream('risk-1')).toEqual([]); // a query: not known yet
      const first = await store.append({
        tenantId: 't1',
        streamId: 'risk-1',
        streamType: 'risk',
        expectedRevision: 'no-stream',
        events: [event('risk.Identified', 1), event('risk.Assessed', 2)],
      });
      const second = await store.append({
        tenantId: 't1',
        streamId: 'risk-1',
        streamType: 'risk',
        expectedRevision: 2,
        events: [event('risk.Treated', 3)],
      });
      const before = queries.length;

      const read = await store.readStream('risk-1');
      expect(read).toEqual([...first.events, ...second.events]);
      expect(await store.readStream('risk-1', { afterRevision: 2 })).toEqual(second.events);
      expect(await store.headPosition()).toBe(second.lastGlobalPosition);
      expect(queries.length).toBe(before); // all three from memory

      // A copy per read: changing what was read changes nothing kept.
      (read[0]!.data as { tags: string[] }).tags.push('changed');
      expect((await store.readStream('risk-1'))[0]!.data).toEqual({ n: 1, tags: ['x'] });

      // As of an instant, the store asks SQL (history is not kept in memory).
      expect(await store.readStream('risk-1', { asOf: { globalPosition: 2 } })).toHaveLength(2);
      expect(queries.length).toBe(before + 1);

      // What SQL holds is the same as what memory answered.
      const reopened = await SqlEventStore.open(client);
      expect(await reopened.readStream('risk-1')).toEqual(await store.readStream('risk-1'));
    } finally {
      await store.close();
    }
  }, 60_000);
});
