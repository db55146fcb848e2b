// @ts-check
/**
 * Jest reporter of `npm run test:faults`: after the run, prints every scenario's figures (written by
 * the suites through test/faults/helpers/report.ts) as one table, and keeps it as Markdown in
 * `.kafka/faults-report/table.md`.
 */
const { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } = require('node:fs');
const path = require('node:path');

const REPORT_DIR = path.resolve(__dirname, '../../.kafka/faults-report');

/** @param {number | undefined} ms */
const seconds = (ms) => (ms === undefined || ms === null ? '–' : `${(ms / 1000).toFixed(1)} s`);

class FaultsTableReporter {
  onRunStart() {
    rmSync(REPORT_DIR, { recursive: true, force: true });
    mkdirSync(REPORT_DIR, { recursive: true });
  }

  onRunComplete() {
    const rows = existsSync(REPORT_DIR)
      ? readdirSync(REPORT_DIR)
          .filter((f) => f.endsWith('.json'))
          .sort()
          .map((f) => JSON.parse(readFileSync(path.join(REPORT_DIR, f), 'utf8')))
      : [];
    const header = ['scenario', 'sent', 'acknowledged', 'stored', 'lost', 'duplicated', 'copies', 'recovery'];
    const lines = rows.map((r) => [
      r.scenario,
      String(r.sent),
      String(r.acknowledged),
      String(r.stored),
      String(r.lost),
      String(r.duplicated),
      r.copies === undefined ? '–' : String(r.copies),
      seconds(r.recoveryMs),
    ]);
    const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => (l[i] ?? '').length)));
    /** @param {string[]} cells */
    const row = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(' | ')} |`;
    const table = [row(header), row(widths.map((w) => '-'.repeat(w))), ...lines.map(row)].join('\n');
    const notes = rows.filter((r) => r.notes).map((r) => `- ${r.scenario}: ${r.notes}`);
    const text = rows.length === 0 ? '(no fault scenario reported figures)' : table;
    mkdirSync(REPORT_DIR, { recursive: true });
    writeFileSync(path.join(REPORT_DIR, 'table.md'), `${text}\n\n${notes.join('\n')}\n`);
    process.stdout.write(
      `\nFault scenarios (lost and duplicated must be 0):\n\n${text}\n\n${notes.join('\n')}\n\n`,
    );
  }
}

module.exports = FaultsTableReporter;
