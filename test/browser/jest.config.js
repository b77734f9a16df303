/**
 * The browser suite (`npm run test:browser`, run by .ci/run): headless Chromium plays real live
 * video in the viewer page. Kept out of the root jest config, so a plain `npm test` stays offline
 * and needs no browser. One worker: the suite shares one encoder and one browser.
 */
const path = require('node:path');

module.exports = {
  rootDir: path.join(__dirname, '..', '..'),
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/browser/**/*.test.ts'],
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' }, keepClassNames: true }, module: { type: 'commonjs' } }] },
  // As the root config: tests that run the local cloud (the handlers in-process) need middy 6's ESM
  // transformed, the Node 20 polyfills and the handlers' logs silenced (test/setup.ts).
  moduleNameMapper: { '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  setupFiles: ['<rootDir>/test/setup.ts'],
  maxWorkers: 1,
  forceExit: true,
};
