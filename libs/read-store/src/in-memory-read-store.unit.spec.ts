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
});
