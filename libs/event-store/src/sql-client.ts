/**
 * The little the SQL event store needs from a database driver. Two implementations: `pg`
 * against a PostgreSQL server, and PGlite (PostgreSQL compiled to WASM, in process, file
 * backed). Both speak the same SQL, so SqlEventStore has one code path for both engines.
 */
export type SqlEngine = 'postgresql' | 'pglite';

export type SqlRow = Record<string, unknown>;

export interface SqlExecutor {
  /** Runs one parameterised statement ($1, $2, …) and returns its rows. */
  query<R extends object = SqlRow>(sql: string, params?: readonly unknown[]): Promise<R[]>;
  /** Runs a script of statements without parameters (schema migrations). */
  exec(script: string): Promise<void>;
}

export interface SqlTransactionOptions {
  /**
   * A statement without parameters to run right after BEGIN (e.g. taking an advisory lock).
   * The PostgreSQL client sends it in the same round trip as BEGIN.
   */
  readonly prelude?: string;
}

export interface SqlClient extends SqlExecutor {
  readonly engine: SqlEngine;
  /** Runs `work` in one transaction: COMMIT when it resolves, ROLLBACK when it throws. */
  transaction<T>(
    work: (tx: SqlExecutor) => Promise<T>,
    options?: SqlTransactionOptions,
  ): Promise<T>;
  close(): Promise<void>;
}

/** The fields of a PostgreSQL error both drivers expose (`pg` and PGlite alike). */
export interface SqlError {
  readonly code?: string;
  readonly constraint?: string;
  readonly message: string;
}

export function asSqlError(error: unknown): SqlError | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && 'message' in error) {
    return error as SqlError;
  }
  return undefined;
}
