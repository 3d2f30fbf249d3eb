import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ReceivedMessage } from '../message-bus.js';
import { eventsTopicFor } from '../message-bus.js';
import { RecordedEventFactory, eventually } from '../testing/index.js';
import { KafkaMessageBus } from './kafka-message-bus.js';
import { testConsumerSettings } from './kafka-test-support.js';
import type { KafkaSubscription } from './kafka-subscription.js';

/**
 * A broker stopped and started again under a running bus. The broker is a private one of
 * tools/infra (its own ISMS_INFRA_DIR and ports; the cached jars), never the shared one.
 */
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');
const dir = mkdtempSync(join(tmpdir(), 'isms-kafka-restart-'));
let env: NodeJS.ProcessEnv;
let brokers: string[];

async function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const server = createServer();
    server.once('error', fail);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => done(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

function kafkaSh(action: 'up' | 'down'): Promise<void> {
  return new Promise((done, fail) => {
    execFile(
      'bash',
      [join(ROOT, 'tools', 'infra', 'kafka.sh'), action],
      { env, timeout: 90_000 },
      (error, _stdout, stderr) =>
        error ? fail(new Error(`kafka.sh ${action}: ${error.message}\n${stderr}`)) : done(),
    );
  });
}

beforeAll(async () => {
  const port = await freePort();
  env = {
    ...process.env,
    ISMS_INFRA_DIR: dir,
    ISMS_KAFKA_PORT: String(port),
    ISMS_KAFKA_CONTROLLER_PORT: String(await freePort()),
  };
  delete env['KAFKA_BROKERS'];
  brokers = [`127.0.0.1:${port}`];
  await kafkaSh('up');
}, 120_000);

afterAll(async () => {
  await kafkaSh('down').catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
}, 60_000);

describe('KafkaMessageBus across a broker restart', () => {
  it('a subscription resumes after the broker is stopped and started again: nothing lost, health down → up', async () => {
    const bus = await KafkaMessageBus.connect({
      brokers,
      clientId: 'isms-broker-restart-test',
      connectionTimeoutMs: 1_000,
      retry: { retries: 2, initialRetryTimeMs: 100, maxRetryTimeMs: 500 },
      consumer: { ...testConsumerSettings },
    });
    try {
      const topic = eventsTopicFor(`restart-${randomUUID().slice(0, 8)}`);
      await bus.ensureTopics([topic]);
      const events = new RecordedEventFactory({ tenantId: 'tenant-restart' });
      const received: ReceivedMessage[] = [];
      const subscription = (await bus.subscribe(
        { groupId: `g-${randomUUID().slice(0, 8)}`, topics: [topic] },
        async (message) => {
          received.push(message);
        },
      )) as KafkaSubscription;
      const before = Array.from({ length: 3 }, (_, i) => events.next(`risk-a${i}`));
      await bus.publish(topic, before);
      await eventually(() => expect(received).toHaveLength(3), { timeoutMs: 15_000 });

      await kafkaSh('down');
      await expect(bus.publish(topic, [events.next('risk-lost?')])).rejects.toThrow();
      await eventually(async () => expect((await bus.health()).status).toBe('down'), {
        timeoutMs: 15_000,
      });
      // Long enough for the client to give up on the consumer (retries exhausted).
      await new Promise((r) => setTimeout(r, 4_000));

      await kafkaSh('up');
      const after = Array.from({ length: 3 }, (_, i) => events.next(`risk-b${i}`));
      await eventually(() => bus.publish(topic, after), { timeoutMs: 30_000, intervalMs: 500 });
      await eventually(
        async () => {
          expect((await bus.health()).status).toBe('up');
          const ids = new Set(received.map((m) => m.event.eventId));
          for (const event of [...before, ...after]) expect(ids.has(event.eventId)).toBe(true);
        },
        { timeoutMs: 45_000, intervalMs: 250 },
      );
      expect(subscription.failure).toBeUndefined();
      console.log(
        `broker restart: consumers made ${subscription.consumerGenerations}, deliveries ${received.length}`,
      );
    } finally {
      await bus.close();
    }
  }, 150_000);
});
