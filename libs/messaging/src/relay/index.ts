export * from './outbox-relay.js';
