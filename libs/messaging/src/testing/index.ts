export * from './message-bus.contract.js';
export * from './eventually.js';
export * from './recorded-events.js';
