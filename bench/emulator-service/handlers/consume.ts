/**
 * The Kafka-triggered bench function: the same work as the raw kafkajs consumer it is compared with
 * (decode each value, parse the JSON, add up a field), then one line per invocation to
 * `$BENCH_OUT_DIR/<function>.jsonl` so the bench knows when the burst was consumed.
 */
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Context } from 'aws-lambda';

interface KafkaEvent {
  records: Record<string, { value?: string }[]>;
}

export const handler = async (event: KafkaEvent, context: Context): Promise<{ records: number }> => {
  // Epoch ms to a fraction of a millisecond (timeOrigin + now() is epoch time in every thread).
  const started = performance.timeOrigin + performance.now();
  let records = 0;
  let sum = 0;
  for (const partition of Object.values(event.records)) {
    for (const record of partition) {
      if (record.value === undefined) continue;
      const value = JSON.parse(Buffer.from(record.value, 'base64').toString('utf8')) as {
        data?: { n?: number };
      };
      sum += value.data?.n ?? 0;
      records += 1;
    }
  }
  const line = {
    fn: context.functionName,
    partitions: Object.keys(event.records),
    records,
    sum,
    started,
    ended: performance.timeOrigin + performance.now(),
  };
  // From the function name, not BENCH_FUNCTION: in-process handlers share one process.env.
  const functionKey = context.functionName.slice(context.functionName.lastIndexOf('-') + 1);
  appendFileSync(
    join(process.env.BENCH_OUT_DIR ?? '/tmp', `${functionKey}.jsonl`),
    `${JSON.stringify(line)}\n`,
  );
  return { records };
};
