import type { Admin, Consumer, Message, Producer } from 'kafkajs';
import { Kafka, Partitioners, logLevel } from 'kafkajs';
import type { RecordedEvent } from '@isms/event-sourcing';
import { resolvePublishingContext, toKafkaBinaryMessage } from '../cloudevents.js';
import { UnknownTopicError } from '../in-process-message-bus.js';
import type {
  EnsureTopicsOptions,
  MessageBus,
  MessageBusHealth,
  MessageHandler,
  PublishOptions,
  SubscribeOptions,
  Subscription,
} from '../message-bus.js';
import { MessageBusClosedError, deadLetterTopicFor, resolveRetryPolicy } from '../message-bus.js';
import type { KafkaLogEntry, KafkaLogSink } from './kafka-log.js';
import { KafkaClientLog } from './kafka-log.js';
import type { SubscriptionHost } from './kafka-subscription.js';
import { KafkaSubscription } from './kafka-subscription.js';

/** Consumer-group timing. The defaults suit a small cluster; tests pass shorter ones. */
export interface KafkaConsumerSettings {
  /** A member that sends no heartbeat for this long is removed (broker minimum: 6000). Default 10000. */
  readonly sessionTimeoutMs?: number;
  /** Default 1000 (about a third of the session timeout or less). */
  readonly heartbeatIntervalMs?: number;
  /** How long the coordinator waits for members to rejoin during a rebalance. Default 20000. */
  readonly rebalanceTimeoutMs?: number;
  /**
   * Longest broker-side wait of a fetch with no data. Also bounds how late an idle member notices
   * a rebalance and a resumed partition is fetched again. Default 500.
   */
  readonly maxWaitTimeMs?: number;
  /** Partitions of one member handled at the same time (each still in order). Default 4. */
  readonly partitionsConsumedConcurrently?: number;
  /** Within a long batch, commit at least this often (and always at the end of a batch). Default 1000. */
  readonly commitIntervalMs?: number;
  /** subscribe() fails when the group is not joined within this time. Default 30000. */
  readonly joinTimeoutMs?: number;
}

export interface KafkaMessageBusOptions {
  /** `host:port` of the bootstrap brokers, e.g. from KAFKA_BROKERS split at commas. */
  readonly brokers: readonly string[];
  /** Default `isms-ledger`. */
  readonly clientId?: string;
  /** Partitions of a topic created without an explicit count. Default 1. */
  readonly defaultPartitions?: number;
  /** Replicas of a created topic; default: the broker's `default.replication.factor`. */
  readonly replicationFactor?: number;
  /**
   * Topic configuration of created topics. Default `{ 'retention.ms': '-1' }`: projections are
   * rebuilt from the start of a topic, so nothing expires (ARCHITECTURE §4).
   */
  readonly topicConfig?: Readonly<Record<string, string>>;
  /** TCP connect timeout. Default 3000. */
  readonly connectionTimeoutMs?: number;
  /** Timeout of one broker request. Default 30000. */
  readonly requestTimeoutMs?: number;
  /** Client retries of failed requests (exponential). Default 5 retries from 100 ms, each ≤ 3000 ms. */
  readonly retry?: {
    readonly retries?: number;
    readonly initialRetryTimeMs?: number;
    readonly maxRetryTimeMs?: number;
  };
  readonly consumer?: KafkaConsumerSettings;
  /** A produce request carries at most this many bytes of values; larger publishes are split (in order). Default 512 KiB. */
  readonly maxRequestBytes?: number;
  /** Receives the client's warnings and errors (nothing is printed). */
  readonly log?: KafkaLogSink;
}

const DEFAULT_TOPIC_CONFIG = { 'retention.ms': '-1' };

/**
 * The MessageBus on Apache Kafka (ARCHITECTURE §4), through kafkajs — which is no longer
 * maintained, so nothing of it leaks through this class: a maintained client can replace it.
 *
 * - Topics are created explicitly (brokers run with `auto.create.topics.enable=false`).
 * - publish: an idempotent producer (acks from all in-sync replicas, one request in flight, so
 *   the order of a publish call is kept); key = stream id, CloudEvents 1.0 binary mode (`ce_*`
 *   headers, the envelope as the JSON value) as `cloudevents.ts` defines; the default partitioner
 *   is Kafka's murmur2, the one the Java client uses, so other clients agree on partitions.
 * - subscribe: one consumer per subscription; see KafkaSubscription for commits, retries and
 *   dead letters.
 */
export class KafkaMessageBus implements MessageBus {
  private readonly kafka: Kafka;
  private readonly admin: Admin;
  private readonly producer: Producer;
  private readonly clientLog: KafkaClientLog;
  private readonly subscriptions = new Set<KafkaSubscription>();
  private readonly knownTopics = new Set<string>();
  private readonly createdTopics = new Set<string>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly host: SubscriptionHost;
  private closed = false;
  private closePromise?: Promise<void>;

  private constructor(private readonly options: KafkaMessageBusOptions) {
    if (options.brokers.length === 0) throw new RangeError('KafkaMessageBus: no brokers');
    this.clientLog = new KafkaClientLog(options.log);
    const retry = options.retry ?? {};
    this.kafka = new Kafka({
      clientId: options.clientId ?? 'isms-ledger',
      brokers: [...options.brokers],
      connectionTimeout: options.connectionTimeoutMs ?? 3_000,
      requestTimeout: options.requestTimeoutMs ?? 30_000,
      retry: {
        retries: retry.retries ?? 5,
        initialRetryTime: retry.initialRetryTimeMs ?? 100,
        maxRetryTime: retry.maxRetryTimeMs ?? 3_000,
      },
      logLevel: logLevel.WARN,
      logCreator: this.clientLog.creator,
    });
    this.admin = this.kafka.admin();
    this.producer = this.kafka.producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    this.host = {
      deadLetter: (topic, record) => this.produceDeadLetter(topic, record),
      closed: (subscription) => this.subscriptions.delete(subscription),
    };
  }

  /** Connects the admin client and the producer; fails if no broker answers. */
  static async connect(options: KafkaMessageBusOptions): Promise<KafkaMessageBus> {
    const bus = new KafkaMessageBus(options);
    try {
      await bus.admin.connect();
      await bus.producer.connect();
    } catch (error) {
      await bus.close().catch(() => undefined);
      throw new Error(
        `Kafka is not reachable at ${options.brokers.join(',')}: ${(error as Error).message}`,
        { cause: error },
      );
    }
    return bus;
  }

  async ensureTopics(topics: readonly string[], options: EnsureTopicsOptions = {}): Promise<void> {
    this.assertOpen();
    const partitions = positiveInteger(
      options.partitions ?? this.options.defaultPartitions ?? 1,
      'partitions',
    );
    const wanted = [...new Set(topics)];
    for (const topic of wanted) {
      if (!topic) throw new RangeError('Topic name must not be empty');
    }
    const existing = new Set(await this.admin.listTopics());
    const missing = wanted.filter((topic) => !existing.has(topic));
    if (missing.length > 0) {
      const configEntries = Object.entries(this.options.topicConfig ?? DEFAULT_TOPIC_CONFIG).map(
        ([name, value]) => ({ name, value }),
      );
      try {
        // False when another client created them meanwhile: fine, an existing topic is kept as is.
        await this.admin.createTopics({
          waitForLeaders: true,
          topics: missing.map((topic) => ({
            topic,
            numPartitions: partitions,
            replicationFactor: this.options.replicationFactor ?? -1,
            configEntries,
          })),
        });
      } catch (error) {
        // Under KRaft a broker may not know a topic it has just created for a moment, and the
        // client gives up on UNKNOWN_TOPIC_OR_PARTITION while it waits for leaders (a service
        // then died at start on a fresh broker). The topics exist: wait for them below.
        if (!isUnknownTopic(error)) throw error;
      }
      await this.waitForLeaders(missing, TOPIC_METADATA_TIMEOUT_MS);
      for (const topic of missing) this.createdTopics.add(topic);
    }
    for (const topic of wanted) this.knownTopics.add(topic);
  }

  async publish(
    topic: string,
    events: readonly RecordedEvent[],
    options: PublishOptions = {},
  ): Promise<void> {
    this.assertOpen();
    const context = resolvePublishingContext(topic, options.context);
    // Map (and validate) every event before sending any.
    const messages: Message[] = events.map((event) => {
      const record = toKafkaBinaryMessage(event, {
        context,
        ...(options.headers ? { headers: options.headers } : {}),
      });
      return {
        key: record.key,
        value: record.value,
        headers: { ...record.headers },
        timestamp: record.timestamp,
      };
    });
    if (messages.length === 0) return;
    await this.track(async () => {
      await this.assertTopicsExist([topic]);
      // One request after the other: with one request in flight the partition order is the call order.
      for (const chunk of chunks(messages, this.options.maxRequestBytes ?? 512 * 1024)) {
        await this.producer.send({ topic, acks: -1, messages: chunk });
      }
    });
  }

  async subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription> {
    this.assertOpen();
    if (!options.groupId) throw new RangeError('subscribe: groupId is required');
    if (options.topics.length === 0) throw new RangeError('subscribe: at least one topic');
    const topics = [...new Set(options.topics)];
    const deadLetterTopic = options.deadLetterTopic ?? deadLetterTopicFor;
    const retry = resolveRetryPolicy(options.retry);
    await this.assertTopicsExist(topics);
    // Like the in-process bus: a failing message must have somewhere to go, with as many
    // partitions as its source. (A dead-letter topic's own dead-letter topic is made when needed.)
    const partitionCounts = await this.partitionCounts(topics);
    for (const topic of topics) {
      const target = deadLetterTopic(topic);
      if (target === topic || topic.endsWith('.dlq')) continue;
      await this.ensureTopics([target], { partitions: partitionCounts.get(topic) ?? 1 });
    }

    const settings = this.options.consumer ?? {};
    const sessionTimeout = settings.sessionTimeoutMs ?? 10_000;
    const heartbeatInterval = settings.heartbeatIntervalMs ?? 1_000;
    const createConsumer = (): Consumer =>
      this.kafka.consumer({
        groupId: options.groupId,
        sessionTimeout,
        heartbeatInterval,
        rebalanceTimeout: settings.rebalanceTimeoutMs ?? 20_000,
        maxWaitTimeInMs: settings.maxWaitTimeMs ?? 500,
        allowAutoTopicCreation: false,
        retry: {
          retries: this.options.retry?.retries ?? 5,
          initialRetryTime: this.options.retry?.initialRetryTimeMs ?? 100,
          maxRetryTime: this.options.retry?.maxRetryTimeMs ?? 3_000,
        },
      });
    const subscription = new KafkaSubscription(
      createConsumer,
      {
        groupId: options.groupId,
        topics,
        fromBeginning: options.fromBeginning ?? true,
        retry,
        deadLetterTopic,
        partitionsConsumedConcurrently: settings.partitionsConsumedConcurrently ?? 4,
        heartbeatIntervalMs: heartbeatInterval,
        commitIntervalMs: settings.commitIntervalMs ?? 1_000,
        joinTimeoutMs: settings.joinTimeoutMs ?? 30_000,
      },
      handler,
      this.host,
    );
    this.subscriptions.add(subscription);
    try {
      await subscription.start();
    } catch (error) {
      this.subscriptions.delete(subscription);
      throw error;
    }
    if (this.closed) {
      await subscription.close();
      throw new MessageBusClosedError('The Kafka message bus');
    }
    return subscription;
  }

  async health(): Promise<MessageBusHealth> {
    if (this.closed) return { status: 'down', adapter: 'kafka', detail: 'closed' };
    const crashed = [...this.subscriptions].find((s) => s.failure);
    if (crashed) {
      return {
        status: 'down',
        adapter: 'kafka',
        detail: `consumer of group ${crashed.groupId} crashed, being replaced: ${crashed.failure!.message}`,
      };
    }
    try {
      const cluster = await withTimeout(this.admin.describeCluster(), 3_000, 'describeCluster');
      return {
        status: 'up',
        adapter: 'kafka',
        detail: `${cluster.brokers.length} broker(s), cluster ${cluster.clusterId}, ${this.subscriptions.size} subscription(s)`,
      };
    } catch (error) {
      return { status: 'down', adapter: 'kafka', detail: (error as Error).message };
    }
  }

  close(): Promise<void> {
    this.closed = true;
    this.closePromise ??= (async () => {
      await Promise.allSettled([...this.subscriptions].map((s) => s.close()));
      await Promise.allSettled([...this.inFlight]);
      await this.producer.disconnect().catch(() => undefined);
      await this.admin.disconnect().catch(() => undefined);
    })();
    return this.closePromise;
  }

  /** The client's recent warnings and errors (for diagnostics; nothing is printed). */
  recentLog(): readonly KafkaLogEntry[] {
    return this.clientLog.recent();
  }

  /** Topics this bus created (e.g. for tests that clean up after themselves). */
  topicsCreated(): readonly string[] {
    return [...this.createdTopics];
  }

  private async produceDeadLetter(
    topic: string,
    record: Parameters<SubscriptionHost['deadLetter']>[1],
  ): Promise<void> {
    if (this.closed) throw new MessageBusClosedError('The Kafka message bus');
    await this.track(async () => {
      if (!this.knownTopics.has(topic)) {
        const source = record.headers['dlq-source-topic'];
        const partitions = source ? (await this.partitionCounts([source])).get(source) : undefined;
        await this.ensureTopics([topic], partitions ? { partitions } : {});
      }
      await this.producer.send({
        topic,
        acks: -1,
        messages: [
          {
            key: record.key,
            value: record.value,
            headers: record.headers,
            timestamp: record.timestamp,
          },
        ],
      });
    });
  }

  /** Fails fast on a missing topic (the client would retry for a long time before giving up). */
  private async assertTopicsExist(topics: readonly string[]): Promise<void> {
    const unknown = topics.filter((topic) => !this.knownTopics.has(topic));
    if (unknown.length === 0) return;
    const existing = new Set(await this.admin.listTopics());
    for (const topic of unknown) {
      if (!existing.has(topic)) throw new UnknownTopicError(topic);
      this.knownTopics.add(topic);
    }
  }

  /** Polls the metadata of `topics` until every partition has a leader (or the time is up). */
  private async waitForLeaders(topics: readonly string[], timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        const metadata = await this.admin.fetchTopicMetadata({ topics: [...topics] });
        const ready = metadata.topics.every(
          (t) => t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0),
        );
        if (ready && metadata.topics.length === topics.length) return;
        if (Date.now() > deadline) {
          throw new Error(`Topics ${topics.join(', ')} have no leaders after ${timeoutMs} ms`);
        }
      } catch (error) {
        if (!isUnknownTopic(error) || Date.now() > deadline) throw error;
      }
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  private async partitionCounts(topics: readonly string[]): Promise<Map<string, number>> {
    const metadata = await this.admin.fetchTopicMetadata({ topics: [...topics] });
    return new Map(metadata.topics.map((t) => [t.name, t.partitions.length]));
  }

  private async track<T>(work: () => Promise<T>): Promise<T> {
    const promise = work();
    this.inFlight.add(promise);
    try {
      return await promise;
    } finally {
      this.inFlight.delete(promise);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new MessageBusClosedError('The Kafka message bus');
  }
}

const TOPIC_METADATA_TIMEOUT_MS = 15_000;
const UNKNOWN_TOPIC_TYPES = new Set(['UNKNOWN_TOPIC_OR_PARTITION', 'LEADER_NOT_AVAILABLE']);

/** The broker does not know the topic (yet), or its partitions have no leader yet. */
function isUnknownTopic(error: unknown): boolean {
  for (let current = error, depth = 0; depth < 5; depth++) {
    if (typeof current !== 'object' || current === null) return false;
    const { type, errors, originalError, cause } = current as {
      type?: unknown;
      errors?: unknown;
      originalError?: unknown;
      cause?: unknown;
    };
    if (typeof type === 'string' && UNKNOWN_TOPIC_TYPES.has(type)) return true;
    if (Array.isArray(errors) && errors.length > 0 && errors.every(isUnknownTopic)) return true;
    current = originalError ?? cause;
  }
  return false;
}

/** Splits messages into runs whose values stay under maxBytes (a single larger one goes alone). */
function chunks(messages: readonly Message[], maxBytes: number): Message[][] {
  const result: Message[][] = [];
  let current: Message[] = [];
  let size = 0;
  for (const message of messages) {
    const bytes = Buffer.byteLength((message.value as string | null) ?? '') + 512;
    if (current.length > 0 && size + bytes > maxBytes) {
      result.push(current);
      current = [];
      size = 0;
    }
    current.push(message);
    size += bytes;
  }
  if (current.length > 0) result.push(current);
  return result;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer ≥ 1, got ${value}`);
  }
  return value;
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: no answer within ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
