/**
 * The slot-spin pipeline end to end on the root service: `POST /game/slot-spin` answered 202 →
 * the REWARD notification (one stage: process-user-action) and the FEEDBACK notification (three
 * stages: process-user-action → analyze-game-result → deliver-feedback) on `notifications`. The
 * arrival time is the notification record's own timestamp (set by the producing stage). Spins are
 * spaced wider than a batching window, so each one waits its full windows: the worst case.
 */

import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import { startConsumer } from '../../lib/kafka';
import { requestOnce } from '../lib/http-load';
import { benchKafka } from '../lib/kafka';
import type { RssSampler } from '../lib/rss';
import { percentile, round } from '../lib/stats';

export interface PipelineResult {
  spins: number;
  spacingMs: number;
  reward: PathLatency;
  feedback: PathLatency;
}

/** HTTP accepted → one notification type, through `stages` stage functions. */
interface PathLatency {
  stages: number;
  windowsMs: number;
  p50Ms: number;
  p99Ms: number;
  overheadP50Ms: number;
  received: number;
}

export async function pipelineScenario(options: {
  baseUrl: string;
  groupId: string;
  /** The batching windows on the way to each notice (the stages' declared ones). */
  windowsMs: { reward: number; feedback: number };
  warmups: number;
  spins: number;
  spacingMs: number;
  log: (line: string) => void;
  rss: RssSampler;
}): Promise<PipelineResult> {
  const arrivals = new Map<string, { REWARD?: number; FEEDBACK?: number }>();
  let assigned: () => void = () => undefined;
  const ready = new Promise<void>((resolve) => {
    assigned = resolve;
  });
  const watcher = await startConsumer(
    {
      groupId: options.groupId,
      topics: ['notifications'],
      fromBeginning: false,
      maxWaitTimeMs: 100,
      onAssignment: () => assigned(),
      kafka: benchKafka(),
    },
    async ({ message }) => {
      const value = JSON.parse(message.value?.toString('utf8') ?? '{}') as {
        correlation_id?: string;
        data?: { type?: string };
      };
      const type = value.data?.type;
      if (!value.correlation_id || (type !== 'REWARD' && type !== 'FEEDBACK')) return;
      const entry = arrivals.get(value.correlation_id);
      if (entry) entry[type] ??= Number(message.timestamp);
    },
  );
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const accepted = new Map<string, number>();
  try {
    await ready;
    options.rss.enter('pipeline');
    const url = new URL(`${options.baseUrl}/api/kafka/game/slot-spin`);
    const total = options.warmups + options.spins;
    const sends: Promise<void>[] = [];
    for (let i = 0; i < total; i += 1) {
      const body = JSON.stringify({
        user_id: `bench-spinner-${i}`,
        bet_amount: 50,
        payout: 750,
        symbols: ['7', '7', '7'],
        game_id: 'neon-nights',
      });
      sends.push(
        requestOnce(agent, url, 'POST', body).then((res) => {
          if (res.status !== 202)
            throw new Error(`slot-spin answered ${res.status}: ${res.text.slice(0, 300)}`);
          const at = Date.now();
          const { correlation_id: id } = JSON.parse(res.text) as { correlation_id: string };
          arrivals.set(id, arrivals.get(id) ?? {});
          if (i >= options.warmups) accepted.set(id, at);
        }),
      );
      await sleep(options.spacingMs);
    }
    await Promise.all(sends);
    const deadline = Date.now() + 10 * options.windowsMs.feedback + 20_000;
    const complete = () =>
      [...accepted.keys()].every((id) => arrivals.get(id)?.FEEDBACK && arrivals.get(id)?.REWARD);
    while (!complete() && Date.now() < deadline) await sleep(100);
    options.rss.repetitionDone();
  } finally {
    agent.destroy();
    await watcher.stop();
  }
  const latencies = (type: 'REWARD' | 'FEEDBACK') =>
    [...accepted].flatMap(([id, at]) => {
      const arrived = arrivals.get(id)?.[type];
      return arrived === undefined ? [] : [arrived - at];
    });
  const describe = (type: 'REWARD' | 'FEEDBACK', stages: number, windowsMs: number) => {
    const values = latencies(type);
    const p50 = percentile(values, 50);
    return {
      stages,
      windowsMs,
      p50Ms: round(p50),
      p99Ms: round(percentile(values, 99)),
      overheadP50Ms: round(p50 - windowsMs),
      received: values.length,
    };
  };
  const result = {
    spins: options.spins,
    spacingMs: options.spacingMs,
    reward: describe('REWARD', 1, options.windowsMs.reward),
    feedback: describe('FEEDBACK', 3, options.windowsMs.feedback),
  };
  options.log(
    `  pipeline: REWARD p50 ${result.reward.p50Ms} ms (windows ${result.reward.windowsMs}), FEEDBACK p50 ${result.feedback.p50Ms} ms (windows ${result.feedback.windowsMs}); ${result.feedback.received}/${options.spins} complete`,
  );
  return result;
}
