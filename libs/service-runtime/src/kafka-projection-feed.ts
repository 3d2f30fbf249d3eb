import { createHash } from 'node:crypto';
import type { Projection, ProjectionStatus, RecordedEvent } from '@isms/event-sourcing';
import { defaultRetryPolicy } from '@isms/messaging';
import type { MessageBus, ReceivedMessage, RetryPolicy, Subscription } from '@isms/messaging';
import type { ForeignEventFeed } from '@isms/platform-nest';
import type { ServiceContext } from './contexts.js';
import {
  publishingContextOf,
  SERVICE_CONTEXTS,
  serviceEventsTopic,
  STREAM_TYPES_BY_CONTEXT,
} from './contexts.js';
import type { KafkaEndOffsets } from './kafka-offsets.js';
import { HandledOffsets } from './kafka-offsets.js';

export interface KafkaProjectionFeedOptions {
  readonly bus: MessageBus;
  /** The context this service records; its own events feed its projections from its own store. */
  readonly context: ServiceContext;
  /** Prefixes topics and consumer groups (see serviceEventsTopic). */
  readonly deployment?: string;
  /** End offsets, for the lag in status() and for replay(). */
  readonly endOffsets: Pick<KafkaEndOffsets, 'fetch'>;
  readonly retry?: Partial<RetryPolicy>;
  /** How long replay() may take. Default 10 minutes. */
  readonly replayTimeoutMs?: number;
  readonly onError?: (
    error: unknown,
    context: { projection: string; event: RecordedEvent },
  ) => void;
}

interface Attached {
  readonly projection: Projection;
  readonly streamTypes: ReadonlySet<string>;
  readonly topics: readonly string[];
  eventsApplied: number;
  lastError?: { message: string; attempts: number; at: string };
}

/**
 * Feeds a service's read models the events OTHER contexts published (ForeignEventFeed of the
 * ProjectionRegistry), from Kafka:
 *
 * - one consumer group per service and read-model set, `<deployment.>isms.<context>-service.
 *   read-models.<digest>`: the digest changes with the set of projections (names and stream
 *   types), so a new or changed read model starts a new group from the beginning of the topics,
 *   while a restart resumes from the committed offsets;
 * - instances of a service share the group (each handles some partitions); events of one
 *   stream stay in order (the key is the stream id);
 * - at least once: a redelivery (after a crash, a rebalance, a broker outage) is a no-op
 *   because every read-model write is guarded by (stream, revision) in the ReadStore.
 */
export class KafkaProjectionFeed implements ForeignEventFeed {
  private readonly attached = new Map<string, Attached>();
  private readonly handled = new HandledOffsets();
  private subscription?: Subscription;
  private state: 'stopped' | 'live' = 'stopped';
  private readonly ownStreamTypes: ReadonlySet<string>;

  constructor(private readonly options: KafkaProjectionFeedOptions) {
    this.ownStreamTypes = new Set(STREAM_TYPES_BY_CONTEXT[options.context]);
  }

  isOwnStreamType(streamType: string): boolean {
    // A stream type no contract names is recorded here (it cannot come from anywhere else).
    return this.ownStreamTypes.has(streamType) || publishingContextOf(streamType) === undefined;
  }

  foreignStreamTypes(): readonly string[] {
    return SERVICE_CONTEXTS.filter((context) => context !== this.options.context).flatMap(
      (context) => STREAM_TYPES_BY_CONTEXT[context],
    );
  }

  attach(projection: Projection, streamTypes: readonly string[]): void {
    if (this.state !== 'stopped') throw new Error('Attach projections before the feed starts');
    const topics = [
      ...new Set(
        streamTypes.map((type) =>
          serviceEventsTopic(publishingContextOf(type) as string, this.options.deployment),
        ),
      ),
    ].sort();
    this.attached.set(projection.name, {
      projection,
      streamTypes: new Set(streamTypes),
      topics,
      eventsApplied: 0,
    });
  }

  /** The consumer group of the current read-model set. */
  groupId(): string {
    const set = [...this.attached.values()]
      .map((a) => `${a.projection.name}:${[...a.streamTypes].sort().join(',')}`)
      .sort()
      .join(';');
    const digest = createHash('sha256').update(set).digest('hex').slice(0, 12);
    const prefix = this.options.deployment ? `${this.options.deployment}.` : '';
    return `${prefix}isms.${this.options.context}-service.read-models.${digest}`;
  }

  topics(): string[] {
    return [...new Set([...this.attached.values()].flatMap((a) => a.topics))].sort();
  }

  async start(): Promise<void> {
    if (this.state === 'live' || this.attached.size === 0) return;
    const topics = this.topics();
    await this.options.bus.ensureTopics(topics);
    this.subscription = await this.options.bus.subscribe(
      {
        groupId: this.groupId(),
        topics,
        fromBeginning: true,
        ...(this.options.retry ? { retry: this.options.retry } : {}),
      },
      (message) => this.dispatch(message, [...this.attached.values()]),
    );
    this.state = 'live';
  }

  async stop(): Promise<void> {
    this.state = 'stopped';
    const subscription = this.subscription;
    this.subscription = undefined;
    await subscription?.close().catch(() => undefined);
  }

  /**
   * Replays every published event into one (reset) read model, through a consumer group of its
   * own that starts at the beginning, until it reaches the end the topics had when it started.
   * The service's group goes on meanwhile; what both deliver is applied once (revision guards).
   */
  async replay(name: string): Promise<void> {
    const attached = this.attached.get(name);
    if (!attached) throw new RangeError(`No projection named ${name} is fed from Kafka`);
    const ends = await this.options.endOffsets.fetch(attached.topics);
    const handled = new HandledOffsets();
    const subscription = await this.options.bus.subscribe(
      {
        groupId: `${this.groupId()}.replay-${name}-${Date.now()}`,
        topics: attached.topics,
        fromBeginning: true,
        ...(this.options.retry ? { retry: this.options.retry } : {}),
      },
      async (message) => {
        await this.dispatch(message, [attached], handled);
      },
    );
    try {
      await handled.waitFor(ends, this.options.replayTimeoutMs ?? 600_000, `replay of ${name}`);
    } finally {
      await subscription.close();
    }
  }

  async status(): Promise<ProjectionStatus[]> {
    let lag = 0;
    let position = 0;
    try {
      const ends = await this.options.endOffsets.fetch(this.topics());
      lag = this.handled.behind(ends);
      for (const end of ends.values()) position += Number(end);
    } catch {
      lag = -1; // the broker is not reachable: lag unknown
    }
    return [...this.attached.values()].map((a) => ({
      name: `${a.projection.name}@kafka`,
      state: this.state === 'stopped' ? 'stopped' : a.lastError ? 'retrying' : 'live',
      checkpoint: Math.max(0, position - Math.max(lag, 0)),
      headPosition: position,
      lag,
      eventsApplied: a.eventsApplied,
      ...(a.lastError ? { lastError: a.lastError } : {}),
    }));
  }

  private async dispatch(
    message: ReceivedMessage,
    targets: readonly Attached[],
    handled: HandledOffsets = this.handled,
  ): Promise<void> {
    const { event } = message;
    try {
      for (const target of targets) {
        if (!target.streamTypes.has(event.streamType)) continue;
        const eventTypes = target.projection.handles?.eventTypes;
        if (eventTypes && !eventTypes.includes(event.type)) continue;
        try {
          await target.projection.apply(event);
          target.eventsApplied += 1;
          target.lastError = undefined;
        } catch (error) {
          target.lastError = {
            message: error instanceof Error ? error.message : String(error),
            attempts: message.attempt,
            at: new Date().toISOString(),
          };
          this.options.onError?.(error, { projection: target.projection.name, event });
          throw error;
        }
      }
      handled.record(message.topic, message.partition, message.offset);
    } catch (error) {
      // The last attempt dead-letters the message and moves on: count it as handled.
      if (message.attempt >= (this.options.retry?.maxAttempts ?? defaultRetryPolicy.maxAttempts)) {
        handled.record(message.topic, message.partition, message.offset);
      }
      throw error;
    }
  }
}
