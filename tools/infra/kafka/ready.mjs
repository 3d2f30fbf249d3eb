// Waits until a Kafka cluster answers an admin `describeCluster`, within a time ceiling.
// Used by tools/infra/kafka.sh (start-up and `status`); also usable by hand.
//
//   node tools/infra/kafka/ready.mjs [--brokers 127.0.0.1:9092] [--timeout-ms 60000] [--pid N]
//                                    [--warm]
//
// --warm also waits for the group coordinator (it creates __consumer_offsets on first use) and
// for the producer-id allocation an idempotent producer needs, so that the first consumer or
// producer of a test does not spend seconds on "coordinator is loading" retries.
//
// Exit codes: 0 ready (prints one summary line), 1 not ready within the ceiling,
// 3 the process given with --pid died while we waited (no point in waiting longer).
import { Kafka, logLevel } from 'kafkajs';

function option(name, fallback) {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && i + 1 < process.argv.length ? process.argv[i + 1] : fallback;
}

const brokers = option('brokers', process.env.KAFKA_BROKERS ?? '127.0.0.1:9092')
  .split(',')
  .map((b) => b.trim())
  .filter(Boolean);
const timeoutMs = Number(option('timeout-ms', '60000'));
const pid = option('pid', undefined);
const warm = process.argv.includes('--warm');
const deadline = Date.now() + timeoutMs;

function processAlive(p) {
  try {
    process.kill(Number(p), 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

let lastError = 'no attempt made';
while (Date.now() < deadline) {
  if (pid !== undefined && !processAlive(pid)) {
    console.error(`kafka ready-check: process ${pid} exited before the broker became ready`);
    process.exit(3);
  }
  const kafka = new Kafka({
    clientId: 'isms-infra-ready',
    brokers,
    connectionTimeout: 1500,
    requestTimeout: 5000,
    retry: { retries: 0 },
    logLevel: logLevel.NOTHING,
  });
  const admin = kafka.admin();
  try {
    await admin.connect();
    const cluster = await admin.describeCluster();
    if (cluster.brokers.length > 0 && cluster.controller !== null && cluster.controller >= 0) {
      if (warm) {
        // Finds the group coordinator; kafkajs retries while it is not available yet.
        await admin.describeGroups(['isms-infra-ready']);
        // An idempotent producer asks for a producer id (InitProducerId) when it connects.
        const producer = kafka.producer({
          idempotent: true,
          maxInFlightRequests: 1,
          retry: { retries: 2, initialRetryTime: 200 },
        });
        try {
          await producer.connect();
        } finally {
          await producer.disconnect().catch(() => undefined);
        }
      }
      console.log(
        `kafka ready: cluster ${cluster.clusterId}, brokers ${cluster.brokers
          .map((b) => `${b.host}:${b.port}`)
          .join(',')}, controller ${cluster.controller}`,
      );
      await admin.disconnect().catch(() => undefined);
      process.exit(0);
    }
    lastError = `cluster not ready yet (${cluster.brokers.length} brokers, controller ${cluster.controller})`;
  } catch (error) {
    lastError = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  }
  await admin.disconnect().catch(() => undefined);
  await sleep(500);
}
console.error(
  `kafka ready-check: ${brokers.join(',')} not ready within ${timeoutMs} ms (${lastError})`,
);
process.exit(1);
