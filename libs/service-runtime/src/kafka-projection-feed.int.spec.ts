import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import type { Projection, RecordedEvent } from '@isms/event-sourcing';
import { GovernanceStreamTypes } from '@isms/contracts';
import { KafkaMessageBus } from '@isms/messaging';
import { eventually, RecordedEventFactory } from '@isms/messaging/testing';
import { InMemoryReadStore } from '@isms/read-store';
import { serviceEventsTopic } from './contexts.js';
import { KafkaEndOffsets } from './kafka-offsets.js';
import { KafkaProjectionFeed } from './kafka-projection-feed.js';

/** Real Kafka: the broker of `bash tools/infra/up.sh`, or the one KAFKA_BROKERS names. */
function brokers(): string[] {
  return (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092').split(',');
}

/** A read model of scopes, one document per stream, guarded by revision; counts real writes. */
function scopesProjection(readStore: InMemoryReadStore, writes: string[]): Projection {
  const scopes = readStore.collection<{ name: string; revision: number }>('scopes');
  return {
    name: 'scopes',
    handles: { streamTypes: [GovernanceStreamTypes.IsmsScope] },
    async apply(event: RecordedEvent) {
      const result = await scopes.upsert(
        event.streamId,
        { name: (event.data as { name: string }).name, revision: event.streamRevision },
        { revision: event.streamRevision },
      );
      if (result.outcome === 'applied') writes.push(`${event.streamId}@${event.streamRevision}`);
    },
    reset: () => scopes.drop(),
  };
}

describe('KafkaProjectionFeed on Kafka: other contexts’ events into a service’s read models', () => {
  const deployment = `feed_${randomUUID().replace(/-/g, '').slice(0, 8)}`;
  const topic = serviceEventsTopic('governance', deployment);
  let bus: KafkaMessageBus;
  let offsets: KafkaEndOffsets;

  beforeAll(async () => {
    bus = await KafkaMessageBus.connect({ brokers: brokers(), clientId: 'feed-spec' });
    offsets = KafkaEndOffsets.create(brokers());
    await bus.ensureTopics([topic]);
  }, 30_000);

  afterAll(async () => {
    await bus?.close();
    await offsets?.close();
    // The topics of this run only (prefixed by its deployment name).
    const admin = new Kafka({
      clientId: 'feed-spec-cleanup',
      brokers: brokers(),
      logLevel: logLevel.NOTHING,
    }).admin();
    await admin.connect();
    try {
      const topics = (await admin.listTopics()).filter((name) => name.startsWith(`${deployment}.`));
      if (topics.length > 0) await admin.deleteTopics({ topics });
    } finally {
      await admin.disconnect();
    }
  }, 30_000);

  it('applies each published event once, also when Kafka delivers it again; replays a reset read model', async () => {
    const events = new RecordedEventFactory({
      tenantId: 'tenant-acme',
      streamType: GovernanceStreamTypes.IsmsScope,
    });
    const a = `isms-scope-${randomUUID()}`;
    const b = `isms-scope-${randomUUID()}`;
    const published = [
      events.next(a, 'governance.IsmsScopeDefined', { name: 'France v1' }),
      events.next(b, 'governance.IsmsScopeDefined', { name: 'Germany v1' }),
      events.next(a, 'governance.IsmsScopeRevised', { name: 'France v2' }),
    ];
    // Another context's stream type on the same topic: not for this read model.
    const other = new RecordedEventFactory({ streamType: 'org-structure' }).next('org-structure-x');
    await bus.publish(topic, [...published, other], { context: 'governance' });

    const readStore = new InMemoryReadStore();
    const writes: string[] = [];
    const feed = new KafkaProjectionFeed({ bus, context: 'risk', deployment, endOffsets: offsets });
    const projection = scopesProjection(readStore, writes);
    expect(feed.isOwnStreamType(GovernanceStreamTypes.IsmsScope)).toBe(false);
    feed.attach(projection, [GovernanceStreamTypes.IsmsScope]);
    // A recorder (the reporting service's event mirror) gets every event, with where it came from.
    const recorded: string[] = [];
    feed.record({
      name: 'mirror',
      record: async (event, origin) => {
        recorded.push(`${origin.context}:${event.eventId}`);
      },
    });
    // A recorder of what the read models consume (a write service's mirror): the scopes only.
    const consumed: string[] = [];
    feed.record(
      {
        name: 'consumed-mirror',
        record: async (event) => {
          consumed.push(event.eventId);
        },
      },
      { only: 'consumed' },
    );
    await feed.start();
    try {
      const scopes = readStore.collection<{ name: string }>('scopes');
      await eventually(async () => expect((await scopes.get(a))?.name).toBe('France v2'), {
        timeoutMs: 20_000,
      });
      expect((await scopes.get(b))?.name).toBe('Germany v1');
      expect(writes).toEqual([`${a}@1`, `${b}@1`, `${a}@2`]);
      await eventually(async () => expect(recorded).toHaveLength(4), { timeoutMs: 20_000 });
      expect(recorded).toEqual([...published, other].map((event) => `governance:${event.eventId}`));
      expect(consumed).toEqual(published.map((event) => event.eventId));

      // A redelivery (a relay that crashed before saving its checkpoint publishes again).
      await bus.publish(topic, published, { context: 'governance' });
      await eventually(
        async () => {
          const [status] = await feed.status();
          expect(status).toMatchObject({ name: 'scopes@kafka', state: 'live', lag: 0 });
          expect(status!.eventsApplied).toBe(6);
        },
        { timeoutMs: 20_000 },
      );
      expect(writes).toHaveLength(3);

      // Rebuild: the read model is reset and replayed from the beginning of the topic.
      await projection.reset!();
      expect(await scopes.get(a)).toBeUndefined();
      await feed.replay('scopes');
      expect((await scopes.get(a))?.name).toBe('France v2');
      expect((await scopes.get(b))?.name).toBe('Germany v1');
    } finally {
      await feed.stop();
    }
  }, 90_000);
});
