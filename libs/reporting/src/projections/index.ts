import type { ProjectionFactory } from '@isms/platform-nest';
import {
  DEVIATIONS_PROJECTION,
  EVIDENCE_PROJECTION,
  SOA_PROJECTION,
  TEST_PLANS_PROJECTION,
  deviationsProjection,
  evidenceProjection,
  soaProjection,
  testPlansProjection,
} from './controls/controls.projection.js';
import { AUDIT_PROJECTION, auditProjection } from './audit/audit.projection.js';
import {
  CERTIFICATES_PROJECTION,
  certificatesProjection,
} from './certificates/certificates.projection.js';
import {
  DECISION_LOG_PROJECTION,
  decisionLogProjection,
} from './decisions/decision-log.projection.js';
import {
  DOCUMENTS_PROJECTION,
  ORG_UNITS_PROJECTION,
  SCOPES_PROJECTION,
  documentsProjection,
  orgUnitsProjection,
  scopesProjection,
} from './governance/governance.projection.js';
import {
  METHODOLOGIES_PROJECTION,
  RISKS_PROJECTION,
  methodologiesProjection,
  risksProjection,
} from './risk/risk.projection.js';

export * from './read-models.js';
export * from './guarded.js';
export * from './governance/governance.projection.js';
export * from './risk/risk.projection.js';
export * from './risk/risk-counters.js';
export * from './controls/controls.projection.js';
export * from './decisions/decision-log.projection.js';
export * from './audit/audit.projection.js';
export * from './certificates/certificates.projection.js';

/** Reporting's read models, each rebuildable from the start and as of any point in history. */
export const REPORTING_PROJECTIONS: readonly ProjectionFactory[] = [
  orgUnitsProjection,
  scopesProjection,
  documentsProjection,
  methodologiesProjection,
  risksProjection,
  soaProjection,
  testPlansProjection,
  evidenceProjection,
  deviationsProjection,
  auditProjection,
  certificatesProjection,
  decisionLogProjection,
];

export const REPORTING_PROJECTION_NAMES: readonly string[] = [
  ORG_UNITS_PROJECTION,
  SCOPES_PROJECTION,
  DOCUMENTS_PROJECTION,
  METHODOLOGIES_PROJECTION,
  RISKS_PROJECTION,
  SOA_PROJECTION,
  TEST_PLANS_PROJECTION,
  EVIDENCE_PROJECTION,
  DEVIATIONS_PROJECTION,
  AUDIT_PROJECTION,
  CERTIFICATES_PROJECTION,
  DECISION_LOG_PROJECTION,
];
