import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@isms/event-sourcing';
import { EventStoreUnavailableError } from '@isms/event-sourcing';
import { CLOUDEVENTS_SPEC_VERSION, JSON_CONTENT_TYPE } from '../cloudevents.js';
import type {
  MessageBus,
  MessageHandler,
  ReceivedMessage,
  SubscribeOptions,
  Subscription,
} from '../message-bus.js';
import {
  MessageBusClosedError,
  deadLetterInfo,
  deadLetterTopicFor,
  eventsTopicFor,
  isTransientFailure,
} from '../message-bus.js';
import { eventually, gate, pause } from './eventually.js';
import { RecordedEventFactory } from './recorded-events.js';

export interface MessageBusContractFixture {
  /** Shown in the test names, e.g. `in-process` or `kafka`. */
  readonly adapter: string;
  /** A bus on the broker under test; called before each test and closed after it. */
  create(): Promise<MessageBus>;
  readonly timeouts?: {
    /** How long a published message may take to reach a handler (Kafka: group joins take seconds). */
    readonly deliveryMs?: number;
    /** How long to watch for a message that must NOT arrive (a duplicate, a delivery after close). */
    readonly quietMs?: number;
    /** Jest timeout per test. */
    readonly testMs?: number;
  };
}

/**
 * The behaviour every MessageBus adapter must show. Every test uses its own topics and groups
 * (unique names), so the suite runs against a shared, long-lived broker.
 */
export function messageBusContract(fixture: MessageBusContractFixture): void {
  const deliveryMs = fixture.timeouts?.deliveryMs ?? 5_000;
  const quietMs = fixture.timeouts?.quietMs ?? 250;
  const testMs = fixture.timeouts?.testMs ?? 30_000;
  const within = { timeoutMs: deliveryMs };

  describe(`MessageBus contract: ${fixture.adapter}`, () => {
    let bus: MessageBus;
    let events: RecordedEventFactory;
    let openSubscriptions: Subscription[];

    beforeEach(async () => {
      bus = await fixture.create();
      events = new RecordedEventFactory({ tenantId: `tenant-${unique()}` });
      openSubscriptions = [];
    }, testMs);

    afterEach(async () => {
      await Promise.all(openSubscriptions.map((s) => s.close()));
      await bus.close();
    }, testMs);

    async function newTopic(partitions = 1): Promise<string> {
      const topic = eventsTopicFor(`contract-${unique()}`);
      await bus.ensureTopics([topic, deadLetterTopicFor(topic)], { partitions });
      return topic;
    }

    async function subscribe(
      options: SubscribeOptions,
      handler: MessageHandler,
    ): Promise<Subscription> {
      const subscription = await bus.subscribe(options, handler);
      openSubscriptions.push(subscription);
      return subscription;
    }

    /** A handler that records what it receives. */
    function recorder() {
      const received: ReceivedMessage[] = [];
      const handler: MessageHandler = async (message) => {
        received.push(message);
      };
      return { received, handler, ids: () => received.map((m) => m.event.eventId) };
    }

    function streamsOf(count: number, prefix = 'risk'): string[] {
      return Array.from({ length: count }, (_, i) => `${prefix}-${i}-${unique()}`);
    }

    it(
      'delivers every message to every consumer group (fan-out)',
      async () => {
        const topic = await newTopic(2);
        const registerA = recorder();
        const registerB = recorder();
        await subscribe(
          { groupId: `risk-register-${unique()}`, topics: [topic] },
          registerA.handler,
        );
        await subscribe(
          { groupId: `group-report-${unique()}`, topics: [topic] },
          registerB.handler,
        );

        const published = streamsOf(3).flatMap((stream) => [
          events.next(stream, 'RiskIdentified'),
          events.next(stream, 'RiskAssessed'),
        ]);
        await bus.publish(topic, published);

        const expected = published.map((e) => e.eventId).sort();
        await eventually(() => expect([...registerA.ids()].sort()).toEqual(expected), within);
        await eventually(() => expect([...registerB.ids()].sort()).toEqual(expected), within);
        await pause(quietMs);
        expect(registerA.received).toHaveLength(published.length);
        expect(registerB.received).toHaveLength(published.length);
      },
      testMs,
    );

    it(
      'shares partitions among the members of one group, and hands them over when a member leaves',
      async () => {
        const topic = await newTopic(4);
        const groupId = `soa-projection-${unique()}`;
        const first = recorder();
        const second = recorder();
        await subscribe({ groupId, topics: [topic] }, first.handler);
        const secondSubscription = await subscribe({ groupId, topics: [topic] }, second.handler);

        const streams = streamsOf(20);
        const batch = streams.flatMap((s) => [events.next(s), events.next(s, 'RiskAssessed')]);
        await bus.publish(topic, batch);

        const handled = () => [...first.ids(), ...second.ids()].sort();
        const expected = batch.map((e) => e.eventId).sort();
        await eventually(() => expect(handled()).toEqual(expected), within);
        await pause(quietMs);
        // Once per group, not once per member…
        expect(handled()).toEqual(expected);
        // …and both members took a share: 20 keys over 4 partitions owned by 2 members.
        expect(first.received.length).toBeGreaterThan(0);
        expect(second.received.length).toBeGreaterThan(0);
        // A stream's events stay with the member that owns its partition.
        const owners = new Map<string, Set<string>>();
        for (const [member, log] of [
          ['first', first],
          ['second', second],
        ] as const) {
          for (const m of log.received) {
            owners.set(m.key, (owners.get(m.key) ?? new Set()).add(member));
          }
        }
        for (const members of owners.values()) expect(members.size).toBe(1);

        await secondSubscription.close();
        const afterLeave = streams.map((s) => events.next(s, 'RiskTreated'));
        await bus.publish(topic, afterLeave);
        await eventually(
          () => expect(afterLeave.every((e) => first.ids().includes(e.eventId))).toBe(true),
          within,
        );
      },
      testMs,
    );

    it(
      "keeps each stream's events in revision order across many streams and members",
      async () => {
        const topic = await newTopic(3);
        const groupId = `heat-map-${unique()}`;
        const seen = new Map<string, number[]>();
        const handler: MessageHandler = async (message) => {
          await pause(Math.floor(Math.random() * 3));
          const revisions = seen.get(message.key) ?? [];
          revisions.push(message.event.streamRevision);
          seen.set(message.key, revisions);
        };
        await subscribe({ groupId, topics: [topic] }, handler);
        await subscribe({ groupId, topics: [topic] }, handler);

        const streams = streamsOf(25);
        const revisions = 8;
        const all: RecordedEvent[] = [];
        for (let r = 1; r <= revisions; r++) for (const s of streams) all.push(events.next(s));
        // Interleaved streams, published in several calls.
        for (let i = 0; i < all.length; i += 50) await bus.publish(topic, all.slice(i, i + 50));

        const inOrder = Array.from({ length: revisions }, (_, i) => i + 1);
        await eventually(() => {
          for (const s of streams) expect(seen.get(s)).toEqual(inOrder);
        }, within);
        await pause(quietMs);
        for (const s of streams) expect(seen.get(s)).toEqual(inOrder);
      },
      testMs,
    );

    it(
      'retries a failing handler with backoff until it succeeds, holding back later events of the stream',
      async () => {
        const topic = await newTopic(1);
        const stream = `risk-${unique()}`;
        const accepted = events.next(stream, 'RiskAccepted');
        const reviewed = events.next(stream, 'RiskReviewed');
        const log: { eventId: string; attempt: number; at: number }[] = [];
        const handler: MessageHandler = async (message) => {
          log.push({ eventId: message.event.eventId, attempt: message.attempt, at: Date.now() });
          if (message.event.eventId === accepted.eventId && message.attempt < 3) {
            throw new Error('risk register temporarily unavailable');
          }
        };
        await subscribe(
          {
            groupId: `risk-register-${unique()}`,
            topics: [topic],
            retry: { maxAttempts: 5, initialDelayMs: 40, multiplier: 2, maxDelayMs: 1_000 },
          },
          handler,
        );
        const deadLetters = recorder();
        await subscribe(
          { groupId: `dlq-watch-${unique()}`, topics: [deadLetterTopicFor(topic)] },
          deadLetters.handler,
        );

        await bus.publish(topic, [accepted, reviewed]);

        await eventually(() => expect(log).toHaveLength(4), within);
        await pause(quietMs);
        expect(log.map((l) => [l.eventId, l.attempt])).toEqual([
          [accepted.eventId, 1],
          [accepted.eventId, 2],
          [accepted.eventId, 3],
          [reviewed.eventId, 1],
        ]);
        // Backoff: 40 ms, then 80 ms (a timer never fires early; allow clock granularity).
        expect(log[1]!.at - log[0]!.at).toBeGreaterThanOrEqual(35);
        expect(log[2]!.at - log[1]!.at).toBeGreaterThanOrEqual(75);
        expect(deadLetters.received).toHaveLength(0);
      },
      testMs,
    );

    it(
      'dead-letters a message after maxAttempts failures, with the reason and the attempt count',
      async () => {
        const topic = await newTopic(1);
        const groupId = `soa-projection-${unique()}`;
        const stream = `control-${unique()}`;
        const poison = events.next(stream, 'ControlImplemented', { controlId: 'A.5.99' });
        const next = events.next(stream, 'ControlTested');
        const attempts: number[] = [];
        const handled: string[] = [];
        await subscribe(
          {
            groupId,
            topics: [topic],
            retry: { maxAttempts: 3, initialDelayMs: 10, multiplier: 1, maxDelayMs: 10 },
          },
          async (message) => {
            if (message.event.eventId === poison.eventId) {
              attempts.push(message.attempt);
              throw new Error('control A.5.99 is not in the catalogue');
            }
            handled.push(message.event.eventId);
          },
        );
        const deadLetters = recorder();
        await subscribe(
          { groupId: `dlq-watch-${unique()}`, topics: [deadLetterTopicFor(topic)] },
          deadLetters.handler,
        );

        await bus.publish(topic, [poison, next]);

        await eventually(() => expect(deadLetters.received).toHaveLength(1), within);
        const dead = deadLetters.received[0]!;
        expect(dead.event).toEqual(poison);
        expect(dead.key).toBe(stream);
        const info = deadLetterInfo(dead);
        expect(info).toMatchObject({
          attempts: 3,
          sourceTopic: topic,
          groupId,
        });
        expect(info?.reason).toContain('control A.5.99 is not in the catalogue');
        expect(Number.isNaN(Date.parse(info!.failedAt))).toBe(false);
        // The partition moved on after dead-lettering, and the poison message is not retried again.
        await eventually(() => expect(handled).toEqual([next.eventId]), within);
        await pause(quietMs);
        expect(attempts).toEqual([1, 2, 3]);
        expect(deadLetters.received).toHaveLength(1);
      },
      testMs,
    );

    it(
      'retries a handler whose store is unreachable for as long as that lasts: never dead-lettered, not counted as attempts',
      async () => {
        const topic = await newTopic(1);
        const stream = `risk-${unique()}`;
        const first = events.next(stream, 'RiskIdentified');
        const second = events.next(stream, 'RiskAssessed');
        const attempts: number[] = [];
        const handled: string[] = [];
        let outage = 6; // failures before the store is back: more than maxAttempts
        await subscribe(
          {
            groupId: `reporting-${unique()}`,
            topics: [topic],
            retry: { maxAttempts: 2, initialDelayMs: 10, multiplier: 2, maxDelayMs: 40 },
          },
          async (message) => {
            attempts.push(message.attempt);
            if (outage > 0) {
              outage -= 1;
              throw new EventStoreUnavailableError('connect ECONNREFUSED 127.0.0.1:5432');
            }
            handled.push(message.event.eventId);
          },
        );
        const deadLetters = recorder();
        await subscribe(
          { groupId: `dlq-watch-${unique()}`, topics: [deadLetterTopicFor(topic)] },
          deadLetters.handler,
        );

        await bus.publish(topic, [first, second]);

        await eventually(() => expect(handled).toEqual([first.eventId, second.eventId]), within);
        expect(attempts).toEqual([1, 1, 1, 1, 1, 1, 1, 1]);
        await pause(quietMs);
        expect(deadLetters.received).toHaveLength(0);
        expect(
          isTransientFailure(new Error('wrapped', { cause: new EventStoreUnavailableError('x') })),
        ).toBe(true);
        expect(isTransientFailure(new Error('control A.5.99 is not in the catalogue'))).toBe(false);
      },
      testMs,
    );

    it(
      'commits only after success: a message whose handler fails during shutdown is delivered again',
      async () => {
        const topic = await newTopic(1);
        const groupId = `audit-findings-${unique()}`;
        const finding = events.next(`finding-${unique()}`, 'NonconformityRaised');
        const started = gate();
        const crash = gate();
        const crashing = await bus.subscribe(
          {
            groupId,
            topics: [topic],
            retry: { maxAttempts: 5, initialDelayMs: 10, multiplier: 1, maxDelayMs: 10 },
          },
          async () => {
            started.resolve();
            await crash.promise;
          },
        );
        await bus.publish(topic, [finding]);
        await withTimeout(started.promise, deliveryMs, 'first delivery');
        const closing = crashing.close();
        crash.reject(new Error('process killed mid-handler'));
        await closing;

        const resumed = recorder();
        await subscribe({ groupId, topics: [topic] }, resumed.handler);
        await eventually(() => expect(resumed.ids()).toEqual([finding.eventId]), within);
        expect(resumed.received[0]!.event).toEqual(finding);
        const deadLetters = recorder();
        await subscribe(
          { groupId: `dlq-watch-${unique()}`, topics: [deadLetterTopicFor(topic)] },
          deadLetters.handler,
        );
        await pause(quietMs);
        expect(deadLetters.received).toHaveLength(0);
      },
      testMs,
    );

    it(
      'close() waits for the in-flight handler, stops consuming, and the group resumes after the last commit',
      async () => {
        const topic = await newTopic(1);
        const groupId = `management-review-${unique()}`;
        const stream = `scope-${unique()}`;
        const first = events.next(stream, 'IsmsScopeDefined');
        const second = events.next(stream, 'IsmsScopeChanged');
        const started = gate();
        let finishedAt = 0;
        const calls: string[] = [];
        const subscription = await bus.subscribe({ groupId, topics: [topic] }, async (message) => {
          calls.push(message.event.eventId);
          started.resolve();
          await pause(150);
          finishedAt = Date.now();
        });
        await bus.publish(topic, [first]);
        await withTimeout(started.promise, deliveryMs, 'first delivery');
        await subscription.close();
        const closedAt = Date.now();
        expect(finishedAt).toBeGreaterThan(0);
        expect(closedAt).toBeGreaterThanOrEqual(finishedAt);

        await bus.publish(topic, [second]);
        await pause(quietMs);
        expect(calls).toEqual([first.eventId]);

        const resumed = recorder();
        await subscribe({ groupId, topics: [topic] }, resumed.handler);
        await eventually(() => expect(resumed.ids()).toEqual([second.eventId]), within);
        await pause(quietMs);
        expect(resumed.ids()).toEqual([second.eventId]);
      },
      testMs,
    );

    it(
      'carries the envelope as a CloudEvents 1.0 message (binary mode) and returns it unchanged',
      async () => {
        const topic = await newTopic(1);
        const stream = `risk-${unique()}`;
        const correlationId = randomUUID();
        const event = events.next(
          stream,
          'RiskAccepted',
          {
            riskId: stream,
            residualScore: 6,
            justification: 'Within appetite; compensating control A.8.16',
          },
          { correlationId, causationId: randomUUID() },
        );
        const received = recorder();
        await subscribe({ groupId: `relay-check-${unique()}`, topics: [topic] }, received.handler);
        await bus.publish(topic, [event], {
          headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' },
        });

        await eventually(() => expect(received.received).toHaveLength(1), within);
        const message = received.received[0]!;
        expect(message.event).toEqual(event);
        expect(message.key).toBe(stream);
        expect(message.topic).toBe(topic);
        const context = topic.split('.')[1]!;
        expect(message.headers).toMatchObject({
          'content-type': JSON_CONTENT_TYPE,
          ce_specversion: CLOUDEVENTS_SPEC_VERSION,
          ce_id: event.eventId,
          ce_source: `/isms/${context}/${event.tenantId}`,
          ce_type: `isms.${context}.RiskAccepted.v1`,
          ce_subject: stream,
          ce_time: event.recordedAt,
          ce_tenantid: event.tenantId,
          ce_streamtype: event.streamType,
          ce_streamrevision: String(event.streamRevision),
          ce_globalposition: String(event.globalPosition),
          ce_correlationid: correlationId,
          ce_causationid: event.metadata.causationId,
          traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01',
        });
        // Extension attribute names: lower-case letters and digits only (CloudEvents 1.0 §3.1.1).
        for (const name of Object.keys(message.headers).filter((h) => h.startsWith('ce_'))) {
          expect(name.slice(3)).toMatch(/^[a-z0-9]+$/);
        }
      },
      testMs,
    );

    it(
      'hands each delivery its own copy of the event',
      async () => {
        const topic = await newTopic(1);
        const event = events.next(`asset-${unique()}`, 'AssetRegistered', {
          tags: ['crown-jewel'],
        });
        const copies: ReceivedMessage[] = [];
        const mutate: MessageHandler = async (message) => {
          copies.push(message);
          (message.event.data as { tags: string[] }).tags.push('tampered');
        };
        await subscribe({ groupId: `a-${unique()}`, topics: [topic] }, mutate);
        await subscribe({ groupId: `b-${unique()}`, topics: [topic] }, mutate);
        await bus.publish(topic, [event]);
        await eventually(() => expect(copies).toHaveLength(2), within);
        for (const copy of copies) {
          expect((copy.event.data as { tags: string[] }).tags).toEqual(['crown-jewel', 'tampered']);
        }
      },
      testMs,
    );

    it(
      'refuses to publish once closed',
      async () => {
        const topic = await newTopic(1);
        await bus.close();
        await expect(bus.publish(topic, [events.next(`risk-${unique()}`)])).rejects.toBeInstanceOf(
          MessageBusClosedError,
        );
        expect((await bus.health()).status).toBe('down');
      },
      testMs,
    );
  });
}

function unique(): string {
  return randomUUID().replace(/-/g, '').slice(0, 12);
}

async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: nothing after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
