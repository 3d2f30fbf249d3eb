import { randomUUID } from 'node:crypto';
import mongoose from 'mongoose';
import type { WritePlan } from '../document-rules.js';
import type { StoredDocument, WriteOutcome } from '../read-store.js';

/*
 * Compare-and-set of whole documents without transactions, in two flavours.
 *
 * MongoDB evaluates the filter of an update atomically with the write, so
 * `replaceOne({ _id, _version: v }, next)` is a compare-and-set ("conditional-update").
 *
 * FerretDB 1.x does not: it finds the matching documents first and then updates them by `_id`
 * alone (backends/postgresql UpdateAll: `UPDATE … WHERE _id = $2`), so two writers that read the
 * same `_version` both "match" and one update is lost. What FerretDB does do atomically is an
 * insert against a unique `_id` (a PostgreSQL unique index). "write-tokens" builds the
 * compare-and-set from that: the right to write version v+1 of a document is an insert of the
 * token `<collection>|<incarnation>|<v+1>|<id>` into a side collection; exactly one writer gets
 * it, then replaces the document by `_id`. Nobody can claim v+2 before the document shows v+1,
 * so that replace cannot overwrite a newer version.
 *
 * A writer that dies between its token and its replace would block the document. The token
 * therefore carries the document it was going to write: once the token is older than the lease,
 * the next writer finishes the write for it ("roll forward") and carries on. A writer whose read
 * is older than half the lease does not write at all (it retries), so a slow owner and a roll
 * forward do not overlap as long as clocks agree to well within the lease. Tokens older than
 * ten leases are deleted. The `_incarnation` (random, set when a document is created) keeps the
 * tokens of a deleted document from blocking a new one with the same id.
 *
 * In both flavours, writes to one document from one store instance are queued in process, so
 * compare-and-set conflicts only happen between processes.
 */

export type Stored = StoredDocument<Record<string, unknown>>;
export type RawCollection = mongoose.mongo.Collection<Stored>;

/** The field that names a document's incarnation (write-tokens only); never returned to callers. */
export const INCARNATION_FIELD = '_incarnation';
/** The side collection of write tokens (per collection prefix). */
export const WRITE_TOKENS_COLLECTION = '_isms_write_tokens';

export interface WriteToken {
  _id: string;
  collection: string;
  docId: string;
  version: number;
  at: Date;
  body: Stored;
}

export function writeTokenId(
  collection: string,
  incarnation: string,
  version: number,
  docId: string,
): string {
  return `${collection}|${incarnation}|${version}|${docId}`;
}

export interface GuardedWrite {
  readonly collection: string;
  readonly id: string;
  readonly raw: RawCollection;
  readonly plan: (current: Stored | undefined) => WritePlan;
  /** Documents this store read or wrote lately: a first attempt may plan from one. */
  readonly recent?: RecentDocuments;
}

/**
 * Documents a store read (`get`) or wrote lately, as stored (incarnation included), with when
 * it knew them. A projection typically reads a document and then writes it: the write plans
 * from what the read returned instead of reading it again, one round trip less. Safe because
 * the write is a compare-and-set all the same: if the document changed meanwhile, the write
 * loses, reads afresh and plans again. Entries are used for at most `maxAgeMs`: for write
 * tokens a quarter of the lease, so that a write planned from one is made well within half a
 * lease of when the document was known (see WriteTokenWriter).
 */
export class RecentDocuments {
  private readonly entries = new Map<string, { document: Stored | undefined; at: number }>();

  constructor(
    readonly maxAgeMs: number,
    private readonly maxEntries = 1_000,
  ) {}

  /** What was known of the document, if recent enough. */
  get(collection: string, id: string): { document: Stored | undefined; at: number } | undefined {
    const key = `${collection}\u0000${id}`;
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (Date.now() - entry.at > this.maxAgeMs) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  /** `document` (undefined: there is none) as the server had it at `at` or later. */
  set(collection: string, id: string, document: Stored | undefined, at: number): void {
    const key = `${collection}\u0000${id}`;
    this.entries.delete(key);
    this.entries.set(key, { document, at });
    if (this.entries.size > this.maxEntries) {
      this.entries.delete(this.entries.keys().next().value!);
    }
  }

  /** Forgets one document, or every document of a collection. */
  forget(collection: string, id?: string): void {
    if (id !== undefined) {
      this.entries.delete(`${collection}\u0000${id}`);
      return;
    }
    const prefix = `${collection}\u0000`;
    for (const key of [...this.entries.keys()])
      if (key.startsWith(prefix)) this.entries.delete(key);
  }
}

export interface GuardedWriteResult {
  readonly outcome: WriteOutcome;
  readonly document: Stored | undefined;
}

export class WriteTimeoutError extends Error {
  constructor(readonly attempts: number) {
    super(`no write after ${attempts} attempts`);
  }
}

export interface DocumentWriter {
  write(request: GuardedWrite): Promise<GuardedWriteResult>;
  /** Removes what the writer keeps about a collection (its tokens). */
  forget(collection: string): Promise<void>;
}

export interface WriterSettings {
  /** Give up (WriteTimeoutError) after this long without a successful compare-and-set. */
  readonly maxWaitMs: number;
}

/** MongoDB: the update's filter is checked atomically with the write. */
export class ConditionalUpdateWriter implements DocumentWriter {
  private readonly queue = new KeyedQueue();

  constructor(private readonly settings: WriterSettings) {}

  write(request: GuardedWrite): Promise<GuardedWriteResult> {
    return this.queue.run(`${request.collection}\u0000${request.id}`, () => this.attempt(request));
  }

  async forget(): Promise<void> {}

  private async attempt({
    collection,
    id,
    raw,
    plan,
    recent,
  }: GuardedWrite): Promise<GuardedWriteResult> {
    const deadline = Date.now() + this.settings.maxWaitMs;
    for (let attempt = 1; ; attempt++) {
      const known = attempt === 1 ? recent?.get(collection, id) : undefined;
      const current = withoutIncarnation(
        known ? known.document : ((await raw.findOne({ _id: id })) ?? undefined),
      );
      const decision = plan(current);
      if (decision.action === 'skip') return { outcome: decision.outcome, document: current };
      const next = decision.next;
      if (decision.expectedVersion === undefined) {
        if (await insertUnlessExists(raw, next)) {
          recent?.set(collection, id, next, Date.now());
          return { outcome: 'applied', document: next };
        }
      } else {
        const result = await raw.replaceOne({ _id: id, _version: decision.expectedVersion }, next);
        if (result.matchedCount === 1) {
          recent?.set(collection, id, next, Date.now());
          return { outcome: 'applied', document: next };
        }
      }
      recent?.forget(collection, id);
      if (Date.now() >= deadline) throw new WriteTimeoutError(attempt);
      await backoff(attempt);
    }
  }
}

export interface WriteTokenSettings extends WriterSettings {
  /** How long a claimed version may stay unwritten before others finish the write. */
  readonly leaseMs: number;
  readonly tokens: () => mongoose.mongo.Collection<WriteToken>;
}

/** FerretDB 1.x (and any server): compare-and-set through unique inserts of write tokens. */
export class WriteTokenWriter implements DocumentWriter {
  private readonly queue = new KeyedQueue();
  private lastCollection = 0;

  constructor(private readonly settings: WriteTokenSettings) {}

  write(request: GuardedWrite): Promise<GuardedWriteResult> {
    return this.queue.run(`${request.collection}\u0000${request.id}`, () => this.attempt(request));
  }

  async forget(collection: string): Promise<void> {
    await this.settings.tokens().deleteMany({ collection });
  }

  private async attempt({
    collection,
    id,
    raw,
    plan,
    recent,
  }: GuardedWrite): Promise<GuardedWriteResult> {
    const { leaseMs, maxWaitMs } = this.settings;
    const tokens = this.settings.tokens();
    const deadline = Date.now() + maxWaitMs;
    for (let attempt = 1; ; attempt++) {
      // A document known from a recent read or write counts as read when it was known (at most
      // half a lease ago: RecentDocuments' maxAgeMs); a retry always reads afresh.
      const known = attempt === 1 ? recent?.get(collection, id) : undefined;
      const readAt = known ? known.at : Date.now();
      const stored = known ? known.document : ((await raw.findOne({ _id: id })) ?? undefined);
      const current = withoutIncarnation(stored);
      const decision = plan(current);
      if (decision.action === 'skip') return { outcome: decision.outcome, document: current };

      if (decision.expectedVersion === undefined) {
        // A new document: the unique _id makes the insert itself the compare-and-set.
        const next = { ...decision.next, [INCARNATION_FIELD]: randomUUID() };
        if (await insertUnlessExists(raw, next)) {
          recent?.set(collection, id, next, Date.now());
          return { outcome: 'applied', document: decision.next };
        }
      } else {
        const incarnation = String(stored?.[INCARNATION_FIELD] ?? '-');
        const next = { ...decision.next, [INCARNATION_FIELD]: incarnation };
        const tokenId = writeTokenId(collection, incarnation, next._version, id);
        const claimed = await insertUnlessExists(tokens, {
          _id: tokenId,
          collection,
          docId: id,
          version: next._version,
          at: new Date(),
          body: next,
        });
        if (claimed) {
          if (Date.now() - readAt <= leaseMs / 2) {
            const replaced = await raw.replaceOne({ _id: id }, next);
            if (replaced.matchedCount === 1) {
              recent?.set(collection, id, next, Date.now());
              this.collectGarbage(tokens);
              return { outcome: 'applied', document: decision.next };
            }
            // Deleted since it was read: plan again from what is there now.
          }
          // Too slow to be sure nobody rolls this token forward meanwhile: leave it to them.
        } else {
          await this.rollForwardIfAbandoned(raw, tokens, tokenId, readAt);
        }
      }
      recent?.forget(collection, id);
      if (Date.now() >= deadline) throw new WriteTimeoutError(attempt);
      await backoff(attempt);
    }
  }

  /** Finishes the write of a token whose owner did not write it within the lease. */
  private async rollForwardIfAbandoned(
    raw: RawCollection,
    tokens: mongoose.mongo.Collection<WriteToken>,
    tokenId: string,
    readAt: number,
  ): Promise<void> {
    const token = await tokens.findOne({ _id: tokenId });
    if (!token) return;
    const now = Date.now();
    if (now - token.at.getTime() < this.settings.leaseMs) return; // the owner may still write
    if (now - readAt > this.settings.leaseMs / 2) return; // our read is too old to act on
    await raw.replaceOne({ _id: token.docId }, token.body);
  }

  /** At most every five leases: delete tokens older than ten leases (fire and forget). */
  private collectGarbage(tokens: mongoose.mongo.Collection<WriteToken>): void {
    const now = Date.now();
    const { leaseMs } = this.settings;
    if (now - this.lastCollection < 5 * leaseMs) return;
    this.lastCollection = now;
    tokens.deleteMany({ at: { $lt: new Date(now - 10 * leaseMs) } }).catch(() => undefined);
  }
}

/** The document as callers see it: without the write guard's bookkeeping (a shallow copy). */
export function withoutIncarnation(document: Stored | null | undefined): Stored | undefined {
  if (!document) return undefined;
  if (!(INCARNATION_FIELD in document)) return document;
  const { [INCARNATION_FIELD]: _incarnation, ...rest } = document;
  return rest as Stored;
}

async function insertUnlessExists<D extends { _id: string }>(
  collection: mongoose.mongo.Collection<D>,
  document: D,
): Promise<boolean> {
  try {
    await collection.insertOne(document as mongoose.mongo.OptionalUnlessRequiredId<D>);
    return true;
  } catch (error) {
    if (isDuplicateKey(error)) return false;
    throw error;
  }
}

export function isDuplicateKey(error: unknown): boolean {
  return error instanceof mongoose.mongo.MongoServerError && error.code === 11000;
}

/** Jittered exponential pause, capped at 200 ms. */
function backoff(attempt: number): Promise<void> {
  const ms = Math.random() * Math.min(200, 2 ** Math.min(attempt, 8));
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs tasks with the same key one after the other (in call order); keys are forgotten when idle. */
export class KeyedQueue {
  private readonly tails = new Map<string, Promise<unknown>>();

  run<T>(key: string, task: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const result = previous.then(task, task);
    const tail = result.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return result;
  }
}
