export * from './catalogues/catalogue.js';
export * from './catalogues/format.js';
