import type { Consumer, EachBatchPayload, KafkaMessage } from 'kafkajs';
import { fromKafkaBinaryMessage } from '../cloudevents.js';
import type { MessageHandler, ReceivedMessage, RetryPolicy, Subscription } from '../message-bus.js';
import {
  deadLetterHeaders,
  describeFailure,
  isTransientFailure,
  retryDelayMs,
} from '../message-bus.js';

/** What a subscription needs from its bus. */
export interface SubscriptionHost {
  /** Produces a failed message to its dead-letter topic (acks from all in-sync replicas). */
  deadLetter(
    topic: string,
    record: {
      readonly key: Buffer | null;
      readonly value: Buffer | null;
      readonly headers: Record<string, string>;
      readonly timestamp: string;
    },
  ): Promise<void>;
  /** Called once the subscription has left its group. */
  closed(subscription: KafkaSubscription): void;
}

export interface KafkaSubscriptionSettings {
  readonly groupId: string;
  readonly topics: readonly string[];
  readonly fromBeginning: boolean;
  readonly retry: RetryPolicy;
  readonly deadLetterTopic: (sourceTopic: string) => string;
  readonly partitionsConsumedConcurrently: number;
  readonly heartbeatIntervalMs: number;
  readonly commitIntervalMs: number;
  readonly joinTimeoutMs: number;
  /** First pause before a crashed consumer is replaced (doubling per failed attempt). Default 500. */
  readonly restartInitialDelayMs?: number;
  /** Longest pause between attempts to replace a crashed consumer. Default 5000. */
  readonly restartMaxDelayMs?: number;
}

type Outcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'retry-later'; readonly delayMs: number }
  | { readonly kind: 'abandon' };

interface FailureRecord {
  readonly attempts: number;
  readonly reason: string;
  /** Consecutive transient failures (an unreachable store): retried without counting as attempts. */
  readonly transientRetries?: number;
}

/**
 * One consumer-group member: a kafkajs consumer with auto-commit off. Messages of a partition are
 * handled one after the other; an offset is committed only after its handler succeeded or the
 * message went to the dead-letter topic. A failing message is retried after the policy's backoff
 * by pausing its partition and not resolving its offset, so the partition neither advances nor
 * blocks the other partitions of this member; after `maxAttempts` it is dead-lettered.
 *
 * The client restarts a consumer by itself after most failures, but not after all (e.g. no group
 * coordinator found while the broker is down or restarting: a "non-retriable" crash). Then the
 * subscription replaces the consumer with a new one in the same group, with backoff, until it
 * joins again; it resumes from the committed offsets (at least once: consumers dedupe).
 */
export class KafkaSubscription implements Subscription {
  private closing = false;
  private closePromise?: Promise<void>;
  private readonly failures = new Map<string, FailureRecord>();
  private readonly resumeTimers = new Set<NodeJS.Timeout>();
  private readonly stopListening: (() => void)[] = [];
  private consumer: Consumer;
  private restartTimer?: NodeJS.Timeout;
  private restartAttempts = 0;
  private consumersCreated = 1;
  /** Set while the consumer is down after a crash the client does not restart from. */
  private crash?: Error;

  constructor(
    private readonly createConsumer: () => Consumer,
    private readonly settings: KafkaSubscriptionSettings,
    private readonly handler: MessageHandler,
    private readonly host: SubscriptionHost,
  ) {
    this.consumer = createConsumer();
  }

  get groupId(): string {
    return this.settings.groupId;
  }

  get topics(): readonly string[] {
    return this.settings.topics;
  }

  /** Undefined while healthy; the reason of the last crash while the consumer is being replaced. */
  get failure(): Error | undefined {
    return this.crash;
  }

  /** Consumers made so far: 1 + the replacements after crashes. */
  get consumerGenerations(): number {
    return this.consumersCreated;
  }

  /** Connects, subscribes and resolves once the group was joined and partitions assigned. */
  async start(): Promise<void> {
    try {
      await this.startConsumer(this.consumer);
    } catch (error) {
      this.closing = true;
      throw error;
    }
  }

  private async startConsumer(consumer: Consumer): Promise<void> {
    const { settings } = this;
    let started = false;
    const { promise: failed, reject: fail } = settle<never>();
    failed.catch(() => undefined); // raced below; never left unobserved
    const { promise: joined, resolve: join } = settle<void>();
    // Starting at the end: the end offsets are looked up right before the first fetch. Until then
    // a message published now could fall before the position, so wait for that fetch too.
    const { promise: fetched, resolve: fetch } = settle<void>();
    if (settings.fromBeginning) fetch();
    this.stopListening.push(
      consumer.on(consumer.events.GROUP_JOIN, () => join()),
      consumer.on(consumer.events.FETCH, () => fetch()),
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        if (payload.restart) return; // the client reconnects and rejoins by itself
        this.crash = payload.error;
        if (started) this.replace(consumer);
        else fail(payload.error);
      }),
    );
    const timer = setTimeout(
      () =>
        fail(
          new Error(
            `Consumer group ${settings.groupId} not joined within ${settings.joinTimeoutMs} ms`,
          ),
        ),
      settings.joinTimeoutMs,
    );
    try {
      await Promise.race([failed, consumer.connect()]);
      await Promise.race([
        failed,
        consumer.subscribe({ topics: [...settings.topics], fromBeginning: settings.fromBeginning }),
      ]);
      await Promise.race([
        failed,
        consumer.run({
          autoCommit: false,
          eachBatchAutoResolve: false,
          partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently,
          eachBatch: (payload) => this.eachBatch(payload),
        }),
      ]);
      await Promise.race([failed, joined]);
      await Promise.race([failed, fetched]);
      started = true;
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      this.detach();
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /** The client gave up on `consumer`: replace it (after a pause) until a new one joins. */
  private replace(consumer: Consumer): void {
    if (this.closing || consumer !== this.consumer) return;
    this.detach();
    void consumer.disconnect().catch(() => undefined);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.closing || this.restartTimer) return;
    const initial = this.settings.restartInitialDelayMs ?? 500;
    const delay = Math.min(
      this.settings.restartMaxDelayMs ?? 5_000,
      initial * 2 ** Math.min(this.restartAttempts, 16),
    );
    this.restartAttempts += 1;
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.closing) return;
      const consumer = this.createConsumer();
      this.consumer = consumer;
      this.consumersCreated += 1;
      this.startConsumer(consumer).then(
        () => {
          this.crash = undefined;
          this.restartAttempts = 0;
        },
        (error: unknown) => {
          this.crash = error instanceof Error ? error : new Error(String(error));
          this.scheduleRestart();
        },
      );
    }, delay);
  }

  close(): Promise<void> {
    this.closePromise ??= (async () => {
      this.closing = true;
      clearTimeout(this.restartTimer);
      this.restartTimer = undefined;
      for (const timer of this.resumeTimers) clearTimeout(timer);
      this.resumeTimers.clear();
      // Stops fetching, waits for the batches in progress (their handlers run to the end and
      // their offsets are committed), then leaves the group and disconnects.
      await this.consumer.disconnect().catch(() => undefined);
      this.detach();
      this.host.closed(this);
    })();
    return this.closePromise;
  }

  private detach(): void {
    for (const stop of this.stopListening.splice(0)) stop();
  }

  private async eachBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    const { topic, partition } = batch;
    let resolved: string | undefined;
    let lastCommit = Date.now();
    const commit = async () => {
      if (resolved === undefined) return;
      const offset = (BigInt(resolved) + 1n).toString();
      resolved = undefined;
      lastCommit = Date.now();
      // Commits even while the consumer is stopping (kafkajs' consumer.commitOffsets would not).
      await payload.commitOffsetsIfNecessary({
        topics: [{ topic, partitions: [{ partition, offset }] }],
      });
    };
    const heartbeat = new BackgroundHeartbeat(payload, this.settings.heartbeatIntervalMs);
    try {
      for (const message of batch.messages) {
        if (this.closing || !payload.isRunning() || payload.isStale()) break;
        const outcome = await heartbeat.during(() => this.process(topic, partition, message));
        if (outcome.kind === 'abandon') break;
        if (outcome.kind === 'retry-later') {
          this.resumeAfter(payload.pause(), outcome.delayMs);
          break;
        }
        payload.resolveOffset(message.offset);
        resolved = message.offset;
        if (Date.now() - lastCommit >= this.settings.commitIntervalMs) await commit();
        // Throws when the group is rebalancing: commit what is done (below) and rejoin.
        heartbeat.rethrow();
        await payload.heartbeat(); // the client sends one only every heartbeat interval
      }
      heartbeat.rethrow();
      await commit();
    } catch (error) {
      // A rebalance or a lost coordinator: keep what was handled, let the client rejoin.
      await commit().catch(() => undefined);
      throw error;
    }
  }

  private resumeAfter(resume: () => void, delayMs: number): void {
    const timer = setTimeout(() => {
      this.resumeTimers.delete(timer);
      if (!this.closing) resume();
    }, delayMs);
    this.resumeTimers.add(timer);
  }

  private async process(topic: string, partition: number, message: KafkaMessage): Promise<Outcome> {
    const key = `${topic}|${partition}|${message.offset}`;
    const previous = this.failures.get(key);
    const { maxAttempts } = this.settings.retry;
    let failure: FailureRecord | undefined =
      previous && previous.attempts >= maxAttempts ? previous : undefined;

    if (!failure) {
      const attempt = (previous?.attempts ?? 0) + 1;
      try {
        // A fresh copy per delivery; a record that is not an ISMS CloudEvent fails like a handler.
        const { event, headers } = fromKafkaBinaryMessage(message);
        const received: ReceivedMessage = {
          topic,
          partition,
          offset: message.offset,
          key: event.streamId,
          event,
          headers,
          groupId: this.settings.groupId,
          attempt,
        };
        await this.handler(received);
        this.failures.delete(key);
        return { kind: 'done' };
      } catch (error) {
        // Shutting down: no retry, no commit — the group gets the message again.
        if (this.closing) return { kind: 'abandon' };
        if (isTransientFailure(error)) {
          // Not the message's fault: keep it for as long as the outage lasts.
          const transientRetries = (previous?.transientRetries ?? 0) + 1;
          this.failures.set(key, {
            attempts: previous?.attempts ?? 0,
            reason: describeFailure(error),
            transientRetries,
          });
          return {
            kind: 'retry-later',
            delayMs: retryDelayMs(this.settings.retry, transientRetries),
          };
        }
        failure = { attempts: attempt, reason: describeFailure(error) };
        this.failures.set(key, failure);
        if (attempt < maxAttempts) {
          return { kind: 'retry-later', delayMs: retryDelayMs(this.settings.retry, attempt) };
        }
      }
    }

    try {
      await this.host.deadLetter(this.settings.deadLetterTopic(topic), {
        key: message.key,
        value: message.value,
        timestamp: message.timestamp,
        headers: {
          ...rawHeaders(message.headers),
          ...deadLetterHeaders({
            reason: failure.reason,
            attempts: failure.attempts,
            sourceTopic: topic,
            sourcePartition: partition,
            sourceOffset: message.offset,
            groupId: this.settings.groupId,
            failedAt: new Date().toISOString(),
          }),
        },
      });
    } catch {
      // The dead-letter topic is unreachable: keep the message, try again after the longest pause.
      if (this.closing) return { kind: 'abandon' };
      return { kind: 'retry-later', delayMs: Math.max(this.settings.retry.maxDelayMs, 100) };
    }
    this.failures.delete(key);
    return { kind: 'done' };
  }
}

/**
 * kafkajs sends heartbeats only between batches; a slow handler would be taken for a dead member.
 * While a message is handled, heartbeats go out from a timer (the client de-duplicates them). A
 * heartbeat that reports a rebalance is remembered and thrown once the message is done.
 */
class BackgroundHeartbeat {
  private error: unknown;

  constructor(
    private readonly payload: EachBatchPayload,
    private readonly intervalMs: number,
  ) {}

  async during<T>(work: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      this.payload.heartbeat().catch((error: unknown) => {
        this.error ??= error;
      });
    }, this.intervalMs);
    try {
      return await work();
    } finally {
      clearInterval(timer);
    }
  }

  rethrow(): void {
    if (this.error !== undefined) {
      const error = this.error;
      this.error = undefined;
      throw error;
    }
  }
}

function settle<T>(): {
  promise: Promise<T>;
  resolve: (value: T) => void;
  reject: (error: unknown) => void;
} {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

function rawHeaders(headers: KafkaMessage['headers']): Record<string, string> {
  const result: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (value === undefined) continue;
    const last = Array.isArray(value) ? value[value.length - 1] : value;
    if (last !== undefined) result[name.toLowerCase()] = last.toString();
  }
  return result;
}
