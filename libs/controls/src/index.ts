export * from './catalogues/catalogue.js';
export * from './catalogues/format.js';
export * from './catalogues/oscal.js';
export * from './controls.module.js';
export * from './application/evidence-content-store.js';
export * from './infrastructure/evidence-content-stores.js';
export { CONTROLS_PROJECTIONS, CONTROLS_PROJECTION_NAMES } from './projections/index.js';
// The pure deciders, for tools that record valid history without the HTTP layer (tools/seed).
export { statementOfApplicability as soaDecider } from './domain/statement-of-applicability/statement-of-applicability.js';
export type { SoaCommand } from './domain/statement-of-applicability/commands.js';
export { controlTestPlan as controlTestPlanDecider } from './domain/control-test-plan/control-test-plan.js';
export type { ControlTestPlanCommand } from './domain/control-test-plan/commands.js';
export { evidenceRecord as evidenceRecordDecider } from './domain/evidence-record/evidence-record.js';
export type { EvidenceCommand } from './domain/evidence-record/commands.js';
