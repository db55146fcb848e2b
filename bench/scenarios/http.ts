/**
 * HTTP produce through `serverless offline start`: single events at several concurrencies against
 * the same server's floor (a function doing nothing but a raw kafkajs acks=all send of the same
 * event) and its no-op function, and 1 000-event batches against a raw kafkajs producer. The figure
 * and its ceilings alternate repetition by repetition, so the machine's noise hits them alike.
 */

import { type LoadResult, runLoad } from '../lib/http-load';
import { type RawProducer, userAction, userActionMessage } from '../lib/kafka';
import type { RssSampler } from '../lib/rss';
import { percentile, round, type Summary, summarize } from '../lib/stats';

export interface HttpSide {
  rps: Summary;
  /** Medians over the repetitions of each repetition's percentile. */
  p50Ms: number;
  p99Ms: number;
  errors: number;
}

export interface HttpSingleResult {
  concurrency: number;
  produce: HttpSide;
  /** A function doing nothing but a raw kafkajs send (acks=all) of the same event: the floor of a produce. */
  rawSend: HttpSide;
  noop: HttpSide;
  /** produce requests/s ÷ raw-send requests/s, per repetition: the headline. */
  ratioToRawSend: Summary;
  /** produce requests/s ÷ no-op requests/s, per repetition. */
  ratio: Summary;
}

const side = (runs: LoadResult[]): HttpSide => ({
  rps: summarize(runs.map((r) => (r.requests / r.elapsedMs) * 1000)),
  p50Ms: round(summarize(runs.map((r) => percentile(r.latencies, 50))).median),
  p99Ms: round(summarize(runs.map((r) => percentile(r.latencies, 99))).median),
  errors: runs.reduce((sum, r) => sum + r.errors, 0),
});

const failIfErrors = (what: string, result: LoadResult): void => {
  if (result.requests === 0 || result.errors > result.requests / 100)
    throw new Error(
      `${what}: ${result.errors} failed requests of ${result.requests + result.errors} (${result.firstError})`,
    );
};

export interface HttpPlan {
  baseUrl: string;
  repetitions: number;
  repetitionMs: number;
  warmupMs: number;
  log: (line: string) => void;
  rss: RssSampler;
}

export async function httpSingle(plan: HttpPlan, concurrency: number): Promise<HttpSingleResult> {
  const produce = {
    url: `${plan.baseUrl}/api/kafka/messages/user-action`,
    body: JSON.stringify(userAction(1)),
  };
  const rawSend = { url: `${plan.baseUrl}/raw-send`, body: produce.body };
  const noop = { url: `${plan.baseUrl}/noop`, body: produce.body };
  const load = (target: typeof produce, durationMs: number) =>
    runLoad({ ...target, concurrency, durationMs, maxRequests: 200_000 });
  const rate = (r: LoadResult) => (r.requests / r.elapsedMs) * 1000;
  // serverless-offline starts one worker (a Lambda instance: bundle load, producer connection) per
  // request in flight: each side warms until every one of its `concurrency` workers has served a few.
  const warm = async (target: typeof produce) => {
    for (let served = 0; served < concurrency * 5; ) {
      const round = await load(target, plan.warmupMs);
      if (round.requests === 0) failIfErrors(`warm-up of ${target.url}`, round);
      served += round.requests;
    }
  };
  plan.rss.enter(`http-single-c${concurrency}`);
  await warm(noop);
  await warm(rawSend);
  await warm(produce);
  const produced: LoadResult[] = [];
  const raws: LoadResult[] = [];
  const noops: LoadResult[] = [];
  for (let rep = 0; rep < plan.repetitions; rep += 1) {
    const n = await load(noop, plan.repetitionMs);
    failIfErrors('no-op', n);
    const r = await load(rawSend, plan.repetitionMs);
    failIfErrors('raw send', r);
    const p = await load(produce, plan.repetitionMs);
    failIfErrors('produce', p);
    noops.push(n);
    raws.push(r);
    produced.push(p);
    plan.rss.repetitionDone();
    plan.log(
      `  c=${concurrency} rep ${rep + 1}: produce ${Math.round(rate(p))} req/s p99 ${round(percentile(p.latencies, 99), 1)} ms, raw send ${Math.round(rate(r))} req/s p99 ${round(percentile(r.latencies, 99), 1)} ms, no-op ${Math.round(rate(n))} req/s`,
    );
  }
  return {
    concurrency,
    produce: side(produced),
    rawSend: side(raws),
    noop: side(noops),
    ratioToRawSend: summarize(produced.map((p, i) => rate(p) / rate(raws[i]!))),
    ratio: summarize(produced.map((p, i) => rate(p) / rate(noops[i]!))),
  };
}

export interface HttpBatchResult {
  concurrency: number;
  eventsPerRequest: number;
  http: { eventsPerSec: Summary; p50Ms: number; p99Ms: number; errors: number };
  raw: { eventsPerSec: Summary };
  ratio: Summary;
}

/** `concurrency` sends of `size` messages in flight, for `durationMs`: messages per second. */
async function rawBurst(
  producer: RawProducer,
  topic: string,
  size: number,
  concurrency: number,
  durationMs: number,
): Promise<number> {
  const started = performance.now();
  const deadline = started + durationMs;
  let sent = 0;
  const worker = async () => {
    while (performance.now() < deadline) {
      // Built per send, as the server builds its events per request.
      const messages = Array.from({ length: size }, (_, i) => userActionMessage(i));
      await producer.send(topic, messages);
      sent += size;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return (sent / (performance.now() - started)) * 1000;
}

export async function httpBatch(
  plan: HttpPlan,
  producer: RawProducer,
  rawTopic: string,
  concurrency: number,
  size = 1000,
): Promise<HttpBatchResult> {
  const body = JSON.stringify({ events: Array.from({ length: size }, (_, i) => userAction(i)) });
  const target = { url: `${plan.baseUrl}/api/kafka/messages/user-action`, body };
  plan.rss.enter(`http-batch-c${concurrency}`);
  await runLoad({ ...target, concurrency, durationMs: plan.warmupMs, maxRequests: 10_000 });
  await rawBurst(producer, rawTopic, size, concurrency, plan.warmupMs);
  const https: LoadResult[] = [];
  const raws: number[] = [];
  for (let rep = 0; rep < plan.repetitions; rep += 1) {
    const h = await runLoad({ ...target, concurrency, durationMs: plan.repetitionMs, maxRequests: 10_000 });
    failIfErrors('batch produce', h);
    const r = await rawBurst(producer, rawTopic, size, concurrency, plan.repetitionMs);
    https.push(h);
    raws.push(r);
    plan.rss.repetitionDone();
    plan.log(
      `  batch c=${concurrency} rep ${rep + 1}: http ${Math.round(((h.requests * size) / h.elapsedMs) * 1000)} events/s, raw kafkajs ${Math.round(r)} events/s`,
    );
  }
  const httpRates = https.map((h) => ((h.requests * size) / h.elapsedMs) * 1000);
  return {
    concurrency,
    eventsPerRequest: size,
    http: {
      eventsPerSec: summarize(httpRates),
      p50Ms: round(summarize(https.map((h) => percentile(h.latencies, 50))).median),
      p99Ms: round(summarize(https.map((h) => percentile(h.latencies, 99))).median),
      errors: https.reduce((sum, h) => sum + h.errors, 0),
    },
    raw: { eventsPerSec: summarize(raws) },
    ratio: summarize(httpRates.map((rate, i) => rate / raws[i]!)),
  };
}
