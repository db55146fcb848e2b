/** kcat (librdkafka, not Node) as the machine's reference: how fast this broker takes and gives records. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { kcatConsumeAll, kcatProduce, writeBurstFile } from '../lib/kafka';
import { type Summary, summarize } from '../lib/stats';

export interface KcatCeilings {
  records: number;
  produceRecordsPerSec: Summary;
  consumeRecordsPerSec: Summary;
}

export async function kcatCeilings(
  topic: string,
  workDir: string,
  records: number,
  repetitions: number,
  log: (line: string) => void,
): Promise<KcatCeilings> {
  const file = join(workDir, `burst-${records}.tsv`);
  if (!existsSync(file)) writeBurstFile(file, records);
  await kcatProduce(topic, file); // warm-up
  const produce: number[] = [];
  for (let rep = 0; rep < repetitions; rep += 1)
    produce.push((records / (await kcatProduce(topic, file))) * 1000);
  const consume: number[] = [];
  for (let rep = 0; rep < repetitions; rep += 1) {
    const { ms, records: read } = await kcatConsumeAll(topic);
    consume.push((read / ms) * 1000);
  }
  log(
    `  kcat: produce ${produce.map(Math.round).join(', ')} records/s; consume ${consume.map(Math.round).join(', ')} records/s`,
  );
  return { records, produceRecordsPerSec: summarize(produce), consumeRecordsPerSec: summarize(consume) };
}
