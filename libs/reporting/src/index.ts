export * from './reporting.module.js';
export * from './projections/index.js';
export * from './application/reporting.service.js';
export * from './application/report-data.js';
export * from './application/consolidation.js';
export * from './application/scope-reports.js';
export * from './application/history-reports.js';
export * from './application/exports.js';
