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
