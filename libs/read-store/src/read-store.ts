/**
 * The ReadStore port: read models as precomputed documents, read with plain finds
 * (ARCHITECTURE §4). Adapters: in memory with MongoDB query semantics (mingo) for the embedded
 * mode, MongoDB via mongoose for the distributed mode. Both pass `readStoreContract` in
 * `@isms/read-store/testing`, which stays inside what FerretDB 1.24 supports: no transactions,
 * no $lookup/$facet, no collation, no nested arrays, no keys with '.' or a leading '$'.
 * Roll-ups are computed by the projection and stored, not aggregated at read time.
 *
 * Idempotency without transactions: every write is a compare-and-set on the document's
 * `_version`, and event-driven writes carry the position of the event they apply, so a
 * redelivered or older event is a no-op. How an adapter makes that compare-and-set atomic is
 * its business, and it matters: FerretDB 1.24 does not apply a filtered update atomically
 * (measured here: 20 concurrent `replaceOne({ _id, _version: n })` gave up to 17 "winners",
 * 20 concurrent `$inc` left 1–5), only an insert against the unique `_id` is atomic. The
 * contract suite races writers on one document to catch a lost or regressed update.
 */
export interface ReadStore {
  /** A collection handle (cheap; the collection is created on first write). */
  collection<T extends object = Record<string, unknown>>(name: string): ReadCollection<T>;
  health(): Promise<ReadStoreHealth>;
  close(): Promise<void>;
}

export interface ReadCollection<T extends object = Record<string, unknown>> {
  readonly name: string;

  /**
   * The document with this id, or undefined. Read-only: changing it never changes the store, and
   * may throw (the in-memory adapter hands out its frozen documents); change a copy, or build the
   * next body with spreads, which keeps the unchanged parts shared.
   */
  get(id: string): Promise<StoredDocument<T> | undefined>;

  /**
   * Documents matching a filter in the supported MongoDB query subset (see `SUPPORTED_QUERY_OPERATORS`):
   * equality, $eq/$ne, $gt/$gte/$lt/$lte, $in/$nin, $exists, $and/$or, $all/$size (not
   * $elemMatch: FerretDB 1.24 refuses it on sub-documents and mis-evaluates it on scalars),
   * dotted paths into sub-documents and arrays of sub-documents, and "array contains" by equality.
   * Sorted by `options.sort`, ties (and an absent sort) broken by `_id` ascending, so pages are stable.
   * The documents are read-only, as `get`'s.
   */
  find(filter?: Filter, options?: FindOptions): Promise<StoredDocument<T>[]>;

  count(filter?: Filter): Promise<number>;

  /**
   * Replaces (or creates) the whole document. With `revision`, the write happens only if it is
   * newer than the `_revision` stored in the document (for a read model fed by one stream, pass
   * the event's stream revision): a redelivered or older event returns `stale` and changes nothing.
   */
  upsert(id: string, document: T, options?: UpsertOptions): Promise<WriteResult<T>>;

  /**
   * Applies one event to a document that many streams feed (a roll-up: a group's risk register,
   * a scope's SoA). The document remembers, per stream, the last revision applied; an event at or
   * below it returns `stale` without calling `mutate`. `mutate` gets the current document
   * (undefined if none; read-only, as `get`'s) and returns the new body, or undefined to leave the
   * document as it is.
   * Concurrent writers (other processes included) are serialised: none of their updates is lost.
   */
  applyEvent(
    id: string,
    position: StreamPosition,
    mutate: (current: StoredDocument<T> | undefined) => T | undefined,
  ): Promise<WriteResult<T>>;

  /** True if a document was deleted. Its revision guards go with it. */
  delete(id: string): Promise<boolean>;
  /** The number of documents deleted. */
  deleteMany(filter: Filter): Promise<number>;
  /** Removes every document and the collection itself; the handle stays usable. */
  drop(): Promise<void>;
}

/** A MongoDB query document, limited to `SUPPORTED_QUERY_OPERATORS`. */
export type Filter = Readonly<Record<string, unknown>>;

export type SortDirection = 1 | -1;

export interface FindOptions {
  /** Field (or dotted path) → 1 ascending / -1 descending, in priority order. */
  readonly sort?: Readonly<Record<string, SortDirection>>;
  readonly limit?: number;
  readonly skip?: number;
  /** Inclusion (`{ name: 1 }`) or exclusion (`{ _streams: 0 }`), not mixed; `_id` is kept unless `_id: 0`. */
  readonly projection?: Readonly<Record<string, 0 | 1>>;
}

export interface UpsertOptions {
  /** The revision this write represents; older or equal writes are skipped. */
  readonly revision?: number;
}

/** The position of an event in its stream: what a read-model write is guarded by. */
export interface StreamPosition {
  readonly streamId: string;
  readonly streamRevision: number;
}

/** Fields the store maintains on every document. Fields starting with `_` are reserved. */
export interface DocumentMeta {
  readonly _id: string;
  /** 1 after the first write, +1 on every write: the compare-and-set token. */
  readonly _version: number;
  /** The revision of the last `upsert` that passed one. */
  readonly _revision?: number;
  /** `applyEvent` guards: encoded stream id (see `guardKey`) → last applied revision. */
  readonly _streams?: Readonly<Record<string, number>>;
}

export type StoredDocument<T> = T & DocumentMeta;

/** `applied`: written. `stale`: the revision guard says this event was applied already (or is older). `unchanged`: mutate returned undefined. */
export type WriteOutcome = 'applied' | 'stale' | 'unchanged';

export interface WriteResult<T> {
  readonly outcome: WriteOutcome;
  /** The document as stored after the call (read-only, as `get`'s); undefined if there is none. */
  readonly document: StoredDocument<T> | undefined;
}

export interface ReadStoreHealth {
  readonly status: 'up' | 'down';
  readonly adapter: string;
  readonly detail?: string;
}

export const META_FIELDS = ['_id', '_version', '_revision', '_streams'] as const;

/**
 * The query operators read models may use: what both mingo and FerretDB 1.24 evaluate the same
 * way. Adapters reject anything else with `UnsupportedQueryError`, so a projection that works in
 * the embedded mode also works on FerretDB.
 */
export const SUPPORTED_QUERY_OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$nin',
  '$exists',
  '$and',
  '$or',
  '$all',
  '$size',
] as const;

/** A document the server could not store (or would store differently): reserved keys, nested arrays, … */
export class InvalidDocumentError extends Error {
  constructor(
    readonly path: string,
    message: string,
  ) {
    super(`${path}: ${message}`);
    this.name = 'InvalidDocumentError';
  }
}

export class UnsupportedQueryError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UnsupportedQueryError';
  }
}

/** Compare-and-set kept losing against concurrent writers. */
export class WriteContentionError extends Error {
  constructor(
    readonly collection: string,
    readonly id: string,
    attempts: number,
  ) {
    super(`${collection}/${id}: gave up after ${attempts} concurrent-write conflicts`);
    this.name = 'WriteContentionError';
  }
}
