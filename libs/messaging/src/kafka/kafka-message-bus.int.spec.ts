import { randomUUID } from 'node:crypto';
import { UnknownTopicError } from '../in-process-message-bus.js';
import type { ReceivedMessage } from '../message-bus.js';
import { deadLetterInfo, deadLetterTopicFor, eventsTopicFor } from '../message-bus.js';
import { RecordedEventFactory, eventually, messageBusContract, pause } from '../testing/index.js';
import type { KafkaMessageBus } from './kafka-message-bus.js';
import { TopicJanitor, connectTestBus, partitionCounts } from './kafka-test-support.js';

/**
 * The MessageBus contract against a real Kafka broker (KAFKA_BROKERS, default 127.0.0.1:9092,
 * started by `bash tools/infra/up.sh`). Every test uses topics and groups of its own; the topics
 * are deleted at the end.
 */
const janitor = new TopicJanitor();

afterAll(() => janitor.cleanup(), 30_000);

messageBusContract({
  adapter: 'kafka',
  create: async () => janitor.track(await connectTestBus()),
  timeouts: { deliveryMs: 15_000, quietMs: 600, testMs: 45_000 },
});

describe('KafkaMessageBus specifics', () => {
  let bus: KafkaMessageBus;
  const events = new RecordedEventFactory({ tenantId: `tenant-${unique()}` });

  beforeAll(async () => {
    bus = janitor.track(await connectTestBus());
  }, 20_000);

  afterAll(() => bus?.close(), 20_000);

  it('fails fast on topics that do not exist (the broker does not create them)', async () => {
    const missing = eventsTopicFor(`missing-${unique()}`);
    const started = Date.now();
    await expect(bus.publish(missing, [events.next(`risk-${unique()}`)])).rejects.toBeInstanceOf(
      UnknownTopicError,
    );
    await expect(
      bus.subscribe({ groupId: `g-${unique()}`, topics: [missing] }, async () => {}),
    ).rejects.toBeInstanceOf(UnknownTopicError);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 20_000);

  it('creates topics idempotently and keeps the partition count of an existing topic; subscribe adds the dead-letter topic', async () => {
    const topic = eventsTopicFor(`ensure-${unique()}`);
    await bus.ensureTopics([topic], { partitions: 3 });
    await bus.ensureTopics([topic, topic], { partitions: 1 });
    const subscription = await bus.subscribe(
      { groupId: `g-${unique()}`, topics: [topic] },
      async () => {},
    );
    await subscription.close();
    // Publishing to the dead-letter topic works: subscribe created it with the source's partitions.
    await bus.publish(deadLetterTopicFor(topic), [events.next(`risk-${unique()}`)]);
    expect(bus.topicsCreated()).toEqual(expect.arrayContaining([topic, deadLetterTopicFor(topic)]));
    expect(await partitionCounts([topic, deadLetterTopicFor(topic)])).toEqual({
      [topic]: 3,
      [deadLetterTopicFor(topic)]: 3,
    });
  }, 30_000);

  it('retries a failing message without holding up the other partitions of the member', async () => {
    const topic = eventsTopicFor(`isolation-${unique()}`);
    await bus.ensureTopics([topic], { partitions: 2 });
    // Find two streams on different partitions by publishing one event each.
    const partitionOf = new Map<string, number>();
    const probe = await bus.subscribe(
      { groupId: `probe-${unique()}`, topics: [topic] },
      async (m) => void partitionOf.set(m.key, m.partition),
    );
    const streams = Array.from({ length: 16 }, () => `risk-${unique()}`);
    await bus.publish(
      topic,
      streams.map((s) => events.next(s)),
    );
    await eventually(() => expect(partitionOf.size).toBe(streams.length), { timeoutMs: 15_000 });
    await probe.close();
    const stuck = streams.find((s) => partitionOf.get(s) === 0)!;
    const free = streams.find((s) => partitionOf.get(s) === 1)!;
    expect(stuck && free).toBeTruthy();

    const stuckEvent = events.next(stuck, 'RiskAccepted');
    const freeEvents = [events.next(free, 'RiskAssessed'), events.next(free, 'RiskTreated')];
    const handled: ReceivedMessage[] = [];
    const attempts: number[] = [];
    const groupId = `isolation-${unique()}`;
    const subscription = await bus.subscribe(
      {
        groupId,
        topics: [topic],
        fromBeginning: false,
        retry: { maxAttempts: 2, initialDelayMs: 3_000, multiplier: 1, maxDelayMs: 3_000 },
      },
      async (message) => {
        if (message.event.eventId === stuckEvent.eventId) {
          attempts.push(message.attempt);
          throw new Error('risk register temporarily unavailable');
        }
        handled.push(message);
      },
    );
    const deadLetters: ReceivedMessage[] = [];
    const watch = await bus.subscribe(
      { groupId: `dlq-${unique()}`, topics: [deadLetterTopicFor(topic)] },
      async (m) => void deadLetters.push(m),
    );
    await bus.publish(topic, [stuckEvent]);
    await eventually(() => expect(attempts).toEqual([1]), { timeoutMs: 15_000 });
    await bus.publish(topic, freeEvents);
    // The other partition goes on while partition 0 waits 3 s for its retry.
    await eventually(() => expect(handled.map((m) => m.event.eventId)).toHaveLength(2), {
      timeoutMs: 2_500,
    });
    expect(attempts).toEqual([1]);
    await eventually(() => expect(deadLetters).toHaveLength(1), { timeoutMs: 15_000 });
    expect(attempts).toEqual([1, 2]);
    expect(deadLetterInfo(deadLetters[0]!)).toMatchObject({
      attempts: 2,
      sourceTopic: topic,
      sourcePartition: 0,
      groupId,
    });
    expect(deadLetters[0]!.event).toEqual(stuckEvent);
    await subscription.close();
    await watch.close();
  }, 45_000);

  it('starts a new group at the end when asked, and still gets what is published after subscribe resolved', async () => {
    const topic = eventsTopicFor(`latest-${unique()}`);
    await bus.ensureTopics([topic]);
    const old = events.next(`risk-${unique()}`);
    await bus.publish(topic, [old]);
    const received: string[] = [];
    const subscription = await bus.subscribe(
      { groupId: `latest-${unique()}`, topics: [topic], fromBeginning: false },
      async (m) => void received.push(m.event.eventId),
    );
    const fresh = events.next(`risk-${unique()}`);
    await bus.publish(topic, [fresh]);
    await eventually(() => expect(received).toEqual([fresh.eventId]), { timeoutMs: 15_000 });
    await pause(300);
    expect(received).toEqual([fresh.eventId]);
    await subscription.close();
  }, 30_000);

  it('reports health', async () => {
    expect(await bus.health()).toMatchObject({ status: 'up', adapter: 'kafka' });
  }, 10_000);
});

function unique(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}
