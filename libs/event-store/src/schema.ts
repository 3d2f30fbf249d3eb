import type { SqlClient } from './sql-client.js';

/**
 * The store's advisory lock, one per schema (so that stores in different schemas of one
 * database do not queue behind each other). Appends and migrations take it.
 */
export const STORE_LOCK = `pg_advisory_xact_lock(1230196044, hashtext(current_schema()))`;
export const RECORDED_AT_FORMAT = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;

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

      -- The write half of appends (see SqlEventStore.append and GroupAppender): one statement,
      -- one transaction, for one or several appends to distinct streams. It takes the store's
      -- advisory lock before it reads anything, so appends run one after another: global
      -- positions are assigned AND committed in increasing order (a transaction-scoped lock
      -- is released only once the commit is visible). A tailer reading
      -- "global_position > checkpoint" therefore never skips an event; with a plain sequence,
      -- a transaction holding position 7 could commit after one holding 8, and a tailer that
      -- had already read 8 would never see 7. The lock is held for this one statement: no
      -- network round trip happens under it.
      -- Under the lock it checks, per append, that the stream is still as the caller read it
      -- ('stale' otherwise, nothing written for that append) and, for the group, that no later
      -- recorded-at exists ('clock' otherwise, nothing written): revisions, hashes and
      -- recorded-at were computed by the caller from what it read.
      CREATE OR REPLACE FUNCTION isms_append(
        p_recorded_at timestamptz,
        p_tenant_ids text[], p_stream_ids text[], p_stream_types text[],
        p_seen_revisions integer[], p_seen_last_hashes text[], p_event_counts integer[],
        p_event_ids uuid[], p_event_types text[], p_schema_versions integer[],
        p_data text[], p_metadata text[], p_previous_hashes text[], p_hashes text[])
      RETURNS TABLE (out_index integer, out_outcome text, out_revision integer,
        out_first_position bigint, out_head_recorded_at text)
      LANGUAGE plpgsql AS $$
      DECLARE
        v_head bigint;
        v_head_at timestamptz;
        v_revision integer;
        v_last_hash text;
        v_from integer := 1;
        v_to integer;
      BEGIN
        PERFORM ${STORE_LOCK};
        SELECT e.global_position, e.recorded_at INTO v_head, v_head_at
          FROM isms_events e ORDER BY e.global_position DESC LIMIT 1;
        v_head := coalesce(v_head, 0);
        IF v_head_at > p_recorded_at THEN
          RETURN QUERY SELECT g.i, 'clock'::text, NULL::integer, NULL::bigint,
            to_char(v_head_at AT TIME ZONE 'UTC', ${RECORDED_AT_FORMAT})
            FROM generate_subscripts(p_stream_ids, 1) AS g(i);
          RETURN;
        END IF;
        FOR i IN 1 .. coalesce(cardinality(p_stream_ids), 0) LOOP
          v_to := v_from + p_event_counts[i] - 1;
          SELECT s.revision, s.last_hash INTO v_revision, v_last_hash
            FROM isms_streams s WHERE s.stream_id = p_stream_ids[i];
          IF NOT FOUND THEN
            v_revision := 0;
            v_last_hash := NULL;
          END IF;
          out_index := i;
          out_head_recorded_at := NULL;
          IF v_revision <> p_seen_revisions[i]
             OR v_last_hash IS DISTINCT FROM p_seen_last_hashes[i] THEN
            out_outcome := 'stale';
            out_revision := v_revision;
            out_first_position := NULL;
          ELSE
            INSERT INTO isms_events (global_position, event_id, tenant_id, stream_id,
              stream_type, stream_revision, event_type, schema_version, data, metadata,
              recorded_at, previous_hash, hash)
            SELECT v_head + e.n, e.event_id, p_tenant_ids[i], p_stream_ids[i],
              p_stream_types[i], p_seen_revisions[i] + e.n::integer, e.event_type,
              e.schema_version, e.data::jsonb, e.metadata::jsonb, p_recorded_at,
              e.previous_hash, e.hash
            FROM unnest(p_event_ids[v_from:v_to], p_event_types[v_from:v_to],
              p_schema_versions[v_from:v_to], p_data[v_from:v_to], p_metadata[v_from:v_to],
              p_previous_hashes[v_from:v_to], p_hashes[v_from:v_to]) WITH ORDINALITY
              AS e(event_id, event_type, schema_version, data, metadata, previous_hash, hash, n);
            INSERT INTO isms_streams (stream_id, tenant_id, stream_type, revision, last_hash)
            VALUES (p_stream_ids[i], p_tenant_ids[i], p_stream_types[i],
              p_seen_revisions[i] + p_event_counts[i], p_hashes[v_to])
            ON CONFLICT (stream_id) DO UPDATE
              SET revision = EXCLUDED.revision, last_hash = EXCLUDED.last_hash;
            out_outcome := 'appended';
            out_revision := p_seen_revisions[i] + p_event_counts[i];
            out_first_position := v_head + 1;
            v_head := v_head + p_event_counts[i];
          END IF;
          RETURN NEXT;
          v_from := v_to + 1;
        END LOOP;
      END
      $$;
    `,
  },
  {
    version: 2,
    description:
      'events by stream type in log order (reads of a few stream types, e.g. asOf rebuilds)',
    // readAll of some stream types reads each type along this index, in global order, instead
    // of scanning the whole log for them (see SqlEventStore.readAll).
    sql: `
      CREATE INDEX IF NOT EXISTS isms_events_stream_type_position
        ON isms_events (stream_type, global_position);
    `,
  },
];

export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1]!.version;

/**
 * Brings the schema to SCHEMA_VERSION. Runs under the store's advisory lock so that several
 * processes starting at once apply each migration exactly once.
 */
export async function migrate(client: SqlClient): Promise<number> {
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
    { prelude: `SELECT ${STORE_LOCK}` },
  );
}
