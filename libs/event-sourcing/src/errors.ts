import type { ExpectedRevision } from './event-store.js';

/** Base class of errors the event store raises on purpose; adapters map them to HTTP. */
export abstract class EventStoreError extends Error {
  abstract readonly code: string;
}

/** Optimistic concurrency: the stream is not at the revision the writer expected. */
export class ConcurrencyConflictError extends EventStoreError {
  readonly code = 'concurrency-conflict';
  constructor(
    readonly streamId: string,
    readonly expectedRevision: ExpectedRevision,
    /** The stream's revision now; 0 when the stream does not exist. */
    readonly currentRevision: number,
  ) {
    super(
      `Stream ${streamId} is at revision ${currentRevision}, but revision ${String(expectedRevision)} was expected`,
    );
    this.name = 'ConcurrencyConflictError';
  }
}

/** A stream may not change tenant or type once created. */
export class StreamOwnershipError extends EventStoreError {
  readonly code = 'stream-ownership';
  constructor(
    readonly streamId: string,
    message: string,
  ) {
    super(message);
    this.name = 'StreamOwnershipError';
  }
}

/** Appending nothing, or an event without the metadata every ISMS event must carry. */
export class InvalidAppendError extends EventStoreError {
  readonly code = 'invalid-append';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidAppendError';
  }
}

/**
 * The store cannot be reached right now (server down or restarting, connection lost). Worth
 * retrying later; for an append it is unknown whether it was recorded (retry it with the same
 * idempotency key).
 */
export class EventStoreUnavailableError extends EventStoreError {
  readonly code = 'event-store-unavailable';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'EventStoreUnavailableError';
  }
}

/**
 * A read model is applied by another instance of the service (it holds the projection's lead), so
 * this one cannot reset and replay it. Not a fault: ask the leading instance.
 */
export class ProjectionLedElsewhereError extends Error {
  readonly code = 'projection-led-elsewhere';
  constructor(readonly projection: string) {
    super(
      `Read model ${projection} is applied by another instance of this service: rebuild it there (or stop that instance and retry)`,
    );
    this.name = 'ProjectionLedElsewhereError';
  }
}

/** Names of MongoDB driver errors that say the server cannot be reached (not that a write is wrong). */
const UNREACHABLE_ERROR_NAMES = new Set([
  'MongoNetworkError',
  'MongoNetworkTimeoutError',
  'MongoServerSelectionError',
  'MongoNotConnectedError',
  'MongoPoolClearedError',
]);

/**
 * True when an operation failed because something it depends on cannot be reached right now (an
 * event store or read store down or restarting), not because of its input. Message buses retry
 * such handler failures for as long as they last (backing off up to `retry.maxDelayMs`), do not
 * count them towards `maxAttempts` and never dead-letter a message for them: a store restart
 * must not cost events. Projection runners should treat them likewise. Recognised: the event
 * store's EventStoreUnavailableError, errors marked `transient: true`, MongoDB driver
 * network/server-selection errors, and errors whose `cause` is one of these.
 */
export function isTransientFailure(error: unknown): boolean {
  for (let current = error, depth = 0; depth < 5; depth++) {
    if (typeof current !== 'object' || current === null) return false;
    const { name, code, transient, cause } = current as {
      name?: unknown;
      code?: unknown;
      transient?: unknown;
      cause?: unknown;
    };
    if (current instanceof EventStoreUnavailableError || code === 'event-store-unavailable') {
      return true;
    }
    if (transient === true) return true;
    if (typeof name === 'string' && UNREACHABLE_ERROR_NAMES.has(name)) return true;
    current = cause;
  }
  return false;
}
