/**
 * Each fault suite records its figures here; `test/reporters/faults-table.js` prints them as one table at the
 * end of `npm run test:faults`. Rows go to `.kafka/faults-report/` (git-ignored), one file each.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export const REPORT_DIR = path.resolve(__dirname, '../../../.kafka/faults-report');

export interface ScenarioFigures {
  scenario: string;
  /** Events (or requests) sent into the system. */
  sent: number;
  /** Answered 202 / acknowledged by Kafka (for pipelines: the inputs on their topic). */
  acknowledged: number;
  /** Distinct event ids found where they must end up. */
  stored: number;
  /** Acknowledged but not stored: must be 0. */
  lost: number;
  /** Logical events present under more than one distinct event id: must be 0. */
  duplicated: number;
  /** Records beyond the first per event id (redeliveries a deduplicating reader drops). */
  copies?: number;
  /** Milliseconds from the end of the fault until the system worked again; undefined if not measured. */
  recoveryMs?: number;
  notes?: string;
}

export function recordScenario(figures: ScenarioFigures): void {
  mkdirSync(REPORT_DIR, { recursive: true });
  const file = path.join(REPORT_DIR, `${figures.scenario.replace(/[^a-z0-9]+/gi, '-').toLowerCase()}.json`);
  writeFileSync(file, `${JSON.stringify({ ...figures, at: new Date().toISOString() }, null, 2)}\n`);
}
