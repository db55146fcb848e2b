import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Offsets as kcat (librdkafka, an independent client) reads them with `-Q`: `-1` the end offset,
 * `-2` the start offset, an epoch-milliseconds timestamp the first offset at or after it (-1: none).
 */
export async function kcatOffsets(
  topic: string,
  partitions: number[],
  at: number,
): Promise<Record<number, number>> {
  const args = ['-b', process.env.KAFKA_BROKERS ?? 'localhost:9092', '-Q', '-J'];
  for (const p of partitions) args.push('-t', `${topic}:${p}:${at}`);
  const { stdout } = await run('kcat', args);
  const parsed = JSON.parse(stdout) as Record<string, Record<string, { partition: number; offset: number }>>;
  const entries = Object.entries(parsed[topic] ?? {}).filter(([name]) => name !== 'topic');
  return Object.fromEntries(entries.map(([, value]) => [value.partition, value.offset] as [number, number]));
}
