import type { ProjectionFactory } from '@isms/platform-nest';
import { assetsProjection } from './assets/assets.projection.js';
import { catalogueProjection } from './catalogue/catalogue.projection.js';
import { methodologiesProjection } from './methodologies/methodologies.projection.js';
import { registerProjection } from './register/register.projection.js';

export * from './read-models.js';
export * from './assets/assets.projection.js';
export * from './catalogue/catalogue.projection.js';
export * from './methodologies/methodologies.projection.js';
export * from './register/register.projection.js';

/** The risk context's read models, each rebuildable as of any point in history. */
export const RISK_PROJECTIONS: readonly ProjectionFactory[] = [
  methodologiesProjection,
  assetsProjection,
  catalogueProjection,
  registerProjection,
];
