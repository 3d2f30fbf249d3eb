import { InProcessMessageBus, UnknownTopicError, partitionFor } from './in-process-message-bus.js';
import { deadLetterTopicFor, resolveRetryPolicy, retryDelayMs } from './message-bus.js';
import {
  RecordedEventFactory,
  eventually,
  gate,
  messageBusContract,
  pause,
} from './testing/index.js';

messageBusContract({
  adapter: 'in-process',
  create: async () => new InProcessMessageBus(),
  timeouts: { deliveryMs: 2_000, quietMs: 100, testMs: 10_000 },
});

describe('InProcessMessageBus specifics', () => {
  const events = new RecordedEventFactory();

  it('requires topics to exist, like a broker without auto-creation', async () => {
    const bus = new InProcessMessageBus();
    await expect(
      bus.publish('isms.risk.events.v1', [events.next('risk-1')]),
    ).rejects.toBeInstanceOf(UnknownTopicError);
    await expect(
      bus.subscribe({ groupId: 'g', topics: ['isms.risk.events.v1'] }, async () => {}),
    ).rejects.toBeInstanceOf(UnknownTopicError);
    await bus.close();
  });

  it('reports consumer lag per group and creates the dead-letter topic on subscribe', async () => {
    const bus = new InProcessMessageBus({ defaultPartitions: 2 });
    const topic = 'isms.controls.events.v1';
    await bus.ensureTopics([topic]);
    const gateOpen = gate();
    const subscription = await bus.subscribe({ groupId: 'soa', topics: [topic] }, async () => {
      await gateOpen.promise;
    });
    await bus.publish(topic, [events.next('control-1'), events.next('control-1')]);
    expect(bus.lag('soa')).toBe(2);
    gateOpen.resolve();
    await eventually(() => expect(bus.lag('soa')).toBe(0));
    await expect(bus.publish(deadLetterTopicFor(topic), [events.next('control-2')])).resolves.toBe(
      undefined,
    );
    await subscription.close();
    await bus.close();
  });

  it('close() waits for in-flight handlers of every subscription', async () => {
    const bus = new InProcessMessageBus();
    const topic = 'isms.audit.events.v1';
    await bus.ensureTopics([topic]);
    let finished = false;
    const started = gate();
    await bus.subscribe({ groupId: 'g', topics: [topic] }, async () => {
      started.resolve();
      await pause(50);
      finished = true;
    });
    await bus.publish(topic, [events.next('audit-1')]);
    await started.promise;
    await bus.close();
    expect(finished).toBe(true);
  });

  it('maps a key to a stable partition and validates retry policies', () => {
    expect(partitionFor('risk-1', 4)).toBe(partitionFor('risk-1', 4));
    const spread = new Set(Array.from({ length: 50 }, (_, i) => partitionFor(`risk-${i}`, 4)));
    expect(spread.size).toBe(4);
    expect(() => resolveRetryPolicy({ maxAttempts: 0 })).toThrow(RangeError);
    expect(retryDelayMs(resolveRetryPolicy({ initialDelayMs: 100, maxDelayMs: 300 }), 1)).toBe(100);
    expect(retryDelayMs(resolveRetryPolicy({ initialDelayMs: 100, maxDelayMs: 300 }), 3)).toBe(300);
  });
});
