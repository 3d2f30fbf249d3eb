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
