/**
 * Where a produce request's time goes, without serverless-offline in the way: the bench service's
 * produce handler (the real middy stack, validation and producer) called in-process, beside a raw
 * kafkajs send of the same message(s), and the handler's CPU-only part (parse, fill in, validate,
 * serialise) for a 1 000-event batch. The difference is the per-request work that is ours.
 */
import { completeEvent, validateEvents } from '../../lib/events/publish';
import { disconnectProducer, toMessage } from '../../lib/kafka';
import { type RawProducer, userAction, userActionMessage } from '../lib/kafka';
import { median, round } from '../lib/stats';

export interface BreakdownResult {
  single: { handlerP50Ms: number; rawSendP50Ms: number; oursP50Ms: number };
  batch: { events: number; handlerP50Ms: number; cpuOnlyP50Ms: number; rawSendP50Ms: number };
}

type Handler = (event: unknown, context: unknown) => Promise<{ statusCode: number; body: string }>;

const apiEvent = (body: string) => ({
  body,
  headers: { 'Content-Type': 'application/json' },
  httpMethod: 'POST',
  isBase64Encoded: false,
  path: '/api/kafka/messages/user-action',
  pathParameters: null,
  queryStringParameters: null,
  multiValueHeaders: {},
  multiValueQueryStringParameters: null,
  stageVariables: null,
  resource: '/api/kafka/messages/user-action',
  requestContext: {},
});

async function timed(work: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await work();
  return performance.now() - t0;
}

export async function breakdownScenario(
  topic: string,
  producer: RawProducer,
  count: number,
): Promise<BreakdownResult> {
  process.env.BENCH_PRODUCE_TOPIC = topic;
  const { handler } = (await import('../fixture-service/handlers/produce')) as unknown as {
    handler: Handler;
  };
  const call = async (body: string) => {
    const res = await handler(apiEvent(body), { awsRequestId: 'bench' });
    if (res.statusCode !== 202)
      throw new Error(`in-process produce answered ${res.statusCode}: ${res.body.slice(0, 300)}`);
  };
  try {
    const one = JSON.stringify(userAction(1));
    const handlerMs: number[] = [];
    const rawMs: number[] = [];
    for (let i = 0; i < count + 50; i += 1) {
      const h = await timed(() => call(one));
      const r = await timed(() => producer.send(topic, [userActionMessage(i)]));
      if (i >= 50) {
        handlerMs.push(h);
        rawMs.push(r);
      }
    }
    const inputs = Array.from({ length: 1000 }, (_, i) => userAction(i));
    const batchBody = JSON.stringify({ events: inputs });
    const bh: number[] = [];
    const bc: number[] = [];
    const br: number[] = [];
    for (let i = 0; i < 23; i += 1) {
      const h = await timed(() => call(batchBody));
      const c = await timed(async () => {
        const parsed = JSON.parse(batchBody) as { events: Record<string, unknown>[] };
        const events = validateEvents(
          'user_actions',
          parsed.events.map((input) => completeEvent('user_actions', input)),
        );
        return events.map((event) => toMessage(event));
      });
      const r = await timed(() =>
        producer.send(
          topic,
          inputs.map((_, k) => userActionMessage(k)),
        ),
      );
      if (i >= 3) {
        bh.push(h);
        bc.push(c);
        br.push(r);
      }
    }
    return {
      single: {
        handlerP50Ms: round(median(handlerMs)),
        rawSendP50Ms: round(median(rawMs)),
        oursP50Ms: round(median(handlerMs) - median(rawMs)),
      },
      batch: {
        events: 1000,
        handlerP50Ms: round(median(bh)),
        cpuOnlyP50Ms: round(median(bc)),
        rawSendP50Ms: round(median(br)),
      },
    };
  } finally {
    await disconnectProducer();
  }
}
