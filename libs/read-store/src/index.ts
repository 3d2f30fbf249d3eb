export * from './read-store.js';
export * from './document-rules.js';
export * from './in-memory-read-store.js';
export * from './mongo/index.js';
