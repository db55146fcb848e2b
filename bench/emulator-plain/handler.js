// The bench function of ../emulator-service/handlers/consume.ts as plain JavaScript (no bundler), so
// this service's start-up is the framework's own plus the emulator's.
const { appendFileSync } = require('node:fs');
const { join } = require('node:path');

exports.handler = async (event, context) => {
  // Epoch ms to a fraction of a millisecond (timeOrigin + now() is epoch time in every thread).
  const started = performance.timeOrigin + performance.now();
  let records = 0;
  let sum = 0;
  for (const partition of Object.values(event.records)) {
    for (const record of partition) {
      if (record.value === undefined) continue;
      sum += JSON.parse(Buffer.from(record.value, 'base64').toString('utf8')).data?.n ?? 0;
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
  appendFileSync(
    join(process.env.BENCH_OUT_DIR ?? '/tmp', `${process.env.BENCH_FUNCTION}.jsonl`),
    `${JSON.stringify(line)}\n`,
  );
  return { records };
};
