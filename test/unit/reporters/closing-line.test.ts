import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { AggregatedResult } from '@jest/test-result';

// Plain CommonJS, loaded by jest itself as a reporter.
const ClosingLineReporter: new () => {
  onRunComplete(contexts: unknown, results: AggregatedResult): void;
} = require('../../reporters/closing-line.js');

const results = (counts: Partial<AggregatedResult>): AggregatedResult =>
  ({
    numPassedTests: 0,
    numFailedTests: 0,
    numRuntimeErrorTestSuites: 0,
    numPendingTests: 0,
    numTodoTests: 0,
    ...counts,
  }) as AggregatedResult;

describe('closing-line reporter', () => {
  let dir: string;
  let printed: string;
  const previousTally = process.env.TEST_TALLY_FILE;

  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'tally-'));
    printed = '';
    jest.spyOn(process.stdout, 'write').mockImplementation((chunk) => {
      printed += String(chunk);
      return true;
    });
  });

  afterEach(() => {
    jest.restoreAllMocks();
    rmSync(dir, { recursive: true, force: true });
    if (previousTally === undefined) delete process.env.TEST_TALLY_FILE;
    else process.env.TEST_TALLY_FILE = previousTally;
  });

  it('ends the run with the plain "N passed, N failed" line', () => {
    delete process.env.TEST_TALLY_FILE;
    new ClosingLineReporter().onRunComplete(undefined, results({ numPassedTests: 12 }));
    expect(printed).toBe('jest: 12 passed, 0 failed\n');
  });

  it('counts suites that failed to load as failures and names skipped tests', () => {
    delete process.env.TEST_TALLY_FILE;
    new ClosingLineReporter().onRunComplete(
      undefined,
      results({
        numPassedTests: 5,
        numFailedTests: 1,
        numRuntimeErrorTestSuites: 2,
        numPendingTests: 3,
        numTodoTests: 1,
      }),
    );
    expect(printed).toBe('jest: 5 passed, 3 failed, 4 skipped\n');
  });

  it('appends every run to the tally file that .ci/run totals', () => {
    const tally = path.join(dir, 'tally.jsonl');
    process.env.TEST_TALLY_FILE = tally;
    const reporter = new ClosingLineReporter();
    reporter.onRunComplete(undefined, results({ numPassedTests: 7 }));
    reporter.onRunComplete(undefined, results({ numPassedTests: 2, numFailedTests: 1 }));
    const runs = readFileSync(tally, 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line));
    expect(runs).toEqual([
      { passed: 7, failed: 0, skipped: 0 },
      { passed: 2, failed: 1, skipped: 0 },
    ]);
  });
});
