module.exports = {
  ...require('../../jest.preset.cjs'),
  displayName: 'governance',
  rootDir: __dirname,
};
