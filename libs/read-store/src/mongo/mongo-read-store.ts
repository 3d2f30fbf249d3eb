import mongoose from 'mongoose';
import {
  assertCollectionName,
  assertDocumentId,
  assertFindOptions,
  assertSupportedFilter,
  copyDocument,
  planApplyEvent,
  planUpsert,
  totalSort,
} from '../document-rules.js';
import type { WritePlan } from '../document-rules.js';
import type {
  Filter,
  FindOptions,
  ReadCollection,
  ReadStore,
  ReadStoreHealth,
  StoredDocument,
  StreamPosition,
  UpsertOptions,
  WriteResult,
} from '../read-store.js';
import { WriteContentionError } from '../read-store.js';
import type { DocumentWriter, RawCollection, Stored, WriteToken } from './write-guards.js';
import {
  ConditionalUpdateWriter,
  RecentDocuments,
  WRITE_TOKENS_COLLECTION,
  WriteTimeoutError,
  WriteTokenWriter,
  withoutIncarnation,
} from './write-guards.js';

/**
 * How writes guard against concurrent writers (see write-guards.ts):
 * - `conditional-update`: `replaceOne({ _id, _version })`, atomic on MongoDB;
 * - `write-tokens`: unique inserts of write tokens, atomic on any server, FerretDB 1.x included
 *   (whose conditional updates are not atomic); two more round trips per write;
 * - `auto` (default): `write-tokens` on FerretDB (its `buildInfo` names a `ferretdbVersion`),
 *   `conditional-update` otherwise.
 */
export type MongoWriteGuard = 'auto' | 'conditional-update' | 'write-tokens';

export interface MongoReadStoreSettings {
  /** Prepended to every collection name (letters, digits, '_' and '-'), e.g. per test run. */
  readonly collectionPrefix?: string;
  readonly writeGuard?: MongoWriteGuard;
  /**
   * write-tokens: how long a writer may take from reading a document to writing it; a claimed
   * version left unwritten for this long (a crashed writer) is finished by the next writer.
   * Default 30000. Clocks of the writing processes must agree to well within it.
   */
  readonly writeLeaseMs?: number;
  /** A write that keeps losing compare-and-set for this long fails with WriteContentionError. Default 60000. */
  readonly maxWriteWaitMs?: number;
  /**
   * Plan a write from the document a `get` (or write) of this store saw just before, instead of
   * reading it again (default true; see RecentDocuments). The write is a compare-and-set all the
   * same.
   */
  readonly reuseRecentReads?: boolean;
}

export interface MongoReadStoreOptions extends MongoReadStoreSettings {
  /** e.g. `mongodb://127.0.0.1:27017/isms?directConnection=true` (MONGO_URL). */
  readonly url: string;
  /** The database; default: the one named in the URL. */
  readonly dbName?: string;
  /** How long to look for a server before an operation fails. Default 5000. */
  readonly serverSelectionTimeoutMs?: number;
}

export interface MongoReadStoreConnectionOptions extends MongoReadStoreSettings {
  /** Close the connection in close(). Default false: the caller (e.g. a Nest module) owns it. */
  readonly ownsConnection?: boolean;
}

const PREFIX = /^[A-Za-z0-9_-]{0,60}$/;

/**
 * The ReadStore on MongoDB — and on FerretDB 1.24, which the machines here run: plain finds on
 * precomputed documents, no transactions. Uses a mongoose connection for pooling and lifecycle
 * but no schemas: documents go through the driver's collections as the port's rules shaped them.
 *
 * Idempotent writes without transactions: a write reads the document, lets the shared rules
 * (`planUpsert`, `planApplyEvent`) decide, then writes it with a compare-and-set on `_version`
 * (see MongoWriteGuard). A lost race reads again and re-plans, so `mutate` may run more than
 * once: keep it pure, and don't write to the store from inside it.
 */
export class MongoReadStore implements ReadStore {
  private closed = false;
  private readonly prefix: string;
  private readonly ownsConnection: boolean;
  private readonly settings: MongoReadStoreSettings;
  private documentWriter?: Promise<DocumentWriter>;
  /** @internal What get and writes saw lately (undefined: reuseRecentReads off). */
  readonly recent?: RecentDocuments;

  private constructor(
    private readonly connection: mongoose.Connection,
    options: MongoReadStoreConnectionOptions,
  ) {
    const prefix = options.collectionPrefix ?? '';
    if (!PREFIX.test(prefix)) {
      throw new RangeError(`collectionPrefix "${prefix}" must match ${PREFIX.source}`);
    }
    this.prefix = prefix;
    this.ownsConnection = options.ownsConnection ?? false;
    this.settings = options;
    if (options.reuseRecentReads ?? true) {
      // Write tokens: a quarter of the lease (see RecentDocuments); at most 2 s either way.
      this.recent = new RecentDocuments(Math.min(2_000, (options.writeLeaseMs ?? 30_000) / 4));
    }
  }

  /** Opens a connection of its own (closed by close()); fails if no server answers. */
  static async connect(options: MongoReadStoreOptions): Promise<MongoReadStore> {
    const { url, dbName, serverSelectionTimeoutMs, ...settings } = options;
    const connection = mongoose.createConnection(url, {
      serverSelectionTimeoutMS: serverSelectionTimeoutMs ?? 5_000,
      ...(dbName ? { dbName } : {}),
      autoIndex: false,
      autoCreate: false,
    });
    try {
      await connection.asPromise();
    } catch (error) {
      await connection.close().catch(() => undefined);
      throw new Error(`MongoDB is not reachable at ${redacted(url)}: ${errorText(error)}`, {
        cause: error,
      });
    }
    const store = new MongoReadStore(connection, { ...settings, ownsConnection: true });
    try {
      await store.writer(); // resolves the write guard now (one buildInfo round trip)
    } catch (error) {
      await store.close();
      throw error;
    }
    return store;
  }

  /** On an open connection someone else manages (e.g. @nestjs/mongoose's). */
  static fromConnection(
    connection: mongoose.Connection,
    options: MongoReadStoreConnectionOptions = {},
  ): MongoReadStore {
    return new MongoReadStore(connection, options);
  }

  collection<T extends object = Record<string, unknown>>(name: string): ReadCollection<T> {
    assertCollectionName(name);
    return new MongoCollection<T>(name, this);
  }

  async health(): Promise<ReadStoreHealth> {
    if (this.closed) return { status: 'down', adapter: 'mongodb', detail: 'closed' };
    try {
      await this.db().command({ ping: 1 }, { timeoutMS: 3_000 });
      const guard = await this.resolvedWriteGuard();
      return {
        status: 'up',
        adapter: 'mongodb',
        detail: `database ${this.db().databaseName}, write guard ${guard}`,
      };
    } catch (error) {
      return { status: 'down', adapter: 'mongodb', detail: errorText(error) };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.ownsConnection) await this.connection.close();
  }

  /** The write guard in use (`auto` resolved against the server). */
  async resolvedWriteGuard(): Promise<Exclude<MongoWriteGuard, 'auto'>> {
    return (await this.writer()) instanceof WriteTokenWriter
      ? 'write-tokens'
      : 'conditional-update';
  }

  /** @internal The driver's collection behind a port collection name. */
  raw(name: string): RawCollection {
    return this.db().collection<Stored>(`${this.prefix}${name}`);
  }

  /** @internal */
  writer(): Promise<DocumentWriter> {
    this.documentWriter ??= this.createWriter();
    this.documentWriter.catch(() => (this.documentWriter = undefined));
    return this.documentWriter;
  }

  private async createWriter(): Promise<DocumentWriter> {
    const maxWaitMs = this.settings.maxWriteWaitMs ?? 60_000;
    let guard = this.settings.writeGuard ?? 'auto';
    if (guard === 'auto') {
      const info = await this.db().admin().command({ buildInfo: 1 });
      guard = typeof info['ferretdbVersion'] === 'string' ? 'write-tokens' : 'conditional-update';
    }
    if (guard === 'conditional-update') return new ConditionalUpdateWriter({ maxWaitMs });
    return new WriteTokenWriter({
      maxWaitMs,
      leaseMs: this.settings.writeLeaseMs ?? 30_000,
      tokens: () => this.db().collection<WriteToken>(`${this.prefix}${WRITE_TOKENS_COLLECTION}`),
    });
  }

  private db(): mongoose.mongo.Db {
    if (this.closed) throw new Error('The MongoDB read store is closed');
    const db = this.connection.db;
    if (!db) throw new Error('The MongoDB connection is not open');
    return db;
  }
}

class MongoCollection<T extends object> implements ReadCollection<T> {
  constructor(
    readonly name: string,
    private readonly store: MongoReadStore,
  ) {}

  async get(id: string): Promise<StoredDocument<T> | undefined> {
    assertDocumentId(id);
    const recent = this.store.recent;
    const readAt = Date.now();
    const document = (await this.raw().findOne({ _id: id })) ?? undefined;
    if (!recent) return withoutIncarnation(document) as StoredDocument<T> | undefined;
    recent.set(this.name, id, document, readAt);
    // The caller may change what it gets; what is remembered stays as read.
    return withoutIncarnation(document && copyDocument(document)) as StoredDocument<T> | undefined;
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<StoredDocument<T>[]> {
    assertSupportedFilter(filter);
    assertFindOptions(options);
    const projection = options.projection ?? {};
    const documents = await this.raw()
      .find(filter as mongoose.mongo.Filter<Stored>, {
        sort: totalSort(options.sort),
        ...(options.skip ? { skip: options.skip } : {}),
        ...(options.limit ? { limit: options.limit } : {}),
        ...(Object.keys(projection).length > 0 ? { projection } : {}),
      })
      .toArray();
    return documents.map((document) => withoutIncarnation(document) as StoredDocument<T>);
  }

  async count(filter: Filter = {}): Promise<number> {
    assertSupportedFilter(filter);
    return this.raw().countDocuments(filter as mongoose.mongo.Filter<Stored>);
  }

  async upsert(id: string, document: T, options: UpsertOptions = {}): Promise<WriteResult<T>> {
    assertDocumentId(id);
    return this.write(id, (current) => planUpsert(id, current, document, options));
  }

  async applyEvent(
    id: string,
    position: StreamPosition,
    mutate: (current: StoredDocument<T> | undefined) => T | undefined,
  ): Promise<WriteResult<T>> {
    assertDocumentId(id);
    return this.write(id, (current) =>
      planApplyEvent(id, current as StoredDocument<T> | undefined, position, mutate),
    );
  }

  async delete(id: string): Promise<boolean> {
    assertDocumentId(id);
    this.store.recent?.forget(this.name, id);
    const result = await this.raw().deleteOne({ _id: id });
    return result.deletedCount > 0;
  }

  async deleteMany(filter: Filter): Promise<number> {
    assertSupportedFilter(filter);
    this.store.recent?.forget(this.name);
    const result = await this.raw().deleteMany(filter as mongoose.mongo.Filter<Stored>);
    return result.deletedCount;
  }

  async drop(): Promise<void> {
    this.store.recent?.forget(this.name);
    try {
      await this.raw().drop();
    } catch (error) {
      if (!isNamespaceNotFound(error)) throw error;
    }
    await (await this.store.writer()).forget(this.name);
  }

  private raw(): RawCollection {
    return this.store.raw(this.name);
  }

  private async write(
    id: string,
    plan: (current: Stored | undefined) => WritePlan,
  ): Promise<WriteResult<T>> {
    const writer = await this.store.writer();
    try {
      const result = await writer.write({
        collection: this.name,
        id,
        raw: this.raw(),
        plan,
        ...(this.store.recent ? { recent: this.store.recent } : {}),
      });
      return {
        outcome: result.outcome,
        document:
          result.document === undefined
            ? undefined
            : (copyDocument(result.document) as StoredDocument<T>),
      };
    } catch (error) {
      if (error instanceof WriteTimeoutError) {
        throw new WriteContentionError(this.name, id, error.attempts);
      }
      throw error;
    }
  }
}

function isNamespaceNotFound(error: unknown): boolean {
  return (
    error instanceof mongoose.mongo.MongoServerError &&
    (error.code === 26 || /ns not found/i.test(error.message))
  );
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function redacted(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparseable URL)';
  }
}
