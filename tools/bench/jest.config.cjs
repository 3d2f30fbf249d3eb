module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'bench',
  rootDir: __dirname,
  // The benchmarks are scripts, not a library: their helpers sit beside them, without src/.
  testMatch: ['<rootDir>/*.spec.ts'],
};
