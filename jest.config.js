// @ts-check
// @middy/* and the OpenAPI validator ship ESM .js files, so they are transformed like our TypeScript.
const transform = {
  '^.+\\.[tj]s$': [
    '@swc/jest',
    { jsc: { parser: { syntax: 'typescript' }, target: 'es2022' }, module: { type: 'commonjs' } },
  ],
};
const transformIgnorePatterns = ['/node_modules/(?!(@middy|@seriousme)/)'];

/** @param {string} name @param {import('jest').Config} [extra] @returns {import('jest').Config} */
const project = (name, extra = {}) => ({
  displayName: name,
  testEnvironment: 'node',
  roots: [`<rootDir>/test/${name}`],
  testMatch: ['**/*.test.ts'],
  transform,
  transformIgnorePatterns,
  ...extra,
});

// Tests that need a broker share one, started (if none answers) by the global setup.
const withBroker = {
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  // Broker round trips (group joins, rebalances) take seconds; e2e suites raise it further.
  testTimeout: 60_000,
  projects: [
    project('unit', { setupFiles: ['<rootDir>/test/helpers/quiet-logs.ts'] }),
    project('integration', withBroker),
    // e2e suites start `serverless offline start` themselves; they share the machine's two cores.
    project('e2e', withBroker),
  ],
};
