import type {
  EventStore,
  NewEvent,
  Projection,
  ReadAllOptions,
  RecordedEvent,
} from '@isms/event-sourcing';
import { ManualClock } from '@isms/event-sourcing';
import { createEmbeddedEventStore } from '@isms/event-store';
import type { SqlEventStore } from '@isms/event-store';
import { InMemoryReadStore } from '@isms/read-store';
import type { ReadStore } from '@isms/read-store';
import { handlesEvent, replayFilter } from '@isms/event-sourcing';
import { EventCursor } from './as-of-replay.js';
import { projectAsOf } from './projections.js';
import type { ProjectionFactory } from './projections.js';

/**
 * `?asOf=` rebuilds ask the store only for what their read models handle (stream types, event
 * types, the tenant), on a real embedded event store, and answer exactly as a replay of every
 * event would.
 */
const clock = new ManualClock('2026-03-01T08:00:00.000Z');
let store: SqlEventStore;

const event = (type: string, data: Record<string, unknown>): NewEvent => ({
  type,
  data,
  metadata: {
    actor: { userId: 'person-1', role: 'ciso' },
    correlationId: 'corr-1',
    occurredAt: clock.now().toISOString(),
  },
});

async function append(
  tenantId: string,
  streamType: string,
  streamId: string,
  type: string,
  data: Record<string, unknown> = {},
) {
  clock.advance(60_000);
  await store.append({
    tenantId,
    streamId,
    streamType,
    expectedRevision: 'any',
    events: [event(type, { streamId, type, ...data })],
  });
}

interface Note {
  tenantId: string;
  streamId: string;
  title: string;
  status: string;
  history: string[];
}

/** A read model of `risk` streams reacting to three event types (and ignoring the others). */
const riskNotes: ProjectionFactory = (readStore: ReadStore): Projection => {
  const notes = readStore.collection<Note>('riskNotes');
  return {
    name: 'risk-notes',
    handles: {
      streamTypes: ['risk'],
      eventTypes: ['RiskIdentified', 'RiskRetitled', 'RiskClosed'],
    },
    async apply(e) {
      const current = await notes.get(e.streamId);
      const base = current ?? {
        tenantId: e.tenantId,
        streamId: e.streamId,
        title: '',
        status: 'open',
        history: [],
      };
      const history = [...base.history, e.type];
      if (e.type === 'RiskIdentified') {
        await notes.upsert(e.streamId, { ...base, title: 'identified', history });
      } else if (e.type === 'RiskRetitled') {
        await notes.upsert(e.streamId, { ...base, title: `retitled at ${e.recordedAt}`, history });
      } else if (e.type === 'RiskClosed') {
        await notes.upsert(e.streamId, { ...base, status: 'closed', history });
      }
    },
  };
};
/** The same read model declaring no event types: it gets (and ignores) every risk event. */
const riskNotesUnfiltered: ProjectionFactory = (readStore) => {
  const { handles: _handles, ...projection } = riskNotes(readStore);
  return { ...projection, handles: { streamTypes: ['risk'] } };
};
/** A read model of SoA streams, counting the events of two types per stream. */
const soaCounts: ProjectionFactory = (readStore) => {
  const counts = readStore.collection<{ tenantId: string; n: number }>('soaCounts');
  return {
    name: 'soa-counts',
    handles: { streamTypes: ['soa'], eventTypes: ['SoaLineRecorded', 'SoaApproved'] },
    async apply(e) {
      const current = await counts.get(e.streamId);
      await counts.upsert(e.streamId, { tenantId: e.tenantId, n: (current?.n ?? 0) + 1 });
    },
  };
};

/** The store, recording what each readAll asked for and how many events it returned. */
function observed(target: EventStore) {
  const reads: { options: ReadAllOptions; returned: RecordedEvent[] }[] = [];
  const proxy = new Proxy(target, {
    get(object, property) {
      if (property === 'readAll') {
        return async (options: ReadAllOptions) => {
          const returned = await object.readAll(options);
          reads.push({ options, returned });
          return returned;
        };
      }
      const value = Reflect.get(object, property, object) as unknown;
      return typeof value === 'function' ? (value as () => unknown).bind(object) : value;
    },
  });
  return { store: proxy, reads, returned: () => reads.flatMap((r) => r.returned) };
}

async function documents(readStore: ReadStore, collection: string) {
  return readStore.collection(collection).find({}, { sort: { _id: 1 } });
}

beforeAll(async () => {
  store = await createEmbeddedEventStore({ dataDir: 'memory', clock });
  const lifecycle = [
    'RiskIdentified',
    'RiskAssessed',
    'RiskReviewed',
    'RiskRetitled',
    'RiskReviewed',
    'RiskAssessed',
    'RiskClosed',
  ];
  for (let i = 0; i < lifecycle.length; i++) {
    for (const risk of ['risk-1', 'risk-2', 'risk-3']) {
      if (risk === 'risk-3' && i >= 4) continue; // still open
      await append('tenant-a', 'risk', risk, lifecycle[i]!);
    }
    await append('tenant-b', 'risk', 'risk-b1', lifecycle[i]!);
    if (i % 2 === 0) await append('tenant-a', 'soa', 'soa-1', 'SoaLineRecorded');
    await append('tenant-a', 'soa', 'soa-1', 'SoaCommentAdded');
  }
  await append('tenant-a', 'soa', 'soa-1', 'SoaApproved');
}, 60_000);

afterAll(async () => {
  await store?.close();
});

describe('projectAsOf reads only what the read models handle', () => {
  it('replayFilter: the union of stream types, and of event types only when every projection names them', () => {
    const probe = new InMemoryReadStore();
    const filtered = replayFilter([riskNotes(probe), soaCounts(probe)]);
    expect(filtered.streamTypes).toEqual(['risk', 'soa']);
    expect(filtered.eventTypes).toEqual([
      'RiskIdentified',
      'RiskRetitled',
      'RiskClosed',
      'SoaLineRecorded',
      'SoaApproved',
    ]);
    expect(replayFilter([riskNotesUnfiltered(probe), soaCounts(probe)])).toEqual({
      streamTypes: ['risk', 'soa'],
    });
    const everything: Projection = { name: 'all', apply: async () => {} };
    expect(replayFilter([everything, soaCounts(probe)])).toEqual({});
  });

  it('handlesEvent: both lists narrow', () => {
    const notes = riskNotes(new InMemoryReadStore());
    const recorded = (streamType: string, type: string) =>
      ({ streamType, type }) as unknown as RecordedEvent;
    expect(handlesEvent(notes, recorded('risk', 'RiskClosed'))).toBe(true);
    expect(handlesEvent(notes, recorded('risk', 'RiskReviewed'))).toBe(false);
    expect(handlesEvent(notes, recorded('asset', 'RiskClosed'))).toBe(false);
  });

  it('asks the store for the handled event types and the tenant, and answers as a full replay does', async () => {
    const asOf = { recordedAt: clock.now().toISOString() };
    const narrow = observed(store);
    const filtered = await projectAsOf([riskNotes, soaCounts], narrow.store, asOf, {
      tenantId: 'tenant-a',
      batchSize: 4, // several pages
    });
    expect(narrow.reads.length).toBeGreaterThan(2);
    for (const { options } of narrow.reads) {
      expect(options).toMatchObject({
        tenantId: 'tenant-a',
        streamTypes: ['risk', 'soa'],
        eventTypes: [
          'RiskIdentified',
          'RiskRetitled',
          'RiskClosed',
          'SoaLineRecorded',
          'SoaApproved',
        ],
        asOf,
        limit: 4,
      });
    }
    // The store sent nothing else: 3 risks identified and retitled, 2 closed; 4 + 1 SoA events.
    const returned = narrow.returned();
    expect(returned.every((e) => e.tenantId === 'tenant-a')).toBe(true);
    expect(returned.map((e) => e.type).sort()).toEqual(
      [
        ...Array<string>(3).fill('RiskIdentified'),
        ...Array<string>(3).fill('RiskRetitled'),
        ...Array<string>(2).fill('RiskClosed'),
        ...Array<string>(4).fill('SoaLineRecorded'),
        'SoaApproved',
      ].sort(),
    );

    // A replay of every event of every tenant, each projection filtering for itself.
    const wide = observed(store);
    const unfiltered = await projectAsOf([riskNotesUnfiltered, soaCounts], wide.store, asOf);
    expect(wide.reads[0]!.options.eventTypes).toBeUndefined();
    expect(wide.returned().length).toBeGreaterThan(returned.length * 2);
    const ofTenantA = async (readStore: ReadStore, collection: string) =>
      (await documents(readStore, collection)).filter(
        (d) => (d as unknown as { tenantId: string }).tenantId === 'tenant-a',
      );
    expect(await documents(filtered, 'riskNotes')).toEqual(
      await ofTenantA(unfiltered, 'riskNotes'),
    );
    expect(await documents(filtered, 'soaCounts')).toEqual(
      await ofTenantA(unfiltered, 'soaCounts'),
    );
    expect(await documents(filtered, 'riskNotes')).toHaveLength(3);
    expect((await documents(unfiltered, 'riskNotes')).length).toBe(4); // tenant-b's too
  });

  it('as of an earlier point: the same answer with and without the filters', async () => {
    // Just after risk-1 was retitled: risk-2 and risk-3 not yet, tenant-b's risk neither.
    const [firstRetitled] = await store.readAll({ eventTypes: ['RiskRetitled'], limit: 1 });
    const asOf = { globalPosition: firstRetitled!.globalPosition };
    const filtered = await projectAsOf([riskNotes], store, asOf, { tenantId: 'tenant-a' });
    const unfiltered = await projectAsOf([riskNotesUnfiltered], store, asOf);
    const notes = await documents(filtered, 'riskNotes');
    expect(notes.map((n) => (n as unknown as Note).title)).toEqual([
      expect.stringMatching(/^retitled at /),
      'identified',
      'identified',
    ]);
    expect(notes).toEqual(
      (await documents(unfiltered, 'riskNotes')).filter(
        (d) => (d as unknown as Note).tenantId === 'tenant-a',
      ),
    );
  });
});

describe('projectAsOf narrowed to the streams that matter', () => {
  interface Link {
    tenantId: string;
    scopeId: string;
    notes: number;
  }
  /** Risk links by scope: the scope is set by the two events carrying `scopeId`. */
  const links: ProjectionFactory = (readStore) => {
    const collection = readStore.collection<Link>('links');
    return {
      name: 'links',
      handles: {
        streamTypes: ['scoped-risk'],
        eventTypes: ['Identified', 'ScopeChanged', 'Noted'],
      },
      async apply(e) {
        const data = e.data as { scopeId?: string };
        const current = await collection.get(e.streamId);
        const next = {
          tenantId: e.tenantId,
          scopeId: data.scopeId ?? current?.scopeId ?? '?',
          notes: (current?.notes ?? 0) + (e.type === 'Noted' ? 1 : 0),
        };
        await collection.upsert(e.streamId, next);
      },
    };
  };
  const inScope = async (readStore: ReadStore, scopeId: string) =>
    (await readStore.collection<Link>('links').find({ scopeId }, { sort: { _id: 1 } })).map((d) => [
      d._id,
      d.notes,
    ]);

  beforeAll(async () => {
    const add = (id: string, type: string, data: Record<string, unknown> = {}) =>
      append('tenant-a', 'scoped-risk', id, type, data);
    await add('s1', 'Identified', { scopeId: 'scope-de' });
    await add('s2', 'Identified', { scopeId: 'scope-fr' });
    await add('s3', 'Identified', { scopeId: 'scope-de' });
    await add('s4', 'Identified', { scopeId: 'scope-fr' });
    await append('tenant-b', 'scoped-risk', 'b1', 'Identified', { scopeId: 'scope-de' });
    await add('s1', 'Noted');
    await add('s2', 'ScopeChanged', { scopeId: 'scope-de' }); // moved in
    await add('s3', 'ScopeChanged', { scopeId: 'scope-fr' }); // moved out
    await add('s2', 'Noted');
    await add('s4', 'Noted');
    await append('tenant-a', 'soa', 'soa-2', 'SoaLineRecorded');
    await add('s1', 'Noted');
  }, 30_000);

  it('reads only the streams that were ever in the scope, and answers for the scope as a full replay does', async () => {
    const asOf = { recordedAt: clock.now().toISOString() };
    const narrow = observed(store);
    const narrowed = await projectAsOf([links, soaCounts], narrow.store, asOf, {
      tenantId: 'tenant-a',
      batchSize: 2,
      narrow: [
        {
          projection: 'links',
          eventTypes: ['Identified', 'ScopeChanged'],
          dataEquals: { scopeId: 'scope-de' },
        },
      ],
    });
    const full = await projectAsOf([links, soaCounts], store, asOf, { tenantId: 'tenant-a' });
    expect(await inScope(narrowed, 'scope-de')).toEqual([
      ['s1', 2],
      ['s2', 1],
    ]);
    expect(await inScope(narrowed, 'scope-de')).toEqual(await inScope(full, 'scope-de'));
    // The other read model is complete, and the same.
    expect(await documents(narrowed, 'soaCounts')).toEqual(await documents(full, 'soaCounts'));
    // The links came from s1, s2 and s3 only (s3 was in the scope once).
    const linkEvents = narrow.returned().filter((e) => e.streamType === 'scoped-risk');
    const read = narrow.reads.filter((r) => r.options.streamIds !== undefined);
    expect(read.length).toBeGreaterThan(0);
    for (const r of read) expect([...r.options.streamIds!].sort()).toEqual(['s1', 's2', 's3']);
    expect(new Set(linkEvents.map((e) => e.streamId))).toEqual(new Set(['s1', 's2', 's3']));
    expect(await inScope(narrowed, 'scope-fr')).toEqual([['s3', 0]]); // s2 and s4 absent
  });

  it('narrowed to given streams: only they are read', async () => {
    const asOf = { recordedAt: clock.now().toISOString() };
    const narrow = observed(store);
    const narrowed = await projectAsOf([links], narrow.store, asOf, {
      tenantId: 'tenant-a',
      narrow: [{ projection: 'links', streamIds: ['s2'] }],
    });
    expect(await documents(narrowed, 'links')).toEqual(
      (await documents(await projectAsOf([links], store, asOf), 'links')).filter(
        (d) => d._id === 's2',
      ),
    );
    expect(new Set(narrow.returned().map((e) => e.streamId))).toEqual(new Set(['s2']));
    expect(narrow.reads.every((r) => r.options.dataEquals === undefined)).toBe(true);
  });

  it('as of a point before the move: the scope as it was then', async () => {
    const [moved] = await store.readAll({
      tenantId: 'tenant-a',
      eventTypes: ['ScopeChanged'],
      limit: 1,
    });
    const asOf = { globalPosition: moved!.globalPosition - 1 };
    const narrowed = await projectAsOf([links], store, asOf, {
      tenantId: 'tenant-a',
      narrow: [
        {
          projection: 'links',
          eventTypes: ['Identified', 'ScopeChanged'],
          dataEquals: { scopeId: 'scope-de' },
        },
      ],
    });
    const full = await projectAsOf([links], store, asOf);
    expect(await inScope(narrowed, 'scope-de')).toEqual([
      ['s1', 1],
      ['s3', 0],
    ]);
    expect(
      (await inScope(full, 'scope-de')).filter(([id]) => id !== 'b1'), // tenant-b's
    ).toEqual(await inScope(narrowed, 'scope-de'));
  });
});

describe('EventCursor', () => {
  const recorded = (globalPosition: number) => ({ globalPosition }) as RecordedEvent;

  it('reads the next page while the current one is consumed, and gives every event once, in order', async () => {
    const log = [1, 2, 3, 4, 5].map(recorded);
    const asked: number[] = [];
    const cursor = new EventCursor(
      'risk',
      async (after) => {
        asked.push(after);
        return log.filter((e) => e.globalPosition > after).slice(0, 2);
      },
      2,
    );
    expect((await cursor.head())?.globalPosition).toBe(1);
    expect(asked).toEqual([0, 2]); // the second page is on its way before the first is consumed
    const seen: number[] = [];
    for (let event = await cursor.head(); event; cursor.advance(), event = await cursor.head()) {
      seen.push(event.globalPosition);
    }
    expect(seen).toEqual([1, 2, 3, 4, 5]);
    expect(asked).toEqual([0, 2, 4]); // a short page is the last: nothing read beyond it
  });

  it('gives a failed read to whoever asks for its page, and none to a replay that stopped before', async () => {
    const failing = (after: number) =>
      after === 0
        ? Promise.resolve([recorded(1), recorded(2)])
        : Promise.reject(new Error('event store unavailable'));
    const abandoned = new EventCursor('soa', failing, 2);
    expect((await abandoned.head())?.globalPosition).toBe(1); // its read-ahead fails unseen
    const consumed = new EventCursor('soa', failing, 2);
    await consumed.head();
    consumed.advance();
    consumed.advance();
    await expect(consumed.head()).rejects.toThrow('event store unavailable');
  });
});
