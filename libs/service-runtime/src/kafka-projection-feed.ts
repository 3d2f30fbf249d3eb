import { createHash } from 'node:crypto';
import type { Projection, ProjectionStatus, RecordedEvent } from '@isms/event-sourcing';
import { defaultRetryPolicy } from '@isms/messaging';
import type { MessageBus, ReceivedMessage, RetryPolicy, Subscription } from '@isms/messaging';
import type { ForeignEventFeed } from '@isms/platform-nest';
import type { ServiceContext } from './contexts.js';
import {
  publishingContextOf,
  RECORDED_BY_EVERY_SERVICE,
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

/**
 * Keeps every event other contexts published, as delivered (e.g. the reporting service's event
 * mirror): called for each message of their topics before the read models get it, at least once
 * (so it must be idempotent); a failure is retried like a read model's.
 */
export interface EventRecorder {
  readonly name: string;
  record(
    event: RecordedEvent,
    origin: { readonly context: ServiceContext; readonly topic: string },
  ): Promise<void>;
}

interface AttachedRecorder {
  readonly recorder: EventRecorder;
  /** Every other context's topic, or (consumedOnly) those of the attached read models, at start. */
  topics: ReadonlySet<string>;
  /** Only the events some attached read model consumes. */
  readonly consumedOnly: boolean;
  eventsRecorded: number;
  lastError?: { message: string; attempts: number; at: string };
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
  private readonly recorders = new Map<string, AttachedRecorder>();
  private readonly contextOfTopic: ReadonlyMap<string, ServiceContext>;
  private readonly handled = new HandledOffsets();
  private subscription?: Subscription;
  private state: 'stopped' | 'live' = 'stopped';
  private readonly ownStreamTypes: ReadonlySet<string>;

  constructor(private readonly options: KafkaProjectionFeedOptions) {
    this.ownStreamTypes = new Set(STREAM_TYPES_BY_CONTEXT[options.context]);
    this.contextOfTopic = new Map(
      SERVICE_CONTEXTS.map((context) => [serviceEventsTopic(context, options.deployment), context]),
    );
  }

  isOwnStreamType(streamType: string): boolean {
    // Recorded by every service (the access log): a read model of it gathers every service's
    // topic, this one's included, rather than this store alone.
    if (RECORDED_BY_EVERY_SERVICE.includes(streamType)) return false;
    // A stream type no contract names is recorded here (it cannot come from anywhere else).
    return this.ownStreamTypes.has(streamType) || publishingContextOf(streamType) === undefined;
  }

  foreignStreamTypes(): readonly string[] {
    return [
      ...new Set([
        ...SERVICE_CONTEXTS.filter((context) => context !== this.options.context).flatMap(
          (context) => STREAM_TYPES_BY_CONTEXT[context],
        ),
        ...RECORDED_BY_EVERY_SERVICE,
      ]),
    ];
  }

  /** The topics that carry a stream type: its context's, or every service's for the access log. */
  topicsOf(streamType: string): string[] {
    const contexts = RECORDED_BY_EVERY_SERVICE.includes(streamType)
      ? SERVICE_CONTEXTS
      : [publishingContextOf(streamType) as ServiceContext];
    return contexts.map((context) => serviceEventsTopic(context, this.options.deployment));
  }

  attach(projection: Projection, streamTypes: readonly string[]): void {
    if (this.state !== 'stopped') throw new Error('Attach projections before the feed starts');
    const topics = [...new Set(streamTypes.flatMap((type) => this.topicsOf(type)))].sort();
    this.attached.set(projection.name, {
      projection,
      streamTypes: new Set(streamTypes),
      topics,
      eventsApplied: 0,
    });
  }

  /**
   * Gives `recorder` every event of the other contexts' topics, before the read models (called
   * before the feed starts; it joins the consumer group's digest, so it starts from the beginning).
   * `only: 'consumed'`: just the events some attached read model consumes (of the stream types
   * they are fed from here, from their topics), never this service's own topic.
   */
  record(recorder: EventRecorder, options: { readonly only?: 'consumed' } = {}): void {
    if (this.state !== 'stopped') throw new Error('Attach recorders before the feed starts');
    if (this.recorders.has(recorder.name))
      throw new Error(`Two recorders are named ${recorder.name}`);
    const topics = SERVICE_CONTEXTS.filter((context) => context !== this.options.context).map(
      (context) => serviceEventsTopic(context, this.options.deployment),
    );
    this.recorders.set(recorder.name, {
      recorder,
      topics: new Set(topics),
      consumedOnly: options.only === 'consumed',
      eventsRecorded: 0,
    });
  }

  /** The consumer group of the current read-model set. */
  groupId(): string {
    const set = [
      ...[...this.attached.values()].map(
        (a) => `${a.projection.name}:${[...a.streamTypes].sort().join(',')}`,
      ),
      ...[...this.recorders.keys()].map((name) => `recorder:${name}`),
    ]
      .sort()
      .join(';');
    const digest = createHash('sha256').update(set).digest('hex').slice(0, 12);
    const prefix = this.options.deployment ? `${this.options.deployment}.` : '';
    return `${prefix}isms.${this.options.context}-service.read-models.${digest}`;
  }

  topics(): string[] {
    return [
      ...new Set([
        ...[...this.attached.values()].flatMap((a) => a.topics),
        ...[...this.recorders.values()].flatMap((r) => [...r.topics]),
      ]),
    ].sort();
  }

  async start(): Promise<void> {
    if (this.state === 'live' || (this.attached.size === 0 && this.recorders.size === 0)) return;
    const consumedTopics = new Set([...this.attached.values()].flatMap((a) => a.topics));
    for (const recorder of this.recorders.values()) {
      if (!recorder.consumedOnly) continue;
      const own = serviceEventsTopic(this.options.context, this.options.deployment);
      recorder.topics = new Set([...consumedTopics].filter((topic) => topic !== own));
    }
    const topics = this.topics();
    await this.options.bus.ensureTopics(topics);
    this.subscription = await this.options.bus.subscribe(
      {
        groupId: this.groupId(),
        topics,
        fromBeginning: true,
        ...(this.options.retry ? { retry: this.options.retry } : {}),
      },
      (message) =>
        this.dispatch(message, [...this.attached.values()], this.handled, [
          ...this.recorders.values(),
        ]),
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
    const of = (name: string, applied: number, lastError: Attached['lastError']) => ({
      name: `${name}@kafka`,
      state:
        this.state === 'stopped'
          ? ('stopped' as const)
          : lastError
            ? ('retrying' as const)
            : ('live' as const),
      checkpoint: Math.max(0, position - Math.max(lag, 0)),
      headPosition: position,
      lag,
      eventsApplied: applied,
      ...(lastError ? { lastError } : {}),
    });
    return [
      ...[...this.attached.values()].map((a) =>
        of(a.projection.name, a.eventsApplied, a.lastError),
      ),
      ...[...this.recorders.values()].map((r) =>
        of(r.recorder.name, r.eventsRecorded, r.lastError),
      ),
    ];
  }

  private async dispatch(
    message: ReceivedMessage,
    targets: readonly Attached[],
    handled: HandledOffsets = this.handled,
    recorders: readonly AttachedRecorder[] = [],
  ): Promise<void> {
    const { event } = message;
    try {
      const context = this.contextOfTopic.get(message.topic);
      for (const target of recorders) {
        if (!context || !target.topics.has(message.topic)) continue;
        if (target.consumedOnly && !targets.some((t) => t.streamTypes.has(event.streamType))) {
          continue;
        }
        try {
          await target.recorder.record(event, { context, topic: message.topic });
          target.eventsRecorded += 1;
          target.lastError = undefined;
        } catch (error) {
          target.lastError = {
            message: error instanceof Error ? error.message : String(error),
            attempts: message.attempt,
            at: new Date().toISOString(),
          };
          this.options.onError?.(error, { projection: target.recorder.name, event });
          throw error;
        }
      }
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
