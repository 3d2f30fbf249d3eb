import { Query, find as mingoFind } from 'mingo';
import type { AnyObject } from 'mingo/types';
import {
  assertCollectionName,
  assertDocumentId,
  assertFindOptions,
  assertSupportedFilter,
  copyDocument,
  planApplyEvent,
  planUpsert,
  totalSort,
} from './document-rules.js';
import type { WritePlan } from './document-rules.js';
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
} from './read-store.js';

type Stored = StoredDocument<Record<string, unknown>>;

/**
 * Read models in process memory, queried with MongoDB semantics by mingo. Used by the embedded
 * mode, where read models are rebuilt from the event store at boot. Every read and write copies,
 * so callers never hold a reference into the store. Writes are synchronous between read and
 * write, so the compare-and-set of the port can never conflict here.
 */
export class InMemoryReadStore implements ReadStore {
  private readonly collections = new Map<string, Map<string, Stored>>();
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
  }
}

class InMemoryCollection<T extends object> implements ReadCollection<T> {
  constructor(
    readonly name: string,
    private readonly store: InMemoryReadStore,
  ) {}

  async get(id: string): Promise<StoredDocument<T> | undefined> {
    assertDocumentId(id);
    const document = this.store.documents(this.name, false)?.get(id);
    return document === undefined ? undefined : (copyDocument(document) as StoredDocument<T>);
  }

  async find(filter: Filter = {}, options: FindOptions = {}): Promise<StoredDocument<T>[]> {
    const matches = this.match(filter);
    assertFindOptions(options);
    let cursor = mingoFind<Stored>(matches, {}).sort(totalSort(options.sort));
    if (options.skip) cursor = cursor.skip(options.skip);
    if (options.limit) cursor = cursor.limit(options.limit);
    let page: AnyObject[] = cursor.all();
    // Project after sorting and paging, so a sort key may be projected away.
    if (options.projection && Object.keys(options.projection).length > 0) {
      page = mingoFind(page, {}, options.projection as AnyObject).all();
    }
    return page.map((document) => copyDocument(document) as StoredDocument<T>);
  }

  async count(filter: Filter = {}): Promise<number> {
    return this.match(filter).length;
  }

  async upsert(id: string, document: T, options: UpsertOptions = {}): Promise<WriteResult<T>> {
    const documents = this.store.documents(this.name, true)!;
    return this.execute(documents, id, planUpsert(id, documents.get(id), document, options));
  }

  async applyEvent(
    id: string,
    position: StreamPosition,
    mutate: (current: StoredDocument<T> | undefined) => T | undefined,
  ): Promise<WriteResult<T>> {
    const documents = this.store.documents(this.name, true)!;
    const current = documents.get(id) as StoredDocument<T> | undefined;
    return this.execute(documents, id, planApplyEvent(id, current, position, mutate));
  }

  async delete(id: string): Promise<boolean> {
    assertDocumentId(id);
    return this.store.documents(this.name, false)?.delete(id) ?? false;
  }

  async deleteMany(filter: Filter): Promise<number> {
    const documents = this.store.documents(this.name, false);
    const doomed = this.match(filter);
    for (const document of doomed) documents?.delete(document._id);
    return doomed.length;
  }

  async drop(): Promise<void> {
    this.store.documents(this.name, false);
    this.store.dropCollection(this.name);
  }

  private match(filter: Filter): Stored[] {
    assertSupportedFilter(filter);
    const documents = this.store.documents(this.name, false);
    if (!documents) return [];
    const query = new Query(filter as AnyObject, {});
    return [...documents.values()].filter((document) => query.test(document));
  }

  /** Nothing can happen between the plan's read and this write: no await in between. */
  private execute(documents: Map<string, Stored>, id: string, plan: WritePlan): WriteResult<T> {
    if (plan.action === 'skip') {
      const current = documents.get(id);
      return {
        outcome: plan.outcome,
        document: current === undefined ? undefined : (copyDocument(current) as StoredDocument<T>),
      };
    }
    documents.set(id, copyDocument(plan.next));
    return { outcome: 'applied', document: copyDocument(plan.next) as StoredDocument<T> };
  }
}
