import { Query, find as mingoFind } from 'mingo';
import type { AnyObject } from 'mingo/types';
import {
  assertCollectionName,
  assertDocumentId,
  assertFindOptions,
  assertStreamPosition,
  assertSupportedFilter,
  copyDocument,
  guardKey,
  nextAppliedVersion,
  planUpsert,
  sealStored,
  totalSort,
} from './document-rules.js';
import type { WritePlan } from './document-rules.js';
import type {
  Filter,
  FindOptions,
  ReadCollection,
  ReadStore,
  ReadStoreHealth,
  SortDirection,
  StoredDocument,
  StreamPosition,
  UpsertOptions,
  WriteResult,
} from './read-store.js';

type Stored = StoredDocument<Record<string, unknown>>;

/** A document's applyEvent guards (encoded stream id, last revision applied), or null. */
type GuardEntries = readonly (readonly [string, number])[] | null;

/** Part of one collection of an InMemoryReadStore, as `chunks` gives it and `restore` takes it. */
export interface InMemoryReadStoreChunk {
  readonly collection: string;
  readonly documents: readonly StoredDocument<Record<string, unknown>>[];
  /** The guards of `documents[i]` at `guards[i]`. */
  readonly guards: readonly GuardEntries[];
}

/**
 * The applyEvent guards of stored documents (encoded stream id → last revision applied), kept
 * beside them rather than in them: a roll-up fed by thousands of streams (an org unit's risk
 * counters) would otherwise copy thousands of guards at every event. A stored document is never
 * changed in place, so its guards are found by the document itself; a write moves them to the
 * new version (an upsert, which replaces the whole document, leaves them behind, as the other
 * adapters do), and they go with it when it is deleted or replaced.
 */
const guardsOf = new WeakMap<Stored, Map<string, number>>();

/** A copy of a stored document with its guards as `_streams` (when it has any and `withGuards`). */
function copyStored(stored: Stored, withGuards = true): Stored {
  const copy = copyDocument(stored);
  if (withGuards) addGuards(copy, stored);
  return copy;
}

/**
 * A stored document as a reader gets it: the stored object itself, frozen, when it is sealed
 * (a copy when it holds a Date, which freezing does not protect), with its guards as `_streams`
 * on a frozen shallow copy when it has any.
 */
function readable(stored: Stored, withGuards = true): Stored {
  if (!sealStored(stored)) return copyStored(stored, withGuards);
  const guards = withGuards ? guardsOf.get(stored) : undefined;
  if (!guards) return stored;
  return Object.freeze({ ...stored, _streams: Object.fromEntries(guards) });
}

/** Sets `_streams` on a copy (or a projection) of `stored` from the guards kept beside it. */
function addGuards(copy: Record<string, unknown>, stored: Stored): void {
  const guards = guardsOf.get(stored);
  if (guards) copy['_streams'] = Object.fromEntries(guards);
}

/** An inclusion projection (names what to keep), as MongoDB reads it: `{ _id: 1 }` alone is one. */
function isInclusion(projection: Readonly<Record<string, 0 | 1>>): boolean {
  const others = Object.entries(projection).filter(([field]) => field !== '_id');
  return others.length === 0 ? projection['_id'] === 1 : others.some(([, flag]) => flag === 1);
}

/** Whether a projection keeps `_streams` (an exclusion without `_streams: 0`, or an inclusion of it). */
function projectionKeepsGuards(projection: Readonly<Record<string, 0 | 1>>): boolean {
  return isInclusion(projection) ? projection['_streams'] === 1 : projection['_streams'] !== 0;
}

/** Whether a filter reads `_streams` (then it is tested on documents with their guards). */
function readsGuards(filter: Readonly<Record<string, unknown>>): boolean {
  for (const [key, condition] of Object.entries(filter)) {
    if (key === '$and' || key === '$or') {
      if ((condition as Record<string, unknown>[]).some(readsGuards)) return true;
    } else if (key === '_streams' || key.startsWith('_streams.')) {
      return true;
    }
  }
  return false;
}
/** Document ids by indexed value (`s:` strings, `n:` numbers, `b:` booleans). */
type FieldIndex = Map<string, Set<string>>;

/** The index keys of a field's value: a scalar, or every scalar inside an array. */
function indexKeys(value: unknown, into: string[] = []): string[] {
  if (Array.isArray(value)) {
    for (const item of value) indexKeys(item, into);
  } else {
    const key = scalarKey(value);
    if (key !== undefined) into.push(key);
  }
  return into;
}

function scalarKey(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return `s:${value}`;
    case 'number':
      return Number.isNaN(value) ? undefined : `n:${value}`;
    case 'boolean':
      return `b:${value}`;
    default:
      return undefined;
  }
}

/**
 * A filter's conditions that must all hold, as [field, condition] pairs: its own fields, and
 * those of the filters of a top-level `$and` (recursively), which the services build to combine
 * what a caller may see with what they asked for. A field may come more than once.
 */
function conjuncts(filter: Readonly<Record<string, unknown>>): [string, unknown][] {
  const pairs: [string, unknown][] = [];
  for (const [field, condition] of Object.entries(filter)) {
    if (field === '$and' && Array.isArray(condition)) {
      for (const part of condition as Record<string, unknown>[]) pairs.push(...conjuncts(part));
    } else {
      pairs.push([field, condition]);
    }
  }
  return pairs;
}

/**
 * The index keys a top-level equality condition can only match through: `{ field: scalar }`,
 * `{ field: { $eq: scalar } }`, `{ field: { $in: [scalars] } }`; undefined for anything else.
 */
function equalityKeys(condition: unknown): string[] | undefined {
  const key = scalarKey(condition);
  if (key !== undefined) return [key];
  if (typeof condition !== 'object' || condition === null || Array.isArray(condition)) {
    return undefined;
  }
  const entries = Object.entries(condition);
  if (entries.length !== 1) return undefined;
  const [operator, operand] = entries[0]!;
  if (operator === '$eq') {
    const eq = scalarKey(operand);
    return eq === undefined ? undefined : [eq];
  }
  if (operator === '$in' && Array.isArray(operand)) {
    const keys = operand.map(scalarKey);
    return keys.every((k) => k !== undefined) ? (keys as string[]) : undefined;
  }
  return undefined;
}

/**
 * Read models in process memory, queried with MongoDB semantics by mingo. Used by the embedded
 * mode, where read models are rebuilt from the event store at boot. Stored documents are frozen
 * and never changed in place: a read hands out the stored document itself (a caller cannot change
 * it), and a write copies what the caller passes except the parts of stored documents it passed
 * on unchanged, which are kept by reference (see `storableBody`'s `share`). So a write copies
 * what changed, not the whole document, and documents share what their versions have in common.
 * (A document holding a Date, which freezing does not protect, is copied at every read.) Writes
 * are synchronous between read and write, so the compare-and-set of the port can never conflict.
 */
export class InMemoryReadStore implements ReadStore {
  private readonly collections = new Map<string, Map<string, Stored>>();
  /**
   * Equality indexes, per collection and top-level field, built the first time a find filters
   * on the field and kept up to date by every write: a find then tests only the documents that
   * can match instead of every document of the collection (the filter is still applied in full).
   */
  private readonly indexes = new Map<string, Map<string, FieldIndex>>();
  /** Per collection, its ids in order: sorted once, kept until a document is added or removed. */
  private readonly idOrders = new Map<string, readonly string[]>();
  private closed = false;

  collection<T extends object = Record<string, unknown>>(name: string): ReadCollection<T> {
    assertCollectionName(name);
    return new InMemoryCollection<T>(name, this);
  }

  async health(): Promise<ReadStoreHealth> {
    if (this.closed) return { status: 'down', adapter: 'in-memory', detail: 'closed' };
    let documents = 0;
    for (const collection of this.collections.values()) documents += collection.size;
    return {
      status: 'up',
      adapter: 'in-memory',
      detail: `${this.collections.size} collections, ${documents} documents`,
    };
  }

  async close(): Promise<void> {
    this.closed = true;
    this.collections.clear();
    this.indexes.clear();
    this.idOrders.clear();
  }

  /**
   * The stored documents, collection by collection in chunks of at most `chunkSize`, each with
   * its applyEvent guards: what a snapshot of the store holds (see `restore`). The documents are
   * the stored objects themselves, not copies: serialise them, do not change them, and do not
   * write to the store before the last chunk was taken.
   */
  *chunks(chunkSize = 1_000): Generator<InMemoryReadStoreChunk> {
    if (this.closed) throw new Error('The in-memory read store is closed');
    for (const [collection, documents] of this.collections) {
      let chunk: Stored[] = [];
      let guards: GuardEntries[] = [];
      for (const document of documents.values()) {
        chunk.push(document);
        const kept = guardsOf.get(document);
        guards.push(kept ? [...kept] : null);
        if (chunk.length === chunkSize) {
          yield { collection, documents: chunk, guards };
          chunk = [];
          guards = [];
        }
      }
      if (chunk.length > 0) yield { collection, documents: chunk, guards };
    }
  }

  /**
   * Puts back a chunk that `chunks` gave, as it was: documents, versions and guards. Meant for a
   * store being filled from a snapshot before anyone uses it; the documents are trusted (they
   * were validated when first written) and kept as they are.
   */
  restore(chunk: InMemoryReadStoreChunk): void {
    assertCollectionName(chunk.collection);
    if (chunk.guards.length !== chunk.documents.length) {
      throw new RangeError(`${chunk.collection}: one guard entry per document is expected`);
    }
    const documents = this.documents(chunk.collection, true)!;
    chunk.documents.forEach((document, index) => {
      assertDocumentId(document._id);
      const guards = chunk.guards[index];
      if (guards) guardsOf.set(document, new Map(guards));
      const before = documents.get(document._id);
      documents.set(document._id, document);
      this.reindex(chunk.collection, document._id, before, document);
    });
  }

  /** @internal The collection's ids in `_id` order. */
  idOrder(name: string): readonly string[] {
    let order = this.idOrders.get(name);
    if (!order) {
      order = [...(this.collections.get(name)?.keys() ?? [])].sort();
      this.idOrders.set(name, order);
    }
    return order;
  }

  /** @internal The documents whose `field` may equal one of `keys` (built on first use). */
  candidates(name: string, field: string, keys: readonly string[]): Set<string> {
    let byField = this.indexes.get(name);
    if (!byField) {
      byField = new Map();
      this.indexes.set(name, byField);
    }
    let index = byField.get(field);
    if (!index) {
      index = new Map();
      for (const [id, document] of this.collections.get(name) ?? []) {
        for (const key of indexKeys(document[field])) addTo(index, key, id);
      }
      byField.set(field, index);
    }
    if (keys.length === 1) return index.get(keys[0]!) ?? new Set();
    const union = new Set<string>();
    for (const key of keys) for (const id of index.get(key) ?? []) union.add(id);
    return union;
  }

  /** @internal Keeps the indexes of a collection in step with a write (after undefined = deleted). */
  reindex(name: string, id: string, before: Stored | undefined, after: Stored | undefined): void {
    if (before === undefined || after === undefined) this.idOrders.delete(name);
    const byField = this.indexes.get(name);
    if (!byField) return;
    for (const [field, index] of byField) {
      const old = before === undefined ? [] : indexKeys(before[field]);
      const next = after === undefined ? [] : indexKeys(after[field]);
      for (const key of old) if (!next.includes(key)) index.get(key)?.delete(id);
      for (const key of next) addTo(index, key, id);
    }
  }

  /** @internal */
  documents(name: string, create: boolean): Map<string, Stored> | undefined {
    if (this.closed) throw new Error('The in-memory read store is closed');
    let documents = this.collections.get(name);
    if (!documents && create) {
      documents = new Map();
      this.collections.set(name, documents);
    }
    return documents;
  }

  /** @internal */
  dropCollection(name: string): void {
    this.collections.delete(name);
    this.indexes.delete(name);
    this.idOrders.delete(name);
  }
}

/**
 * The top-level fields a projection keeps (an inclusion, or an exclusion; `_id` unless `_id: 0`),
 * copied, in the document's order.
 */
function pickTopLevel(
  document: AnyObject,
  projection: Readonly<Record<string, 0 | 1>>,
  inclusion: boolean,
): AnyObject {
  const picked: AnyObject = {};
  for (const field in document) {
    const flag = projection[field];
    const keep = field === '_id' ? flag !== 0 : inclusion ? flag === 1 : flag !== 0;
    if (keep) picked[field] = document[field];
  }
  return picked;
}

function byId(a: Stored, b: Stored): number {
  return a._id < b._id ? -1 : a._id > b._id ? 1 : 0;
}

/** The `count` documents with the smallest ids, in id order. */
function smallestById(documents: Stored[], count: number): Stored[] {
  if (documents.length <= count * 4) return documents.sort(byId).slice(0, count);
  const kept: Stored[] = [];
  for (const document of documents) {
    if (kept.length === count && !(document._id < kept[count - 1]!._id)) continue;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (kept[mid]!._id < document._id) lo = mid + 1;
      else hi = mid;
    }
    kept.splice(lo, 0, document);
    if (kept.length > count) kept.pop();
  }
  return kept;
}

/**
 * The `count` documents first in the order of `sort` (its fields top-level, `_id` last), when
 * every value sorted on is a number or a string: MongoDB's order then (numbers before strings,
 * numbers by value, strings by code unit), which mingo's sort gives them afterwards. Undefined
 * for anything else (missing values, dates, arrays, dotted paths): the caller sorts them all.
 */
function firstByScalarSort(
  documents: readonly Stored[],
  sort: Readonly<Record<string, SortDirection>>,
  count: number,
): Stored[] | undefined {
  const fields = Object.entries(sort);
  if (fields.some(([field]) => field.includes('.'))) return undefined;
  for (const document of documents) {
    for (const [field] of fields) {
      const type = typeof (document as Record<string, unknown>)[field];
      if (type !== 'number' && type !== 'string') return undefined;
    }
  }
  const before = (a: Stored, b: Stored): boolean => {
    for (const [field, direction] of fields) {
      const x = (a as Record<string, unknown>)[field] as number | string;
      const y = (b as Record<string, unknown>)[field] as number | string;
      if (x === y) continue;
      const ascending = typeof x === typeof y ? x < y : typeof x === 'number'; // numbers before strings
      return direction === 1 ? ascending : !ascending;
    }
    return false;
  };
  const kept: Stored[] = [];
  for (const document of documents) {
    if (kept.length === count && !before(document, kept[count - 1]!)) continue;
    let lo = 0;
    let hi = kept.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (before(kept[mid]!, document)) lo = mid + 1;
      else hi = mid;
    }
    kept.splice(lo, 0, document);
    if (kept.length > count) kept.pop();
  }
  return kept;
}

function addTo(index: FieldIndex, key: string, id: string): void {
  let ids = index.get(key);
  if (!ids) {
    ids = new Set();
    index.set(key, ids);
  }
  ids.add(id);
}

class InMemoryCollection<T extends object> implements ReadCollection<T> {
  constructor(
    readonly name: string,
    private readonly store: InMemoryReadStore,
  ) {}

  async get(id: string): Promise<StoredDocument<T> | undefined> {
    assertDocumentId(id);
    const document = this.store.documents(this.name, false)?.get(id);
    return document === undefined ? undefined : (readable(document) as StoredDocument<T>);
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<StoredDocument<T>[]> {
    const matches = this.match(filter);
    assertFindOptions(options);
    let page: AnyObject[];
    if (!options.sort || Object.keys(options.sort).length === 0) {
      // The default order (by _id, ids are strings) without mingo's general comparator; a page
      // of a few among many matches (a report's 100 most urgent of 20,000 risks) is picked
      // without sorting them all.
      const from = options.skip ?? 0;
      page = options.limit
        ? smallestById(matches, from + options.limit).slice(from)
        : this.inIdOrder(matches).slice(from);
    } else {
      // A page of a few among many (a decision log page among 500,000 decisions): the few
      // first by the sort are picked without sorting them all, then sorted as ever.
      const sort = totalSort(options.sort);
      const wanted = options.limit ? (options.skip ?? 0) + options.limit : undefined;
      const candidates =
        wanted !== undefined && matches.length > wanted * 4
          ? (firstByScalarSort(matches, sort, wanted) ?? matches)
          : matches;
      let cursor = mingoFind<Stored>(candidates, {}).sort(sort);
      if (options.skip) cursor = cursor.skip(options.skip);
      if (options.limit) cursor = cursor.limit(options.limit);
      page = cursor.all();
    }
    // Project after sorting and paging, so a sort key may be projected away.
    if (options.projection && Object.keys(options.projection).length > 0) {
      const projection = options.projection;
      const keepGuards = projectionKeepsGuards(projection);
      const inclusion = isInclusion(projection);
      const fields = Object.keys(projection);
      // Top-level fields are picked while copying (one pass, a report reads thousands of
      // documents this way); dotted paths go through mingo.
      // A sealed document's fields are frozen and shared as they are; others are copied.
      const dotted = fields.some((field) => field.includes('.'));
      return page.map((document) => {
        const stored = document as Stored;
        const shared = !dotted && sealStored(stored);
        const picked = dotted
          ? mingoFind([stored], {}, projection as AnyObject).all()[0]!
          : pickTopLevel(stored, projection, inclusion);
        const result = (shared ? picked : copyDocument(picked)) as Record<string, unknown>;
        if (keepGuards) addGuards(result, stored);
        return (shared ? Object.freeze(result) : result) as StoredDocument<T>;
      });
    }
    return page.map((document) => readable(document as Stored) as StoredDocument<T>);
  }

  async count(filter: Filter = {}): Promise<number> {
    return this.match(filter).length;
  }

  async upsert(id: string, document: T, options: UpsertOptions = {}): Promise<WriteResult<T>> {
    const documents = this.store.documents(this.name, true)!;
    return this.execute(
      documents,
      id,
      planUpsert(id, documents.get(id), document, options, { share: true }),
    );
  }

  async applyEvent(
    id: string,
    position: StreamPosition,
    mutate: (current: StoredDocument<T> | undefined) => T | undefined,
  ): Promise<WriteResult<T>> {
    assertDocumentId(id);
    assertStreamPosition(position);
    const documents = this.store.documents(this.name, true)!;
    const current = documents.get(id);
    const key = guardKey(position.streamId);
    const guards = current === undefined ? undefined : guardsOf.get(current);
    if ((guards?.get(key) ?? 0) >= position.streamRevision) return result<T>('stale', current);
    // mutate gets the document without the guards: they are the store's business (see guardsOf).
    const body = mutate(
      current === undefined ? undefined : (readable(current, false) as StoredDocument<T>),
    );
    if (body === undefined) return result<T>('unchanged', current);
    const next: Stored = nextAppliedVersion(id, current, body, { share: true });
    // The guards move to the new version (the old one is gone): one entry set, none copied.
    const moved = guards ?? new Map<string, number>();
    moved.set(key, position.streamRevision);
    guardsOf.set(next, moved);
    return this.execute(documents, id, {
      action: 'write',
      expectedVersion: current?._version,
      next,
    });
  }

  async delete(id: string): Promise<boolean> {
    assertDocumentId(id);
    const documents = this.store.documents(this.name, false);
    const before = documents?.get(id);
    if (!documents || before === undefined) return false;
    documents.delete(id);
    this.store.reindex(this.name, id, before, undefined);
    return true;
  }

  async deleteMany(filter: Filter): Promise<number> {
    const documents = this.store.documents(this.name, false);
    const doomed = this.match(filter);
    for (const document of doomed) {
      documents?.delete(document._id);
      this.store.reindex(this.name, document._id, document, undefined);
    }
    return doomed.length;
  }

  async drop(): Promise<void> {
    this.store.documents(this.name, false);
    this.store.dropCollection(this.name);
  }

  /**
   * Matches in `_id` order: sorted, or, when they are most of the collection (a report reading
   * every SoA line of the group), picked off the collection's id order without comparing them.
   */
  private inIdOrder(matches: Stored[]): Stored[] {
    const documents = this.store.documents(this.name, false);
    const count = matches.length;
    if (!documents || count < 64 || count * Math.log2(count) < documents.size) {
      return matches.sort(byId);
    }
    const wanted = new Set<Stored>(matches);
    const ordered: Stored[] = [];
    for (const id of this.store.idOrder(this.name)) {
      const document = documents.get(id);
      if (document !== undefined && wanted.has(document)) ordered.push(document);
    }
    return ordered;
  }

  private match(filter: Filter): Stored[] {
    assertSupportedFilter(filter);
    const documents = this.store.documents(this.name, false);
    if (!documents) return [];
    // Top-level equality / $in conditions on scalars, and those of a top-level $and, are
    // answered by the indexes exactly (an array field matches through any of its elements, as
    // in MongoDB); the rest of the filter, if any, is tested by mingo on the documents they allow.
    const sets: Set<string>[] = [];
    const others: Record<string, unknown>[] = [];
    for (const [field, condition] of conjuncts(filter)) {
      const keys =
        field.startsWith('$') || field.includes('.') ? undefined : equalityKeys(condition);
      if (!keys) {
        others.push({ [field]: condition });
        continue;
      }
      const ids = this.store.candidates(this.name, field, keys);
      if (ids.size === 0) return [];
      sets.push(ids);
    }
    const rest: Record<string, unknown> =
      others.length === 1 ? others[0]! : others.length > 1 ? { $and: others } : {};
    const query = others.length > 0 ? new Query(rest as AnyObject, {}) : undefined;
    const withGuards = query !== undefined && readsGuards(rest);
    const test = (document: Stored) => query!.test(withGuards ? copyStored(document) : document);
    if (sets.length === 0) {
      const all = [...documents.values()];
      return query ? all.filter(test) : all;
    }
    sets.sort((a, b) => a.size - b.size);
    const [smallest, ...larger] = sets;
    const matches: Stored[] = [];
    for (const id of smallest!) {
      if (!larger.every((ids) => ids.has(id))) continue;
      const document = documents.get(id);
      if (document !== undefined && (!query || test(document))) matches.push(document);
    }
    return matches;
  }

  /** Nothing can happen between the plan's read and this write: no await in between. */
  private execute(documents: Map<string, Stored>, id: string, plan: WritePlan): WriteResult<T> {
    if (plan.action === 'skip') return result<T>(plan.outcome, documents.get(id));
    // plan.next is the plan's own validated copy of the body (its parts sealed or shared with
    // stored documents only), and a stored document is never changed in place (a write replaces
    // it): it is stored as it is, frozen (unless it holds a Date).
    const before = documents.get(id);
    sealStored(plan.next);
    documents.set(id, plan.next);
    this.store.reindex(this.name, id, before, plan.next);
    return result<T>('applied', plan.next);
  }
}

/** A write's result; its document is made readable when (and if) the caller reads it. */
function result<T>(outcome: WriteResult<T>['outcome'], stored: Stored | undefined): WriteResult<T> {
  let copy: StoredDocument<T> | undefined;
  return {
    outcome,
    get document() {
      if (stored === undefined) return undefined;
      return (copy ??= readable(stored) as StoredDocument<T>);
    },
  };
}
