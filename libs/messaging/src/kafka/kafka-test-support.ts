import type { Admin } from 'kafkajs';
import { Kafka, logLevel } from 'kafkajs';
import type { KafkaMessageBusOptions } from './kafka-message-bus.js';
import { KafkaMessageBus } from './kafka-message-bus.js';

/*
 * For the integration specs only (not exported): the broker of `bash tools/infra/up.sh`, or the
 * one KAFKA_BROKERS names, with consumer timings short enough for a 2-core test machine.
 */

export const kafkaBrokers: readonly string[] = (process.env['KAFKA_BROKERS'] ?? '127.0.0.1:9092')
  .split(',')
  .map((broker) => broker.trim())
  .filter((broker) => broker.length > 0);

/** Joins, rebalances and hand-overs within about a second; a killed member is noticed after 6 s. */
export const testConsumerSettings = {
  sessionTimeoutMs: 6_000, // the broker's group.min.session.timeout.ms
  heartbeatIntervalMs: 300,
  rebalanceTimeoutMs: 8_000,
  maxWaitTimeMs: 200,
  commitIntervalMs: 500,
  joinTimeoutMs: 20_000,
} as const;

const UNREACHABLE_HINT =
  'Start the local servers with `bash tools/infra/up.sh` (or point KAFKA_BROKERS at a broker).';

/** A bus on the test broker; fails loudly, with the fix, when the broker is unreachable. */
export async function connectTestBus(
  overrides: Partial<KafkaMessageBusOptions> = {},
): Promise<KafkaMessageBus> {
  try {
    return await KafkaMessageBus.connect({
      brokers: kafkaBrokers,
      clientId: 'isms-ledger-tests',
      connectionTimeoutMs: 2_000,
      retry: { retries: 3, initialRetryTimeMs: 100, maxRetryTimeMs: 1_000 },
      consumer: testConsumerSettings,
      ...overrides,
    });
  } catch (error) {
    throw new Error(`${(error as Error).message}. ${UNREACHABLE_HINT}`, { cause: error });
  }
}

/** Partition counts of topics, read with a separate admin client. */
export async function partitionCounts(topics: readonly string[]): Promise<Record<string, number>> {
  return withAdmin(async (admin) => {
    const metadata = await admin.fetchTopicMetadata({ topics: [...topics] });
    return Object.fromEntries(metadata.topics.map((t) => [t.name, t.partitions.length]));
  });
}

async function withAdmin<T>(work: (admin: Admin) => Promise<T>): Promise<T> {
  const admin = new Kafka({
    clientId: 'isms-ledger-tests-admin',
    brokers: [...kafkaBrokers],
    logLevel: logLevel.NOTHING,
  }).admin();
  await admin.connect();
  try {
    return await work(admin);
  } finally {
    await admin.disconnect();
  }
}

/** Deletes the topics the test buses created, so runs don't pile topics up on a shared broker. */
export class TopicJanitor {
  private readonly buses: KafkaMessageBus[] = [];

  track<T extends KafkaMessageBus>(bus: T): T {
    this.buses.push(bus);
    return bus;
  }

  async cleanup(): Promise<void> {
    const topics = [...new Set(this.buses.flatMap((bus) => bus.topicsCreated()))];
    this.buses.length = 0;
    if (topics.length === 0) return;
    await withAdmin((admin) => admin.deleteTopics({ topics, timeout: 10_000 }));
  }
}
