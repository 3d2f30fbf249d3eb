import {
  ConcurrencyConflictError,
  InvalidAppendError,
  StreamOwnershipError,
  systemClock,
  uuidV7Ids,
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
import type { PreparedEvent, StreamHead } from './group-appender.js';
import { GroupAppender } from './group-appender.js';
import { RECORDED_AT_FORMAT, migrate } from './schema.js';
import { SqlCheckpointStore } from './sql-checkpoint-store.js';
import {
  verifyRegisteredStreams,
  verifyStreamAgainstRegister,
  verifyStreamsInGroups,
} from './stream-register-verification.js';
import type { RegisteredStreamHead, StoreVerification } from './stream-register-verification.js';
import type { SqlClient } from './sql-client.js';
import { asSqlError } from './sql-client.js';
import { eventFilterConditions, selectsNothing } from './read-filters.js';
import { RecentStreams, unkeep } from './recent-streams.js';
import type { KeptEvent } from './recent-streams.js';

export interface SqlEventStoreOptions {
  readonly clock?: Clock;
  readonly ids?: IdGenerator;
  /** Applied to every event readStream/readAll return; verifyStream always sees raw rows. */
  readonly upcasters?: UpcasterRegistry;
  /** Upper bound of a readAll batch; default 5000. */
  readonly maxBatchSize?: number;
  /**
   * True when nothing but this object appends to the database (an embedded PGlite store opened
   * by createEmbeddedEventStore: its directory is locked to one process, its client private):
   * readAll then answers tails from the events this object appended, without a query.
   */
  readonly soleWriter?: boolean;
}

const DEFAULT_BATCH = 500;
const DEFAULT_MAX_BATCH = 5000;
/** Attempts of an append whose read went stale in the meantime ('any', 'stream-exists'). */
const MAX_APPEND_ATTEMPTS = 100;
const KNOWN_STREAMS_LIMIT = 10_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const RECORDED_AT_ISO = `to_char(recorded_at AT TIME ZONE 'UTC', ${RECORDED_AT_FORMAT})`;
/**
 * An event comes back as three text columns: the envelope fields joined by U+001F, and the
 * JSON of data and metadata. Drivers pay per column (PGlite about 2 µs for each), so this
 * reads about three times faster than thirteen columns on PGlite and no slower on PostgreSQL.
 * (One column for all of it read faster still, but V8 makes the fields split out of it slices
 * of the whole row, and JSON.parse does the same with the strings of the data: a read model
 * that keeps an event's id or hash kept its whole row alive, and the 1M-event platform's
 * resident memory grew by 2.3 GB.)
 * U+001F cannot occur in the joined fields: ids and types are refused with control
 * characters (validateAppend), the rest are numbers, UUIDs, hex hashes and timestamps.
 */
const FIELD_SEPARATOR = '\x1f';
const EVENT_COLUMNS = `concat_ws(E'\\x1f', global_position, event_id, tenant_id, stream_id,
    stream_type, stream_revision, event_type, schema_version, ${RECORDED_AT_ISO},
    coalesce(previous_hash, ''), hash) AS envelope,
  data::text AS data, metadata::text AS metadata`;
const ENVELOPE_FIELDS = 11;
/**
 * How many batches read ahead a store keeps for its readers at most (each is the next batch of
 * a readAll that came back full, see `readAll`); a reader that does not come back for its batch
 * loses it to newer ones.
 */
const READ_AHEAD_SLOTS = 8;
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** A stream's head as stored, and the latest recorded-at of the log. */
const READ_STREAM_HEAD_SQL = `
  SELECT s.tenant_id, s.stream_type, s.revision, s.last_hash,
    (SELECT to_char(e.recorded_at AT TIME ZONE 'UTC', ${RECORDED_AT_FORMAT})
       FROM isms_events e ORDER BY e.global_position DESC LIMIT 1) AS head_recorded_at
  FROM (SELECT 1) AS one LEFT JOIN isms_streams s ON s.stream_id = $1`;

interface StreamHeadRow {
  tenant_id: string | null;
  stream_type: string | null;
  revision: number | null;
  last_hash: string | null;
  head_recorded_at: string | null;
}

/** What this process knows of a stream: its owner (never changes) and its head (may be stale). */
interface KnownStream extends StreamHead {
  readonly tenantId: string;
  readonly streamType: string;
}

interface EventRow {
  envelope: string;
  data: string;
  metadata: string;
}

/** A batch of readAll, queried before it was asked for. */
interface ReadAhead {
  readonly key: string;
  /** Undefined when the query failed: the reader queries again, and meets the error itself. */
  readonly rows: Promise<EventRow[] | undefined>;
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
  private readonly appender: GroupAppender;
  /**
   * Stream heads this process has seen (bounded, oldest dropped first). An append whose stream
   * is known skips reading it; isms_append re-checks the head under the lock, so a head made
   * stale by another process costs a retry, never a wrong write.
   */
  private readonly knownStreams = new Map<string, KnownStream>();
  private latestRecordedAt = 0;
  private closed = false;
  /** The events this process appended since it opened the store, while it is the only writer. */
  private recent?: RecentEvents;
  /** Whole streams this process read or wrote lately, while it is the only writer. */
  private recentStreams?: RecentStreams;
  /** Batches of readAll queried before they were asked for, oldest first (see `readAheadAfter`). */
  private readonly readAhead: ReadAhead[] = [];

  private constructor(
    private readonly client: SqlClient,
    private readonly options: SqlEventStoreOptions,
  ) {
    this.clock = options.clock ?? systemClock;
    this.ids = options.ids ?? uuidV7Ids;
    this.checkpoints = new SqlCheckpointStore(client);
    this.appender = new GroupAppender(client, this.clock, {
      get: () => this.latestRecordedAt,
      raise: (ms) => {
        if (ms > this.latestRecordedAt) this.latestRecordedAt = ms;
      },
    });
  }

  /** Creates or upgrades the schema, then returns a store that owns (and will close) `client`. */
  static async open(client: SqlClient, options: SqlEventStoreOptions = {}): Promise<SqlEventStore> {
    await migrate(client);
    const store = new SqlEventStore(client, options);
    await store.readStreamHead(''); // no stream has the empty id: this learns the latest recorded-at
    if (client.engine === 'pglite') await store.analyzeAtStart();
    // Every event after the head seen now will be appended through this object: tails can
    // read them from memory.
    if (options.soleWriter) {
      store.recent = new RecentEvents(await store.headPosition());
      store.recentStreams = new RecentStreams();
    }
    return store;
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

    // Read the stream's head (unless known), compute revisions and hashes here, then write
    // through isms_append, which re-checks the head under the store's lock (schema.ts says
    // why that lock makes positions commit in order). If another writer got in between,
    // nothing is written and we either report the conflict or, where the expectation still
    // holds ('any', 'stream-exists', a clock behind the log), go again.
    const { streamId, expectedRevision } = request;
    let recorded: RecordedEvent[] | undefined;
    try {
      const cached = this.knownStreams.get(streamId);
      let known: KnownStream | undefined =
        cached ??
        (expectedRevision === 'no-stream' || expectedRevision === 0
          ? undefined // a new stream, presumably: isms_append will tell if not
          : await this.readStreamHead(streamId));
      let fresh = cached === undefined; // not from what this process remembered
      for (let attempt = 1; !recorded; attempt++) {
        if (known) checkOwnership(request, known.tenantId, known.streamType);
        const head: StreamHead = known ?? { revision: 0, lastHash: null };
        if (!expectationHolds(expectedRevision, head.revision)) {
          if (!fresh) {
            known = await this.readStreamHead(streamId); // confirm before refusing
            fresh = true;
            continue;
          }
          throw new ConcurrencyConflictError(streamId, expectedRevision, head.revision);
        }
        if (attempt > MAX_APPEND_ATTEMPTS) {
          throw new ConcurrencyConflictError(streamId, expectedRevision, head.revision);
        }
        const outcome = await this.appender.submit({ request, events: prepared, head });
        if (outcome.kind === 'appended') {
          recorded = outcome.events;
          if (this.recent) {
            const kept = outcome.events.map((event, i) => ({
              event,
              dataJson: prepared[i]!.dataJson,
              metadataJson: prepared[i]!.metadataJson,
            }));
            this.recent.add(kept);
            this.recentStreams?.appended(streamId, kept);
          }
        } else if (outcome.kind === 'stale') {
          this.knownStreams.delete(streamId);
          this.recentStreams?.forget(streamId);
          const definite =
            expectedRevision === 'no-stream' ||
            (typeof expectedRevision === 'number' && outcome.revision !== expectedRevision);
          if (definite) {
            throw new ConcurrencyConflictError(streamId, expectedRevision, outcome.revision);
          }
          known = await this.readStreamHead(streamId);
          fresh = true;
        }
        // 'clock': the appender now knows the later instant; go again.
      }
    } catch (error) {
      this.recentStreams?.forget(streamId);
      throw await this.translateAppendError(error, request);
    }
    const last = recorded[recorded.length - 1]!;
    this.remember({
      streamId,
      tenantId: request.tenantId,
      streamType: request.streamType,
      revision: last.streamRevision,
      lastHash: last.hash,
    });

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
    const afterRevision = options.afterRevision ?? 0;
    // The sole writer answers a stream it knows in full from memory (a command loads the
    // stream it decides on, often one it has just read or written).
    const recentStreams = options.asOf ? undefined : this.recentStreams;
    const kept = recentStreams?.get(streamId);
    if (kept) {
      return kept
        .filter((entry) => entry.event.streamRevision > afterRevision)
        .map((entry) => this.upcast(unkeep(entry)));
    }
    const whole = recentStreams !== undefined && afterRevision === 0;
    if (whole) recentStreams.readStarted(streamId);
    let rows: EventRow[] | undefined;
    try {
      const params: unknown[] = [streamId, afterRevision];
      const asOf = asOfCondition(options.asOf, params);
      rows = await this.client.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM isms_events
         WHERE stream_id = $1 AND stream_revision > $2${asOf}
         ORDER BY stream_revision`,
        params,
      );
    } finally {
      if (whole && !rows) recentStreams.readDone(streamId, undefined);
    }
    const decoded = rows.map(decodeRow);
    const events = decoded.map((kept) => kept.event);
    if (whole) recentStreams.readDone(streamId, decoded);
    const last = events[events.length - 1];
    if (last && !options.asOf) {
      // A command handler reads the stream, then appends to it: that append need not read again.
      this.remember({
        streamId,
        tenantId: last.tenantId,
        streamType: last.streamType,
        revision: last.streamRevision,
        lastHash: last.hash,
      });
    }
    return events.map((event) => this.upcast(event));
  }

  async readAll(options: ReadAllOptions = {}): Promise<RecordedEvent[]> {
    const maxBatch = this.options.maxBatchSize ?? DEFAULT_MAX_BATCH;
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_BATCH), 1), maxBatch);
    if (selectsNothing(options)) return [];
    if (!options.asOf) {
      const fromMemory = this.recent?.read(options.afterPosition ?? 0, limit, options);
      if (fromMemory) return fromMemory.map((event) => this.upcast(event));
    }
    const after = options.afterPosition ?? 0;
    // An asOf read (a view of the past) neither takes nor leaves a batch read ahead.
    const ahead = options.asOf ? undefined : await this.takeReadAhead(options, after, limit);
    const rows = ahead ?? (await this.queryAll(options, after, limit));
    if (rows.length === limit && !options.asOf) this.readAheadAfter(rows, options, limit);
    return rows.map((row) => this.upcast(toRecordedEvent(row)));
  }

  private queryAll(options: ReadAllOptions, after: number, limit: number): Promise<EventRow[]> {
    const params: unknown[] = [after];
    let where = 'global_position > $1' + eventFilterConditions(options, params);
    where += asOfCondition(options.asOf, params);
    const streamTypes = options.streamTypes && [...new Set(options.streamTypes)];
    if (!streamTypes || streamTypes.length === 1 || options.streamIds) {
      // No stream types, one (read along its index), or some streams (found by their own
      // index): one query.
      if (streamTypes?.length === 1) {
        params.push(streamTypes[0]);
        where += ` AND stream_type = $${params.length}`;
      } else if (streamTypes) {
        params.push(streamTypes);
        where += ` AND stream_type = ANY($${params.length}::text[])`;
      }
      params.push(limit);
      return this.client.query<EventRow>(
        `SELECT ${EVENT_COLUMNS} FROM isms_events WHERE ${where}
         ORDER BY global_position LIMIT $${params.length}`,
        params,
      );
    }
    // Some stream types: each is read along isms_events_stream_type_position in global order,
    // up to `limit` events, and the first `limit` of them all are returned. So the log is not
    // scanned for a few sparse types (a scan of the whole log per batch, before), nor are all
    // the remaining matches of a dense type sorted per batch (what a bitmap scan of "any of
    // these types" does).
    params.push(limit);
    const limitParameter = `$${params.length}`;
    const branches = streamTypes.map((streamType) => {
      params.push(streamType);
      return `(SELECT global_position FROM isms_events
         WHERE stream_type = $${params.length} AND ${where}
         ORDER BY global_position LIMIT ${limitParameter})`;
    });
    return this.client.query<EventRow>(
      `SELECT ${EVENT_COLUMNS} FROM isms_events WHERE global_position IN (
         SELECT global_position FROM (${branches.join(' UNION ALL ')}) AS branch
         ORDER BY global_position LIMIT ${limitParameter})
       ORDER BY global_position`,
      params,
    );
  }

  /**
   * A full batch means the reader is catching up and will ask for the next one: query it now,
   * so that the database (PGlite's worker thread, PostgreSQL's backend) works on it while this
   * thread decodes this batch and the reader applies it. Not when this store's memory answers
   * the next read (its recent appends).
   */
  private readAheadAfter(rows: readonly EventRow[], options: ReadAllOptions, limit: number): void {
    const last = rows[rows.length - 1]!.envelope;
    const after = Number(last.slice(0, last.indexOf(FIELD_SEPARATOR)));
    if (this.closed || this.recent?.keeps(after + 1)) return;
    const key = readAllKey(options, after, limit);
    if (this.readAhead.some((ahead) => ahead.key === key)) return;
    this.readAhead.push({
      key,
      rows: this.queryAll(options, after, limit).catch(() => undefined),
    });
    if (this.readAhead.length > READ_AHEAD_SLOTS) this.readAhead.shift();
  }

  /**
   * The batch read ahead for this read, if there is one and it is full. A batch that came back
   * short is not used: it shows the log as it was when it was read, and a reader takes a short
   * batch to mean it reached the head (the tail then waits for news of appends it may have
   * missed); so that read is made again, now.
   */
  private async takeReadAhead(
    options: ReadAllOptions,
    after: number,
    limit: number,
  ): Promise<EventRow[] | undefined> {
    if (this.readAhead.length === 0) return undefined;
    const key = readAllKey(options, after, limit);
    const index = this.readAhead.findIndex((ahead) => ahead.key === key);
    if (index < 0) return undefined;
    const [ahead] = this.readAhead.splice(index, 1);
    const rows = await ahead!.rows;
    return rows?.length === limit ? rows : undefined;
  }

  async streamRevision(streamId: string): Promise<number> {
    const [row] = await this.client.query<{ revision: number }>(
      'SELECT revision FROM isms_streams WHERE stream_id = $1',
      [streamId],
    );
    return row ? Number(row.revision) : 0;
  }

  async headPosition(): Promise<number> {
    // The sole writer appended (and saw committed) every event after its opening head, so it
    // knows the head without a query: every projection tail asks for it after each append.
    if (this.recent && !this.closed) return this.recent.head;
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
    const [result] = await this.verifyStreams([streamId]);
    return result!;
  }

  /** As verifyStream for each stream, reading a group of streams per query (register first). */
  verifyStreams(streamIds: readonly string[]): Promise<ChainVerification[]> {
    return verifyStreamsInGroups(
      streamIds,
      {
        heads: async (ids) => {
          const rows = await this.client.query<RegisteredStreamHead & { stream_id: string }>(
            'SELECT stream_id, revision, last_hash FROM isms_streams WHERE stream_id = ANY($1::text[])',
            [ids],
          );
          return new Map(rows.map((row) => [row.stream_id, row]));
        },
        rows: async (ids, upTo) =>
          (
            await this.client.query<EventRow>(
              `SELECT ${EVENT_COLUMNS} FROM isms_events
               JOIN unnest($1::text[], $2::integer[]) AS verified(verified_stream, up_to)
                 ON stream_id = verified_stream
               WHERE stream_revision <= up_to ORDER BY stream_id, stream_revision`,
              [ids, upTo],
            )
          ).map(toRecordedEvent),
        streamOf: (event) => event.streamId,
      },
      (streamId, events, head) =>
        verifyStreamAgainstRegister(streamId, events, head, {
          noEvents: (revision) =>
            `The stream register says revision ${revision}, but no event of the stream is stored`,
          headMismatch: (last, revision) =>
            `The chain ends at revision ${last}, but the stream register says revision ${revision}`,
          unregistered: 'The stream has events but no entry in the stream register',
        }),
    );
  }

  /** Verifies every stream (of one tenant, or of the whole store) and returns the failures. */
  verifyAllStreams(options: { readonly tenantId?: string } = {}): Promise<StoreVerification> {
    return verifyRegisteredStreams(
      this.client,
      'isms_streams',
      (streamIds) => this.verifyStreams(streamIds),
      options,
    );
  }

  onAppended(listener: (lastGlobalPosition: number) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Another process appended to this store up to `position` (e.g. announced by
   * PostgresLeadership): tells the `onAppended` listeners, so that tails read at once.
   */
  appendedElsewhere(position: number): void {
    for (const listener of this.listeners) {
      try {
        listener(position);
      } catch {
        // A listener only wakes a tailer.
      }
    }
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
    this.readAhead.length = 0;
    await this.client.close();
  }

  /**
   * PGlite runs PostgreSQL as a single backend, without the autovacuum daemon that keeps the
   * planner's statistics current, and the plans it caches (isms_append's) live as long as
   * the process. So statistics are taken at each start — but never from an almost empty log:
   * plans made for an empty table (sequential scans) would stay while the table grows, and
   * without statistics the planner assumes a table of some size and picks the index scans,
   * which stay right at any size. Not repeated while running: an ANALYZE blocks PGlite's
   * only backend for a while.
   */
  private async analyzeAtStart(): Promise<void> {
    if ((await this.headPosition()) < 1000) return;
    await this.client.exec('ANALYZE isms_events, isms_streams');
  }

  /** Reads a stream's head (and the log's latest recorded-at); remembers it. */
  private async readStreamHead(streamId: string): Promise<KnownStream | undefined> {
    const [row] = await this.client.query<StreamHeadRow>(READ_STREAM_HEAD_SQL, [streamId]);
    if (row?.head_recorded_at) {
      this.latestRecordedAt = Math.max(this.latestRecordedAt, Date.parse(row.head_recorded_at));
    }
    if (row?.tenant_id == null || row.stream_type == null || row.last_hash == null) {
      this.knownStreams.delete(streamId);
      return undefined;
    }
    const known: KnownStream = {
      tenantId: row.tenant_id,
      streamType: row.stream_type,
      revision: Number(row.revision),
      lastHash: row.last_hash,
    };
    this.remember({ streamId, ...known });
    return known;
  }

  private remember(stream: KnownStream & { readonly streamId: string }): void {
    const { streamId, ...known } = stream;
    const current = this.knownStreams.get(streamId);
    if (current && current.revision > known.revision) return; // an older read came in late
    this.knownStreams.delete(streamId);
    this.knownStreams.set(streamId, known);
    if (this.knownStreams.size > KNOWN_STREAMS_LIMIT) {
      this.knownStreams.delete(this.knownStreams.keys().next().value!);
    }
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
    if (CONTROL_CHARACTER.test(request[field])) {
      throw new InvalidAppendError(`${field} must not contain control characters`);
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
    if (CONTROL_CHARACTER.test(event.type)) {
      throw new InvalidAppendError(`${where}: type must not contain control characters`);
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

function expectationHolds(expected: ExpectedRevision, current: number): boolean {
  return (
    expected === 'any' ||
    (expected === 'no-stream' && current === 0) ||
    (expected === 'stream-exists' && current > 0) ||
    expected === current
  );
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
  const f = row.envelope.split(FIELD_SEPARATOR);
  if (f.length !== ENVELOPE_FIELDS) {
    throw new Error(`Malformed event row (${f.length} envelope fields): ${row.envelope}`);
  }
  return {
    eventId: f[1]!,
    tenantId: f[2]!,
    streamId: f[3]!,
    streamType: f[4]!,
    streamRevision: Number(f[5]),
    globalPosition: Number(f[0]),
    type: f[6]!,
    schemaVersion: Number(f[7]),
    data: JSON.parse(row.data) as unknown,
    metadata: JSON.parse(row.metadata) as EventMetadata,
    recordedAt: f[8]!,
    previousHash: f[9] === '' ? null : f[9]!,
    hash: f[10]!,
  };
}

/** An event as a row holds it, with the JSON of its data and metadata as stored (to keep). */
function decodeRow(row: EventRow): KeptEvent {
  return { event: toRecordedEvent(row), dataJson: row.data, metadataJson: row.metadata };
}

/** What identifies a readAll: its filters, where it starts and how many it takes. */
function readAllKey(options: ReadAllOptions, after: number, limit: number): string {
  return JSON.stringify([
    after,
    limit,
    options.tenantId,
    options.streamTypes,
    options.eventTypes,
    options.streamIds,
    options.dataEquals,
  ]);
}

/** Whether stored data (an object) has every one of these top-level string fields. */
function hasFields(data: unknown, fields: readonly (readonly [string, string])[]): boolean {
  if (typeof data !== 'object' || data === null) return false;
  const record = data as Record<string, unknown>;
  return fields.every(([field, value]) => record[field] === value);
}

/**
 * The latest events appended by this process (PGlite only: the sole writer of its directory),
 * kept as the JSON a read would parse, so that projections tailing the log — dozens of them,
 * each woken by every append — read what is new without a query each. A read from before the
 * first kept event goes to SQL, as does any `asOf` read.
 */
class RecentEvents {
  private static readonly CAPACITY = 20_000;
  private readonly entries: KeptEvent[] = [];
  /** Position of entries[0]; every position from `first` to `last` is kept. */
  private first: number;

  constructor(private last: number) {
    this.first = last + 1;
  }

  /** The last position of the gapless run of committed events known here. */
  get head(): number {
    return this.last;
  }

  /** Whether a read from this position on is answered here (`read` does not return undefined). */
  keeps(position: number): boolean {
    return position >= this.first;
  }

  add(events: readonly KeptEvent[]): void {
    for (const entry of events) this.entries[entry.event.globalPosition - this.first] = entry;
    // Appends of one group may settle out of order: `last` only moves over a gapless run.
    while (this.entries[this.last + 1 - this.first] !== undefined) this.last += 1;
    const excess = this.last - this.first + 1 - RecentEvents.CAPACITY;
    if (excess > 1000) {
      this.entries.splice(0, excess);
      this.first += excess;
    }
  }

  /** The events after `after` (filtered like readAll), or undefined when SQL must answer. */
  read(
    after: number,
    limit: number,
    filter: Pick<
      ReadAllOptions,
      'tenantId' | 'streamTypes' | 'eventTypes' | 'streamIds' | 'dataEquals'
    >,
  ): RecordedEvent[] | undefined {
    const dataEquals = Object.entries(filter.dataEquals ?? {});
    if (!this.keeps(after + 1)) return undefined;
    const events: RecordedEvent[] = [];
    for (let position = after + 1; position <= this.last && events.length < limit; position++) {
      const entry = this.entries[position - this.first]!;
      const { event } = entry;
      if (filter.tenantId !== undefined && event.tenantId !== filter.tenantId) continue;
      if (filter.streamTypes && !filter.streamTypes.includes(event.streamType)) continue;
      if (filter.eventTypes && !filter.eventTypes.includes(event.type)) continue;
      if (filter.streamIds && !filter.streamIds.includes(event.streamId)) continue;
      // A fresh copy per read, as a query would give (JSON key order aside); the data filter
      // sees it as stored, like SQL's.
      const data = JSON.parse(entry.dataJson) as unknown;
      if (dataEquals.length > 0 && !hasFields(data, dataEquals)) continue;
      events.push({
        ...event,
        data,
        metadata: JSON.parse(entry.metadataJson) as EventMetadata,
      });
    }
    return events;
  }
}
