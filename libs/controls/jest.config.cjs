// The shared preset, plus: SWC keeps import attributes, so the catalogue data files load as
// JSON modules (`import … with { type: 'json' }`), as they do under Node.
const preset = require('../../jest.preset.cjs');
const [swc, swcOptions] = preset.transform['^.+\\.ts$'];

module.exports = {
  ...preset,
  displayName: 'controls',
  rootDir: __dirname,
  transform: {
    '^.+\\.ts$': [
      swc,
      {
        ...swcOptions,
        jsc: { ...swcOptions.jsc, experimental: { keepImportAttributes: true } },
      },
    ],
  },
};
