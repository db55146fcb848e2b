// @ts-check
/**
 * Jest reporter: ends every run with the plain line `jest: N passed, N failed[, N skipped]`, the
 * closing line CI machinery reads in any language (jest's own "Tests: 3 passed, 3 total" is not
 * one). With TEST_TALLY_FILE set, also appends the counts there as a JSON line, so `.ci/run` can
 * close with the total of all its jest runs.
 */
const { appendFileSync } = require('node:fs');

class ClosingLineReporter {
  /** @param {unknown} _contexts @param {import('@jest/test-result').AggregatedResult} results */
  onRunComplete(_contexts, results) {
    const passed = results.numPassedTests;
    // A suite that cannot even load (syntax error, failing import) counts no test of its own.
    const failed = results.numFailedTests + results.numRuntimeErrorTestSuites;
    const skipped = results.numPendingTests + results.numTodoTests;
    process.stdout.write(
      `jest: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`,
    );
    const tally = process.env.TEST_TALLY_FILE;
    if (tally) appendFileSync(tally, `${JSON.stringify({ passed, failed, skipped })}\n`);
  }
}

module.exports = ClosingLineReporter;
