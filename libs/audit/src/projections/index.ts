import type { ProjectionFactory } from '@isms/platform-nest';
import { certificatesProjection } from './certificates/certificates.projection.js';
import { engagementsProjection } from './engagements/engagements.projection.js';
import { evidenceProjection } from './evidence/evidence.projection.js';
import { programmesProjection } from './programmes/programmes.projection.js';
import { soaApplicabilityProjection } from './soa/soa-applicability.projection.js';

export * from './read-models.js';
export * from './certificates/certificates.projection.js';
export * from './engagements/engagements.projection.js';
export * from './evidence/evidence.projection.js';
export * from './programmes/programmes.projection.js';
export * from './soa/soa-applicability.projection.js';

/** The audit context's read models, each rebuildable as of any point in history. */
export const AUDIT_PROJECTIONS: readonly ProjectionFactory[] = [
  programmesProjection,
  engagementsProjection,
  soaApplicabilityProjection,
  evidenceProjection,
  certificatesProjection,
];
