export * from './risk.module.js';
export * from './domain/methodology/methodology-rules.js';
export { DEFAULT_THREATS, DEFAULT_VULNERABILITIES } from './domain/catalogue/default-catalogue.js';
export { RISK_PROJECTIONS } from './projections/index.js';
// The policy's commands too, for tools that run the projections without the Nest app (tools/bench).
export {
  ACCEPTANCE_POLICY,
  AcceptancePolicyCommands,
  acceptancePolicyProjection,
} from './application/acceptance-policy.js';
// The pure deciders, for tools that record valid history without the HTTP layer (tools/seed).
export { risk as riskDecider } from './domain/risk/risk.js';
export type { RiskCommand } from './domain/risk/commands.js';
export { riskMethodology as riskMethodologyDecider } from './domain/methodology/methodology.js';
export type { RiskMethodologyCommand } from './domain/methodology/commands.js';
export { asset as assetDecider } from './domain/asset/asset.js';
export type { AssetCommand } from './domain/asset/commands.js';
export { riskStatus } from './domain/risk/risk-state.js';
