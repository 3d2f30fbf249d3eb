export * from './message-bus.js';
export * from './cloudevents.js';
export * from './idempotent-consumer.js';
export * from './in-process-message-bus.js';
export * from './kafka/index.js';
export * from './relay/index.js';
