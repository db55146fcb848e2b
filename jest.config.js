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
  setupFilesAfterEnv: ['<rootDir>/test/helpers/close-kafka.ts'],
  globalSetup: '<rootDir>/test/helpers/global-setup.ts',
  globalTeardown: '<rootDir>/test/helpers/global-teardown.ts',
};

/** @type {import('jest').Config} */
module.exports = {
  // kafkajs keeps retry timers alive after a consumer crashed (e.g. its topic was deleted), which
  // would keep jest running forever after the last test; every file still closes what it opened.
  forceExit: true,
  // Several suites assert exactly what the nine shared catalogue topics grew by (nothing produced for
  // a refused request); files running side by side would count each other's events. (On two cores
  // jest's default is one worker already: this keeps bigger machines the same.)
  maxWorkers: 1,
  // Broker round trips (group joins, rebalances) take seconds; e2e suites raise it further.
  testTimeout: 60_000,
  projects: [
    project('unit', { setupFiles: ['<rootDir>/test/helpers/quiet-logs.ts'] }),
    project('integration', withBroker),
    // e2e suites start `serverless offline start` themselves; they share the machine's two cores.
    project('e2e', withBroker),
    // The slow fault scenarios (they kill and restart brokers): only `npm run test:faults`, run alone.
    ...(process.env.JEST_FAULTS === '1' ? [project('faults', withBroker)] : []),
  ],
  reporters: [
    'default',
    // The fault suites end with a table of their figures (lost and duplicated events, recovery times).
    ...(process.env.JEST_FAULTS === '1' ? ['<rootDir>/test/reporters/faults-table.js'] : []),
    '<rootDir>/test/reporters/closing-line.js',
  ],
};
