export * from './tail.js';
export * from './projection-runner.js';
