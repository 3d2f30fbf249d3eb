export * from './context-test-app.js';
