/**
 * Jest projects: unit tests never touch the network; integration tests drive the
 * real workflows through the local cloud twin over HTTP.
 * TypeScript is transformed by @swc/jest (no type-check here: `npm run typecheck` does that).
 * middy 6 ships ESM: map it to its entry file and let swc transform it.
 */
const shared = {
  testEnvironment: 'node',
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2022', parser: { syntax: 'typescript' }, keepClassNames: true }, module: { type: 'commonjs' } }] },
  moduleNameMapper: { '^@middy/([^/]+)$': '<rootDir>/node_modules/@middy/$1/index.js' },
  transformIgnorePatterns: ['/node_modules/(?!(@middy)/)'],
  setupFiles: ['<rootDir>/test/setup.ts'],
  setupFilesAfterEnv: ['<rootDir>/test/setup-after-env.ts'],
};
module.exports = {
  // On a 2-core machine jest runs tests in its own process; after a green run it then leaves the exit
  // status to Node's natural exit, which a late rejection or handle from an in-process local cloud
  // turned into 1 in some CI runs with every test passed. forceExit makes jest exit with the code its
  // own result decides (0 on success, 1 on any failure).
  forceExit: true,
  projects: [
    { ...shared, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'], setupFiles: [...shared.setupFiles, '<rootDir>/test/setup-unit.ts'] },
    { ...shared, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
    // Reliability and security proofs (fault matrix, sweeper, fuzzing, IAM): `npm run prove`, which
    // sets ONAIR_PROVE=1 and regenerates docs/RELIABILITY.md; kept out of a plain `npm test`.
    ...(process.env.ONAIR_PROVE ? [{ ...shared, displayName: 'reliability', testMatch: ['<rootDir>/test/reliability/**/*.test.ts'] }] : []),
  ],
};
