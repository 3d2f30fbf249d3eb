import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
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
