import { randomUUID } from 'node:crypto';
import type { CheckpointStore, EventStore, RecordedEvent } from '@isms/event-sourcing';
import { JSON_CONTENT_TYPE } from '../cloudevents.js';
import { InMemoryProcessedEventLog, idempotentHandler } from '../idempotent-consumer.js';
import type { MessageBus, ReceivedMessage, Subscription } from '../message-bus.js';
import { eventsTopicFor } from '../message-bus.js';
import { eventually, gate, pause } from '../testing/index.js';
import { OutboxRelay } from './outbox-relay.js';
import type { OutboxRelayOptions } from './outbox-relay.js';

/*
 * Relay scenarios shared by the server run (PostgreSQL + Kafka) and the embedded run (PGlite +
 * in-process bus): the same relay code has to pass the same tests. Not exported from the lib.
 */

export interface RelayTestStore {
  readonly store: EventStore;
  readonly checkpoints: CheckpointStore;
}

/** A connection to the broker, as one process holds it. */
export interface RelayTestBus {
  readonly bus: MessageBus;
  /** What the death of the process does to its connection (Kafka: close it; in-process: nothing). */
  release(): Promise<void>;
}

export interface RelayTestFixture {
  readonly adapter: string;
  /** The store of this test (tests run one after the other; a store may be shared). */
  store(): Promise<RelayTestStore>;
  /** A broker connection for a relay or consumer "process"; every call reaches the same broker. */
  connect(): Promise<RelayTestBus>;
  readonly deliveryMs: number;
  readonly quietMs: number;
  readonly testMs: number;
}

export function outboxRelayScenarios(fixture: RelayTestFixture): void {
  const within = { timeoutMs: fixture.deliveryMs };

  describe(`OutboxRelay: ${fixture.adapter}`, () => {
    let cleanups: (() => Promise<void>)[];

    beforeEach(() => {
      cleanups = [];
    });

    afterEach(async () => {
      for (const cleanup of cleanups.reverse()) await cleanup();
    }, fixture.testMs);

    async function connect(): Promise<RelayTestBus> {
      const connection = await fixture.connect();
      cleanups.push(() => connection.release());
      return connection;
    }

    function startRelay(options: OutboxRelayOptions): OutboxRelay {
      const relay = new OutboxRelay({ pollIntervalMs: 200, stopTimeoutMs: 5_000, ...options });
      relay.start();
      cleanups.push(() => relay.stop());
      return relay;
    }

    async function subscribe(
      bus: MessageBus,
      topics: string[],
      handler: (message: ReceivedMessage) => Promise<void>,
    ): Promise<Subscription> {
      const subscription = await bus.subscribe(
        { groupId: `consumer-${unique()}`, topics },
        handler,
      );
      cleanups.push(() => subscription.close());
      return subscription;
    }

    /** A fresh test: a relay id whose checkpoint is the store's head, so earlier tests' events don't count. */
    async function freshRelayId({ store, checkpoints }: RelayTestStore): Promise<string> {
      const relayId = `relay-${unique()}`;
      await checkpoints.save(relayId, await store.headPosition());
      return relayId;
    }

    it(
      'publishes appended events once, in order, to their context topic as CloudEvents',
      async () => {
        const target = await fixture.store();
        const { store, checkpoints } = target;
        const relayId = await freshRelayId(target);
        const risk = `risk-${unique()}`;
        const controls = `controls-${unique()}`;
        const riskTopic = eventsTopicFor(risk);
        const controlsTopic = eventsTopicFor(controls);
        const { bus } = await connect();
        await bus.ensureTopics([riskTopic, controlsTopic], { partitions: 2 });

        const tenantId = `tenant-${unique()}`;
        const riskStreams = [1, 2, 3].map(() => `risk-${unique()}`);
        const appended: RecordedEvent[] = [];
        for (const type of ['RiskIdentified', 'RiskAssessed', 'RiskTreated']) {
          for (const streamId of riskStreams) {
            appended.push(await append(store, { tenantId, streamId, streamType: 'risk', type }));
          }
        }
        const controlStream = `control-${unique()}`;
        appended.push(
          await append(store, {
            tenantId,
            streamId: controlStream,
            streamType: 'control',
            type: 'ControlImplemented',
          }),
          await append(store, {
            tenantId,
            streamId: controlStream,
            streamType: 'control',
            type: 'ControlTested',
          }),
        );

        const received: ReceivedMessage[] = [];
        const consumer = await connect();
        await subscribe(consumer.bus, [riskTopic, controlsTopic], async (m) => {
          received.push(m);
        });
        const relay = startRelay({
          store,
          checkpoints,
          bus,
          relayId,
          contexts: { risk, control: controls },
        });

        await eventually(() => expect(received).toHaveLength(appended.length), within);
        // Appended while live: the relay is woken by the append, not by its poll.
        const late = await append(store, {
          tenantId,
          streamId: riskStreams[0]!,
          streamType: 'risk',
          type: 'RiskAccepted',
        });
        appended.push(late);
        await eventually(() => expect(received).toHaveLength(appended.length), within);
        await pause(fixture.quietMs);
        expect(received).toHaveLength(appended.length);

        // Each event once, each stream in revision order, on its context's topic.
        expect(received.map((m) => m.event.eventId).sort()).toEqual(
          appended.map((e) => e.eventId).sort(),
        );
        for (const streamId of [...riskStreams, controlStream]) {
          const revisions = received
            .filter((m) => m.key === streamId)
            .map((m) => m.event.streamRevision);
          expect(revisions).toEqual(revisions.map((_, i) => i + 1));
        }
        for (const message of received) {
          const event = appended.find((e) => e.eventId === message.event.eventId)!;
          const context = event.streamType === 'risk' ? risk : controls;
          expect(message.topic).toBe(eventsTopicFor(context));
          expect(message.event).toEqual(event);
          expect(message.key).toBe(event.streamId);
          expect(message.headers).toMatchObject({
            'content-type': JSON_CONTENT_TYPE,
            ce_specversion: '1.0',
            ce_id: event.eventId,
            ce_source: `/isms/${context}/${tenantId}`,
            ce_type: `isms.${context}.${event.type}.v1`,
            ce_subject: event.streamId,
            ce_time: event.recordedAt,
            ce_tenantid: tenantId,
            ce_streamtype: event.streamType,
            ce_streamrevision: String(event.streamRevision),
            ce_globalposition: String(event.globalPosition),
            ce_correlationid: event.metadata.correlationId,
          });
        }

        const head = await store.headPosition();
        await eventually(() => expect(relay.status().checkpointPosition).toBe(head), within);
        expect(relay.status()).toMatchObject({
          state: 'live',
          publishedPosition: head,
          headPosition: head,
          lag: 0,
          publishedEvents: appended.length,
          consecutiveFailures: 0,
        });
        await relay.stop();
        expect(relay.status().state).toBe('stopped');
        expect(await checkpoints.load(relayId)).toBe(head);
      },
      fixture.testMs,
    );

    it(
      'delivers an event once to an idempotent consumer although the relay was killed between publish and checkpoint and restarted',
      async () => {
        const target = await fixture.store();
        const { store, checkpoints } = target;
        const relayId = await freshRelayId(target);
        const startPosition = await checkpoints.load(relayId);
        const audit = `audit-${unique()}`;
        const topic = eventsTopicFor(audit);
        const routes = { contexts: { finding: audit } };
        const consumerBus = await connect();
        await consumerBus.bus.ensureTopics([topic], { partitions: 2 });

        // The consumer: handles each (stream, revision) once; deliveries are counted underneath.
        const deliveries: string[] = [];
        const effects: RecordedEvent[] = [];
        const duplicates: string[] = [];
        const handle = idempotentHandler(async (m) => void effects.push(m.event), {
          consumerId: 'corrective-action-notifier',
          log: new InMemoryProcessedEventLog(),
          onDuplicate: (m) => duplicates.push(m.event.eventId),
        });
        await subscribe(consumerBus.bus, [topic], async (m) => {
          deliveries.push(m.event.eventId);
          await handle(m);
        });

        const tenantId = `tenant-${unique()}`;
        const findings = [`finding-${unique()}`, `finding-${unique()}`];
        const first: RecordedEvent[] = [];
        for (const type of ['NonconformityRaised', 'CorrectiveActionPlanned']) {
          for (const streamId of findings) {
            first.push(await append(store, { tenantId, streamId, streamType: 'finding', type }));
          }
        }

        // Relay A publishes the first events; the broker acknowledges; then the process dies
        // before its checkpoint is written (the save never completes).
        const killed = await connect();
        const crashPoint = gate<number>();
        const relayA = startRelay({
          store,
          bus: killed.bus,
          relayId,
          ...routes,
          stopTimeoutMs: 200,
          checkpoints: {
            load: (id) => checkpoints.load(id),
            saveMany: (positions) => checkpoints.saveMany(positions),
            save: (_id, position) => {
              crashPoint.resolve(position);
              return new Promise<void>(() => undefined); // the process is gone
            },
          },
        });
        const publishedUpTo = await withTimeout(crashPoint.promise, fixture.deliveryMs);
        expect(publishedUpTo).toBe(first[first.length - 1]!.globalPosition);
        expect(relayA.status().publishedPosition).toBe(publishedUpTo);
        await relayA.stop(); // abandons the hanging save after stopTimeoutMs
        await killed.release();
        expect(await checkpoints.load(relayId)).toBe(startPosition);
        await eventually(() => expect(effects).toHaveLength(first.length), within);

        // While no relay runs, the audit programme goes on.
        const whileDown: RecordedEvent[] = [
          await append(store, {
            tenantId,
            streamId: findings[0]!,
            streamType: 'finding',
            type: 'NonconformityClosed',
          }),
          await append(store, {
            tenantId,
            streamId: `finding-${unique()}`,
            streamType: 'finding',
            type: 'ObservationRecorded',
          }),
        ];

        // Relay B (a new process) starts from the saved checkpoint: it publishes the first
        // events again (the consumer sees them twice) and then the ones appended meanwhile.
        const restarted = await connect();
        const relayB = startRelay({ store, checkpoints, bus: restarted.bus, relayId, ...routes });
        const all = [...first, ...whileDown];
        await eventually(() => expect(effects).toHaveLength(all.length), within);
        await eventually(() => expect(duplicates).toHaveLength(first.length), within);
        await pause(fixture.quietMs);

        // Once each in effect, in stream order; the redeliveries changed nothing.
        expect(effects.map((e) => e.eventId).sort()).toEqual(all.map((e) => e.eventId).sort());
        for (const streamId of new Set(all.map((e) => e.streamId))) {
          expect(effects.filter((e) => e.streamId === streamId).map((e) => e.eventId)).toEqual(
            all.filter((e) => e.streamId === streamId).map((e) => e.eventId),
          );
        }
        expect(duplicates.sort()).toEqual(first.map((e) => e.eventId).sort());
        for (const event of first) {
          expect(deliveries.filter((id) => id === event.eventId)).toHaveLength(2);
        }
        for (const event of whileDown) {
          expect(deliveries.filter((id) => id === event.eventId)).toHaveLength(1);
        }

        // A clean stop saves the checkpoint: the next start publishes only what is new.
        const head = await store.headPosition();
        await eventually(() => expect(relayB.status().checkpointPosition).toBe(head), within);
        await relayB.stop();
        const afterStop = await append(store, {
          tenantId,
          streamId: findings[1]!,
          streamType: 'finding',
          type: 'NonconformityClosed',
        });
        const relayC = startRelay({ store, checkpoints, bus: restarted.bus, relayId, ...routes });
        await eventually(() => expect(effects).toHaveLength(all.length + 1), within);
        await pause(fixture.quietMs);
        expect(deliveries).toHaveLength(first.length * 2 + whileDown.length + 1);
        expect(effects[effects.length - 1]!.eventId).toBe(afterStop.eventId);
        expect(relayC.status().publishedEvents).toBe(1);
      },
      fixture.testMs,
    );
  });
}

const METADATA = {
  actor: { userId: 'user-lead-auditor', role: 'auditor' },
  occurredAt: '2026-05-04T09:00:00.000Z',
};

export async function append(
  store: EventStore,
  event: {
    readonly tenantId: string;
    readonly streamId: string;
    readonly streamType: string;
    readonly type: string;
  },
): Promise<RecordedEvent> {
  const result = await store.append({
    tenantId: event.tenantId,
    streamId: event.streamId,
    streamType: event.streamType,
    expectedRevision: 'any',
    events: [
      {
        type: event.type,
        data: { note: `${event.type} on ${event.streamId}` },
        metadata: { ...METADATA, correlationId: randomUUID() },
      },
    ],
  });
  return result.events[0]!;
}

export function unique(): string {
  return randomUUID().replace(/-/g, '').slice(0, 10);
}

async function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      promise,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`nothing after ${ms} ms`)), ms);
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
