import type { RecordedEvent } from '@isms/event-sourcing';
import { isTransientFailure } from '@isms/event-sourcing';

/**
 * The MessageBus port: integration events between bounded contexts (ARCHITECTURE §4).
 *
 * Semantics every adapter honours (checked by `messageBusContract` in `@isms/messaging/testing`):
 * - A topic per publishing context (`isms.<context>.events.v1`); the message key is the stream id,
 *   the payload the RecordedEvent envelope (CloudEvents 1.0, Kafka binary binding).
 * - Topics are split into partitions; a key always lands on the same partition, and a partition
 *   is handled by one subscriber of a group at a time, one message after the other: the order of
 *   one stream's events is preserved, also while a message is being retried.
 * - Consumer groups: subscribers in the same group share the partitions (each message is handled
 *   once per group in the steady state); every group gets every message.
 * - At least once: a message's position is committed only after its handler succeeded, or after
 *   it was dead-lettered. A redelivery after a crash or a rebalance is possible, so handlers are
 *   idempotent (see `idempotentHandler` and the ReadStore revision guards).
 * - A failing handler is retried with backoff; after `maxAttempts` failures the message goes to
 *   the dead-letter topic with the reason and the attempt count, and the partition moves on.
 */
export interface MessageBus {
  /**
   * Creates the topics that do not exist yet (brokers here run without auto-creation).
   * Idempotent; an existing topic keeps its partition count.
   */
  ensureTopics(topics: readonly string[], options?: EnsureTopicsOptions): Promise<void>;
  /** Publishes events in order; each message is keyed by its event's stream id. Resolves once stored by the broker. */
  publish(topic: string, events: readonly RecordedEvent[], options?: PublishOptions): Promise<void>;
  /**
   * Joins a consumer group. Resolves once the subscriber has joined its group and received its
   * partitions, so a message published afterwards reaches it (or another member of its group).
   */
  subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription>;
  health(): Promise<MessageBusHealth>;
  /** Closes every subscription (waiting for in-flight handlers) and the connections. */
  close(): Promise<void>;
}

export interface EnsureTopicsOptions {
  /** Partitions of a newly created topic (default: the adapter's default, usually 1). */
  readonly partitions?: number;
}

export interface PublishOptions {
  /**
   * The publishing bounded context, for the CloudEvents `source` and `type`. Default: taken from
   * the topic name `isms.<context>.events.v<n>`.
   */
  readonly context?: string;
  /** Extra headers on every message (e.g. `traceparent`); must not start with `ce_`. */
  readonly headers?: Readonly<Record<string, string>>;
}

export interface SubscribeOptions {
  /** Consumer group id: subscribers sharing it share the work; each group gets every message. */
  readonly groupId: string;
  readonly topics: readonly string[];
  /** Where a group without a committed position starts: the oldest message (default) or the end. */
  readonly fromBeginning?: boolean;
  readonly retry?: Partial<RetryPolicy>;
  /** Where a message goes after `retry.maxAttempts` failures. Default: `<topic>.dlq`. */
  readonly deadLetterTopic?: (sourceTopic: string) => string;
}

/** A message as a handler receives it. */
export interface ReceivedMessage {
  readonly topic: string;
  readonly partition: number;
  /** The message's position in its partition (a decimal string: Kafka offsets are 64-bit). */
  readonly offset: string;
  /** The stream id of the event. */
  readonly key: string;
  readonly event: RecordedEvent;
  /** Transport headers: the CloudEvents `ce_*` attributes, `content-type`, custom and dead-letter headers. */
  readonly headers: Readonly<Record<string, string>>;
  readonly groupId: string;
  /** 1 on the first delivery to this subscriber, 2 on the first retry, … */
  readonly attempt: number;
}

export type MessageHandler = (message: ReceivedMessage) => Promise<void>;

export interface Subscription {
  readonly groupId: string;
  readonly topics: readonly string[];
  /**
   * Stops consuming and waits for the in-flight handler(s). A handler that fails while the
   * subscription closes is not retried and its message is not committed: the group gets it again.
   */
  close(): Promise<void>;
}

export interface MessageBusHealth {
  readonly status: 'up' | 'down';
  readonly adapter: string;
  readonly detail?: string;
}

/** Retries of a failing handler: delay before retry n = min(maxDelayMs, initialDelayMs × multiplier^(n-1)). */
export interface RetryPolicy {
  /** Handler runs in total before the message is dead-lettered (≥ 1). */
  readonly maxAttempts: number;
  readonly initialDelayMs: number;
  readonly maxDelayMs: number;
  readonly multiplier: number;
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 5,
  initialDelayMs: 200,
  maxDelayMs: 10_000,
  multiplier: 2,
};

export function resolveRetryPolicy(partial: Partial<RetryPolicy> = {}): RetryPolicy {
  const policy = { ...defaultRetryPolicy, ...partial };
  if (!Number.isInteger(policy.maxAttempts) || policy.maxAttempts < 1) {
    throw new RangeError(`retry.maxAttempts must be an integer ≥ 1, got ${policy.maxAttempts}`);
  }
  if (policy.initialDelayMs < 0 || policy.maxDelayMs < 0 || policy.multiplier < 1) {
    throw new RangeError('retry delays must be ≥ 0 and the multiplier ≥ 1');
  }
  return policy;
}

/** The pause after the `failedAttempt`-th failure (1-based) before the next attempt. */
export function retryDelayMs(policy: RetryPolicy, failedAttempt: number): number {
  return Math.min(
    policy.maxDelayMs,
    policy.initialDelayMs * policy.multiplier ** Math.max(0, failedAttempt - 1),
  );
}

const CONTEXT_NAME = /^[a-z][a-z0-9-]*$/;
const EVENTS_TOPIC = /^isms\.([a-z][a-z0-9-]*)\.events\.v\d+(?:\.dlq)?$/;

/** The topic a bounded context publishes its integration events to, e.g. `isms.risk.events.v1`. */
export function eventsTopicFor(context: string, version = 1): string {
  if (!CONTEXT_NAME.test(context)) {
    throw new RangeError(`Context name must match ${CONTEXT_NAME.source}, got "${context}"`);
  }
  return `isms.${context}.events.v${version}`;
}

/** The publishing context of a topic named `isms.<context>.events.v<n>` or its `.dlq` (else undefined). */
export function contextOfTopic(topic: string): string | undefined {
  return EVENTS_TOPIC.exec(topic)?.[1];
}

export function deadLetterTopicFor(sourceTopic: string): string {
  return `${sourceTopic}.dlq`;
}

/** Headers a dead-lettered message carries in addition to its original ones. */
export const DEAD_LETTER_HEADERS = {
  reason: 'dlq-reason',
  attempts: 'dlq-attempts',
  sourceTopic: 'dlq-source-topic',
  sourcePartition: 'dlq-source-partition',
  sourceOffset: 'dlq-source-offset',
  groupId: 'dlq-group-id',
  failedAt: 'dlq-failed-at',
} as const;

export interface DeadLetterInfo {
  readonly reason: string;
  readonly attempts: number;
  readonly sourceTopic: string;
  readonly sourcePartition: number;
  readonly sourceOffset: string;
  readonly groupId: string;
  readonly failedAt: string;
}

/** Reason texts are cut so that a huge stack trace cannot exceed a broker's message size. */
const MAX_REASON_LENGTH = 2_000;

/**
 * Failures buses retry for as long as they last instead of dead-lettering the message (see
 * isTransientFailure in @isms/event-sourcing).
 */
export { isTransientFailure };

export function describeFailure(error: unknown): string {
  const text =
    error instanceof Error
      ? `${error.name}: ${error.message}`
      : `Non-error thrown: ${String(error)}`;
  return text.length > MAX_REASON_LENGTH ? `${text.slice(0, MAX_REASON_LENGTH)}…` : text;
}

export function deadLetterHeaders(info: DeadLetterInfo): Record<string, string> {
  return {
    [DEAD_LETTER_HEADERS.reason]: info.reason,
    [DEAD_LETTER_HEADERS.attempts]: String(info.attempts),
    [DEAD_LETTER_HEADERS.sourceTopic]: info.sourceTopic,
    [DEAD_LETTER_HEADERS.sourcePartition]: String(info.sourcePartition),
    [DEAD_LETTER_HEADERS.sourceOffset]: info.sourceOffset,
    [DEAD_LETTER_HEADERS.groupId]: info.groupId,
    [DEAD_LETTER_HEADERS.failedAt]: info.failedAt,
  };
}

/** Why and where a message from a dead-letter topic failed; undefined for a regular message. */
export function deadLetterInfo(
  message: Pick<ReceivedMessage, 'headers'>,
): DeadLetterInfo | undefined {
  const h = message.headers;
  const reason = h[DEAD_LETTER_HEADERS.reason];
  if (reason === undefined) return undefined;
  return {
    reason,
    attempts: Number(h[DEAD_LETTER_HEADERS.attempts]),
    sourceTopic: h[DEAD_LETTER_HEADERS.sourceTopic] ?? '',
    sourcePartition: Number(h[DEAD_LETTER_HEADERS.sourcePartition]),
    sourceOffset: h[DEAD_LETTER_HEADERS.sourceOffset] ?? '',
    groupId: h[DEAD_LETTER_HEADERS.groupId] ?? '',
    failedAt: h[DEAD_LETTER_HEADERS.failedAt] ?? '',
  };
}

/** Thrown on use of a closed bus or subscription. */
export class MessageBusClosedError extends Error {
  constructor(what = 'The message bus') {
    super(`${what} is closed`);
    this.name = 'MessageBusClosedError';
  }
}

/** Resolves after `ms`, or early (without error) when the signal aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, { once: true });
  });
}
