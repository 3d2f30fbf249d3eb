import type { RecordedEvent } from '@isms/event-sourcing';
import type { KafkaBinaryMessage } from './cloudevents.js';
import {
  fromKafkaBinaryMessage,
  resolvePublishingContext,
  toKafkaBinaryMessage,
} from './cloudevents.js';
import type {
  EnsureTopicsOptions,
  MessageBus,
  MessageBusHealth,
  MessageHandler,
  PublishOptions,
  ReceivedMessage,
  RetryPolicy,
  SubscribeOptions,
  Subscription,
} from './message-bus.js';
import {
  MessageBusClosedError,
  deadLetterHeaders,
  deadLetterTopicFor,
  describeFailure,
  isTransientFailure,
  resolveRetryPolicy,
  retryDelayMs,
  sleep,
} from './message-bus.js';

export interface InProcessMessageBusOptions {
  /** Partitions of a topic created without an explicit count. Default 1 (one global order). */
  readonly defaultPartitions?: number;
}

export class UnknownTopicError extends Error {
  constructor(readonly topic: string) {
    super(`Topic ${topic} does not exist; create it with ensureTopics()`);
    this.name = 'UnknownTopicError';
  }
}

/** A record as a Kafka broker would hold it: key, serialised value, string headers. */
interface StoredRecord extends KafkaBinaryMessage {
  readonly offset: number;
}

interface Topic {
  readonly name: string;
  readonly partitions: StoredRecord[][];
}

/**
 * The MessageBus in one process, with the semantics of the Kafka adapter: an append-only log
 * per topic partition (records stored serialised, exactly as produced to Kafka, so handlers get
 * fresh copies), committed offsets per consumer group and partition, one sequential worker per
 * group and partition (per-key order, also during retries), partitions spread over the members
 * of a group, dead-letter topics. Nothing is persisted: in embedded mode consumers rebuild from
 * the event store at boot.
 */
export class InProcessMessageBus implements MessageBus {
  private readonly topics = new Map<string, Topic>();
  private readonly groups = new Map<string, ConsumerGroup>();
  private readonly defaultPartitions: number;
  private closed = false;

  constructor(options: InProcessMessageBusOptions = {}) {
    this.defaultPartitions = positiveInteger(options.defaultPartitions ?? 1, 'defaultPartitions');
  }

  async ensureTopics(topics: readonly string[], options: EnsureTopicsOptions = {}): Promise<void> {
    this.assertOpen();
    const partitions = positiveInteger(options.partitions ?? this.defaultPartitions, 'partitions');
    for (const name of topics) this.createTopic(name, partitions);
  }

  async publish(
    topic: string,
    events: readonly RecordedEvent[],
    options: PublishOptions = {},
  ): Promise<void> {
    this.assertOpen();
    const target = this.topic(topic);
    const context = resolvePublishingContext(topic, options.context);
    // Map (and validate) every event before appending any: a batch is stored whole or not at all.
    const records = events.map((event) =>
      toKafkaBinaryMessage(event, {
        context,
        ...(options.headers ? { headers: options.headers } : {}),
      }),
    );
    for (const record of records) this.append(target, record);
    this.wakeTopic(topic);
  }

  async subscribe(options: SubscribeOptions, handler: MessageHandler): Promise<Subscription> {
    this.assertOpen();
    if (!options.groupId) throw new RangeError('subscribe: groupId is required');
    if (options.topics.length === 0) throw new RangeError('subscribe: at least one topic');
    const topics = [...new Set(options.topics)];
    const deadLetterTopic = options.deadLetterTopic ?? deadLetterTopicFor;
    for (const name of topics) {
      const source = this.topic(name);
      // Like the Kafka adapter, make sure a failing message has somewhere to go.
      this.createTopic(deadLetterTopic(name), source.partitions.length);
    }
    let group = this.groups.get(options.groupId);
    if (!group) {
      group = new ConsumerGroup(options.groupId);
      this.groups.set(options.groupId, group);
    }
    const member = new GroupMember(
      group,
      topics,
      handler,
      resolveRetryPolicy(options.retry),
      deadLetterTopic,
      (closing) => this.leave(closing),
    );
    group.members.push(member);
    for (const name of topics) {
      const topic = this.topic(name);
      if (!group.committed.has(name)) {
        group.committed.set(
          name,
          topic.partitions.map((log) => (options.fromBeginning === false ? log.length : 0)),
        );
      }
      topic.partitions.forEach((_, partition) => this.ensureWorker(group, topic, partition));
    }
    group.wakeAll();
    return member;
  }

  async health(): Promise<MessageBusHealth> {
    return this.closed
      ? { status: 'down', adapter: 'in-process', detail: 'closed' }
      : { status: 'up', adapter: 'in-process', detail: `${this.topics.size} topics` };
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const groups = [...this.groups.values()];
    await Promise.all(groups.flatMap((group) => group.members.map((member) => member.close())));
    for (const group of groups) group.wakeAll();
    await Promise.all(groups.flatMap((group) => [...group.workers.values()].map((w) => w.done)));
  }

  /** Messages not yet committed by a group, summed over its partitions (consumer lag). */
  lag(groupId: string): number {
    const group = this.groups.get(groupId);
    if (!group) return 0;
    let lag = 0;
    for (const [name, offsets] of group.committed) {
      const topic = this.topics.get(name);
      topic?.partitions.forEach(
        (log, partition) => (lag += log.length - (offsets[partition] ?? 0)),
      );
    }
    return lag;
  }

  private createTopic(name: string, partitions: number): void {
    if (!name) throw new RangeError('Topic name must not be empty');
    if (this.topics.has(name)) return;
    this.topics.set(name, {
      name,
      partitions: Array.from({ length: partitions }, () => []),
    });
  }

  private topic(name: string): Topic {
    const topic = this.topics.get(name);
    if (!topic) throw new UnknownTopicError(name);
    return topic;
  }

  private append(topic: Topic, record: KafkaBinaryMessage): void {
    const log = topic.partitions[partitionFor(record.key, topic.partitions.length)]!;
    log.push({ ...record, headers: { ...record.headers }, offset: log.length });
  }

  private wakeTopic(name: string): void {
    for (const group of this.groups.values()) group.wakeTopic(name);
  }

  private leave(member: GroupMember): void {
    const group = member.group;
    const index = group.members.indexOf(member);
    if (index >= 0) group.members.splice(index, 1);
    group.wakeAll();
  }

  private ensureWorker(group: ConsumerGroup, topic: Topic, partition: number): void {
    const id = `${topic.name}#${partition}`;
    if (group.workers.has(id)) return;
    const worker = new PartitionWorker(topic.name, partition);
    group.workers.set(id, worker);
    worker.done = this.runWorker(group, topic, worker);
  }

  /** One loop per group and partition: deliver the next uncommitted record to its current owner. */
  private async runWorker(group: ConsumerGroup, topic: Topic, worker: PartitionWorker) {
    const log = topic.partitions[worker.partition]!;
    const offsets = group.committed.get(topic.name)!;
    while (!this.closed) {
      const owner = group.ownerOf(topic.name, worker.partition);
      const offset = offsets[worker.partition]!;
      const record = log[offset];
      if (!owner || !record) {
        await worker.wake.wait(); // checked and armed in the same tick: no wake-up is lost
        continue;
      }
      const outcome = await owner.track(
        this.deliver(owner, topic.name, worker.partition, record).catch(() => 'abandon' as const),
      );
      if (outcome === 'commit') offsets[worker.partition] = offset + 1;
      // Only an internal failure abandons a message of a member that stays: don't spin on it.
      else if (!owner.closing) await sleep(100);
    }
  }

  private async deliver(
    member: GroupMember,
    topic: string,
    partition: number,
    record: StoredRecord,
  ): Promise<'commit' | 'abandon'> {
    let transientRetries = 0;
    for (let attempt = 1; ; attempt++) {
      if (member.closing) return 'abandon';
      let failure: unknown;
      try {
        const { event, headers } = fromKafkaBinaryMessage(record); // a fresh copy per delivery
        const message: ReceivedMessage = {
          topic,
          partition,
          offset: String(record.offset),
          key: record.key,
          event,
          headers,
          groupId: member.groupId,
          attempt,
        };
        await member.handler(message);
        return 'commit';
      } catch (error) {
        failure = error;
      }
      // Shutting down: no retry, no commit — the group gets the message again.
      if (member.closing) return 'abandon';
      if (isTransientFailure(failure)) {
        // An unreachable store, not the message: retried for as long as it lasts, not counted.
        transientRetries += 1;
        attempt -= 1;
        await sleep(retryDelayMs(member.retry, transientRetries), member.stopping);
        continue;
      }
      transientRetries = 0;
      if (attempt >= member.retry.maxAttempts) {
        if (this.closed) return 'abandon';
        const deadLetterTopic = member.deadLetterTopic(topic);
        this.createTopic(deadLetterTopic, this.topic(topic).partitions.length);
        this.append(this.topic(deadLetterTopic), {
          key: record.key,
          value: record.value,
          timestamp: record.timestamp,
          headers: {
            ...record.headers,
            ...deadLetterHeaders({
              reason: describeFailure(failure),
              attempts: attempt,
              sourceTopic: topic,
              sourcePartition: partition,
              sourceOffset: String(record.offset),
              groupId: member.groupId,
              failedAt: new Date().toISOString(),
            }),
          },
        });
        this.wakeTopic(deadLetterTopic);
        return 'commit';
      }
      await sleep(retryDelayMs(member.retry, attempt), member.stopping);
    }
  }

  private assertOpen(): void {
    if (this.closed) throw new MessageBusClosedError('The in-process message bus');
  }
}

class ConsumerGroup {
  /** In join order; partition p of a topic belongs to the (p mod n)-th member subscribed to it. */
  readonly members: GroupMember[] = [];
  /** Next offset to deliver, per topic and partition. */
  readonly committed = new Map<string, number[]>();
  readonly workers = new Map<string, PartitionWorker>();

  constructor(readonly id: string) {}

  ownerOf(topic: string, partition: number): GroupMember | undefined {
    const candidates = this.members.filter((m) => !m.closing && m.topics.includes(topic));
    return candidates.length === 0 ? undefined : candidates[partition % candidates.length];
  }

  wakeTopic(topic: string): void {
    for (const worker of this.workers.values()) if (worker.topic === topic) worker.wake.notify();
  }

  wakeAll(): void {
    for (const worker of this.workers.values()) worker.wake.notify();
  }
}

class PartitionWorker {
  readonly wake = new WakeSignal();
  done: Promise<void> = Promise.resolve();
  constructor(
    readonly topic: string,
    readonly partition: number,
  ) {}
}

class GroupMember implements Subscription {
  closing = false;
  private readonly abort = new AbortController();
  private readonly inFlight = new Set<Promise<unknown>>();
  private closePromise?: Promise<void>;

  constructor(
    readonly group: ConsumerGroup,
    readonly topics: readonly string[],
    readonly handler: MessageHandler,
    readonly retry: RetryPolicy,
    readonly deadLetterTopic: (sourceTopic: string) => string,
    private readonly onLeave: (member: GroupMember) => void,
  ) {}

  get groupId(): string {
    return this.group.id;
  }

  get stopping(): AbortSignal {
    return this.abort.signal;
  }

  track<T>(work: Promise<T>): Promise<T> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  close(): Promise<void> {
    this.closePromise ??= (async () => {
      this.closing = true;
      this.abort.abort();
      this.onLeave(this);
      await Promise.allSettled([...this.inFlight]);
    })();
    return this.closePromise;
  }
}

/** A one-shot wake-up that re-arms itself: wait() returns the pending promise, notify() settles it. */
class WakeSignal {
  private pending?: { promise: Promise<void>; resolve: () => void };

  wait(): Promise<void> {
    if (!this.pending) {
      let resolve!: () => void;
      const promise = new Promise<void>((r) => (resolve = r));
      this.pending = { promise, resolve };
    }
    return this.pending.promise;
  }

  notify(): void {
    const pending = this.pending;
    this.pending = undefined;
    pending?.resolve();
  }
}

/** FNV-1a over the key's UTF-16 code units: stable, so a key always maps to the same partition. */
export function partitionFor(key: string, partitions: number): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % partitions;
}

function positiveInteger(value: number, name: string): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be an integer ≥ 1, got ${value}`);
  }
  return value;
}
