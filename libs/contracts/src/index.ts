export * from './governance.js';
export * from './controls.js';
