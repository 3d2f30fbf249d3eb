export * from './audit.module.js';
export { AUDIT_PROJECTIONS } from './projections/index.js';
export {
  requiredSampleSize,
  proposeSample,
  IAF_MD1_FACTORS,
} from './domain/programme/site-sampling.js';
export { programmeCoverage } from './domain/programme/coverage.js';
export { ISMS_CLAUSES, generateChecklist } from './domain/engagement/checklist.js';
// The pure decider of engagements, for tools that record valid history (tools/seed).
export { engagement as engagementDecider } from './domain/engagement/engagement.js';
export type { EngagementCommand } from './domain/engagement/commands.js';
