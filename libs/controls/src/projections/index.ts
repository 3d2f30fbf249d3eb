import type { ProjectionFactory } from '@isms/platform-nest';
import { CATALOGUES_PROJECTION, cataloguesProjection } from './catalogues/catalogues.projection.js';
import { EVIDENCE_PROJECTION, evidenceProjection } from './evidence/evidence.projection.js';
import {
  GROUP_CONTROLS_PROJECTION,
  groupControlsProjection,
} from './group-controls/group-controls.projection.js';
import {
  RISK_LINKS_PROJECTION,
  riskLinksOfScope,
  riskLinksProjection,
} from './risk-links/risk-links.projection.js';
import { SOA_PROJECTION, soaProjection } from './soa/soa.projection.js';
import { TEST_PLANS_PROJECTION, testPlansProjection } from './test-plans/test-plans.projection.js';

export * from './read-models.js';
export { soaVersionId } from './soa/soa.projection.js';
export { riskLinksOfScope };

/** Every read model of the controls context, by projection name. */
export const CONTROLS_PROJECTIONS: Readonly<Record<string, ProjectionFactory>> = {
  [CATALOGUES_PROJECTION]: cataloguesProjection,
  [SOA_PROJECTION]: soaProjection,
  [GROUP_CONTROLS_PROJECTION]: groupControlsProjection,
  [TEST_PLANS_PROJECTION]: testPlansProjection,
  [EVIDENCE_PROJECTION]: evidenceProjection,
  [RISK_LINKS_PROJECTION]: riskLinksProjection,
};
export const CONTROLS_PROJECTION_NAMES = Object.keys(CONTROLS_PROJECTIONS);
