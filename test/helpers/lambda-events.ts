/**
 * Reading what the offline fixture's functions received: each invocation is written by
 * test/fixtures/offline-service/handlers/record.ts as a `start` line (with the whole event) and,
 * unless the invocation was cut short, an `end` line.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { flattenRecords, type LambdaKafkaEvent, type LambdaKafkaRecord } from '../../lib/kafka';
import { waitFor } from './wait';

export interface Invocation {
  requestId: string;
  startedAt: number;
  endedAt?: number;
  outcome?: 'ok' | 'partial' | 'throw';
  event: LambdaKafkaEvent;
}

type Line =
  | { phase: 'start'; at: number; requestId: string; event: LambdaKafkaEvent }
  | { phase: 'end'; at: number; requestId: string; outcome: Invocation['outcome'] };

/** Invocations of a fixture function, in the order they started. */
export function readInvocations(outDir: string, functionKey: string): Invocation[] {
  const file = path.join(outDir, `${functionKey}.jsonl`);
  if (!existsSync(file)) return [];
  // The last piece is empty or a line still being written: only whole lines are read.
  const lines = readFileSync(file, 'utf8')
    .split('\n')
    .slice(0, -1)
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Line);
  const byId = new Map<string, Invocation>();
  for (const line of lines) {
    if (line.phase === 'start') {
      byId.set(line.requestId, { requestId: line.requestId, startedAt: line.at, event: line.event });
    } else {
      const invocation = byId.get(line.requestId);
      if (invocation) Object.assign(invocation, { endedAt: line.at, outcome: line.outcome });
    }
  }
  return [...byId.values()].sort((a, b) => a.startedAt - b.startedAt);
}

/** Every record delivered, in invocation order (a redelivered record appears again). */
export const deliveredRecords = (invocations: Invocation[]): LambdaKafkaRecord[] =>
  invocations.flatMap((i) => flattenRecords(i.event));

/** Only the invocations that completed successfully. */
export const succeeded = (invocations: Invocation[]): Invocation[] =>
  invocations.filter((i) => i.outcome === 'ok');

/** Wait until the function has received at least `count` records in successful invocations. */
export async function waitForSucceededRecords(
  outDir: string,
  functionKey: string,
  count: number,
  timeoutMs = 30_000,
): Promise<LambdaKafkaRecord[]> {
  return waitFor(
    () => {
      const records = deliveredRecords(succeeded(readInvocations(outDir, functionKey)));
      return records.length >= count ? records : undefined;
    },
    { timeoutMs, what: `${count} records delivered to ${functionKey}` },
  );
}

export const coordinates = (records: LambdaKafkaRecord[]): string[] =>
  records.map((r) => `${r.partition}@${r.offset}`);
