import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { PGlite } from '@electric-sql/pglite';
import type {
  PgliteReady,
  PgliteReply,
  PgliteRequest,
  PgliteWorkerData,
  SerialisedError,
} from './pglite-worker.js';
import type { SqlClient, SqlExecutor, SqlTransactionOptions } from './sql-client.js';

export interface PgliteSqlClientOptions {
  /** A directory for the database files (created when missing), or 'memory' for a throwaway one. */
  readonly dataDir: string | 'memory';
}

const LOCK_FILE = 'isms-event-store.lock';

/**
 * SqlClient over PGlite: PostgreSQL compiled to WASM, running inside this process, its files
 * in `dataDir`. One connection, so statements and transactions run one at a time.
 *
 * Durability: PGlite writes each commit's WAL to the file system before the commit returns,
 * so a killed process loses nothing; it does not fsync, so a power loss may lose the last
 * commits. Only one process may open a data directory: a lock file guards it.
 */
export class PgliteSqlClient implements SqlClient {
  readonly engine = 'pglite' as const;

  private constructor(
    private readonly db: PGlite,
    private readonly lockPath: string | undefined,
  ) {}

  static async open(options: PgliteSqlClientOptions): Promise<PgliteSqlClient> {
    if (options.dataDir === 'memory') {
      const db = new PGlite();
      await db.waitReady;
      return new PgliteSqlClient(db, undefined);
    }
    mkdirSync(options.dataDir, { recursive: true });
    const lockPath = acquireDirectoryLock(options.dataDir);
    try {
      const db = new PGlite(options.dataDir);
      await db.waitReady;
      return new PgliteSqlClient(db, lockPath);
    } catch (error) {
      rmSync(lockPath, { force: true });
      throw error;
    }
  }

  async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.db.query<R>(sql, [...params])).rows;
  }

  async transaction<T>(
    work: (tx: SqlExecutor) => Promise<T>,
    options: SqlTransactionOptions = {},
  ): Promise<T> {
    return this.db.transaction(async (tx) => {
      if (options.prelude) await tx.exec(options.prelude);
      return work({
        query: async <R extends object>(sql: string, params: readonly unknown[] = []) =>
          (await tx.query<R>(sql, [...params])).rows,
        exec: async (script: string) => {
          await tx.exec(script);
        },
      });
    });
  }

  async exec(script: string): Promise<void> {
    await this.db.exec(script);
  }

  async close(): Promise<void> {
    if (!this.db.closed) await this.db.close();
    if (this.lockPath) rmSync(this.lockPath, { force: true });
  }
}

/** Distributes `Omit` over a union (each request kind keeps its own fields). */
type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;

/**
 * SqlClient over PGlite running in a worker thread (`pglite-worker.ts`): the same database as
 * `PgliteSqlClient`, with PostgreSQL's work (executing, parsing, writing its files) on another
 * core. The embedded platform uses it, so that appends and reads do not hold up its main thread,
 * which serves HTTP and applies the read models. Statements and transactions still run one at a
 * time, in the order they were sent; a transaction holds the database until it ends.
 */
export class PgliteThreadSqlClient implements SqlClient {
  readonly engine = 'pglite' as const;
  private readonly pending = new Map<
    number,
    { resolve: (value: unknown) => void; reject: (error: Error) => void }
  >();
  private nextId = 1;
  private ended?: Error;

  private constructor(
    private readonly worker: Worker,
    private readonly lockPath: string | undefined,
  ) {
    worker.on('message', (reply: PgliteReply) => {
      const waiting = this.pending.get(reply.id);
      if (!waiting) return;
      this.pending.delete(reply.id);
      if (this.pending.size === 0) worker.unref();
      if ('error' in reply) waiting.reject(deserialiseError(reply.error));
      else waiting.resolve(reply.value);
    });
    const end = (error: Error) => {
      this.ended ??= error;
      for (const waiting of this.pending.values()) waiting.reject(error);
      this.pending.clear();
    };
    worker.on('error', end);
    worker.on('exit', (code) =>
      end(new Error(`The PGlite worker thread ended (exit code ${code})`)),
    );
    worker.unref(); // kept referenced only while a request is in flight
  }

  static async open(options: PgliteSqlClientOptions): Promise<PgliteThreadSqlClient> {
    let lockPath: string | undefined;
    if (options.dataDir !== 'memory') {
      mkdirSync(options.dataDir, { recursive: true });
      lockPath = acquireDirectoryLock(options.dataDir);
    }
    try {
      const worker = new Worker(workerFile(), {
        workerData: { pgliteWorker: true, dataDir: options.dataDir } satisfies PgliteWorkerData,
        ...workerExecArgv(),
      });
      const ready = await new Promise<PgliteReady>((resolve, reject) => {
        const exited = (code: number) =>
          reject(
            new Error(`The PGlite worker thread ended before it was ready (exit code ${code})`),
          );
        worker.once('message', (message: PgliteReady) => {
          worker.off('error', reject).off('exit', exited);
          resolve(message);
        });
        worker.once('error', reject).once('exit', exited);
      });
      if (!ready.ready) {
        await worker.terminate();
        throw deserialiseError(ready.error);
      }
      return new PgliteThreadSqlClient(worker, lockPath);
    } catch (error) {
      if (lockPath) rmSync(lockPath, { force: true });
      throw error;
    }
  }

  async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    return (await this.request({ op: 'query', sql, params: [...params] })) as R[];
  }

  async exec(script: string): Promise<void> {
    await this.request({ op: 'exec', sql: script });
  }

  async transaction<T>(
    work: (tx: SqlExecutor) => Promise<T>,
    options: SqlTransactionOptions = {},
  ): Promise<T> {
    const tx = (await this.request({
      op: 'begin',
      ...(options.prelude ? { prelude: options.prelude } : {}),
    })) as number;
    let result: T;
    try {
      result = await work({
        query: async <R extends object>(sql: string, params: readonly unknown[] = []) =>
          (await this.request({ op: 'query', sql, params: [...params], tx })) as R[],
        exec: async (script: string) => {
          await this.request({ op: 'exec', sql: script, tx });
        },
      });
    } catch (error) {
      await this.request({ op: 'rollback', tx }).catch(() => undefined);
      throw error;
    }
    await this.request({ op: 'commit', tx });
    return result;
  }

  async close(): Promise<void> {
    if (!this.ended) {
      await this.request({ op: 'close' }).catch(() => undefined);
      this.ended = new Error('The event store is closed');
      await this.worker.terminate();
    }
    if (this.lockPath) rmSync(this.lockPath, { force: true });
  }

  private request(request: WithoutId<PgliteRequest>): Promise<unknown> {
    if (this.ended) return Promise.reject(this.ended);
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      if (this.pending.size === 1) this.worker.ref();
      this.worker.postMessage({ ...request, id } as PgliteRequest);
    });
  }
}

/** The worker's file beside this one: `.ts` when run from source, `.js` when built. */
function workerFile(): URL {
  const extension = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
  return new URL(`./pglite-worker${extension}`, import.meta.url);
}

/**
 * From source the thread needs the TypeScript loader: a worker inherits the process's flags
 * (`--import @swc-node/register/esm-register` when the platform runs from source), and gets the
 * loader here when the process has another one (Jest). Built, it needs nothing.
 */
function workerExecArgv(): { execArgv?: string[] } {
  const needsLoader =
    import.meta.url.endsWith('.ts') &&
    !process.execArgv.some((arg) => arg.includes('@swc-node/register'));
  return needsLoader ? { execArgv: ['--import', '@swc-node/register/esm-register'] } : {};
}

function deserialiseError(serialised: SerialisedError): Error {
  const error = Object.assign(new Error(serialised.message), serialised.fields);
  error.name = serialised.name;
  if (serialised.stack) error.stack = serialised.stack;
  return error;
}

/**
 * Two PGlite instances on one directory would corrupt it. The lock file holds the owner's pid;
 * a lock whose process is gone (a crash) is taken over.
 */
function acquireDirectoryLock(dataDir: string): string {
  const lockPath = join(dataDir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(lockPath, String(process.pid), { flag: 'wx' });
      return lockPath;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      const owner = Number(readFileSync(lockPath, 'utf8').trim());
      if (Number.isInteger(owner) && owner > 0 && processIsAlive(owner)) {
        throw new Error(
          `The event store in ${dataDir} is already open (process ${owner}${owner === process.pid ? ', this one' : ''}); ` +
            'only one process may use an embedded event store directory at a time',
        );
      }
      rmSync(lockPath, { force: true }); // stale: its process has ended
    }
  }
  throw new Error(`Could not lock ${lockPath}`);
}

function processIsAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
