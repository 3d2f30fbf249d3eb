export * from './contexts.js';
export * from './kafka-offsets.js';
export * from './kafka-projection-feed.js';
export * from './access-directory-feed.js';
export * from './server-adapters.module.js';
export * from './service-config.js';
export * from './service-app.js';
