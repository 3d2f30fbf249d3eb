import type { SqlClient } from './sql-client.js';

/**
 * The event store's tables. Migrations are applied in order, each once, recorded in
 * isms_schema_version; every statement is idempotent as well (IF NOT EXISTS), so a crash half
 * way through a migration is repaired by the next start. Never edit a released migration:
 * append a new one.
 */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'events, streams, checkpoints; events are append-only',
    sql: `
      CREATE TABLE IF NOT EXISTS isms_events (
        global_position BIGINT PRIMARY KEY,
        event_id        UUID NOT NULL,
        tenant_id       TEXT NOT NULL,
        stream_id       TEXT NOT NULL,
        stream_type     TEXT NOT NULL,
        stream_revision INTEGER NOT NULL CHECK (stream_revision >= 1),
        event_type      TEXT NOT NULL,
        schema_version  INTEGER NOT NULL CHECK (schema_version >= 1),
        data            JSONB NOT NULL,
        metadata        JSONB NOT NULL,
        recorded_at     TIMESTAMPTZ NOT NULL,
        previous_hash   TEXT NULL,
        hash            TEXT NOT NULL,
        CONSTRAINT isms_events_event_id_unique UNIQUE (event_id),
        CONSTRAINT isms_events_stream_revision_unique UNIQUE (stream_id, stream_revision)
      );
      CREATE INDEX IF NOT EXISTS isms_events_tenant_position ON isms_events (tenant_id, global_position);

      CREATE TABLE IF NOT EXISTS isms_streams (
        stream_id   TEXT PRIMARY KEY,
        tenant_id   TEXT NOT NULL,
        stream_type TEXT NOT NULL,
        revision    INTEGER NOT NULL,
        last_hash   TEXT NOT NULL
      );
      CREATE INDEX IF NOT EXISTS isms_streams_tenant ON isms_streams (tenant_id, stream_id);

      CREATE TABLE IF NOT EXISTS isms_checkpoints (
        subscriber_id TEXT PRIMARY KEY,
        position      BIGINT NOT NULL,
        updated_at    TIMESTAMPTZ NOT NULL DEFAULT now()
      );

      -- Recorded events are immutable. Whoever can disable this trigger can also alter rows:
      -- the hash chain (verifyStream) is what detects that.
      CREATE OR REPLACE FUNCTION isms_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'isms_events is append-only: % is not allowed', TG_OP
          USING ERRCODE = 'insufficient_privilege';
      END
      $$;
      DROP TRIGGER IF EXISTS isms_events_append_only ON isms_events;
      CREATE TRIGGER isms_events_append_only BEFORE UPDATE OR DELETE ON isms_events
        FOR EACH ROW EXECUTE FUNCTION isms_events_append_only();
      DROP TRIGGER IF EXISTS isms_events_no_truncate ON isms_events;
      CREATE TRIGGER isms_events_no_truncate BEFORE TRUNCATE ON isms_events
        FOR EACH STATEMENT EXECUTE FUNCTION isms_events_append_only();
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the schema to SCHEMA_VERSION. Runs under the store's advisory lock so that several
 * processes starting at once apply each migration exactly once.
 */
export async function migrate(client: SqlClient, lockStatement: string): Promise<number> {
  return client.transaction(
    async (tx) => {
      await tx.exec(`
        CREATE TABLE IF NOT EXISTS isms_schema_version (
          version     INTEGER PRIMARY KEY,
          description TEXT NOT NULL,
          applied_at  TIMESTAMPTZ NOT NULL DEFAULT now()
        )`);
      const rows = await tx.query<{ version: number | null }>(
        'SELECT max(version) AS version FROM isms_schema_version',
      );
      const current = Number(rows[0]?.version ?? 0);
      if (current > SCHEMA_VERSION) {
        throw new Error(
          `The event store schema is at version ${current}, newer than this code knows (${SCHEMA_VERSION}); upgrade the application`,
        );
      }
      for (const migration of MIGRATIONS) {
        if (migration.version <= current) continue;
        await tx.exec(migration.sql);
        await tx.query('INSERT INTO isms_schema_version (version, description) VALUES ($1, $2)', [
          migration.version,
          migration.description,
        ]);
      }
      return SCHEMA_VERSION;
    },
    { prelude: lockStatement },
  );
}
