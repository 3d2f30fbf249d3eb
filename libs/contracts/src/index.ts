export * from './governance.js';
export * from './controls.js';
export * from './risk.js';
export * from './audit.js';
