export * from './kafka-message-bus.js';
export type { KafkaLogEntry, KafkaLogSink } from './kafka-log.js';
