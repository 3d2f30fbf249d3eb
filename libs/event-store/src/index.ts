export * from './sql-client.js';
export * from './postgres-sql-client.js';
export * from './pglite-sql-client.js';
export * from './schema.js';
export * from './sql-event-store.js';
export * from './sql-checkpoint-store.js';
export * from './factories.js';
export * from './postgres-leadership.js';
