import type { NewEvent, RecordedEvent, StreamRef } from './envelope.js';
import type { ChainVerification } from './hash-chain.js';

/**
 * What the writer believes about the stream:
 * - a number: the stream is exactly at that revision (0 = must not exist yet);
 * - 'no-stream': the stream must not exist;
 * - 'stream-exists': the stream must have at least one event;
 * - 'any': no check (use sparingly, never for decisions).
 */
export type ExpectedRevision = number | 'no-stream' | 'stream-exists' | 'any';

/** A point in history: an instant (recorded-at) or a global position, both inclusive. */
export type AsOf = { readonly recordedAt: Date | string } | { readonly globalPosition: number };

export interface AppendRequest extends StreamRef {
  readonly expectedRevision: ExpectedRevision;
  readonly events: readonly NewEvent[];
}

export interface AppendResult {
  /** The stream's revision after the append; pass it as expectedRevision next time. */
  readonly nextExpectedRevision: number;
  readonly lastGlobalPosition: number;
  readonly events: readonly RecordedEvent[];
}

export interface ReadStreamOptions {
  /** Only events with a revision greater than this (default 0: from the start). */
  readonly afterRevision?: number;
  readonly asOf?: AsOf;
}

export interface ReadAllOptions {
  /** Only events with a global position greater than this (default 0: from the start). */
  readonly afterPosition?: number;
  /** Batch size; adapters cap it. Default 500. */
  readonly limit?: number;
  /** Only events of this tenant (e.g. an `?asOf=` rebuild for one request). */
  readonly tenantId?: string;
  /** Only events of these stream types (an empty list selects nothing). */
  readonly streamTypes?: readonly string[];
  /**
   * Only events of these event types, e.g. `risk.RiskIdentified` (an empty list selects
   * nothing). Filtered by the store, so a reader that needs a few types of a busy stream type
   * does not receive (and decode) the others. Combines with `streamTypes`: both must match.
   */
  readonly eventTypes?: readonly string[];
  /** Only events of these streams (an empty list selects nothing). */
  readonly streamIds?: readonly string[];
  /**
   * Only events whose data has these top-level fields with these string values, e.g.
   * `{ scopeId: 'isms-scope-1' }`, compared with the data AS STORED (before upcasting): use it
   * for fields that every schema version of the event types read keeps as they are.
   */
  readonly dataEquals?: Readonly<Record<string, string>>;
  readonly asOf?: AsOf;
}

export interface EventStoreHealth {
  readonly status: 'up' | 'down';
  readonly adapter: string;
  readonly headPosition?: number;
  readonly detail?: string;
}

/**
 * The EventStore port. Adapters: PostgreSQL (server) and PGlite (embedded, file-backed);
 * both pass the contract suite in `@isms/event-sourcing/testing`.
 */
export interface EventStore {
  /** Atomically appends all events or none. Throws ConcurrencyConflictError on a revision mismatch. */
  append(request: AppendRequest): Promise<AppendResult>;
  /** The events of one stream in revision order, upcast to their current schema version. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** Events of all streams in global order, one batch at a time, upcast. */
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  /** The stream's current revision (0 when it does not exist). */
  streamRevision(streamId: string): Promise<number>;
  /** The highest global position written so far (0 when empty). */
  headPosition(): Promise<number>;
  /** Recomputes the hash chain of a stream from what is stored, as stored (no upcasting). */
  verifyStream(streamId: string): Promise<ChainVerification>;
  /**
   * Verifies several streams as `verifyStream` does each, reading them a group at a time (a
   * whole group's decision log, a whole store): one result per distinct id, in the order given.
   */
  verifyStreams(streamIds: readonly string[]): Promise<ChainVerification[]>;
  /** Registers a callback run after each successful append in this process (used to wake tailers). */
  onAppended(listener: (lastGlobalPosition: number) => void): () => void;
  health(): Promise<EventStoreHealth>;
  close(): Promise<void>;
}
