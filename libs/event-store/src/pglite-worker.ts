/**
 * The thread that runs PGlite for `PgliteSqlClient.open({ thread: 'worker' })`: PostgreSQL's
 * WASM build, its parsing and its file writes on a core of their own, so that the process's
 * main thread (HTTP, read models) does not wait on them. It answers one request at a time in
 * the order PGlite runs them; a transaction holds PGlite until its COMMIT or ROLLBACK, as with
 * PGlite in the main thread. Self-contained on purpose (no workspace imports): it is started
 * as a file of its own.
 */
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type { Transaction } from '@electric-sql/pglite';

export type PgliteRequest =
  | {
      readonly id: number;
      readonly op: 'query';
      readonly sql: string;
      readonly params: unknown[];
      readonly tx?: number;
    }
  | { readonly id: number; readonly op: 'exec'; readonly sql: string; readonly tx?: number }
  | { readonly id: number; readonly op: 'begin'; readonly prelude?: string }
  | { readonly id: number; readonly op: 'commit' | 'rollback'; readonly tx: number }
  | { readonly id: number; readonly op: 'close' };

export type PgliteReply =
  | { readonly id: number; readonly value: unknown }
  | { readonly id: number; readonly error: SerialisedError };

/** An error as it crosses threads: message, name and the PostgreSQL fields (code, constraint…). */
export interface SerialisedError {
  readonly name: string;
  readonly message: string;
  readonly stack?: string;
  readonly fields: Record<string, unknown>;
}

export interface PgliteWorkerData {
  /** Marks the thread as this one (a module imported in another worker must not serve). */
  readonly pgliteWorker: true;
  /** A directory, or 'memory'. */
  readonly dataDir: string;
}

/** The first message: PGlite is ready, or could not open. */
export type PgliteReady =
  { readonly ready: true } | { readonly ready: false; readonly error: SerialisedError };

export function serialiseError(error: unknown): SerialisedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error), fields: {} };
  const fields: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(error)) {
    if (value === null || ['string', 'number', 'boolean'].includes(typeof value))
      fields[key] = value;
  }
  return {
    name: error.name,
    message: error.message,
    ...(error.stack ? { stack: error.stack } : {}),
    fields,
  };
}

/** A transaction in progress: the requests for it wait here until PGlite's callback takes them. */
interface OpenTransaction {
  readonly queue: PgliteRequest[];
  wake?: () => void;
}

const ROLLBACK = Symbol('rollback');

async function serve(): Promise<void> {
  const port = parentPort;
  if (!port) throw new Error('pglite-worker runs as a worker thread');
  const { dataDir } = workerData as PgliteWorkerData;
  let db: PGlite;
  try {
    db = dataDir === 'memory' ? new PGlite() : new PGlite(dataDir);
    await db.waitReady;
  } catch (error) {
    port.postMessage({ ready: false, error: serialiseError(error) } satisfies PgliteReady);
    return;
  }
  const transactions = new Map<number, OpenTransaction>();
  let nextTransaction = 1;
  const reply = (id: number, value: unknown) =>
    port.postMessage({ id, value } satisfies PgliteReply);
  const fail = (id: number, error: unknown) =>
    port.postMessage({ id, error: serialiseError(error) } satisfies PgliteReply);

  /** Runs a query or script on the connection or within a transaction. */
  const run = async (request: PgliteRequest, on: PGlite | Transaction) => {
    if (request.op === 'query') return (await on.query(request.sql, request.params)).rows;
    if (request.op === 'exec') {
      await on.exec(request.sql);
      return null;
    }
    throw new Error(`Unexpected ${request.op}`);
  };

  const begin = (request: Extract<PgliteRequest, { op: 'begin' }>) => {
    const tx = nextTransaction++;
    const open: OpenTransaction = { queue: [] };
    transactions.set(tx, open);
    let ended: PgliteRequest | undefined;
    db.transaction(async (transaction) => {
      if (request.prelude) await transaction.exec(request.prelude);
      reply(request.id, tx);
      for (;;) {
        const next = open.queue.shift();
        if (!next) {
          await new Promise<void>((resolve) => (open.wake = resolve));
          open.wake = undefined;
          continue;
        }
        if (next.op === 'commit') {
          ended = next;
          return;
        }
        if (next.op === 'rollback') {
          ended = next;
          throw ROLLBACK;
        }
        try {
          reply(next.id, await run(next, transaction));
        } catch (error) {
          fail(next.id, error);
        }
      }
    }).then(
      () => {
        transactions.delete(tx);
        if (ended) reply(ended.id, null);
      },
      (error: unknown) => {
        transactions.delete(tx);
        if (ended?.op === 'rollback' && error === ROLLBACK) reply(ended.id, null);
        else if (ended) fail(ended.id, error);
        else fail(request.id, error); // the BEGIN or the prelude failed
      },
    );
  };

  port.on('message', (request: PgliteRequest) => {
    const tx = 'tx' in request ? request.tx : undefined;
    if (tx !== undefined) {
      const open = transactions.get(tx);
      if (!open) return fail(request.id, new Error(`No transaction ${tx} is open`));
      open.queue.push(request);
      open.wake?.();
      return;
    }
    if (request.op === 'begin') return begin(request);
    if (request.op === 'close') {
      void db.close().then(
        () => reply(request.id, null),
        (error: unknown) => fail(request.id, error),
      );
      return;
    }
    run(request, db).then(
      (value) => reply(request.id, value),
      (error: unknown) => fail(request.id, error),
    );
  });
  port.postMessage({ ready: true } satisfies PgliteReady);
}

// Serve only in the thread started for it (the main thread imports this file for its types).
if (!isMainThread && (workerData as Partial<PgliteWorkerData> | null)?.pgliteWorker) void serve();
