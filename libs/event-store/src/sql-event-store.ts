import {
  ConcurrencyConflictError,
  InvalidAppendError,
  StreamOwnershipError,
  computeEventHash,
  systemClock,
  uuidV7Ids,
  verifyChain,
} from '@isms/event-sourcing';
import type {
  AppendRequest,
  AppendResult,
  AsOf,
  ChainVerification,
  CheckpointStore,
  Clock,
  EventMetadata,
  EventStore,
  EventStoreHealth,
  ExpectedRevision,
  IdGenerator,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  UpcasterRegistry,
} from '@isms/event-sourcing';
import { migrate } from './schema.js';
import { SqlCheckpointStore } from './sql-checkpoint-store.js';
import type { SqlClient } from './sql-client.js';
import { asSqlError } from './sql-client.js';

export interface SqlEventStoreOptions {
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Applied to every event readStream/readAll return; verifyStream always sees raw rows. */
  readonly upcasters?: UpcasterRegistry;
  /** Upper bound of a readAll batch; default 5000. */
  readonly maxBatchSize?: number;
}

export interface StoreVerification {
  readonly streamsChecked: number;
  readonly eventsChecked: number;
  /** One entry per stream whose chain does not verify. */
  readonly failures: readonly ChainVerification[];
}

const DEFAULT_BATCH = 500;
const DEFAULT_MAX_BATCH = 5000;
/** First key of the store's advisory lock ('ISML'); the second one is derived from the schema. */
const LOCK_NAMESPACE = 0x49534d4c;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const RECORDED_AT_ISO = `to_char(recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
const EVENT_COLUMNS = `global_position, event_id, tenant_id, stream_id, stream_type, stream_revision,
  event_type, schema_version, data, metadata, ${RECORDED_AT_ISO} AS recorded_at, previous_hash, hash`;

/** What an append needs to know, read in one statement once the lock is held. */
const READ_HEAD_SQL = `
  SELECT last.global_position AS head_position,
         to_char(last.recorded_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS head_recorded_at,
         s.tenant_id, s.stream_type, s.revision, s.last_hash
  FROM (SELECT 1) AS one
  LEFT JOIN LATERAL (
    SELECT global_position, recorded_at FROM isms_events ORDER BY global_position DESC LIMIT 1
  ) AS last ON true
  LEFT JOIN isms_streams AS s ON s.stream_id = $1`;

/**
 * All events of an append in one statement (unnest of arrays: the same SQL text whatever the
 * batch size, so it is prepared once), and the stream register updated by the same statement.
 */
const INSERT_SQL = `
  WITH appended AS (
    INSERT INTO isms_events (global_position, event_id, tenant_id, stream_id, stream_type,
      stream_revision, event_type, schema_version, data, metadata, recorded_at, previous_hash, hash)
    SELECT e.global_position, e.event_id, $1, $2, $3, e.stream_revision, e.event_type,
      e.schema_version, e.data::jsonb, e.metadata::jsonb, $4::timestamptz, e.previous_hash, e.hash
    FROM unnest($5::bigint[], $6::uuid[], $7::int[], $8::text[], $9::int[], $10::text[],
      $11::text[], $12::text[], $13::text[])
      AS e(global_position, event_id, stream_revision, event_type, schema_version, data,
        metadata, previous_hash, hash)
    RETURNING 1
  )
  INSERT INTO isms_streams (stream_id, tenant_id, stream_type, revision, last_hash)
  VALUES ($2, $1, $3, $14, $15)
  ON CONFLICT (stream_id) DO UPDATE SET revision = EXCLUDED.revision, last_hash = EXCLUDED.last_hash`;

interface HeadRow {
  head_position: string | number | null;
  head_recorded_at: string | null;
  tenant_id: string | null;
  stream_type: string | null;
  revision: number | null;
  last_hash: string | null;
}

interface EventRow {
  global_position: string | number;
  event_id: string;
  tenant_id: string;
  stream_id: string;
  stream_type: string;
  stream_revision: number;
  event_type: string;
  schema_version: number;
  data: unknown;
  metadata: EventMetadata;
  recorded_at: string;
  previous_hash: string | null;
  hash: string;
}

interface PreparedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
  readonly dataJson: string;
  readonly metadata: EventMetadata;
  readonly metadataJson: string;
}

/**
 * The EventStore port over SQL: one implementation for PostgreSQL (`pg`) and PGlite, which run
 * the same statements. Open it with SqlEventStore.open (applies the schema) or, simpler, with
 * createPostgresEventStore / createEmbeddedEventStore.
 */
export class SqlEventStore implements EventStore {
  /** Checkpoints of subscribers (projections, the Kafka relay), kept in the same database. */
  readonly checkpoints: CheckpointStore;
  private readonly clock: Clock;
  private readonly ids: IdGenerator;
  private readonly listeners = new Set<(lastGlobalPosition: number) => void>();
  private closed = false;

  private constructor(
    private readonly client: SqlClient,
    private readonly lockStatement: string,
    private readonly options: SqlEventStoreOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? uuidV7Ids;
    this.checkpoints = new SqlCheckpointStore(client);
  }

  /** Creates or upgrades the schema, then returns a store that owns (and will close) `client`. */
  static async open(client: SqlClient, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    // One lock per schema, so that stores in different schemas of one database do not queue
    // behind each other.
    const [row] = await client.query<{ key: number }>('SELECT hashtext(current_schema()) AS key');
    const lockStatement = `SELECT pg_advisory_xact_lock(${LOCK_NAMESPACE}, ${Number(row?.key ?? 0)})`;
    await migrate(client, lockStatement);
    return new SqlEventStore(client, lockStatement, options);
  }

  get adapter(): string {
    return this.client.engine;
  }

  async append(request: AppendRequest): Promise<AppendResult> {
    validateAppend(request);
    const prepared = request.events.map((event) => this.prepare(event));
    const seen = new Set<string>();
    for (const event of prepared) {
      if (seen.has(event.eventId)) {
        throw new InvalidAppendError(`Event id ${event.eventId} appears twice in one append`);
      }
      seen.add(event.eventId);
    }

    let recorded: RecordedEvent[];
    try {
      // Every append takes the same transaction-scoped advisory lock before it reads anything,
      // so appends run one after another: global positions are assigned AND committed in
      // increasing order. A tailer that reads `global_position > checkpoint` therefore never
      // skips an event: with a plain sequence, a transaction holding position 7 could commit
      // after one holding position 8, and a tailer that had already read 8 would never see 7.
      // The lock also makes the expected-revision check and the recorded-at ordering exact.
      // It is released at COMMIT/ROLLBACK, after the commit is visible to the next holder.
      recorded = await this.client.transaction(
        async (tx) => {
          const [head] = await tx.query<HeadRow>(READ_HEAD_SQL, [request.streamId]);
          const currentRevision = head?.revision == null ? 0 : Number(head.revision);
          if (head?.tenant_id != null) checkOwnership(request, head.tenant_id, head.stream_type);
          checkExpectedRevision(request.streamId, request.expectedRevision, currentRevision);

          // recorded-at never decreases with the global position, so "as of an instant" is a
          // prefix of the log, exactly like "as of a position".
          const lastRecordedAt = head?.head_recorded_at ? Date.parse(head.head_recorded_at) : 0;
          const recordedAt = new Date(
            Math.max(this.clock.now().getTime(), lastRecordedAt),
          ).toISOString();
          let position = Number(head?.head_position ?? 0);
          let revision = currentRevision;
          let previousHash = head?.last_hash ?? null;
          const events = prepared.map((event): RecordedEvent => {
            position += 1;
            revision += 1;
            const hashed = {
              eventId: event.eventId,
              tenantId: request.tenantId,
              streamId: request.streamId,
              streamType: request.streamType,
              streamRevision: revision,
              type: event.type,
              schemaVersion: event.schemaVersion,
              data: event.data,
              metadata: event.metadata,
              recordedAt,
              previousHash,
            };
            const hash = computeEventHash(hashed);
            previousHash = hash;
            return { ...hashed, globalPosition: position, hash };
          });
          await tx.query(INSERT_SQL, [
            request.tenantId,
            request.streamId,
            request.streamType,
            recordedAt,
            events.map((e) => e.globalPosition),
            events.map((e) => e.eventId),
            events.map((e) => e.streamRevision),
            events.map((e) => e.type),
            events.map((e) => e.schemaVersion),
            prepared.map((e) => e.dataJson),
            prepared.map((e) => e.metadataJson),
            events.map((e) => e.previousHash),
            events.map((e) => e.hash),
            revision,
            previousHash,
          ]);
          return events;
        },
        { prelude: this.lockStatement },
      );
    } catch (error) {
      throw await this.translateAppendError(error, request);
    }

    const last = recorded[recorded.length - 1]!;
    for (const listener of this.listeners) {
      try {
        listener(last.globalPosition);
      } catch {
        // A listener only wakes a tailer; its failure must not fail an append that committed.
      }
    }
    return {
      nextExpectedRevision: last.streamRevision,
      lastGlobalPosition: last.globalPosition,
      events: recorded,
    };
  }

  async readStream(streamId: string, options: ReadStreamOptions = {}): Promise<RecordedEvent[]> {
    const params: unknown[] = [streamId, options.afterRevision ?? 0];
    const asOf = asOfCondition(options.asOf, params);
    const rows = await this.client.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM isms_events
       WHERE stream_id = $1 AND stream_revision > $2${asOf}
       ORDER BY stream_revision`,
      params,
    );
    return rows.map((row) => this.upcast(toRecordedEvent(row)));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxBatch = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH;
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_BATCH), 1), maxBatch);
    // An empty list of stream types selects nothing (not everything).
    if (options.streamTypes && options.streamTypes.length === 0) return [];
    const params: unknown[] = [options.afterPosition ?? 0];
    let where = 'global_position > $1';
    if (options.tenantId !== undefined) {
      params.push(options.tenantId);
      where += ` AND tenant_id = $${params.length}`;
    }
    if (options.streamTypes) {
      params.push([...options.streamTypes]);
      where += ` AND stream_type = ANY($${params.length}::text[])`;
    }
    where += asOfCondition(options.asOf, params);
    params.push(limit);
    const rows = await this.client.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM isms_events WHERE ${where}
       ORDER BY global_position LIMIT $${params.length}`,
      params,
    );
    return rows.map((row) => this.upcast(toRecordedEvent(row)));
  }

  async streamRevision(streamId: string): Promise<number> {
    const [row] = await this.client.query<{ revision: number }>(
      'SELECT revision FROM isms_streams WHERE stream_id = $1',
      [streamId],
    );
    return row ? Number(row.revision) : 0;
  }

  async headPosition(): Promise<number> {
    const [row] = await this.client.query<{ head: string | number | null }>(
      'SELECT max(global_position) AS head FROM isms_events',
    );
    return Number(row?.head ?? 0);
  }

  /**
   * Recomputes the stream's chain from the rows as stored (no upcasting), then checks that it
   * ends where the stream register (isms_streams) says: a removed last event leaves an intact
   * but shorter chain, which only that comparison reveals.
   */
  async verifyStream(streamId: string): Promise<ChainVerification> {
    // Register first, then events up to its revision: an append landing in between is ignored.
    const [head] = await this.client.query<{ revision: number; last_hash: string }>(
      'SELECT revision, last_hash FROM isms_streams WHERE stream_id = $1',
      [streamId],
    );
    const rows = await this.client.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM isms_events
       WHERE stream_id = $1 AND stream_revision <= $2 ORDER BY stream_revision`,
      [streamId, head ? Number(head.revision) : 2147483647],
    );
    const events = rows.map(toRecordedEvent);
    const chain = verifyChain(streamId, events);
    if (!chain.valid) return chain;
    const last = events[events.length - 1];
    if (!head && !last) return chain; // no such stream
    if (!last) {
      return {
        streamId,
        valid: false,
        eventsChecked: 0,
        detail: `The stream register says revision ${head!.revision}, but no event of the stream is stored`,
      };
    }
    if (!head || Number(head.revision) !== last.streamRevision || head.last_hash !== last.hash) {
      return {
        streamId,
        valid: false,
        eventsChecked: events.length,
        firstInvalid: {
          eventId: last.eventId,
          streamRevision: last.streamRevision,
          globalPosition: last.globalPosition,
          problem: 'stream-head-mismatch',
        },
        detail: head
          ? `The chain ends at revision ${last.streamRevision}, but the stream register says revision ${head.revision}`
          : 'The stream has events but no entry in the stream register',
      };
    }
    return chain;
  }

  /** Verifies every stream (of one tenant, or of the whole store) and returns the failures. */
  async verifyAllStreams(options: { readonly tenantId?: string } = {}): Promise<StoreVerification> {
    let streamsChecked = 0;
    let eventsChecked = 0;
    const failures: ChainVerification[] = [];
    let after = '';
    for (;;) {
      const params: unknown[] = [after];
      let sql = 'SELECT stream_id FROM isms_streams WHERE stream_id > $1';
      if (options.tenantId !== undefined) {
        params.push(options.tenantId);
        sql += ' AND tenant_id = $2';
      }
      const page = await this.client.query<{ stream_id: string }>(
        `${sql} ORDER BY stream_id LIMIT 500`,
        params,
      );
      for (const { stream_id: streamId } of page) {
        const result = await this.verifyStream(streamId);
        streamsChecked += 1;
        eventsChecked += result.eventsChecked;
        if (!result.valid) failures.push(result);
      }
      if (page.length < 500) break;
      after = page[page.length - 1]!.stream_id;
    }
    return { streamsChecked, eventsChecked, failures };
  }

  onAppended(listener: (lastGlobalPosition: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async health(): Promise<EventStoreHealth> {
    try {
      return { status: 'up', adapter: this.client.engine, headPosition: await this.headPosition() };
    } catch (error) {
      return { status: 'down', adapter: this.client.engine, detail: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.listeners.clear();
    await this.client.close();
  }

  private prepare(event: AppendRequest['events'][number]): PreparedEvent {
    // What is hashed must be exactly what a later read returns: the JSON form of the data
    // (undefined fields dropped, dates as strings). JSONB reorders keys, which the canonical
    // serialisation of the hash ignores.
    const dataJson = JSON.stringify(event.data ?? null);
    const metadataJson = JSON.stringify(event.metadata);
    return {
      eventId: (event.eventId ?? this.ids.next()).toLowerCase(),
      type: event.type,
      schemaVersion: event.schemaVersion ?? 1,
      data: JSON.parse(dataJson) as unknown,
      dataJson,
      metadata: JSON.parse(metadataJson) as EventMetadata,
      metadataJson,
    };
  }

  private upcast(event: RecordedEvent): RecordedEvent {
    return this.options.upcasters ? this.options.upcasters.upcast(event) : event;
  }

  private async translateAppendError(error: unknown, request: AppendRequest): Promise<unknown> {
    const sqlError = asSqlError(error);
    if (!sqlError) return error;
    if (sqlError.code === '23505' && sqlError.constraint === 'isms_events_event_id_unique') {
      return new InvalidAppendError(
        `An event with one of these ids is already recorded (${sqlError.message}); event ids are unique across the store`,
      );
    }
    if (sqlError.code === '23505' && sqlError.constraint === 'isms_events_stream_revision_unique') {
      // Cannot happen while every writer takes the lock; kept as the database's last word.
      return new ConcurrencyConflictError(
        request.streamId,
        request.expectedRevision,
        await this.streamRevision(request.streamId),
      );
    }
    if (sqlError.code === '22P05' || sqlError.code === '22P02') {
      return new InvalidAppendError(`Event data cannot be stored as JSON: ${sqlError.message}`);
    }
    return error;
  }
}

function validateAppend(request: AppendRequest): void {
  for (const field of ['tenantId', 'streamId', 'streamType'] as const) {
    if (typeof request[field] !== 'string' || request[field].trim() === '') {
      throw new InvalidAppendError(`${field} is required`);
    }
  }
  const expected = request.expectedRevision;
  if (
    typeof expected === 'number'
      ? !Number.isInteger(expected) || expected < 0
      : !['no-stream', 'stream-exists', 'any'].includes(expected)
  ) {
    throw new InvalidAppendError(
      `expectedRevision must be a revision (0 or more), 'no-stream', 'stream-exists' or 'any', not ${String(expected)}`,
    );
  }
  if (!Array.isArray(request.events) || request.events.length === 0) {
    throw new InvalidAppendError(
      `Nothing to append to stream ${request.streamId}: no events given`,
    );
  }
  request.events.forEach((event, index) => {
    const where = `event ${index + 1} (${String(event?.type)}) of stream ${request.streamId}`;
    if (typeof event.type !== 'string' || event.type.trim() === '') {
      throw new InvalidAppendError(`${where}: type is required`);
    }
    if (
      event.schemaVersion !== undefined &&
      (!Number.isInteger(event.schemaVersion) || event.schemaVersion < 1)
    ) {
      throw new InvalidAppendError(`${where}: schemaVersion must be an integer of 1 or more`);
    }
    if (event.eventId !== undefined && !UUID.test(event.eventId)) {
      throw new InvalidAppendError(`${where}: eventId must be a UUID`);
    }
    const metadata = event.metadata as Partial<EventMetadata> | undefined;
    if (typeof metadata?.actor?.userId !== 'string' || metadata.actor.userId === '') {
      throw new InvalidAppendError(`${where}: metadata.actor.userId is required (who decided)`);
    }
    if (typeof metadata.correlationId !== 'string' || metadata.correlationId === '') {
      throw new InvalidAppendError(`${where}: metadata.correlationId is required`);
    }
    if (typeof metadata.occurredAt !== 'string' || Number.isNaN(Date.parse(metadata.occurredAt))) {
      throw new InvalidAppendError(`${where}: metadata.occurredAt must be an ISO 8601 instant`);
    }
  });
}

function checkOwnership(request: AppendRequest, tenantId: string, streamType: string | null): void {
  if (tenantId !== request.tenantId) {
    // Do not say which tenant owns it.
    throw new StreamOwnershipError(
      request.streamId,
      `Stream ${request.streamId} belongs to another tenant; a stream never changes tenant`,
    );
  }
  if (streamType !== request.streamType) {
    throw new StreamOwnershipError(
      request.streamId,
      `Stream ${request.streamId} is a ${String(streamType)} stream, not a ${request.streamType} stream; a stream never changes type`,
    );
  }
}

function checkExpectedRevision(
  streamId: string,
  expected: ExpectedRevision,
  current: number,
): void {
  const ok =
    expected === 'any' ||
    (expected === 'no-stream' && current === 0) ||
    (expected === 'stream-exists' && current > 0) ||
    expected === current;
  if (!ok) throw new ConcurrencyConflictError(streamId, expected, current);
}

/** Appends the as-of condition (inclusive) to a WHERE clause, pushing its parameter. */
function asOfCondition(asOf: AsOf | undefined, params: unknown[]): string {
  if (!asOf) return '';
  if ('globalPosition' in asOf) {
    params.push(asOf.globalPosition);
    return ` AND global_position <= $${params.length}`;
  }
  const instant = new Date(asOf.recordedAt);
  if (Number.isNaN(instant.getTime())) {
    throw new RangeError(`asOf.recordedAt is not an instant: ${String(asOf.recordedAt)}`);
  }
  params.push(instant.toISOString());
  return ` AND recorded_at <= $${params.length}::timestamptz`;
}

function toRecordedEvent(row: EventRow): RecordedEvent {
  return {
    eventId: row.event_id,
    tenantId: row.tenant_id,
    streamId: row.stream_id,
    streamType: row.stream_type,
    streamRevision: Number(row.stream_revision),
    globalPosition: Number(row.global_position),
    type: row.event_type,
    schemaVersion: Number(row.schema_version),
    data: row.data,
    metadata: row.metadata,
    recordedAt: row.recorded_at,
    previousHash: row.previous_hash,
    hash: row.hash,
  };
}
