export * from './domain/methodology/methodology-rules.js';
export { DEFAULT_THREATS, DEFAULT_VULNERABILITIES } from './domain/catalogue/default-catalogue.js';
