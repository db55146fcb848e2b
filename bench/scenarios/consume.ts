/**
 * A Kafka-triggered function through the emulator (lib/offline) at several batch sizes, against a
 * raw kafkajs `eachBatch` consumer doing the same work. Each repetition is a burst written with
 * kcat into a topic whose consumer is caught up and waiting; the rate is records ÷ (last record
 * done − first record handed over), measured the same way on both sides.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { type BurstTiming, kcatProduce, type RawConsumer, writeBurstFile } from '../lib/kafka';
import type { RssSampler } from '../lib/rss';
import { type Summary, summarize } from '../lib/stats';

export interface ConsumeResult {
  batchSize: number;
  records: number;
  emulator: { recordsPerSec: Summary; invocations: number };
  raw: { recordsPerSec: Summary };
  ratio: Summary;
}

interface Invocation {
  records: number;
  started: number;
  ended: number;
}

const invocations = (file: string): Invocation[] =>
  existsSync(file)
    ? readFileSync(file, 'utf8')
        .split('\n')
        // Whole lines only: the function may be appending the last one right now.
        .slice(0, -1)
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Invocation)
    : [];

/** Wait until the function's log holds `records` more records than at `skip` lines. */
async function emulatorBurst(
  file: string,
  records: number,
  timeoutMs: number,
): Promise<BurstTiming & { invocations: number }> {
  const skip = invocations(file).length;
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const fresh = invocations(file).slice(skip);
    const done = fresh.reduce((sum, i) => sum + i.records, 0);
    if (done >= records || Date.now() > deadline) {
      if (done < records)
        throw new Error(`the emulator delivered ${done} of ${records} records in ${timeoutMs} ms`);
      return {
        records: done,
        first: Math.min(...fresh.map((i) => i.started)),
        last: Math.max(...fresh.map((i) => i.ended)),
        invocations: fresh.length,
      };
    }
    await sleep(50);
  }
}

export interface ConsumePlan {
  outDir: string;
  workDir: string;
  repetitions: number;
  log: (line: string) => void;
  rss: RssSampler;
}

const rate = (t: BurstTiming): number => (t.records / Math.max(1, t.last - t.first)) * 1000;

export async function consumeScenario(
  plan: ConsumePlan,
  batchSize: number,
  records: number,
  topics: { emulator: string; raw: string },
  raw: RawConsumer,
): Promise<ConsumeResult> {
  const file = join(plan.workDir, `burst-${records}.tsv`);
  if (!existsSync(file)) writeBurstFile(file, records);
  const fnLog = join(plan.outDir, `consume${batchSize}.jsonl`);
  plan.rss.enter(`consume-b${batchSize}`);
  // Warm-up: the function's first invocations start its workers.
  const warm = emulatorBurst(fnLog, records, 120_000);
  await kcatProduce(topics.emulator, file);
  await warm;
  const emulatorRates: number[] = [];
  const rawRates: number[] = [];
  let calls = 0;
  for (let rep = 0; rep < plan.repetitions; rep += 1) {
    const e = emulatorBurst(fnLog, records, 120_000);
    await kcatProduce(topics.emulator, file);
    const et = await e;
    calls += et.invocations;
    const r = raw.expect(records);
    await kcatProduce(topics.raw, file);
    const rt = await Promise.race([r, sleep(120_000).then(() => undefined)]);
    if (!rt) throw new Error(`the raw consumer did not get ${records} records in 120 s`);
    emulatorRates.push(rate(et));
    rawRates.push(rate(rt));
    plan.rss.repetitionDone();
    plan.log(
      `  batchSize=${batchSize} rep ${rep + 1}: emulator ${Math.round(rate(et))} records/s (${et.invocations} invocations), raw kafkajs ${Math.round(rate(rt))} records/s`,
    );
  }
  return {
    batchSize,
    records,
    emulator: { recordsPerSec: summarize(emulatorRates), invocations: Math.round(calls / plan.repetitions) },
    raw: { recordsPerSec: summarize(rawRates) },
    ratio: summarize(emulatorRates.map((e, i) => e / rawRates[i]!)),
  };
}
