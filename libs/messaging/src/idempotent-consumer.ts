import type { MessageHandler, ReceivedMessage } from './message-bus.js';

/**
 * Consumer-side dedupe by (stream id, stream revision), for handlers that are not idempotent by
 * nature (sending a notification, calling another system). Read-model projections don't need
 * it: their writes are guarded by revision in the ReadStore.
 *
 * A stream's events arrive in revision order (the key is the stream id), so remembering the
 * highest handled revision per stream is enough: anything at or below it is a redelivery.
 */
export interface ProcessedEventLog {
  /** The highest revision of the stream this consumer has handled (0 when none). */
  lastHandledRevision(consumerId: string, streamId: string): Promise<number>;
  /** Records that the consumer handled the stream up to this revision (never lowers it). */
  markHandled(consumerId: string, streamId: string, streamRevision: number): Promise<void>;
}

/** Process-local log: good for the embedded mode and tests, forgotten on restart. */
export class InMemoryProcessedEventLog implements ProcessedEventLog {
  private readonly revisions = new Map<string, number>();

  async lastHandledRevision(consumerId: string, streamId: string): Promise<number> {
    return this.revisions.get(key(consumerId, streamId)) ?? 0;
  }

  async markHandled(consumerId: string, streamId: string, streamRevision: number): Promise<void> {
    const k = key(consumerId, streamId);
    this.revisions.set(k, Math.max(this.revisions.get(k) ?? 0, streamRevision));
  }
}

export interface IdempotentHandlerOptions {
  /** Names the consumer in the log; usually its consumer group id. */
  readonly consumerId: string;
  readonly log: ProcessedEventLog;
  /** Called for each skipped redelivery (for a metric or a debug log). */
  readonly onDuplicate?: (message: ReceivedMessage) => void;
}

/**
 * Wraps a handler so that an event whose (stream, revision) was already handled is skipped.
 * The mark is written after the handler succeeded: a crash between the two means one more
 * delivery (at least once), never a lost event. A message replayed from a dead-letter topic is
 * older than what followed it on its stream, so replay dead letters with the plain handler.
 */
export function idempotentHandler(
  handler: MessageHandler,
  options: IdempotentHandlerOptions,
): MessageHandler {
  return async (message) => {
    const { streamId, streamRevision } = message.event;
    const handled = await options.log.lastHandledRevision(options.consumerId, streamId);
    if (streamRevision <= handled) {
      options.onDuplicate?.(message);
      return;
    }
    await handler(message);
    await options.log.markHandled(options.consumerId, streamId, streamRevision);
  };
}

function key(consumerId: string, streamId: string): string {
  return `${consumerId}\u0000${streamId}`;
}
