/**
 * A Kafka-triggered function through the emulator (lib/offline) at several batch sizes, against a
 * raw kafkajs `eachBatch` consumer doing the same work. Each repetition is a burst written with
 * kcat into a topic whose consumer is caught up and waiting; the rate is records ÷ (last record
 * done − first record handed over), measured the same way on both sides.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { exitedChildrenCpuMs, mainThreadCpuMs, ownCpuMs, treeCpuMs } from '../lib/cpu';
import { InvocationLog, InvocationTally } from '../lib/invocation-log';
import { type BurstTiming, kcatProduce, type RawConsumer, writeBurstFile } from '../lib/kafka';
import type { RssSampler } from '../lib/rss';
import { type Summary, summarize } from '../lib/stats';

export interface ConsumeResult {
  batchSize: number;
  records: number;
  emulator: {
    recordsPerSec: Summary;
    invocations: number;
    /** The whole offline server, and of that its main thread (emulator, kafkajs, serverless-offline). */
    cpuMsPer1000: Summary;
    mainThreadCpuMsPer1000: Summary;
  };
  raw: { recordsPerSec: Summary; cpuMsPer1000: Summary };
  /** The broker's CPU while each side read its burst (it serves kcat's writes too). */
  brokerCpuMsPer1000: { emulator: Summary; raw: Summary };
  /** kcat writing each burst (it runs on the same cores while the consumers read). */
  kcatCpuMsPer1000: Summary;
  ratio: Summary;
}

/** Wait until the function's log holds `records` more records than now. */
async function emulatorBurst(
  log: InvocationLog,
  records: number,
  timeoutMs: number,
): Promise<BurstTiming & { invocations: number }> {
  log.next();
  const deadline = Date.now() + timeoutMs;
  const done = new InvocationTally();
  for (;;) {
    done.add(log.next());
    if (done.records >= records || Date.now() > deadline) {
      if (done.records < records)
        throw new Error(`the emulator delivered ${done.records} of ${records} records in ${timeoutMs} ms`);
      return { records: done.records, first: done.first, last: done.last, invocations: done.invocations };
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
  /** The offline server (the emulator and the function's workers) and the broker JVM, for CPU time. */
  serverPid: number;
  brokerPid: number | undefined;
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
  const fnLog = new InvocationLog(join(plan.outDir, `consume${batchSize}.jsonl`));
  plan.rss.enter(`consume-b${batchSize}`);
  // Warm-up: the function's first invocations start its workers.
  const warm = emulatorBurst(fnLog, records, 120_000);
  await kcatProduce(topics.emulator, file);
  await warm;
  const emulatorRates: number[] = [];
  const rawRates: number[] = [];
  const cpu = {
    emulator: [] as number[],
    main: [] as number[],
    raw: [] as number[],
    brokerE: [] as number[],
    brokerR: [] as number[],
    kcat: [] as number[],
  };
  const per1000 = (ms: number) => (ms / records) * 1000;
  const brokerCpu = () => (plan.brokerPid === undefined ? Number.NaN : treeCpuMs(plan.brokerPid));
  let calls = 0;
  for (let rep = 0; rep < plan.repetitions; rep += 1) {
    const e = emulatorBurst(fnLog, records, 120_000);
    // CPU from before kcat writes until the last record: each side's idle polling is included, and
    // the broker's share includes taking kcat's writes (the same on both sides).
    const serverBefore = treeCpuMs(plan.serverPid);
    const mainBefore = mainThreadCpuMs(plan.serverPid);
    let brokerBefore = brokerCpu();
    const kcatBefore = exitedChildrenCpuMs();
    await kcatProduce(topics.emulator, file);
    cpu.kcat.push(per1000(exitedChildrenCpuMs() - kcatBefore));
    const et = await e;
    cpu.emulator.push(per1000(treeCpuMs(plan.serverPid) - serverBefore));
    cpu.main.push(per1000(mainThreadCpuMs(plan.serverPid) - mainBefore));
    cpu.brokerE.push(per1000(brokerCpu() - brokerBefore));
    calls += et.invocations;
    const r = raw.expect(records);
    const rawBefore = ownCpuMs();
    brokerBefore = brokerCpu();
    await kcatProduce(topics.raw, file);
    const rt = await Promise.race([r, sleep(120_000).then(() => undefined)]);
    if (!rt) throw new Error(`the raw consumer did not get ${records} records in 120 s`);
    cpu.raw.push(per1000(ownCpuMs() - rawBefore));
    cpu.brokerR.push(per1000(brokerCpu() - brokerBefore));
    emulatorRates.push(rate(et));
    rawRates.push(rate(rt));
    plan.rss.repetitionDone();
    plan.log(
      `  batchSize=${batchSize} rep ${rep + 1}: emulator ${Math.round(rate(et))} records/s (${et.invocations} invocations, ${cpu.emulator.at(-1)!.toFixed(1)} CPU ms/1000, main thread ${cpu.main.at(-1)!.toFixed(1)}), raw kafkajs ${Math.round(rate(rt))} records/s (${cpu.raw.at(-1)!.toFixed(1)} CPU ms/1000); broker ${cpu.brokerE.at(-1)!.toFixed(1)} / ${cpu.brokerR.at(-1)!.toFixed(1)}, kcat ${cpu.kcat.at(-1)!.toFixed(1)} CPU ms/1000`,
    );
  }
  return {
    batchSize,
    records,
    emulator: {
      recordsPerSec: summarize(emulatorRates),
      invocations: Math.round(calls / plan.repetitions),
      cpuMsPer1000: summarize(cpu.emulator),
      mainThreadCpuMsPer1000: summarize(cpu.main),
    },
    raw: { recordsPerSec: summarize(rawRates), cpuMsPer1000: summarize(cpu.raw) },
    brokerCpuMsPer1000: { emulator: summarize(cpu.brokerE), raw: summarize(cpu.brokerR) },
    kcatCpuMsPer1000: summarize(cpu.kcat),
    ratio: summarize(emulatorRates.map((e, i) => e / rawRates[i]!)),
  };
}
