// Shared Jest settings: native ESM (NestJS 12 ships ESM only), TypeScript through SWC
// (fast, and it emits the decorator metadata Nest's dependency injection reads).
const path = require('node:path');
const { compilerOptions } = require('./tsconfig.base.json');

const aliases = {};
for (const [alias, [target]] of Object.entries(compilerOptions.paths)) {
  aliases[`^${alias.replace(/[/\\^$*+?.()|[\]{}]/g, '\\$&')}$`] = path.join(__dirname, target);
}

module.exports = {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'cjs', 'json'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          target: 'es2022',
          parser: { syntax: 'typescript', decorators: true },
          transform: {
            legacyDecorator: true,
            decoratorMetadata: true,
            useDefineForClassFields: false,
          },
          keepClassNames: true,
          // Keep `import … with { type: 'json' }` so data files load as JSON modules, as under Node.
          experimental: { keepImportAttributes: true },
        },
        module: { type: 'es6' },
        sourceMaps: 'inline',
      },
    ],
  },
  moduleNameMapper: {
    ...aliases,
    '^(\\.{1,2}/.*)\\.js$': '$1',
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts'],
  clearMocks: true,
};
