export * from './tail.js';
export * from './projection-runner.js';
export * from './leadership.js';
export * from './handles.js';
