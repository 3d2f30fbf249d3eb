export * from './catalogues/catalogue.js';
export * from './catalogues/format.js';
export * from './catalogues/oscal.js';
export * from './controls.module.js';
export * from './application/evidence-content-store.js';
export * from './infrastructure/evidence-content-stores.js';
export { CONTROLS_PROJECTIONS, CONTROLS_PROJECTION_NAMES } from './projections/index.js';
