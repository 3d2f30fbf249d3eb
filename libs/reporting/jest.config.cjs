module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'reporting',
  rootDir: __dirname,
};
