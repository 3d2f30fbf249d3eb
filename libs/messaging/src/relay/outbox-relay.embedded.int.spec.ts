import type { SqlEventStore } from '@isms/event-store';
import { createEmbeddedEventStore } from '@isms/event-store';
import { InProcessMessageBus } from '../in-process-message-bus.js';
import type { MessageBus, ReceivedMessage } from '../message-bus.js';
import { eventsTopicFor } from '../message-bus.js';
import { eventually, pause } from '../testing/index.js';
import type { OutboxRelayStatus } from './outbox-relay.js';
import { OutboxRelay, UnmappedStreamTypeError } from './outbox-relay.js';
import { append, outboxRelayScenarios, unique } from './relay-test-scenarios.js';

/**
 * The same relay and the same scenarios in the embedded mode: a PGlite event store (in memory;
 * one for the file, as opening one takes seconds) and the in-process bus as the broker.
 */
let shared: Promise<SqlEventStore> | undefined;
const embeddedStore = () => (shared ??= createEmbeddedEventStore({ dataDir: 'memory' }));
afterAll(async () => {
  await (await shared)?.close();
}, 30_000);

let broker: InProcessMessageBus;
beforeEach(() => {
  broker = new InProcessMessageBus({ defaultPartitions: 2 });
});
afterEach(() => broker.close());

outboxRelayScenarios({
  adapter: 'PGlite event store → in-process bus',
  store: async () => {
    const store = await embeddedStore();
    return { store, checkpoints: store.checkpoints };
  },
  // Every "process" reaches the same in-process broker; it outlives the relay that dies.
  connect: async () => ({ bus: broker, release: async () => {} }),
  deliveryMs: 3_000,
  quietMs: 100,
  testMs: 30_000,
});

describe('OutboxRelay routing', () => {
  it('stops at an event of an unmapped stream type: publishes what came before, keeps the checkpoint before it, retries', async () => {
    const store = await embeddedStore();
    const relayId = `relay-${unique()}`;
    await store.checkpoints.save(relayId, await store.headPosition());
    const risk = `risk-${unique()}`;
    const topic = eventsTopicFor(risk);
    await broker.ensureTopics([topic]);
    const received: ReceivedMessage[] = [];
    await broker.subscribe({ groupId: 'register', topics: [topic] }, async (m) => {
      received.push(m);
    });
    const tenantId = `tenant-${unique()}`;
    const before = await append(store, {
      tenantId,
      streamId: `risk-${unique()}`,
      streamType: 'risk',
      type: 'RiskIdentified',
    });
    const unmapped = await append(store, {
      tenantId,
      streamId: `vendor-${unique()}`,
      streamType: 'vendor',
      type: 'VendorOnboarded',
    });
    const after = await append(store, {
      tenantId,
      streamId: `risk-${unique()}`,
      streamType: 'risk',
      type: 'RiskIdentified',
    });
    const errors: unknown[] = [];
    const relay = new OutboxRelay({
      store,
      checkpoints: store.checkpoints,
      bus: broker,
      relayId,
      contexts: { risk },
      retry: { initialDelayMs: 20, maxDelayMs: 50 },
      onError: (error) => errors.push(error),
    });
    relay.start();
    try {
      await eventually(() => expect(errors.length).toBeGreaterThanOrEqual(2));
      expect(errors[0]).toBeInstanceOf(UnmappedStreamTypeError);
      expect((errors[0] as Error).message).toContain('"vendor"');
      expect(received.map((m) => m.event.eventId)).toEqual([before.eventId]);
      expect(relay.status()).toMatchObject({
        state: 'retrying',
        publishedPosition: before.globalPosition,
        checkpointPosition: before.globalPosition,
        lag: after.globalPosition - before.globalPosition,
      });
      expect(relay.status().lastError?.message).toContain('UnmappedStreamTypeError');
      expect(relay.status().consecutiveFailures).toBeGreaterThanOrEqual(2);
      expect(await store.checkpoints.load(relayId)).toBe(before.globalPosition);
      expect(unmapped.globalPosition).toBe(before.globalPosition + 1);
    } finally {
      await relay.stop();
    }

    // With a default context, the same relay id carries on from its checkpoint.
    const other = `other-${unique()}`;
    await broker.ensureTopics([eventsTopicFor(other)]);
    const fallback: ReceivedMessage[] = [];
    await broker.subscribe({ groupId: 'catch-all', topics: [eventsTopicFor(other)] }, async (m) => {
      fallback.push(m);
    });
    const resumed = new OutboxRelay({
      store,
      checkpoints: store.checkpoints,
      bus: broker,
      relayId,
      contexts: { risk },
      defaultContext: other,
    });
    resumed.start();
    try {
      await eventually(() =>
        expect(received.map((m) => m.event.eventId)).toEqual([before.eventId, after.eventId]),
      );
      expect(fallback.map((m) => m.event.eventId)).toEqual([unmapped.eventId]);
      expect(fallback[0]!.headers['ce_type']).toBe(`isms.${other}.VendorOnboarded.v1`);
      await pause(50);
      expect(received).toHaveLength(2);
    } finally {
      await resumed.stop();
    }
  }, 20_000);

  it('retries a publish the broker refused, with backoff, and reports it meanwhile', async () => {
    const store = await embeddedStore();
    const relayId = `relay-${unique()}`;
    await store.checkpoints.save(relayId, await store.headPosition());
    const risk = `risk-${unique()}`;
    await broker.ensureTopics([eventsTopicFor(risk)]);
    const received: ReceivedMessage[] = [];
    await broker.subscribe({ groupId: 'register', topics: [eventsTopicFor(risk)] }, async (m) => {
      received.push(m);
    });
    let refusals = 2;
    const flaky: MessageBus = {
      ensureTopics: (topics, options) => broker.ensureTopics(topics, options),
      subscribe: (options, handler) => broker.subscribe(options, handler),
      health: () => broker.health(),
      close: async () => {},
      publish: async (topic, events, options) => {
        if (refusals-- > 0) throw new Error('broker not available');
        await broker.publish(topic, events, options);
      },
    };
    const statuses: OutboxRelayStatus[] = [];
    const relay = new OutboxRelay({
      store,
      checkpoints: store.checkpoints,
      bus: flaky,
      relayId,
      contexts: { risk },
      retry: { initialDelayMs: 30, maxDelayMs: 100 },
      onError: (_error, status) => statuses.push(status),
    });
    const tenantId = `tenant-${unique()}`;
    const streamId = `risk-${unique()}`;
    const events = [
      await append(store, { tenantId, streamId, streamType: 'risk', type: 'RiskIdentified' }),
      await append(store, { tenantId, streamId, streamType: 'risk', type: 'RiskAssessed' }),
    ];
    relay.start();
    try {
      await eventually(() => expect(received).toHaveLength(2));
      expect(statuses.map((s) => [s.state, s.consecutiveFailures])).toEqual([
        ['retrying', 1],
        ['retrying', 2],
      ]);
      expect(statuses[0]!.lastError?.message).toContain('broker not available');
      expect(received.map((m) => m.event.eventId)).toEqual(events.map((e) => e.eventId));
      await eventually(() =>
        expect(relay.status()).toMatchObject({ state: 'live', lag: 0, consecutiveFailures: 0 }),
      );
    } finally {
      await relay.stop();
    }
  }, 20_000);

  it('routes with topicFor, e.g. by tenant, and refuses a configuration without routes', async () => {
    expect(
      () => new OutboxRelay({ store: {} as never, checkpoints: {} as never, bus: broker }),
    ).toThrow(/contexts/);
    expect(
      () =>
        new OutboxRelay({
          store: {} as never,
          checkpoints: {} as never,
          bus: broker,
          contexts: { risk: 'Risk Context' },
        }),
    ).toThrow(RangeError);

    const store = await embeddedStore();
    const relayId = `relay-${unique()}`;
    await store.checkpoints.save(relayId, await store.headPosition());
    const dedicated = `isms.risk.events.v1.tenant-${unique()}`;
    await broker.ensureTopics([dedicated]);
    const received: ReceivedMessage[] = [];
    await broker.subscribe({ groupId: 'dedicated', topics: [dedicated] }, async (m) => {
      received.push(m);
    });
    const relay = new OutboxRelay({
      store,
      checkpoints: store.checkpoints,
      bus: broker,
      relayId,
      topicFor: () => ({ topic: dedicated, context: 'risk' }),
    });
    const event = await append(store, {
      tenantId: 'tenant-big',
      streamId: `risk-${unique()}`,
      streamType: 'risk',
      type: 'RiskAccepted',
    });
    relay.start();
    try {
      await eventually(() => expect(received.map((m) => m.event.eventId)).toEqual([event.eventId]));
      expect(received[0]!.headers['ce_source']).toBe('/isms/risk/tenant-big');
    } finally {
      await relay.stop();
    }
  }, 20_000);
});
