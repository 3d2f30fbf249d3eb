export * from './read-store.contract.js';
export * from './mongo-test-database.js';
