import { PgliteSqlClient } from './pglite-sql-client.js';
import type { PostgresSqlClientOptions } from './postgres-sql-client.js';
import { PostgresSqlClient } from './postgres-sql-client.js';
import type { SqlClient } from './sql-client.js';
import type { SqlEventStoreOptions } from './sql-event-store.js';
import { SqlEventStore } from './sql-event-store.js';

export type PostgresEventStoreOptions = PostgresSqlClientOptions & SqlEventStoreOptions;

export interface EmbeddedEventStoreOptions extends SqlEventStoreOptions {
  /** Directory of the database files, e.g. `<ISMS_DATA_DIR>/event-store`; 'memory' for none. */
  readonly dataDir: string | 'memory';
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
  return openOwning(await PgliteSqlClient.open({ dataDir: options.dataDir }), {
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
