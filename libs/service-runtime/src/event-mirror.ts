import type {
  AppendResult,
  AsOf,
  ChainVerification,
  EventMetadata,
  EventStore,
  EventStoreHealth,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
} from '@isms/event-sourcing';
import {
  eventFilterConditions,
  selectsNothing,
  PostgresSqlClient,
  RECORDED_AT_FORMAT,
  verifyRegisteredStreams,
  verifyStreamAgainstRegister,
  verifyStreamsInGroups,
} from '@isms/event-store';
import type { SqlClient, StoreVerification } from '@isms/event-store';
import type { ForeignEventHistory } from '@isms/platform-nest';
import type { ServiceContext } from './contexts.js';

export interface EventMirrorOptions {
  /** PostgreSQL (DATABASE_URL). */
  readonly connectionString: string;
  /** The service's schema (its event store's): the mirror's tables sit beside its events. */
  readonly schema: string;
  readonly applicationName?: string;
  /** Upper bound of a readAll batch; default 5000. */
  readonly maxBatchSize?: number;
}

/** What verifying every mirrored stream found (the event store's own verification shape). */
export type MirrorVerification = StoreVerification;

/** Serialises the mirror's writers, per schema (another key than the event store's lock). */
const MIRROR_LOCK = `pg_advisory_xact_lock(1230196045, hashtext(current_schema()))`;
const RECORDED_AT_ISO = `to_char(recorded_at AT TIME ZONE 'UTC', ${RECORDED_AT_FORMAT})`;
const DEFAULT_BATCH = 500;
const DEFAULT_MAX_BATCH = 5000;

/**
 * The tables, created idempotently (IF NOT EXISTS) under the mirror's lock. Each row is an
 * envelope as the source event store recorded it (ids, revision, data and metadata, recorded-at,
 * previous hash and hash, unchanged) plus where it came from (source context and its global
 * position there) and its position in the mirror (the order it was received in).
 */
const SCHEMA_SQL = `
  CREATE TABLE IF NOT EXISTS isms_mirror_events (
    mirror_position BIGINT PRIMARY KEY,
    source_context  TEXT NOT NULL,
    source_position BIGINT NOT NULL,
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
    mirrored_at     TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT isms_mirror_events_event_id_unique UNIQUE (event_id),
    CONSTRAINT isms_mirror_events_source_unique UNIQUE (source_context, source_position)
  );
  CREATE INDEX IF NOT EXISTS isms_mirror_events_stream
    ON isms_mirror_events (stream_id, stream_revision);
  CREATE INDEX IF NOT EXISTS isms_mirror_events_recorded_at
    ON isms_mirror_events (recorded_at, mirror_position);

  -- The highest revision (and its hash) mirrored per stream: removing the last mirrored events
  -- of a stream leaves an intact but shorter chain, which only this register reveals.
  CREATE TABLE IF NOT EXISTS isms_mirror_streams (
    stream_id      TEXT PRIMARY KEY,
    source_context TEXT NOT NULL,
    tenant_id      TEXT NOT NULL,
    stream_type    TEXT NOT NULL,
    revision       INTEGER NOT NULL,
    last_hash      TEXT NOT NULL
  );

  -- Mirrored events are as immutable as the source's.
  CREATE OR REPLACE FUNCTION isms_mirror_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
  BEGIN
    RAISE EXCEPTION 'isms_mirror_events is append-only: % is not allowed', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END
  $$;
  DROP TRIGGER IF EXISTS isms_mirror_events_append_only ON isms_mirror_events;
  CREATE TRIGGER isms_mirror_events_append_only BEFORE UPDATE OR DELETE ON isms_mirror_events
    FOR EACH ROW EXECUTE FUNCTION isms_mirror_events_append_only();
  DROP TRIGGER IF EXISTS isms_mirror_events_no_truncate ON isms_mirror_events;
  CREATE TRIGGER isms_mirror_events_no_truncate BEFORE TRUNCATE ON isms_mirror_events
    FOR EACH STATEMENT EXECUTE FUNCTION isms_mirror_events_append_only();
`;

const EVENT_COLUMNS = `mirror_position, event_id, tenant_id, stream_id, stream_type, stream_revision,
  event_type, schema_version, data::text AS data, metadata::text AS metadata,
  ${RECORDED_AT_ISO} AS recorded_at, previous_hash, hash, source_context, source_position`;

/** A stream's entry in the mirror's stream register. */
interface MirroredStreamHead {
  readonly stream_id: string;
  readonly revision: number;
  readonly last_hash: string;
  readonly source_context: string;
}

interface MirrorRow {
  mirror_position: string | number;
  event_id: string;
  tenant_id: string;
  stream_id: string;
  stream_type: string;
  stream_revision: number;
  event_type: string;
  schema_version: number;
  data: string;
  metadata: string;
  recorded_at: string;
  previous_hash: string | null;
  hash: string;
  source_context: string;
  source_position: string | number;
}

/**
 * A faithful replica of the events other contexts published, for a service whose own event store
 * does not hold (all) the events its read models are built from: the reporting service keeps
 * every event of the other contexts' topics, the others only the foreign events their read models
 * consume (see EventMirrorModule). Every envelope stored verbatim with its source (context and
 * global position there), append-only, idempotent on the event id.
 *
 * For the other services it is their FOREIGN_EVENT_HISTORY (foreignHistory, readSource): `?asOf=`
 * replays their own events merged with these (projectMergedAsOf).
 *
 * It answers the read side of the EventStore port, so `?asOf=` reports (projectAsOf) and the
 * hash-chain verifier run on it unchanged:
 *
 * - readAll goes in mirror order, the order the events were received in (each stream's events in
 *   revision order, as Kafka delivers a stream in order); `globalPosition` of an event read from
 *   the mirror is its mirror position (positions of different source stores are not comparable).
 *   An as-of instant selects every event the source recorded at or before it.
 * - verifyStream recomputes the chain from the mirrored rows: the hashes are the source's, so an
 *   event altered or removed in the mirror, or missing from what the source published (a gap in a
 *   stream's revisions), is a break; the mirror's stream register catches removed last events.
 */
export class PostgresEventMirror implements EventStore {
  private readonly listeners = new Set<(lastGlobalPosition: number) => void>();
  private closed = false;

  private constructor(
    private readonly client: SqlClient,
    private readonly options: { readonly maxBatchSize?: number },
  ) {}

  static async open(options: EventMirrorOptions): Promise<PostgresEventMirror> {
    const client = await PostgresSqlClient.connect({
      connectionString: options.connectionString,
      schema: options.schema,
      maxConnections: 4,
      applicationName: options.applicationName ?? 'isms-event-mirror',
    });
    try {
      await client.transaction((tx) => tx.exec(SCHEMA_SQL), { prelude: `SELECT ${MIRROR_LOCK}` });
    } catch (error) {
      await client.close();
      throw error;
    }
    return new PostgresEventMirror(client, options);
  }

  /**
   * Stores an event as its source recorded it; true when it was new, false when already mirrored
   * (a redelivery). A different event at a source position already mirrored is refused.
   */
  async record(event: RecordedEvent, source: ServiceContext | string): Promise<boolean> {
    const inserted = await this.client.transaction(
      async (tx) => {
        const rows = await tx.query<{ mirror_position: string | number }>(
          `WITH inserted AS (
             INSERT INTO isms_mirror_events (mirror_position, source_context, source_position,
               event_id, tenant_id, stream_id, stream_type, stream_revision, event_type,
               schema_version, data, metadata, recorded_at, previous_hash, hash)
             SELECT coalesce((SELECT max(mirror_position) FROM isms_mirror_events), 0) + 1,
               $1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11::jsonb, $12::timestamptz, $13, $14
             ON CONFLICT (event_id) DO NOTHING
             RETURNING mirror_position, stream_id, source_context, tenant_id, stream_type,
               stream_revision, hash
           ), registered AS (
             INSERT INTO isms_mirror_streams (stream_id, source_context, tenant_id, stream_type,
               revision, last_hash)
             SELECT stream_id, source_context, tenant_id, stream_type, stream_revision, hash
             FROM inserted
             ON CONFLICT (stream_id) DO UPDATE
               SET revision = EXCLUDED.revision, last_hash = EXCLUDED.last_hash
               WHERE isms_mirror_streams.revision < EXCLUDED.revision
           )
           SELECT mirror_position FROM inserted`,
          [
            source,
            event.globalPosition,
            event.eventId,
            event.tenantId,
            event.streamId,
            event.streamType,
            event.streamRevision,
            event.type,
            event.schemaVersion,
            JSON.stringify(event.data ?? null),
            JSON.stringify(event.metadata),
            event.recordedAt,
            event.previousHash,
            event.hash,
          ],
        );
        return rows[0] ? Number(rows[0].mirror_position) : undefined;
      },
      { prelude: `SELECT ${MIRROR_LOCK}` },
    );
    if (inserted === undefined) return false;
    for (const listener of this.listeners) {
      try {
        listener(inserted);
      } catch {
        // A listener only wakes someone up.
      }
    }
    return true;
  }

  /** The mirror takes no commands: it records what other contexts published (see record). */
  async append(): Promise<AppendResult> {
    throw new Error(
      'The event mirror is a replica of other contexts’ events: it records what they publish and accepts no appends',
    );
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const params: unknown[] = [streamId, options.afterRevision ?? 0];
    const asOf = asOfCondition(options.asOf, params);
    const rows = await this.client.query<MirrorRow>(
      `SELECT ${EVENT_COLUMNS} FROM isms_mirror_events
       WHERE stream_id = $1 AND stream_revision > $2${asOf}
       ORDER BY stream_revision, mirror_position`,
      params,
    );
    return rows.map(toRecordedEvent);
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxBatch = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH;
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_BATCH), 1), maxBatch);
    if (selectsNothing(options)) return [];
    const params: unknown[] = [options.afterPosition ?? 0];
    let where = 'mirror_position > $1' + typeConditions(options, params);
    where += asOfCondition(options.asOf, params);
    params.push(limit);
    const rows = await this.client.query<MirrorRow>(
      `SELECT ${EVENT_COLUMNS} FROM isms_mirror_events WHERE ${where}
       ORDER BY mirror_position LIMIT $${params.length}`,
      params,
    );
    return rows.map(toRecordedEvent);
  }

  /** The mirror as the FOREIGN_EVENT_HISTORY of `service` (merged with its own events for asOf). */
  foreignHistory(service: string): ForeignEventHistory {
    return {
      service,
      sources: () => this.sources(),
      readSource: (source, options) => this.readSource(source, options),
    };
  }

  /** The contexts some events were mirrored from. */
  async sources(): Promise<string[]> {
    const rows = await this.client.query<{ source_context: string }>(
      'SELECT DISTINCT source_context FROM isms_mirror_events ORDER BY source_context',
    );
    return rows.map((row) => row.source_context);
  }

  /**
   * The mirrored events of one source in the source's order (its global positions: each stream
   * in revision order), verbatim: `globalPosition` is the SOURCE position (unlike readAll's), as
   * the read models got them from Kafka. `until`: recorded at or before that instant.
   */
  async readSource(
    source: string,
    options: {
      readonly afterPosition: number;
      readonly limit: number;
      readonly until?: string;
      readonly streamTypes?: readonly string[];
      readonly eventTypes?: readonly string[];
      readonly tenantId?: string;
    },
  ): Promise<RecordedEvent[]> {
    if (selectsNothing(options)) return [];
    const maxBatch = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH;
    const limit = Math.min(Math.max(Math.trunc(options.limit), 1), maxBatch);
    const params: unknown[] = [source, options.afterPosition];
    let where = 'source_context = $1 AND source_position > $2' + typeConditions(options, params);
    if (options.until !== undefined) where += asOfCondition({ recordedAt: options.until }, params);
    params.push(limit);
    const rows = await this.client.query<MirrorRow>(
      `SELECT ${EVENT_COLUMNS} FROM isms_mirror_events WHERE ${where}
       ORDER BY source_position LIMIT $${params.length}`,
      params,
    );
    return rows.map((row) => ({
      ...toRecordedEvent(row),
      globalPosition: Number(row.source_position),
    }));
  }

  async streamRevision(streamId: string): Promise<number> {
    const [row] = await this.client.query<{ revision: number }>(
      'SELECT revision FROM isms_mirror_streams WHERE stream_id = $1',
      [streamId],
    );
    return row ? Number(row.revision) : 0;
  }

  async headPosition(): Promise<number> {
    const [row] = await this.client.query<{ head: string | number | null }>(
      'SELECT max(mirror_position) AS head FROM isms_mirror_events',
    );
    return Number(row?.head ?? 0);
  }

  /**
   * Recomputes the stream's chain from the mirrored rows (the source's hashes), then checks that
   * it ends where the mirror's stream register says. A revision missing in the middle (deleted
   * here, or never received) is a `revision-gap`; an altered row a `hash-mismatch`.
   */
  async verifyStream(streamId: string): Promise<ChainVerification> {
    const [result] = await this.verifyStreams([streamId]);
    return result!;
  }

  /** As verifyStream for each stream, reading a group of streams per query (register first). */
  verifyStreams(streamIds: readonly string[]): Promise<ChainVerification[]> {
    return verifyStreamsInGroups(
      streamIds,
      {
        heads: async (ids) => {
          const rows = await this.client.query<MirroredStreamHead>(
            `SELECT stream_id, revision, last_hash, source_context FROM isms_mirror_streams
             WHERE stream_id = ANY($1::text[])`,
            [ids],
          );
          return new Map(rows.map((row) => [row.stream_id, row]));
        },
        rows: (ids, upTo) =>
          this.client.query<MirrorRow>(
            `SELECT ${EVENT_COLUMNS} FROM isms_mirror_events
             JOIN unnest($1::text[], $2::integer[]) AS verified(verified_stream, up_to)
               ON stream_id = verified_stream
             WHERE stream_revision <= up_to ORDER BY stream_id, stream_revision, mirror_position`,
            [ids, upTo],
          ),
        streamOf: (row) => row.stream_id,
      },
      (streamId, rows, head) => {
        const source = head?.source_context ?? rows[0]?.source_context;
        const from = source ? ` (mirrored from the ${source} service)` : '';
        return verifyStreamAgainstRegister(streamId, rows.map(toRecordedEvent), head, {
          chainBroken: (chain) => {
            const bad = rows[chain.eventsChecked - 1];
            return (
              `Event at revision ${chain.firstInvalid?.streamRevision} does not verify: ` +
              `${chain.firstInvalid?.problem}${from}` +
              (bad ? `; source position ${bad.source_context}:${bad.source_position}` : '')
            );
          },
          noEvents: (revision) =>
            `The mirror's stream register says revision ${revision}, but no event of the stream is mirrored${from}`,
          headMismatch: (last, revision) =>
            `The mirrored chain ends at revision ${last}, but revision ${revision} was mirrored${from}`,
          unregistered: `The stream has mirrored events but no entry in the mirror's stream register${from}`,
        });
      },
    );
  }

  /** Verifies every mirrored stream (of one tenant, or all). */
  verifyAllStreams(options: { readonly tenantId?: string } = {}): Promise<MirrorVerification> {
    return verifyRegisteredStreams(
      this.client,
      'isms_mirror_streams',
      (streamIds) => this.verifyStreams(streamIds),
      options,
    );
  }

  onAppended(listener: (lastGlobalPosition: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async health(): Promise<EventStoreHealth> {
    try {
      return {
        status: 'up',
        adapter: 'postgresql-mirror',
        headPosition: await this.headPosition(),
      };
    } catch (error) {
      return { status: 'down', adapter: 'postgresql-mirror', detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.client.close();
  }
}

/** The tenant, stream-type, event-type, stream and data conditions of a read, with their parameters. */
function typeConditions(
  options: Pick<
    ReadAllOptions,
    'tenantId' | 'streamTypes' | 'eventTypes' | 'streamIds' | 'dataEquals'
  >,
  params: unknown[],
): string {
  let where = eventFilterConditions(options, params);
  if (options.streamTypes) {
    params.push([...options.streamTypes]);
    where += ` AND stream_type = ANY($${params.length}::text[])`;
  }
  return where;
}

/** The as-of condition (inclusive): a source recorded-at instant, or a mirror position. */
function asOfCondition(asOf: AsOf | undefined, params: unknown[]): string {
  if (!asOf) return '';
  if ('globalPosition' in asOf) {
    params.push(asOf.globalPosition);
    return ` AND mirror_position <= $${params.length}`;
  }
  const instant = new Date(asOf.recordedAt);
  if (Number.isNaN(instant.getTime())) {
    throw new RangeError(`asOf.recordedAt is not an instant: ${String(asOf.recordedAt)}`);
  }
  params.push(instant.toISOString());
  return ` AND recorded_at <= $${params.length}::timestamptz`;
}

function toRecordedEvent(row: MirrorRow): RecordedEvent {
  return {
    eventId: row.event_id,
    tenantId: row.tenant_id,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamRevision: Number(row.stream_revision),
    globalPosition: Number(row.mirror_position),
    type: row.event_type,
    schemaVersion: Number(row.schema_version),
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    recordedAt: row.recorded_at,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
