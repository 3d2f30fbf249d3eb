import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import { guardKey } from '../document-rules.js';
import { mongoTestDatabase, readStoreContract } from '../testing/index.js';
import type { MongoReadStoreSettings } from './mongo-read-store.js';
import { MongoReadStore } from './mongo-read-store.js';
import type { WriteToken } from './write-guards.js';
import { INCARNATION_FIELD, WRITE_TOKENS_COLLECTION, writeTokenId } from './write-guards.js';

/**
 * The ReadStore contract against a real MongoDB-compatible server: MONGO_URL, by default the
 * FerretDB 1.24 that `bash tools/infra/up.sh` starts (real MongoDB from infra/docker-compose
 * passes the same suite). Each run works in a database of its own, dropped at the end.
 */
const database = mongoTestDatabase('isms_rs_test_');
const { url, dbName } = database;
const connect = (settings?: MongoReadStoreSettings) => database.connect(settings);

afterAll(() => database.drop(), 30_000);

// The racing-writer tests spread their writers over a second store on its own connection, as a
// second process would open it: on FerretDB that exercises the write tokens across processes.
readStoreContract({
  adapter: 'mongoose (MongoDB wire protocol)',
  create: () => connect(),
  createPeer: () => connect(),
  testTimeoutMs: 20_000,
});

describe('MongoReadStore specifics', () => {
  it('keeps stores with different collection prefixes apart in one database', async () => {
    const blue = await connect({ collectionPrefix: 'blue_' });
    const green = await connect({ collectionPrefix: 'green_' });
    await blue.collection('soa').upsert('scope-1', { status: 'approved' });
    expect(await green.collection('soa').get('scope-1')).toBeUndefined();
    expect(await blue.collection('soa').get('scope-1')).toMatchObject({ status: 'approved' });
    await blue.collection('soa').drop();
    expect(() =>
      MongoReadStore.fromConnection(mongoose.createConnection(), { collectionPrefix: 'a.b' }),
    ).toThrow(RangeError);
  }, 20_000);

  it('settles racing upserts of one document by revision, whatever the arrival order', async () => {
    const store = await connect();
    const register = store.collection<{ status: string }>('racing_upserts');
    const revisions = Array.from({ length: 10 }, (_, i) => i + 1).sort(() => Math.random() - 0.5);
    const results = await Promise.all(
      revisions.map((revision) =>
        register.upsert('risk-001', { status: `rev-${revision}` }, { revision }),
      ),
    );
    expect(results.some((r) => r.outcome === 'applied')).toBe(true);
    expect(await register.get('risk-001')).toMatchObject({ status: 'rev-10', _revision: 10 });
    await register.drop();
  }, 20_000);

  it('resolves the write guard from the server: write tokens on FerretDB, conditional updates on MongoDB', async () => {
    const store = await connect();
    const admin = mongoose.createConnection(url, { serverSelectionTimeoutMS: 3_000 });
    try {
      await admin.asPromise();
      const info = await admin.db!.admin().command({ buildInfo: 1 });
      const expected =
        typeof info['ferretdbVersion'] === 'string' ? 'write-tokens' : 'conditional-update';
      expect(await store.resolvedWriteGuard()).toBe(expected);
      expect((await store.health()).detail).toContain(expected);
    } finally {
      await admin.close();
    }
  }, 20_000);

  it('write tokens: concurrent writers in different store instances (connections) lose no update', async () => {
    const stores = [
      await connect({ writeGuard: 'write-tokens' }),
      await connect({ writeGuard: 'write-tokens' }),
      await connect({ writeGuard: 'write-tokens' }),
    ];
    const name = `group_totals_${unique()}`;
    const streams = Array.from({ length: 18 }, (_, i) => `risk-${String(i).padStart(3, '0')}`);
    const results = await Promise.all(
      streams.map((streamId, i) =>
        stores[i % stores.length]!.collection<{ total: number; streams: string[] }>(
          name,
        ).applyEvent('group', { streamId, streamRevision: 1 }, (current) => ({
          total: (current?.total ?? 0) + 1,
          streams: [...(current?.streams ?? []), streamId],
        })),
      ),
    );
    expect(results.map((r) => r.outcome)).toEqual(streams.map(() => 'applied'));
    const stored = await stores[0]!
      .collection<{ total: number; streams: string[] }>(name)
      .get('group');
    expect(stored).toMatchObject({ total: streams.length, _version: streams.length });
    expect([...stored!.streams].sort()).toEqual(streams);
    expect(stored).not.toHaveProperty(INCARNATION_FIELD);
    await stores[0]!.collection(name).drop();
  }, 30_000);

  it.each(['write-tokens', 'conditional-update'] as const)(
    '%s: a write planned from a recent read that another process made stale meanwhile loses no update',
    async (writeGuard) => {
      const here = await connect({ writeGuard, writeLeaseMs: 20_000 });
      const elsewhere = await connect({ writeGuard, writeLeaseMs: 20_000 });
      const name = `rollup_${unique()}`;
      type Totals = { streams: string[] };
      const add = (streamId: string) => (current: Totals | undefined) => ({
        streams: [...(current?.streams ?? []), streamId],
      });
      await here
        .collection<Totals>(name)
        .applyEvent('g', { streamId: 's1', streamRevision: 1 }, add('s1'));
      // Read here (remembered), written elsewhere, then written here from what was read.
      expect(await here.collection<Totals>(name).get('g')).toMatchObject({ _version: 1 });
      await elsewhere
        .collection<Totals>(name)
        .applyEvent('g', { streamId: 's2', streamRevision: 1 }, add('s2'));
      const result = await here
        .collection<Totals>(name)
        .applyEvent('g', { streamId: 's3', streamRevision: 1 }, add('s3'));
      expect(result.outcome).toBe('applied');
      expect(await elsewhere.collection<Totals>(name).get('g')).toMatchObject({
        streams: ['s1', 's2', 's3'],
        _version: 3,
      });
      // Deleted elsewhere after a read here: the write here recreates it, it is not lost.
      await here.collection<Totals>(name).get('g');
      await elsewhere.collection(name).delete('g');
      await here.collection<Totals>(name).upsert('g', { streams: ['fresh'] });
      expect(await elsewhere.collection<Totals>(name).get('g')).toMatchObject({
        streams: ['fresh'],
        _version: 1,
      });
      // What get returns is the caller's to change: the remembered copy stays as read.
      const got = await here.collection<Totals>(name).get('g');
      got!.streams.push('changed by the caller');
      await here
        .collection<Totals>(name)
        .applyEvent('g', { streamId: 's4', streamRevision: 1 }, add('s4'));
      expect((await elsewhere.collection<Totals>(name).get('g'))?.streams).toEqual(['fresh', 's4']);
      await here.collection(name).drop();
    },
    20_000,
  );

  it('write tokens: a version claimed by a writer that crashed is finished by the next writer after the lease', async () => {
    const leaseMs = 400;
    const store = await connect({ writeGuard: 'write-tokens', writeLeaseMs: leaseMs });
    const name = `soa_${unique()}`;
    const soa = store.collection<{ applicable: string[] }>(name);
    await soa.applyEvent('scope-1', { streamId: 'control-A.5.1', streamRevision: 1 }, () => ({
      applicable: ['A.5.1'],
    }));
    // A writer claimed version 2 (its token holds the document it meant to write) and died.
    const connection = mongoose.createConnection(url, { dbName, serverSelectionTimeoutMS: 3_000 });
    await connection.asPromise();
    try {
      const raw = connection.db!.collection<Record<string, unknown> & { _id: string }>(name);
      const stored = await raw.findOne({ _id: 'scope-1' });
      const incarnation = String(stored![INCARNATION_FIELD]);
      const tokens = connection.db!.collection<WriteToken>(WRITE_TOKENS_COLLECTION);
      await tokens.insertOne({
        _id: writeTokenId(name, incarnation, 2, 'scope-1'),
        collection: name,
        docId: 'scope-1',
        version: 2,
        at: new Date(),
        body: {
          ...stored!,
          applicable: ['A.5.1', 'A.5.2'],
          _version: 2,
          _streams: { ...(stored!['_streams'] as object), [guardKey('control-A.5.2')]: 1 },
        } as WriteToken['body'],
      });

      const started = Date.now();
      const result = await soa.applyEvent(
        'scope-1',
        { streamId: 'control-A.5.3', streamRevision: 1 },
        (current) => ({ applicable: [...(current?.applicable ?? []), 'A.5.3'] }),
      );
      // It waited for the lease of the dead writer, finished its write, then wrote its own.
      expect(Date.now() - started).toBeGreaterThanOrEqual(leaseMs - 50);
      expect(result.outcome).toBe('applied');
      expect(await soa.get('scope-1')).toMatchObject({
        applicable: ['A.5.1', 'A.5.2', 'A.5.3'],
        _version: 3,
      });
      // The dead writer's event is now guarded like any other.
      const replay = await soa.applyEvent(
        'scope-1',
        { streamId: 'control-A.5.2', streamRevision: 1 },
        () => ({ applicable: ['replayed'] }),
      );
      expect(replay.outcome).toBe('stale');
    } finally {
      await connection.close();
    }
    await soa.drop();
  }, 20_000);

  it('conditional-update guard (what MongoDB gets): the same write decisions, writer after writer', async () => {
    // Only sequential here: FerretDB does not apply a filtered update atomically, so racing
    // writers in different processes are this guard's business on MongoDB only.
    const store = await connect({ writeGuard: 'conditional-update' });
    expect(await store.resolvedWriteGuard()).toBe('conditional-update');
    const name = `soa_${unique()}`;
    const soa = store.collection<{ applicable: string[] }>(name);
    const add = (control: string) => (current?: { applicable: string[] }) => ({
      applicable: [...(current?.applicable ?? []), control],
    });
    expect(
      (await soa.applyEvent('scope-1', { streamId: 'c-1', streamRevision: 1 }, add('A.5.1')))
        .outcome,
    ).toBe('applied');
    expect(
      (await soa.applyEvent('scope-1', { streamId: 'c-2', streamRevision: 4 }, add('A.5.2')))
        .outcome,
    ).toBe('applied');
    expect(
      (await soa.applyEvent('scope-1', { streamId: 'c-2', streamRevision: 4 }, add('again')))
        .outcome,
    ).toBe('stale');
    expect(await soa.get('scope-1')).toEqual({
      _id: 'scope-1',
      _version: 2,
      applicable: ['A.5.1', 'A.5.2'],
      _streams: { 'c-1': 1, 'c-2': 4 },
    });
    // Written by another guard (another process): the version check still applies.
    const tokens = await connect({ writeGuard: 'write-tokens' });
    await tokens
      .collection<{ applicable: string[] }>(name)
      .applyEvent('scope-1', { streamId: 'c-3', streamRevision: 1 }, add('A.5.3'));
    const last = await soa.upsert('scope-1', { applicable: [] }, { revision: 1 });
    expect(last.document).toMatchObject({ _version: 4, _revision: 1, applicable: [] });
    expect(await soa.get('scope-1')).toEqual(last.document);
    await soa.drop();
  }, 20_000);

  it('is unusable once closed and reports it', async () => {
    const store = await connect();
    await store.close();
    await expect(store.collection('risk_register').get('risk-1')).rejects.toThrow(/closed/);
    expect(await store.health()).toMatchObject({ status: 'down' });
  }, 20_000);

  it('fails loudly when the server cannot be reached', async () => {
    await expect(
      MongoReadStore.connect({
        url: 'mongodb://127.0.0.1:9/isms?directConnection=true',
        serverSelectionTimeoutMs: 500,
      }),
    ).rejects.toThrow(/not reachable/);
  }, 10_000);
});

function unique(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}
