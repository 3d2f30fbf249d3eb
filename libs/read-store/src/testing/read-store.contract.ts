import { randomUUID } from 'node:crypto';
import { guardKey } from '../document-rules.js';
import type { Filter, ReadCollection, ReadStore, StoredDocument } from '../read-store.js';
import { InvalidDocumentError, UnsupportedQueryError } from '../read-store.js';

export interface ReadStoreContractFixture {
  /** Shown in the test names, e.g. `in-memory` or `mongoose (FerretDB)`. */
  readonly adapter: string;
  /** A connected store; called once for the suite and closed after it. */
  create(): Promise<ReadStore>;
  /** Jest timeout per test (a remote server needs more than the default). */
  readonly testTimeoutMs?: number;
  /**
   * Another store on the same database, as a second process would open it (server adapters).
   * When given, the racing-writer tests spread their writers over both stores, so a guard that
   * only serialises writers inside one process is caught. Closed by the suite.
   */
  createPeer?(): Promise<ReadStore>;
}

/** A risk-register read model: the shape reporting projections precompute. */
interface RiskEntry {
  title: string;
  orgUnit: { id: string; name: string };
  inherentScore: number;
  residualScore?: number | null;
  status: string;
  tags: string[];
  controls: { id: string; status: string }[];
  acceptedAt?: string;
  reviewedAt?: Date;
}

const RISKS: Record<string, RiskEntry> = {
  'risk-001': {
    title: 'Ransomware encrypts file servers',
    orgUnit: { id: 'ou-de', name: 'ACME Germany' },
    inherentScore: 20,
    residualScore: 12,
    status: 'treated',
    tags: ['ransomware', 'crown-jewel'],
    controls: [
      { id: 'A.8.7', status: 'implemented' },
      { id: 'A.8.13', status: 'planned' },
    ],
    reviewedAt: new Date('2026-03-01T10:00:00.000Z'),
  },
  'risk-002': {
    title: 'Supplier loses customer data',
    orgUnit: { id: 'ou-fr', name: 'ACME France' },
    inherentScore: 15,
    residualScore: 6,
    status: 'accepted',
    tags: ['supplier'],
    controls: [{ id: 'A.5.19', status: 'implemented' }],
    acceptedAt: '2026-02-10T09:00:00.000Z',
    reviewedAt: new Date('2026-01-15T10:00:00.000Z'),
  },
  'risk-003': {
    title: 'Laptop theft',
    orgUnit: { id: 'ou-de', name: 'ACME Germany' },
    inherentScore: 9,
    residualScore: null,
    status: 'identified',
    tags: [],
    controls: [],
  },
  'risk-004': {
    title: 'Phishing of finance staff',
    orgUnit: { id: 'ou-uk', name: 'ACME UK' },
    inherentScore: 16,
    status: 'assessed',
    tags: ['phishing', 'crown-jewel'],
    controls: [{ id: 'A.6.3', status: 'planned' }],
  },
  'risk-005': {
    title: 'Data centre flood',
    orgUnit: { id: 'ou-fr', name: 'ACME France' },
    inherentScore: 15,
    residualScore: 10,
    status: 'treated',
    tags: ['availability'],
    controls: [
      { id: 'A.7.5', status: 'implemented' },
      { id: 'A.8.14', status: 'implemented' },
    ],
    acceptedAt: '2026-04-01T09:00:00.000Z',
  },
};

/**
 * The behaviour every ReadStore adapter must show, limited to what FerretDB 1.24 supports.
 * Each test works in its own collection (unique name) and drops it afterwards.
 */
export function readStoreContract(fixture: ReadStoreContractFixture): void {
  const timeout = fixture.testTimeoutMs ?? 10_000;

  describe(`ReadStore contract: ${fixture.adapter}`, () => {
    let store: ReadStore;
    /** The second process's store, or the same store when the adapter has no peer. */
    let peer: ReadStore;
    let used: ReadCollection<object>[];

    beforeAll(async () => {
      store = await fixture.create();
      peer = fixture.createPeer ? await fixture.createPeer() : store;
    }, timeout);

    afterAll(async () => {
      if (peer && peer !== store) await peer.close();
      await store?.close();
    }, timeout);

    beforeEach(() => {
      used = [];
    });

    afterEach(async () => {
      await Promise.all(used.map((c) => c.drop()));
    }, timeout);

    function collection<T extends object>(purpose: string): ReadCollection<T> {
      const c = store.collection<T>(`${purpose}_${randomUUID().replace(/-/g, '').slice(0, 12)}`);
      used.push(c as ReadCollection<object>);
      return c;
    }

    async function riskRegister(): Promise<ReadCollection<RiskEntry>> {
      const register = collection<RiskEntry>('risk_register');
      for (const [id, risk] of Object.entries(RISKS)) await register.upsert(id, risk);
      return register;
    }

    const ids = (documents: readonly StoredDocument<object>[]) => documents.map((d) => d._id);

    describe('documents', () => {
      it(
        'stores a document under a string id and returns a copy with _id and _version',
        async () => {
          const register = collection<RiskEntry>('risk_register');
          expect(await register.get('risk-001')).toBeUndefined();
          const result = await register.upsert('risk-001', RISKS['risk-001']!);
          expect(result.outcome).toBe('applied');
          expect(result.document).toMatchObject({ _id: 'risk-001', _version: 1 });
          const stored = await register.get('risk-001');
          expect(stored).toEqual({ ...RISKS['risk-001'], _id: 'risk-001', _version: 1 });
          expect(stored!.reviewedAt).toBeInstanceOf(Date);

          await register.upsert('risk-001', { ...RISKS['risk-001']!, status: 'accepted' });
          expect(await register.get('risk-001')).toMatchObject({ status: 'accepted', _version: 2 });
        },
        timeout,
      );

      it(
        'never lets a caller change a stored document through a reference',
        async () => {
          // What a read gives is read-only: a change either throws (the in-memory adapter's
          // documents are frozen) or changes the caller's copy only. risk-001 holds a Date,
          // risk-004 does not (the in-memory adapter shares only documents without one).
          const tryToChange = (change: () => void) => {
            try {
              change();
            } catch (error) {
              expect(error).toBeInstanceOf(TypeError);
            }
          };
          const register = collection<RiskEntry>('risk_register');
          for (const id of ['risk-001', 'risk-004']) {
            const written: RiskEntry = structuredClone(RISKS[id]!);
            const { document } = await register.upsert(id, written);
            written.tags.push('changed-after-write');
            written.orgUnit.name = 'changed';
            tryToChange(() => document!.tags.push('changed-in-the-result'));

            const read = await register.get(id);
            tryToChange(() => read!.tags.push('changed-after-read'));
            tryToChange(() => (read!.controls[0]!.status = 'changed'));
            tryToChange(() => (read!.title = 'changed'));
            const [found] = await register.find({ _id: id });
            tryToChange(() => (found!.orgUnit.id = 'changed'));
            const [picked] = await register.find({ _id: id }, { projection: { orgUnit: 1 } });
            tryToChange(() => (picked!.orgUnit.name = 'changed'));

            expect(await register.get(id)).toEqual({ ...RISKS[id], _id: id, _version: 1 });
          }
        },
        timeout,
      );

      it(
        'writes back what a read gave, changed by spreads, and still validates what is new',
        async () => {
          const register = collection<RiskEntry>('risk_register');
          await register.upsert('risk-004', RISKS['risk-004']!);
          const read = (await register.get('risk-004'))!;
          const { _id, _version, ...body } = read;
          void _id;
          void _version;
          await register.upsert('risk-004', {
            ...body,
            status: 'treated',
            controls: [...read.controls, { id: 'A.8.7', status: 'planned' }],
          });
          await register.upsert('risk-003', { ...RISKS['risk-003']!, orgUnit: read.orgUnit });
          expect(await register.get('risk-004')).toEqual({
            ...RISKS['risk-004'],
            status: 'treated',
            controls: [...RISKS['risk-004']!.controls, { id: 'A.8.7', status: 'planned' }],
            _id: 'risk-004',
            _version: 2,
          });
          expect((await register.get('risk-003'))!.orgUnit).toEqual(RISKS['risk-004']!.orgUnit);

          // A frozen object of the caller's is validated as any other.
          const frozen = Object.freeze({ ...read.orgUnit, 'name.short': 'UK' });
          await expect(
            register.upsert('risk-004', { ...body, orgUnit: frozen }),
          ).rejects.toBeInstanceOf(InvalidDocumentError);
          // A stored array is still refused directly inside an array.
          const nested = { ...body, matrix: [read.tags] } as unknown as RiskEntry;
          await expect(register.upsert('risk-004', nested)).rejects.toBeInstanceOf(
            InvalidDocumentError,
          );
          expect((await register.get('risk-004'))!._version).toBe(2);
        },
        timeout,
      );

      it(
        "keeps a body's fields in its order, drops undefined ones at any depth, and takes the meta fields from the store, not the body",
        async () => {
          const register = collection<Record<string, unknown>>('shapes');
          const body = {
            title: 'Laptop theft',
            rating: { likelihood: 3, impact: undefined, level: 'high' },
            actions: [{ id: 'a-1', doneAt: undefined }],
            owner: 'p-1',
          };
          await register.upsert('r-1', body);
          const first = (await register.get('r-1'))!;
          expect(first).toEqual({
            title: 'Laptop theft',
            rating: { likelihood: 3, level: 'high' },
            actions: [{ id: 'a-1' }],
            owner: 'p-1',
            _id: 'r-1',
            _version: 1,
          });
          // (MongoDB puts _id first: the body's own fields are compared.)
          const fieldsOf = (document: object) => Object.keys(document).filter((k) => k[0] !== '_');
          expect(fieldsOf(first)).toEqual(['title', 'rating', 'actions', 'owner']);
          expect(fieldsOf(first['rating'] as object)).toEqual(['likelihood', 'level']);
          // Changing the caller's objects afterwards changes nothing stored.
          body.title = 'changed';
          body.rating.likelihood = 5;
          // A document read back, changed and written again: the store's _version, not the body's.
          await register.upsert('r-1', { ...first, owner: 'p-2', _version: 41, _revision: 7 });
          const second = (await register.get('r-1'))!;
          expect(second).toEqual({ ...first, owner: 'p-2', _version: 2 });
          expect(second['rating']).toEqual({ likelihood: 3, level: 'high' });
          // The same without its _id.
          const { _id, ...withoutId } = second;
          expect(_id).toBe('r-1');
          await register.upsert('r-1', { ...withoutId, _version: 41, _revision: 7 });
          expect(await register.get('r-1')).toEqual({ ...second, _version: 3 });
        },
        timeout,
      );

      it(
        'drops undefined fields and refuses what FerretDB cannot store',
        async () => {
          const register = collection<Record<string, unknown>>('validation');
          await register.upsert('doc-1', { kept: 1, dropped: undefined });
          expect(await register.get('doc-1')).toEqual({ _id: 'doc-1', _version: 1, kept: 1 });

          const invalid: Record<string, unknown>[] = [
            { 'annex.a': 1 },
            { $set: 1 },
            { nested: { 'a.b': 1 } },
            { matrix: [[1, 2]] },
            { score: Number.NaN },
            { when: new Map() },
            { _id: 'another-id' },
          ];
          for (const document of invalid) {
            await expect(register.upsert('doc-2', document)).rejects.toBeInstanceOf(
              InvalidDocumentError,
            );
          }
          await expect(register.upsert('', { a: 1 })).rejects.toBeInstanceOf(InvalidDocumentError);
          expect(await register.get('doc-2')).toBeUndefined();
        },
        timeout,
      );
    });

    describe('queries', () => {
      const cases: [string, Filter, string[]][] = [
        ['equality', { status: 'treated' }, ['risk-001', 'risk-005']],
        ['$eq', { status: { $eq: 'accepted' } }, ['risk-002']],
        ['$ne', { status: { $ne: 'treated' } }, ['risk-002', 'risk-003', 'risk-004']],
        ['$in', { status: { $in: ['accepted', 'identified'] } }, ['risk-002', 'risk-003']],
        ['$nin', { status: { $nin: ['treated', 'assessed'] } }, ['risk-002', 'risk-003']],
        ['$gt', { inherentScore: { $gt: 15 } }, ['risk-001', 'risk-004']],
        ['$gte', { inherentScore: { $gte: 15 } }, ['risk-001', 'risk-002', 'risk-004', 'risk-005']],
        ['$lt', { residualScore: { $lt: 10 } }, ['risk-002']],
        ['$lte and $gte', { residualScore: { $gte: 6, $lte: 10 } }, ['risk-002', 'risk-005']],
        ['string range (ISO dates)', { acceptedAt: { $gte: '2026-03-01' } }, ['risk-005']],
        ['Date range', { reviewedAt: { $lt: new Date('2026-02-01T00:00:00.000Z') } }, ['risk-002']],
        ['$exists true', { acceptedAt: { $exists: true } }, ['risk-002', 'risk-005']],
        ['$exists false', { residualScore: { $exists: false } }, ['risk-004']],
        ['null matches null and missing', { residualScore: null }, ['risk-003', 'risk-004']],
        ['dotted path into a sub-document', { 'orgUnit.id': 'ou-fr' }, ['risk-002', 'risk-005']],
        ['array contains', { tags: 'crown-jewel' }, ['risk-001', 'risk-004']],
        [
          'array contains one of ($in)',
          { tags: { $in: ['supplier', 'phishing'] } },
          ['risk-002', 'risk-004'],
        ],
        ['$all', { tags: { $all: ['ransomware', 'crown-jewel'] } }, ['risk-001']],
        ['$size', { tags: { $size: 0 } }, ['risk-003']],
        ['dotted path into an array of sub-documents', { 'controls.id': 'A.8.14' }, ['risk-005']],
        [
          '$and',
          { $and: [{ 'orgUnit.id': 'ou-de' }, { inherentScore: { $gte: 10 } }] },
          ['risk-001'],
        ],
        [
          '$and of equality and $in conditions',
          { $and: [{ status: { $in: ['treated', 'assessed'] } }, { tags: 'crown-jewel' }] },
          ['risk-001', 'risk-004'],
        ],
        [
          '$and naming one field twice',
          {
            $and: [
              { status: { $in: ['treated', 'accepted'] } },
              { status: { $in: ['accepted', 'identified'] } },
            ],
          },
          ['risk-002'],
        ],
        [
          'a field beside a nested $and',
          {
            tags: 'crown-jewel',
            $and: [{ $and: [{ inherentScore: { $gt: 15 } }] }, { status: 'assessed' }],
          },
          ['risk-004'],
        ],
        [
          '$or',
          { $or: [{ status: 'accepted' }, { 'orgUnit.id': 'ou-uk' }] },
          ['risk-002', 'risk-004'],
        ],
        [
          '$or inside $and',
          {
            $and: [
              { $or: [{ status: 'treated' }, { status: 'accepted' }] },
              { 'orgUnit.id': 'ou-fr' },
            ],
          },
          ['risk-002', 'risk-005'],
        ],
        ['no match', { status: 'closed' }, []],
      ];

      it(
        'evaluates the supported MongoDB query subset like MongoDB',
        async () => {
          const register = await riskRegister();
          for (const [name, filter, expected] of cases) {
            const found = ids(await register.find(filter));
            expect({ name, found }).toEqual({ name, found: expected });
            expect({ name, count: await register.count(filter) }).toEqual({
              name,
              count: expected.length,
            });
          }
          expect(await register.count()).toBe(5);
        },
        timeout,
      );

      it(
        'sorts (ties broken by _id), pages with skip and limit, and projects fields',
        async () => {
          const register = await riskRegister();
          expect(ids(await register.find())).toEqual([
            'risk-001',
            'risk-002',
            'risk-003',
            'risk-004',
            'risk-005',
          ]);
          const byInherentDesc = ids(await register.find({}, { sort: { inherentScore: -1 } }));
          expect(byInherentDesc).toEqual([
            'risk-001',
            'risk-004',
            'risk-002',
            'risk-005',
            'risk-003',
          ]);
          expect(ids(await register.find({}, { sort: { status: 1, inherentScore: 1 } }))).toEqual([
            'risk-002',
            'risk-004',
            'risk-003',
            'risk-005',
            'risk-001',
          ]);
          expect(
            ids(await register.find({}, { sort: { inherentScore: -1 }, skip: 1, limit: 2 })),
          ).toEqual(['risk-004', 'risk-002']);
          expect(
            ids(await register.find({}, { sort: { inherentScore: -1 }, skip: 4, limit: 2 })),
          ).toEqual(['risk-003']);

          const titles = await register.find(
            { status: 'treated' },
            { projection: { title: 1 }, sort: { inherentScore: 1 } },
          );
          expect(titles).toEqual([
            { _id: 'risk-005', title: 'Data centre flood' },
            { _id: 'risk-001', title: 'Ransomware encrypts file servers' },
          ]);
          const withoutId = await register.find(
            { _id: 'risk-002' },
            { projection: { _id: 0, status: 1 } },
          );
          expect(withoutId).toEqual([{ status: 'accepted' }]);
          const slim = await register.find(
            { _id: 'risk-003' },
            { projection: { controls: 0, tags: 0, orgUnit: 0, _version: 0 } },
          );
          expect(slim).toEqual([
            {
              _id: 'risk-003',
              title: 'Laptop theft',
              inherentScore: 9,
              residualScore: null,
              status: 'identified',
            },
          ]);
        },
        timeout,
      );

      it(
        'refuses query operators outside the supported subset',
        async () => {
          const register = await riskRegister();
          const unsupported: Filter[] = [
            { title: { $regex: 'ransom' } },
            { $where: 'this.inherentScore > 1' },
            { $expr: { $gt: ['$inherentScore', '$residualScore'] } },
            { inherentScore: { $mod: [2, 0] } },
            { $text: { $search: 'flood' } },
            { status: { $eq: 'treated', other: 1 } },
            // FerretDB 1.24 refuses $elemMatch on sub-documents ("unknown operator") and, on
            // scalars, matches conditions met by different elements: precompute instead.
            { controls: { $elemMatch: { id: 'A.8.13', status: 'planned' } } },
            { tags: { $elemMatch: { $gt: 'p', $lt: 'r' } } },
          ];
          for (const filter of unsupported) {
            await expect(register.find(filter)).rejects.toBeInstanceOf(UnsupportedQueryError);
          }
          await expect(register.find({}, { sort: { title: 2 as 1 } })).rejects.toBeInstanceOf(
            UnsupportedQueryError,
          );
          await expect(
            register.find({}, { projection: { title: 1, tags: 0 } }),
          ).rejects.toBeInstanceOf(UnsupportedQueryError);
        },
        timeout,
      );
    });

    describe('revision guards (idempotent projections without transactions)', () => {
      it(
        'upsert with a revision skips a redelivered or older event and applies a newer one',
        async () => {
          const register = collection<RiskEntry>('risk_register');
          const v3 = { ...RISKS['risk-001']!, status: 'treated' };
          expect((await register.upsert('risk-001', v3, { revision: 3 })).outcome).toBe('applied');

          const again = await register.upsert(
            'risk-001',
            { ...v3, status: 'redelivered' },
            { revision: 3 },
          );
          expect(again.outcome).toBe('stale');
          expect(again.document).toMatchObject({ status: 'treated', _revision: 3, _version: 1 });
          const older = await register.upsert(
            'risk-001',
            { ...v3, status: 'older' },
            { revision: 2 },
          );
          expect(older.outcome).toBe('stale');
          expect(await register.get('risk-001')).toMatchObject({ status: 'treated', _revision: 3 });

          const newer = await register.upsert(
            'risk-001',
            { ...v3, status: 'accepted' },
            { revision: 4 },
          );
          expect(newer.outcome).toBe('applied');
          expect(await register.get('risk-001')).toMatchObject({
            status: 'accepted',
            _revision: 4,
            _version: 2,
          });
        },
        timeout,
      );

      interface GroupRollUp {
        tenantId: string;
        risksByStatus: Record<string, number>;
        highRisks: string[];
      }

      it(
        'applyEvent keeps one guard per stream for a roll-up fed by many streams',
        async () => {
          const rollUps = collection<GroupRollUp>('group_risk_summary');
          const calls: string[] = [];
          const count =
            (riskId: string, status: string, high = false) =>
            (current?: GroupRollUp) => {
              calls.push(`${riskId}:${status}`);
              const doc = current ?? { tenantId: 'acme', risksByStatus: {}, highRisks: [] };
              return {
                tenantId: doc.tenantId,
                risksByStatus: {
                  ...doc.risksByStatus,
                  [status]: (doc.risksByStatus[status] ?? 0) + 1,
                },
                highRisks: high ? [...doc.highRisks, riskId] : doc.highRisks,
              };
            };

          const first = await rollUps.applyEvent(
            'acme',
            { streamId: 'risk-001', streamRevision: 1 },
            count('risk-001', 'identified', true),
          );
          expect(first.outcome).toBe('applied');
          await rollUps.applyEvent(
            'acme',
            { streamId: 'risk-002', streamRevision: 1 },
            count('risk-002', 'identified'),
          );
          await rollUps.applyEvent(
            'acme',
            { streamId: 'risk-002', streamRevision: 2 },
            count('risk-002', 'assessed'),
          );

          // Redelivered and older events: no-ops, and mutate is not even called.
          const redelivered = await rollUps.applyEvent(
            'acme',
            { streamId: 'risk-002', streamRevision: 2 },
            count('risk-002', 'assessed'),
          );
          expect(redelivered.outcome).toBe('stale');
          const older = await rollUps.applyEvent(
            'acme',
            { streamId: 'risk-002', streamRevision: 1 },
            count('risk-002', 'identified'),
          );
          expect(older.outcome).toBe('stale');
          // Another stream at a revision already seen on a different stream is new.
          const otherStream = await rollUps.applyEvent(
            'acme',
            { streamId: 'risk-001', streamRevision: 2 },
            count('risk-001', 'assessed', false),
          );
          expect(otherStream.outcome).toBe('applied');

          expect(calls).toEqual([
            'risk-001:identified',
            'risk-002:identified',
            'risk-002:assessed',
            'risk-001:assessed',
          ]);
          const summary = await rollUps.get('acme');
          expect(summary).toMatchObject({
            risksByStatus: { identified: 2, assessed: 2 },
            highRisks: ['risk-001'],
            _version: 4,
            _streams: { [guardKey('risk-001')]: 2, [guardKey('risk-002')]: 2 },
          });
        },
        timeout,
      );

      it(
        'applyEvent: undefined from mutate leaves the document alone; stream ids with "." and "$" work',
        async () => {
          const rollUps = collection<{ n: number }>('scope_summary');
          const none = await rollUps.applyEvent(
            'scope-1',
            { streamId: 's', streamRevision: 1 },
            () => undefined,
          );
          expect(none).toEqual({ outcome: 'unchanged', document: undefined });
          expect(await rollUps.get('scope-1')).toBeUndefined();

          const odd = 'soa.scope-1$2026%';
          await rollUps.applyEvent('scope-1', { streamId: odd, streamRevision: 5 }, () => ({
            n: 1,
          }));
          const stale = await rollUps.applyEvent(
            'scope-1',
            { streamId: odd, streamRevision: 5 },
            () => ({ n: 2 }),
          );
          expect(stale.outcome).toBe('stale');
          const stored = await rollUps.get('scope-1');
          expect(stored?.n).toBe(1);
          for (const key of Object.keys(stored?._streams ?? {})) {
            expect(key).not.toMatch(/[.$]/);
          }
          expect(Object.keys(stored?._streams ?? {})).toHaveLength(1);
        },
        timeout,
      );

      it(
        'applyEvent serialises concurrent writers to one document without losing an update',
        async () => {
          const rollUps = collection<{ total: number; streams: string[] }>('group_totals');
          const streams = Array.from(
            { length: 20 },
            (_, i) => `risk-${String(i).padStart(3, '0')}`,
          );
          const onPeer = peer.collection<{ total: number; streams: string[] }>(rollUps.name);
          const results = await Promise.all(
            streams.map((streamId, i) =>
              (i % 2 === 0 ? rollUps : onPeer).applyEvent(
                'group',
                { streamId, streamRevision: 1 },
                (current) => ({
                  total: (current?.total ?? 0) + 1,
                  streams: [...(current?.streams ?? []), streamId],
                }),
              ),
            ),
          );
          expect(results.every((r) => r.outcome === 'applied')).toBe(true);
          const stored = await rollUps.get('group');
          expect(stored?.total).toBe(streams.length);
          expect([...(stored?.streams ?? [])].sort()).toEqual(streams);
          expect(stored?._version).toBe(streams.length);
        },
        timeout,
      );

      it(
        'upserts racing with different revisions end at the newest one, never an older one',
        async () => {
          const register = collection<{ status: string }>('risk_register');
          const revisions = [3, 9, 1, 7, 16, 2, 12, 8, 5, 14, 6, 4, 11, 15, 10, 13];
          const onPeer = peer.collection<{ status: string }>(register.name);
          const results = await Promise.all(
            revisions.map((revision, i) =>
              (i % 2 === 0 ? register : onPeer).upsert(
                'risk-race',
                { status: `revision-${revision}` },
                { revision },
              ),
            ),
          );
          expect(await register.get('risk-race')).toMatchObject({
            status: 'revision-16',
            _revision: 16,
          });
          // A write that reports `applied` really happened: versions count the applied writes.
          const applied = results.filter((r) => r.outcome === 'applied').length;
          expect(applied).toBeGreaterThanOrEqual(1);
          expect((await register.get('risk-race'))?._version).toBe(applied);
        },
        timeout,
      );
    });

    describe('deletion', () => {
      it(
        'deletes one document, many by filter, and drops a collection that stays usable',
        async () => {
          const register = await riskRegister();
          const other = collection<RiskEntry>('other_register');
          await other.upsert('risk-001', RISKS['risk-001']!);

          expect(await register.delete('risk-003')).toBe(true);
          expect(await register.delete('risk-003')).toBe(false);
          expect(await register.deleteMany({ 'orgUnit.id': 'ou-fr' })).toBe(2);
          expect(ids(await register.find())).toEqual(['risk-001', 'risk-004']);
          expect(await register.deleteMany({ status: 'closed' })).toBe(0);

          await register.drop();
          expect(await register.count()).toBe(0);
          expect(await register.get('risk-001')).toBeUndefined();
          await register.drop(); // dropping twice is fine
          await register.upsert('risk-009', RISKS['risk-002']!);
          expect(ids(await register.find())).toEqual(['risk-009']);

          expect(ids(await other.find())).toEqual(['risk-001']);
        },
        timeout,
      );
    });

    it(
      'reports health',
      async () => {
        expect(await store.health()).toMatchObject({ status: 'up' });
      },
      timeout,
    );
  });
}
