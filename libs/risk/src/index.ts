export * from './risk.module.js';
export * from './domain/methodology/methodology-rules.js';
export { DEFAULT_THREATS, DEFAULT_VULNERABILITIES } from './domain/catalogue/default-catalogue.js';
export { RISK_PROJECTIONS } from './projections/index.js';
export { ACCEPTANCE_POLICY, acceptancePolicyProjection } from './application/acceptance-policy.js';
