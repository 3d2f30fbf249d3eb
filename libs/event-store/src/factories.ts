import { PgliteSqlClient, PgliteThreadSqlClient } from './pglite-sql-client.js';
import type { PostgresSqlClientOptions } from './postgres-sql-client.js';
import { PostgresSqlClient } from './postgres-sql-client.js';
import type { SqlClient } from './sql-client.js';
import type { SqlEventStoreOptions } from './sql-event-store.js';
import { SqlEventStore } from './sql-event-store.js';

export type PostgresEventStoreOptions = PostgresSqlClientOptions & SqlEventStoreOptions;

export interface EmbeddedEventStoreOptions extends SqlEventStoreOptions {
  /** Directory of the database files, e.g. `<ISMS_DATA_DIR>/event-store`; 'memory' for none. */
  readonly dataDir: string | 'memory';
  /**
   * Where PGlite runs: in a worker thread of its own (default), so that PostgreSQL's work does
   * not hold up the process's main thread, or in the main thread.
   */
  readonly thread?: 'worker' | 'main';
}

/** The server adapter: PostgreSQL through a `pg` pool. */
export async function createPostgresEventStore(
  options: PostgresEventStoreOptions,
): Promise<SqlEventStore> {
  return openOwning(await PostgresSqlClient.connect(options), options);
}

/** The embedded adapter: PGlite in this process, file-backed (one process per directory). */
export async function createEmbeddedEventStore(
  options: EmbeddedEventStoreOptions,
): Promise<SqlEventStore> {
  // The client is this store's alone, and its directory is locked to this process.
  const client =
    options.thread === 'main'
      ? await PgliteSqlClient.open({ dataDir: options.dataDir })
      : await PgliteThreadSqlClient.open({ dataDir: options.dataDir });
  return openOwning(client, {
    ...options,
    soleWriter: true,
  });
}

export type EventStoreConfig =
  | ({ readonly adapter: 'postgresql' } & PostgresEventStoreOptions)
  | ({ readonly adapter: 'pglite' } & EmbeddedEventStoreOptions);

/** For apps that choose the adapter from configuration. */
export function createEventStore(config: EventStoreConfig): Promise<SqlEventStore> {
  return config.adapter === 'postgresql'
    ? createPostgresEventStore(config)
    : createEmbeddedEventStore(config);
}

async function openOwning(
  client: SqlClient,
  options: SqlEventStoreOptions,
): Promise<SqlEventStore> {
  try {
    return await SqlEventStore.open(client, options);
  } catch (error) {
    await client.close();
    throw error;
  }
}
