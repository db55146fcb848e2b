/**
 * The floor of an HTTP produce on this server: nothing but a raw kafkajs send of the request's event
 * (acks=all, idempotent like lib/kafka's producer, one producer per container, connected once), to
 * this run's produce topic. The single-event endpoint's requests/s are divided by this function's:
 * what is left between the two is our code (middy, parsing, validation, bookkeeping).
 * Raw kafkajs on purpose, not lib/kafka: it is the ceiling our code is measured against.
 */
import { Kafka, logLevel, type Producer } from 'kafkajs';

const topic = process.env.BENCH_PRODUCE_TOPIC ?? 'bench-unused-produce';
let producer: Promise<Producer> | undefined;

async function connect(): Promise<Producer> {
  const kafka = new Kafka({
    clientId: 'bench-raw-send',
    brokers: (process.env.KAFKA_BROKERS ?? 'localhost:9092').split(','),
    logLevel: logLevel.WARN,
  });
  const created = kafka.producer({ idempotent: true, maxInFlightRequests: 1, allowAutoTopicCreation: false });
  await created.connect();
  return created;
}

export const handler = async (event: {
  body: string | null;
}): Promise<{ statusCode: number; body: string }> => {
  producer ??= connect().catch((error: unknown) => {
    producer = undefined;
    throw error;
  });
  const body = event.body ?? '{}';
  // The endpoint keys each event by its user (one partition per user); so does the floor.
  const { user_id: key } = JSON.parse(body) as { user_id?: string };
  await (await producer).send({
    topic,
    acks: -1,
    messages: [{ key: key ?? null, value: body, headers: { 'content-type': 'application/json' } }],
  });
  return { statusCode: 202, body: '{"accepted":1}' };
};
