import pg from 'pg';
import { EventStoreUnavailableError } from '@isms/event-sourcing';
import type { SqlClient, SqlExecutor, SqlTransactionOptions } from './sql-client.js';

export interface PostgresSqlClientOptions {
  /** e.g. postgres://isms:isms@127.0.0.1:5432/isms */
  readonly connectionString: string;
  /**
   * A PostgreSQL schema to keep the tables in (created when missing); default `public`.
   * Lets several stores (or test runs) share one database without seeing each other.
   */
  readonly schema?: string;
  /** Pool size; default 10. Writers wait for one another anyway (see SqlEventStore.append). */
  readonly maxConnections?: number;
  readonly applicationName?: string;
  /** How long a query waits for a new connection before failing as unavailable; default 5000 ms. */
  readonly connectTimeoutMs?: number;
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

/**
 * SqlClient over a `pg` connection pool. Statements run as named prepared statements.
 *
 * When the server cannot be reached (down, restarting, connection lost) a call fails with
 * EventStoreUnavailableError (HTTP 503) instead of the driver's error; the pool drops broken
 * connections and opens new ones on the next call, so a restarted server is used again without
 * restarting the process.
 */
export class PostgresSqlClient implements SqlClient {
  readonly engine = 'postgresql' as const;
  private readonly statementNames = new Map<string, string>();
  /** The last error an idle pooled connection reported (server restart, network); for health. */
  lastIdleError: Error | undefined;

  private constructor(private readonly pool: pg.Pool) {
    // Without a listener an idle connection's error would crash the process.
    pool.on('error', (error) => {
      this.lastIdleError = error;
    });
  }

  static async connect(options: PostgresSqlClientOptions): Promise<PostgresSqlClient> {
    const schema = options.schema;
    if (schema !== undefined && !identifier.test(schema)) {
      throw new Error(
        `Invalid schema name ${JSON.stringify(schema)}: use lower-case letters, digits and _`,
      );
    }
    if (schema !== undefined) {
      const setup = new pg.Client({ connectionString: options.connectionString });
      await setup.connect();
      try {
        await setup.query(`CREATE SCHEMA IF NOT EXISTS ${schema}`);
      } catch (error) {
        // Two processes creating the same schema at once: the loser sees a duplicate; fine.
        if ((error as { code?: string }).code !== '23505') throw error;
      } finally {
        await setup.end();
      }
    }
    const pool = new pg.Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 10,
      connectionTimeoutMillis: options.connectTimeoutMs ?? 5_000,
      keepAlive: true,
      application_name: options.applicationName ?? 'isms-event-store',
      ...(schema !== undefined ? { options: `-c search_path=${schema}` } : {}),
    });
    const client = new PostgresSqlClient(pool);
    try {
      await client.query('SELECT 1');
    } catch (error) {
      await pool.end();
      throw error;
    }
    return client;
  }

  async query<R extends object>(sql: string, params: readonly unknown[] = []): Promise<R[]> {
    try {
      const result = await this.pool.query<R>(this.prepared(sql, params));
      return result.rows;
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  async transaction<T>(
    work: (tx: SqlExecutor) => Promise<T>,
    options: SqlTransactionOptions = {},
  ): Promise<T> {
    let connection: pg.PoolClient;
    try {
      connection = await this.pool.connect();
    } catch (error) {
      throw unavailableOr(error);
    }
    let broken: Error | undefined;
    // The pool listens for errors of idle connections only: one that breaks between two
    // statements of this transaction would otherwise be an unhandled 'error' event (a crash).
    const onError = (error: Error) => {
      broken ??= error;
    };
    connection.on('error', onError);
    try {
      // Simple-query protocol: BEGIN and the prelude travel in one round trip.
      await connection.query(options.prelude ? `BEGIN; ${options.prelude}` : 'BEGIN');
      const result = await work({
        query: async <R extends object>(sql: string, params: readonly unknown[] = []) =>
          (await connection.query<R>(this.prepared(sql, params))).rows,
        exec: async (script: string) => {
          await connection.query(script);
        },
      });
      await connection.query('COMMIT');
      return result;
    } catch (error) {
      if (!broken) {
        try {
          await connection.query('ROLLBACK');
        } catch (rollbackError) {
          broken = rollbackError as Error; // the connection is unusable: drop it from the pool
        }
      }
      throw unavailableOr(error);
    } finally {
      connection.off('error', onError);
      connection.release(broken);
    }
  }

  async exec(script: string): Promise<void> {
    try {
      await this.pool.query(script);
    } catch (error) {
      throw unavailableOr(error);
    }
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Names each distinct statement so PostgreSQL parses and plans it once per connection. */
  private prepared(text: string, values: readonly unknown[]): pg.QueryConfig {
    let name = this.statementNames.get(text);
    if (name === undefined) {
      name = `isms_es_${this.statementNames.size + 1}`;
      this.statementNames.set(text, name);
    }
    return { name, text, values: values as unknown[] };
  }
}

/** Error codes of the socket: the server is not there (or went away). */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'EAI_AGAIN',
]);
/** SQLSTATEs of a server shutting down, starting up or refusing connections. */
const UNAVAILABLE_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300']);
/** What `pg` says when a connection breaks or cannot be had in time. */
const UNAVAILABLE_MESSAGES = [
  /^Connection terminated/,
  /timeout exceeded when trying to connect/,
  /Client has encountered a connection error and is not queryable/,
  /Client was closed and is not queryable/,
];

/** True when `error` says the server cannot be reached, not that the statement is wrong. */
export function isConnectionFailure(error: unknown): boolean {
  // Duck-typed: socket errors may come from another realm (test sandboxes), where instanceof fails.
  if (typeof error !== 'object' || error === null) return false;
  const { code, message, errors } = error as {
    code?: unknown;
    message?: unknown;
    errors?: unknown;
  };
  if (typeof code === 'string') {
    if (NETWORK_CODES.has(code) || UNAVAILABLE_SQLSTATES.has(code) || code.startsWith('08')) {
      return true;
    }
  }
  // Connecting to every address of a host name: an AggregateError of each attempt's error.
  if (Array.isArray(errors) && errors.some(isConnectionFailure)) return true;
  return (
    typeof message === 'string' && UNAVAILABLE_MESSAGES.some((pattern) => pattern.test(message))
  );
}

function unavailableOr(error: unknown): unknown {
  if (error instanceof EventStoreUnavailableError || !isConnectionFailure(error)) return error;
  return new EventStoreUnavailableError(
    `The event store's PostgreSQL cannot be reached: ${String((error as Error).message || (error as Error).name)}`,
    { cause: error },
  );
}
