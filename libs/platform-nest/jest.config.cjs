module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'platform-nest',
  rootDir: __dirname,
};
