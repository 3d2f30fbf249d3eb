import { InMemoryReadStore } from './in-memory-read-store.js';
import { readStoreContract } from './testing/index.js';

readStoreContract({
  adapter: 'in-memory (mingo)',
  create: async () => new InMemoryReadStore(),
});

describe('InMemoryReadStore specifics', () => {
  it('refuses collection names MongoDB or FerretDB would not take', () => {
    const store = new InMemoryReadStore();
    for (const name of ['', 'system.views', 'a$b', 'risk register', '1risks', 'a'.repeat(101)]) {
      expect(() => store.collection(name)).toThrow(RangeError);
    }
    expect(store.collection('risk_register-v2').name).toBe('risk_register-v2');
  });

  it('is unusable once closed', async () => {
    const store = new InMemoryReadStore();
    const register = store.collection('risk_register');
    await register.upsert('risk-1', { status: 'identified' });
    await store.close();
    await expect(register.get('risk-1')).rejects.toThrow(/closed/);
    expect((await store.health()).status).toBe('down');
  });

  it('finds through its equality indexes exactly what a scan finds, after updates, deletes and drops', async () => {
    const store = new InMemoryReadStore();
    const links = store.collection<{ scopeId: string; controlKeys: string[]; rank: number }>(
      'policy_links',
    );
    for (let i = 0; i < 50; i++) {
      await links.upsert(`risk-${i}`, {
        scopeId: `scope-${i % 3}`,
        controlKeys: [`A.5.${i % 7}`, `A.8.${i % 5}`],
        rank: i % 4,
      });
    }
    const ids = async (filter: Record<string, unknown>) =>
      (await links.find(filter)).map((d) => d._id).sort();
    // An unindexable filter scans; each equality filter must give the same documents.
    const scan = async (
      test: (d: { scopeId: string; controlKeys: string[]; rank: number }) => boolean,
    ) =>
      (await links.find({ rank: { $gte: 0 } }))
        .filter(test)
        .map((d) => d._id)
        .sort();
    expect(await ids({ scopeId: 'scope-1' })).toEqual(await scan((d) => d.scopeId === 'scope-1'));
    expect(await ids({ scopeId: 'scope-1', controlKeys: 'A.5.3' })).toEqual(
      await scan((d) => d.scopeId === 'scope-1' && d.controlKeys.includes('A.5.3')),
    );
    expect(await ids({ rank: { $in: [1, 3] } })).toEqual(
      await scan((d) => [1, 3].includes(d.rank)),
    );
    expect(await ids({ rank: '1' })).toEqual([]); // a string is not a number
    // The conditions of a top-level $and go through the indexes too (as the reports combine
    // what a caller may see with what they asked for), a field named twice included.
    expect(
      await ids({ $and: [{ scopeId: { $in: ['scope-1', 'scope-2'] } }, { controlKeys: 'A.8.2' }] }),
    ).toEqual(await scan((d) => d.scopeId !== 'scope-0' && d.controlKeys.includes('A.8.2')));
    expect(
      await ids({
        rank: { $gte: 2 },
        $and: [{ scopeId: { $in: ['scope-0', 'scope-1'] } }, { scopeId: 'scope-1' }],
      }),
    ).toEqual(await scan((d) => d.scopeId === 'scope-1' && d.rank >= 2));
    expect(await ids({ $and: [{ scopeId: 'scope-1' }, { scopeId: 'scope-2' }] })).toEqual([]);
    // A $in on an array field, a document holding several of its keys: found once, whichever
    // condition has the fewest documents.
    expect(await ids({ controlKeys: { $in: ['A.5.3', 'A.8.3'] } })).toEqual(
      await scan((d) => d.controlKeys.includes('A.5.3') || d.controlKeys.includes('A.8.3')),
    );
    expect(
      await ids({
        scopeId: { $in: ['scope-0', 'scope-1', 'scope-2'] },
        controlKeys: { $in: ['A.5.3', 'A.8.3'] },
      }),
    ).toEqual(
      await scan((d) => d.controlKeys.includes('A.5.3') || d.controlKeys.includes('A.8.3')),
    );
    expect(await ids({ rank: 2, controlKeys: { $in: ['A.5.3', 'A.8.3', 'A.8.1'] } })).toEqual(
      await scan(
        (d) => d.rank === 2 && ['A.5.3', 'A.8.3', 'A.8.1'].some((k) => d.controlKeys.includes(k)),
      ),
    );

    // Writes keep the indexes in step.
    await links.upsert('risk-4', { scopeId: 'scope-2', controlKeys: ['A.5.3'], rank: 9 });
    await links.applyEvent('risk-60', { streamId: 'risk-60', streamRevision: 1 }, () => ({
      scopeId: 'scope-1',
      controlKeys: ['A.5.3'],
      rank: 1,
    }));
    await links.delete('risk-10');
    await links.deleteMany({ scopeId: 'scope-0', rank: 0 });
    expect(await ids({ scopeId: 'scope-1', controlKeys: 'A.5.3' })).toEqual(
      await scan((d) => d.scopeId === 'scope-1' && d.controlKeys.includes('A.5.3')),
    );
    expect(await ids({ scopeId: 'scope-1', controlKeys: 'A.5.3' })).toContain('risk-60');
    expect(await ids({ scopeId: 'scope-2', controlKeys: 'A.5.3' })).toContain('risk-4');
    expect(await ids({ scopeId: 'scope-0', rank: 0 })).toEqual([]);
    expect(await ids({ controlKeys: { $eq: 'A.5.3' } })).toEqual(
      await scan((d) => d.controlKeys.includes('A.5.3')),
    );

    await links.drop();
    expect(await ids({ scopeId: 'scope-1' })).toEqual([]);
    await links.upsert('risk-1', { scopeId: 'scope-1', controlKeys: [], rank: 0 });
    expect(await ids({ scopeId: 'scope-1' })).toEqual(['risk-1']);
  });
});

describe('InMemoryReadStore: documents with sub-documents, Dates and guards', () => {
  type Entry = {
    title: string;
    rank: number;
    tags: string[];
    reviewedAt: Date;
    owner: { id: string; since: Date; history: { at: Date; by: string }[] };
    mixed: (string | { code: string })[];
    empty: Record<string, never>;
  };
  const entry = (n: number): Entry => ({
    title: `risk ${n}`,
    rank: n % 3,
    tags: [`t${n % 2}`, 'all'],
    reviewedAt: new Date(Date.UTC(2026, 0, n + 1)),
    owner: {
      id: `p${n % 4}`,
      since: new Date(Date.UTC(2025, n, 1)),
      history: [{ at: new Date(Date.UTC(2024, 0, n + 1)), by: `p${n}` }],
    },
    mixed: [`m${n % 2}`, { code: `c${n}` }],
    empty: {},
  });

  it('gives back every field as written, in its order, Dates at any depth as Dates', async () => {
    const register = new InMemoryReadStore().collection<Entry>('register');
    await register.upsert('r1', entry(1));
    const stored = await register.get('r1');
    expect(stored).toEqual({ ...entry(1), _id: 'r1', _version: 1 });
    expect(Object.keys(stored!)).toEqual([...Object.keys(entry(1)), '_id', '_version']);
    expect(stored!.owner.since).toBeInstanceOf(Date);
    expect(stored!.owner.history[0]!.at).toBeInstanceOf(Date);
    expect(stored!.reviewedAt).toBeInstanceOf(Date);
  });

  it("puts its own fields after the body's, wherever the body has them, and keeps none of a body's guards", async () => {
    const register = new InMemoryReadStore().collection<Record<string, unknown>>('register');
    await register.upsert('r1', { _id: 'r1', a: 1, b: { c: 2 } }, { revision: 1 });
    const first = (await register.get('r1'))!;
    expect(Object.keys(first)).toEqual(['a', 'b', '_id', '_version', '_revision']);
    // Read back, changed and written again: the body's store fields are replaced, in place.
    await register.upsert('r1', { ...first, a: 2, b: { c: 3 } }, { revision: 2 });
    const second = (await register.get('r1'))!;
    expect(second).toEqual({ a: 2, b: { c: 3 }, _id: 'r1', _version: 2, _revision: 2 });
    expect(Object.keys(second)).toEqual(['a', 'b', '_id', '_version', '_revision']);
    const position = { streamId: 'risk-1', streamRevision: 1 };
    await register.applyEvent('r1', position, (doc) => ({ ...doc!, a: 3 }));
    const third = (await register.get('r1'))!;
    expect(Object.keys(third)).toEqual(['a', 'b', '_id', '_version', '_revision', '_streams']);
    expect(third).toMatchObject({ a: 3, _version: 3, _revision: 2, _streams: { 'risk-1': 1 } });
    // A body with the guards it was read with: they are the store's, not written as fields.
    await register.upsert('r1', { ...third, a: 4 }, { revision: 3 });
    const fourth = (await register.get('r1'))!;
    expect(fourth).toEqual({ a: 4, b: { c: 3 }, _id: 'r1', _version: 4, _revision: 3 });
    // A body without a revision drops the one it was read with.
    const { _streams, ...withoutGuards } = third;
    expect(_streams).toBeDefined();
    await register.upsert('r1', { ...withoutGuards, a: 5 });
    expect(await register.get('r1')).toEqual({ a: 5, b: { c: 3 }, _id: 'r1', _version: 5 });
  });

  it('queries, sorts and indexes sub-document fields and mixed arrays', async () => {
    const register = new InMemoryReadStore().collection<Entry>('register');
    const all = Array.from({ length: 12 }, (_, n) => ({ ...entry(n), _id: `r${n}` }));
    for (const { _id, ...body } of all) await register.upsert(_id, body);
    const ids = async (filter: Record<string, unknown>, sort?: Record<string, 1 | -1>) =>
      (await register.find(filter, sort ? { sort } : {})).map((d) => d._id);

    expect(await ids({ 'owner.id': 'p1' })).toEqual(['r1', 'r5', 'r9']);
    expect(await ids({ owner: { $exists: true }, rank: 2 })).toEqual(['r11', 'r2', 'r5', 'r8']);
    expect(await ids({ 'owner.since': { $lt: new Date(Date.UTC(2025, 2, 1)) } })).toEqual([
      'r0',
      'r1',
    ]);
    expect(await ids({ 'owner.history.by': 'p3' })).toEqual(['r3']);
    // An array of scalars and sub-documents: equality through the index finds the scalars.
    expect(await ids({ mixed: 'm1' })).toEqual(['r1', 'r11', 'r3', 'r5', 'r7', 'r9']);
    expect(await ids({ 'mixed.code': 'c4' })).toEqual(['r4']);
    // Sorted by a nested field, and by a flat one.
    expect(await ids({ rank: 0 }, { 'owner.since': -1 })).toEqual(['r9', 'r6', 'r3', 'r0']);
    expect(await ids({ tags: 't0' }, { reviewedAt: -1 })).toEqual([
      'r10',
      'r8',
      'r6',
      'r4',
      'r2',
      'r0',
    ]);
    const [projected] = await register.find({ _id: 'r4' }, { projection: { owner: 1 } });
    expect(projected).toEqual({ _id: 'r4', owner: entry(4).owner });
  });

  it('keeps applyEvent guards beside the document: read as _streams, not given to mutate', async () => {
    const totals = new InMemoryReadStore().collection<{ total: number }>('totals');
    const seen: unknown[] = [];
    for (const streamId of ['risk-1', 'risk-2', 'risk-1']) {
      await totals.applyEvent('group', { streamId, streamRevision: 1 }, (current) => {
        seen.push(current && '_streams' in current);
        return { total: (current?.total ?? 0) + 1 };
      });
    }
    expect(seen).toEqual([undefined, false]); // the third was stale: not called
    expect(await totals.get('group')).toEqual({
      total: 2,
      _id: 'group',
      _version: 2,
      _streams: { 'risk-1': 1, 'risk-2': 1 },
    });
    expect((await totals.find({}, { projection: { _streams: 0 } }))[0]).not.toHaveProperty(
      '_streams',
    );
    expect((await totals.find({ '_streams.risk-2': 1 })).map((d) => d._id)).toEqual(['group']);
    // A whole-document write replaces the guards, as with MongoDB.
    await totals.upsert('group', { total: 0 });
    expect(await totals.get('group')).not.toHaveProperty('_streams');
  });
});

describe('InMemoryReadStore: a small page of many matches', () => {
  it('is the same page a full sort by _id gives, for every skip and limit', async () => {
    const risks = new InMemoryReadStore().collection<{ rank: number }>('risks');
    // Ids written in a scrambled order, so the candidates come out unsorted.
    for (let i = 0; i < 600; i++) {
      const n = (i * 7919) % 600;
      await risks.upsert(`risk-${String(n).padStart(4, '0')}`, { rank: n % 3 });
    }
    const all = (await risks.find({ rank: 1 })).map((d) => d._id);
    expect(all).toHaveLength(200);
    expect(all).toEqual([...all].sort());
    for (const [skip, limit] of [
      [0, 1],
      [0, 10],
      [5, 10],
      [40, 7],
      [195, 10],
      [0, 49],
      [0, 60],
    ] as const) {
      const page = (await risks.find({ rank: 1 }, { skip, limit })).map((d) => d._id);
      expect(page).toEqual(all.slice(skip, skip + limit));
    }
  });

  it('is the same page a full sort by other fields gives, ties, mixed types and gaps included', async () => {
    type Decision = { position: number; actor: string; mixed: number | string; sometimes?: number };
    const decisions = new InMemoryReadStore().collection<Decision>('decisions');
    for (let i = 0; i < 500; i++) {
      const n = (i * 7919) % 500;
      await decisions.upsert(`decision-${String(n).padStart(4, '0')}`, {
        position: (n * 37) % 250, // every position twice: _id breaks the tie
        actor: `person-${n % 9}`,
        mixed: n % 4 === 0 ? `label-${n % 13}` : (n % 17) - 8, // numbers sort before strings
        ...(n % 5 === 0 ? {} : { sometimes: n % 7 }), // missing: sorted by mingo as ever
      });
    }
    const ids = (found: { _id: string }[]) => found.map((d) => d._id);
    const sorts = [
      { position: 1 },
      { position: -1 },
      { actor: 1, position: -1 },
      { mixed: 1 },
      { mixed: -1, actor: 1 },
      { sometimes: 1 },
    ] as const;
    for (const sort of sorts) {
      const everything = ids(await decisions.find({}, { sort }));
      expect(everything).toHaveLength(500);
      for (const [skip, limit] of [
        [0, 1],
        [0, 51],
        [17, 10],
        [90, 9],
      ] as const) {
        expect({
          sort,
          skip,
          limit,
          page: ids(await decisions.find({}, { sort, skip, limit })),
        }).toEqual({ sort, skip, limit, page: everything.slice(skip, skip + limit) });
      }
    }
    // With a filter, as a decision log page is asked for.
    const mine = ids(await decisions.find({ actor: 'person-3' }, { sort: { position: -1 } }));
    expect(
      ids(await decisions.find({ actor: 'person-3' }, { sort: { position: -1 }, limit: 5 })),
    ).toEqual(mine.slice(0, 5));
  });
});

describe('InMemoryReadStore: projections of top-level fields', () => {
  it('keeps what MongoDB keeps: named fields (with _id unless _id: 0), or all but the excluded', async () => {
    const units = new InMemoryReadStore().collection<{ name: string; kind: string; n: number }>(
      'units',
    );
    await units.upsert('u1', { name: 'France', kind: 'subsidiary', n: 1 });
    await units.applyEvent('u2', { streamId: 's', streamRevision: 1 }, () => ({
      name: 'Lyon',
      kind: 'site',
      n: 2,
    }));
    const find = (projection: Record<string, 0 | 1>) => units.find({}, { projection });
    expect(await find({ name: 1 })).toEqual([
      { _id: 'u1', name: 'France' },
      { _id: 'u2', name: 'Lyon' },
    ]);
    expect(await find({ name: 1, n: 1, _id: 0 })).toEqual([
      { name: 'France', n: 1 },
      { name: 'Lyon', n: 2 },
    ]);
    expect(await find({ _id: 1 })).toEqual([{ _id: 'u1' }, { _id: 'u2' }]);
    expect(await find({ _id: 0, kind: 0, _version: 0 })).toEqual([
      { name: 'France', n: 1 },
      { name: 'Lyon', n: 2, _streams: { s: 1 } },
    ]);
    expect(await find({ kind: 0, _streams: 0 })).toEqual([
      { _id: 'u1', name: 'France', n: 1, _version: 1 },
      { _id: 'u2', name: 'Lyon', n: 2, _version: 1 },
    ]);
  });
});

describe('InMemoryReadStore: most of a collection, in _id order', () => {
  it('stays in _id order through updates, inserts, deletes and a drop', async () => {
    const lines = new InMemoryReadStore().collection<{ scope: string; n: number }>('soa_lines');
    const ids = async () => (await lines.find({ scope: 'fr' })).map((d) => d._id);
    const sorted = (xs: string[]) => [...xs].sort();
    for (let i = 0; i < 300; i++) {
      const n = (i * 7919) % 300;
      await lines.upsert(`line-${n}`, { scope: n % 10 === 0 ? 'de' : 'fr', n });
    }
    const first = await ids();
    expect(first).toHaveLength(270);
    expect(first).toEqual(sorted(first));

    await lines.upsert('line-5', { scope: 'fr', n: -5 }); // an update keeps the order
    await lines.upsert('line-0005', { scope: 'fr', n: 5 }); // an insert changes it
    await lines.applyEvent('a-first', { streamId: 's', streamRevision: 1 }, () => ({
      scope: 'fr',
      n: 0,
    }));
    await lines.delete('line-7');
    await lines.deleteMany({ n: { $gte: 290 } });
    const next = await ids();
    expect(next).toEqual(sorted(next));
    expect(next[0]).toBe('a-first');
    expect(next).toContain('line-0005');
    expect(next).not.toContain('line-7');
    expect(next).not.toContain('line-291');
    expect(next).toHaveLength(270 + 2 - 1 - 9);

    await lines.drop();
    await lines.upsert('z', { scope: 'fr', n: 1 });
    expect(await ids()).toEqual(['z']);
  });

  it('gives its documents with their guards in chunks, and a store restored from them is the same store', async () => {
    const store = new InMemoryReadStore();
    const counters = store.collection<{ unitId: string; open: number; at?: Date }>('counters');
    const lines = store.collection<{ scopeId: string; applicable: boolean }>('soa_lines');
    for (let i = 0; i < 25; i++) {
      // Counters fed by several streams (guards), SoA lines written by upsert (a revision).
      await counters.applyEvent(
        `unit-${i % 4}`,
        { streamId: `risk-${i}`, streamRevision: 2 },
        (c) => ({
          unitId: `unit-${i % 4}`,
          open: (c?.open ?? 0) + 1,
          at: new Date(Date.UTC(2026, 0, i + 1)),
        }),
      );
      await lines.upsert(
        `line-${i}`,
        { scopeId: `scope-${i % 3}`, applicable: i % 2 === 0 },
        { revision: i + 1 },
      );
    }
    const chunks = [...store.chunks(7)];
    expect(chunks.map((c) => [c.collection, c.documents.length])).toEqual([
      ['counters', 4],
      ['soa_lines', 7],
      ['soa_lines', 7],
      ['soa_lines', 7],
      ['soa_lines', 4],
    ]);

    const restored = new InMemoryReadStore();
    for (const chunk of chunks) restored.restore(structuredClone(chunk));
    const all = async (s: InMemoryReadStore, name: string) => s.collection(name).find();
    for (const name of ['counters', 'soa_lines']) {
      expect(await all(restored, name)).toEqual(await all(store, name));
    }
    const unit = await restored.collection('counters').get('unit-1');
    expect(unit).toMatchObject({ _version: 6, open: 6, _streams: expect.any(Object) });
    expect(unit?.['at']).toBeInstanceOf(Date);
    expect(Object.keys(unit?._streams ?? {})).toHaveLength(6);

    // The guards and revisions still decide: an event already applied is stale, a new one applies.
    const restoredCounters = restored.collection<{ open: number }>('counters');
    const again = await restoredCounters.applyEvent(
      'unit-1',
      { streamId: 'risk-5', streamRevision: 2 },
      (c) => ({
        open: (c?.open ?? 0) + 1,
      }),
    );
    expect(again.outcome).toBe('stale');
    const next = await restoredCounters.applyEvent(
      'unit-1',
      { streamId: 'risk-5', streamRevision: 3 },
      (c) => ({
        open: (c?.open ?? 0) + 1,
      }),
    );
    expect(next.outcome).toBe('applied');
    expect(next.document).toMatchObject({ open: 7, _version: 7 });
    const older = await restored
      .collection('soa_lines')
      .upsert('line-3', { scopeId: 'x', applicable: false }, { revision: 4 });
    expect(older.outcome).toBe('stale');

    // Its indexes are built from the restored documents.
    expect(
      (await restored.collection('soa_lines').find({ scopeId: 'scope-1' })).map((d) => d._id),
    ).toEqual((await lines.find({ scopeId: 'scope-1' })).map((d) => d._id));
  });

  it('refuses a chunk whose guards do not line up with its documents', () => {
    const store = new InMemoryReadStore();
    expect(() =>
      store.restore({ collection: 'risks', documents: [{ _id: 'r1', _version: 1 }], guards: [] }),
    ).toThrow(RangeError);
  });
});

describe('InMemoryReadStore: frozen documents, shared between versions', () => {
  interface Entry {
    title: string;
    record: { owner: { personId: string }; actions: { id: string }[] };
    at?: Date;
  }
  const entry: Entry = {
    title: 'Laptop theft',
    record: { owner: { personId: 'p-1' }, actions: [{ id: 'a-1' }] },
  };

  it('hands out its documents frozen, without copying them', async () => {
    const register = new InMemoryReadStore().collection<Entry>('risk_register');
    await register.upsert('risk-1', entry);
    const read = (await register.get('risk-1'))!;
    expect(Object.isFrozen(read)).toBe(true);
    expect(Object.isFrozen(read.record.actions[0])).toBe(true);
    expect(await register.get('risk-1')).toBe(read);
    expect((await register.find({ title: 'Laptop theft' }))[0]).toBe(read);
    expect(() => read.record.actions.push({ id: 'a-2' })).toThrow(TypeError);
  });

  it('keeps the parts a write passes on unchanged, and copies the rest', async () => {
    const register = new InMemoryReadStore().collection<Entry>('risk_register');
    await register.upsert('risk-1', entry);
    const before = (await register.get('risk-1'))!;
    const record = { ...before.record, actions: [...before.record.actions, { id: 'a-2' }] };
    await register.upsert('risk-1', { title: before.title, record });
    const after = (await register.get('risk-1'))!;
    expect(after.record.owner).toBe(before.record.owner);
    expect(after.record.actions[0]).toBe(before.record.actions[0]);
    expect(after.record.actions).not.toBe(record.actions);
    expect(Object.isFrozen(after.record.actions[1])).toBe(true);
    // The caller's objects were copied: changing them later changes nothing stored.
    record.actions.push({ id: 'a-3' });
    expect((await register.get('risk-1'))!.record.actions).toHaveLength(2);
  });

  it('copies a document holding a Date at every read (freezing a Date does not protect it)', async () => {
    const register = new InMemoryReadStore().collection<Entry>('risk_register');
    await register.upsert('risk-1', { ...entry, at: new Date('2026-01-01T00:00:00.000Z') });
    const read = (await register.get('risk-1'))!;
    expect(Object.isFrozen(read)).toBe(false);
    read.at!.setTime(0);
    expect((await register.get('risk-1'))!.at).toEqual(new Date('2026-01-01T00:00:00.000Z'));
  });

  it('freezes documents restored from chunks when they are first read', async () => {
    const store = new InMemoryReadStore();
    await store.collection<Entry>('risk_register').upsert('risk-1', entry);
    const restored = new InMemoryReadStore();
    for (const chunk of store.chunks()) restored.restore(structuredClone(chunk));
    const read = (await restored.collection<Entry>('risk_register').get('risk-1'))!;
    expect(Object.isFrozen(read.record.owner)).toBe(true);
    expect(read).toEqual({ ...entry, _id: 'risk-1', _version: 1 });
  });
});
