module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'controls',
  rootDir: __dirname,
};
