// Smoke test for the local broker: create a topic, produce one message, consume it back
// with a consumer group (exercises the group coordinator on __consumer_offsets).
//
//   node tools/infra/kafka/smoke.mjs [--brokers 127.0.0.1:9092]
//
// Exit code 0 when the message came back within 30 s.
import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const i = process.argv.indexOf('--brokers');
const brokers = (i >= 0 ? process.argv[i + 1] : (process.env.KAFKA_BROKERS ?? '127.0.0.1:9092'))
  .split(',')
  .map((b) => b.trim());
const topic = 'isms.infra-smoke.events.v1';
const runId = randomUUID();
const kafka = new Kafka({ clientId: 'isms-infra-smoke', brokers, logLevel: logLevel.WARN });
const started = Date.now();

const admin = kafka.admin();
await admin.connect();
if (!(await admin.listTopics()).includes(topic)) {
  await admin.createTopics({ waitForLeaders: true, topics: [{ topic, numPartitions: 1 }] });
}
await admin.disconnect();

const producer = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
await producer.connect();
const [meta] = await producer.send({
  topic,
  acks: -1,
  messages: [{ key: runId, value: JSON.stringify({ runId, at: new Date().toISOString() }) }],
});
await producer.disconnect();

const consumer = kafka.consumer({ groupId: `isms-infra-smoke-${runId}` });
await consumer.connect();
await consumer.subscribe({ topic, fromBeginning: true });
const received = new Promise((resolve, reject) => {
  const timer = setTimeout(() => reject(new Error('message not consumed within 30 s')), 30000);
  consumer.run({
    eachMessage: async ({ message, partition }) => {
      if (message.key?.toString() === runId) {
        clearTimeout(timer);
        resolve({ partition, offset: message.offset });
      }
    },
  });
});
try {
  const got = await received;
  console.log(
    `kafka smoke: produced at offset ${meta.baseOffset}, consumed partition ${got.partition} offset ${got.offset} in ${Date.now() - started} ms`,
  );
} catch (error) {
  console.error(`kafka smoke FAILED: ${error.message}`);
  process.exitCode = 1;
} finally {
  await consumer.disconnect();
}
