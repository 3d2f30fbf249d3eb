import pg from 'pg';
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
}

const identifier = /^[a-z_][a-z0-9_]{0,62}$/;

/** SqlClient over a `pg` connection pool. Statements run as named prepared statements. */
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
    const result = await this.pool.query<R>(this.prepared(sql, params));
    return result.rows;
  }

  async transaction<T>(
    work: (tx: SqlExecutor) => Promise<T>,
    options: SqlTransactionOptions = {},
  ): Promise<T> {
    const connection = await this.pool.connect();
    let broken: Error | undefined;
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
      try {
        await connection.query('ROLLBACK');
      } catch (rollbackError) {
        broken = rollbackError as Error; // the connection is unusable: drop it from the pool
      }
      throw error;
    } finally {
      connection.release(broken);
    }
  }

  async exec(script: string): Promise<void> {
    await this.pool.query(script);
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
