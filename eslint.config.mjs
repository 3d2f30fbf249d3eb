import nx from '@nx/eslint-plugin';
import tseslint from 'typescript-eslint';
import prettier from 'eslint-config-prettier';

/**
 * Layering (ARCHITECTURE §7), enforced by Nx tags:
 *   type:app      → may use contexts and platform libs
 *   type:context  → may use platform libs and the published contracts, never another context
 *   type:platform → may use platform libs only
 *   type:tool     → (seed, topology, bench) may use contexts and platform libs
 * and domain code stays free of frameworks and I/O (see the `domain/` override below).
 */
const depConstraints = [
  {
    sourceTag: 'type:app',
    onlyDependOnLibsWithTags: ['type:context', 'type:platform', 'type:contracts'],
  },
  {
    sourceTag: 'type:context',
    onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'],
  },
  {
    sourceTag: 'type:contracts',
    onlyDependOnLibsWithTags: ['type:contracts', 'type:platform'],
  },
  {
    sourceTag: 'type:platform',
    onlyDependOnLibsWithTags: ['type:platform', 'type:contracts'],
  },
  {
    sourceTag: 'type:tool',
    onlyDependOnLibsWithTags: ['type:context', 'type:platform', 'type:contracts'],
  },
];

export default [
  {
    ignores: [
      '**/node_modules',
      '**/dist',
      '**/tmp',
      '**/.nx',
      '**/.infra',
      '**/data',
      '**/*.cjs',
      '**/*.mjs',
    ],
  },
  ...nx.configs['flat/base'],
  ...tseslint.configs.recommended,
  prettier,
  {
    files: ['**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: [],
          depConstraints,
        },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        { argsIgnorePattern: '^_', varsIgnorePattern: '^_' },
      ],
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'separate-type-imports', disallowTypeAnnotations: false },
      ],
    },
  },
  {
    // The tools (seed, topology, bench) are not libraries: they share their support code (a
    // platform child process, the topology's test support) by relative import, among themselves.
    files: ['tools/**/*.ts'],
    rules: {
      '@nx/enforce-module-boundaries': [
        'error',
        {
          enforceBuildableLibDependency: false,
          allow: ['../../seed/src/*', '../../topology/src/*'],
          depConstraints,
        },
      ],
    },
  },
  {
    // NestJS resolves constructor parameters by their runtime classes: type-only imports would break DI.
    files: [
      'apps/**/*.ts',
      'libs/**/api/**/*.ts',
      'libs/**/*.module.ts',
      'libs/platform-nest/**/*.ts',
      'libs/**/application/**/*.ts',
    ],
    rules: { '@typescript-eslint/consistent-type-imports': 'off' },
  },
  {
    files: ['libs/*/src/domain/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['@nestjs/*', 'kafkajs', 'mongoose', 'pg', '@electric-sql/*', 'express'],
              message: 'Domain code is pure: no frameworks or I/O (ARCHITECTURE §1).',
            },
          ],
        },
      ],
    },
  },
];
