export * from './given-when-then.js';
export * from './event-store.contract.js';
