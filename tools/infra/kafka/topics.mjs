// Creates Kafka topics idempotently (existing topics are left as they are).
//
//   node tools/infra/kafka/topics.mjs [--brokers 127.0.0.1:9092] [--partitions 1] TOPIC...
//
// The application creates its own topics (isms.<context>.events.v1 and the dead-letter topic);
// this is for smoke tests and manual work. Exit code 0 when every topic exists afterwards.
import { Kafka, logLevel } from 'kafkajs';

const args = process.argv.slice(2);
let brokers = process.env.KAFKA_BROKERS ?? '127.0.0.1:9092';
let partitions = 1;
const topics = [];
for (let i = 0; i < args.length; i += 1) {
  if (args[i] === '--brokers') brokers = args[(i += 1)];
  else if (args[i] === '--partitions') partitions = Number(args[(i += 1)]);
  else topics.push(args[i]);
}
if (topics.length === 0) {
  console.error('usage: topics.mjs [--brokers host:port,...] [--partitions N] TOPIC...');
  process.exit(2);
}

const kafka = new Kafka({
  clientId: 'isms-infra-topics',
  brokers: brokers.split(',').map((b) => b.trim()),
  connectionTimeout: 3000,
  requestTimeout: 10000,
  logLevel: logLevel.WARN,
});
const admin = kafka.admin();
try {
  await admin.connect();
  const existing = new Set(await admin.listTopics());
  const missing = topics.filter((t) => !existing.has(t));
  if (missing.length > 0) {
    await admin.createTopics({
      waitForLeaders: true,
      timeout: 15000,
      topics: missing.map((topic) => ({ topic, numPartitions: partitions, replicationFactor: 1 })),
    });
  }
  const after = new Set(await admin.listTopics());
  const absent = topics.filter((t) => !after.has(t));
  if (absent.length > 0) throw new Error(`topics still missing: ${absent.join(', ')}`);
  for (const t of topics) console.log(`${missing.includes(t) ? 'created' : 'exists '} ${t}`);
} catch (error) {
  console.error(`kafka topics: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await admin.disconnect().catch(() => undefined);
}
