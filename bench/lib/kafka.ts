/**
 * The raw clients the project's figures are divided by: a kafkajs producer and `eachBatch`
 * consumer with the project's settings but none of its code, and kcat (librdkafka) as the
 * non-Node reference. Also the bench's own topics and consumer groups, which it removes afterwards.
 */
import { execFile, spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { promisify } from 'node:util';
import { CompressionTypes, type Consumer, type Kafka, type Message, type Producer } from 'kafkajs';
import { config } from '../../lib/config';
import { completeEvent } from '../../lib/events/publish';
import { createKafka, createTopics, deleteTopics, toMessage } from '../../lib/kafka';

const run = promisify(execFile);

let kafka: Kafka | undefined;
export const benchKafka = (): Kafka => {
  kafka ??= createKafka(config().kafka, 'bench');
  return kafka;
};

/** The body of one user action as a game backend would post it; `n` is what the consumers add up. */
export const userAction = (n: number) => ({
  user_id: `bench-user-${n % 64}`,
  data: { action: 'TAP', device: 'ios', n },
});

/** What the HTTP endpoint produces for `userAction(n)`: the completed event as a Kafka message. */
export const userActionMessage = (n: number): Message =>
  toMessage(completeEvent('user_actions', userAction(n)) as Parameters<typeof toMessage>[0]);

export async function createBenchTopics(topics: string[], partitions = 3): Promise<void> {
  await createTopics(
    topics.map((topic) => ({ topic, partitions })),
    benchKafka(),
  );
}

/**
 * Best effort: the run's topics and every consumer group whose id contains `marker`. A group whose
 * member never left (the other plugin does not leave its group on shutdown) stays until the broker
 * expires the member; it is named in the result rather than failing the run.
 */
export async function cleanupKafka(topics: string[], marker: string): Promise<string[]> {
  const problems: string[] = [];
  const admin = benchKafka().admin();
  try {
    await admin.connect();
    const { groups } = await admin.listGroups();
    const ours = groups.map((g) => g.groupId).filter((id) => id.includes(marker));
    if (ours.length > 0) await admin.deleteGroups(ours);
  } catch (error) {
    const failed = (error as { groups?: { groupId: string; error?: { type?: string } }[] }).groups;
    problems.push(
      failed
        ? `groups left: ${failed.map((g) => `${g.groupId} (${g.error?.type ?? 'error'})`).join(', ')}`
        : `groups: ${(error as Error).message}`,
    );
  } finally {
    await admin.disconnect().catch(() => undefined);
  }
  if (topics.length > 0)
    await deleteTopics(topics, benchKafka()).catch((error: Error) =>
      problems.push(`topics: ${error.message}`),
    );
  return problems;
}

/** A kafkajs producer with the project's producer settings: acks=all, gzip, idempotent. */
export class RawProducer {
  private constructor(private readonly producer: Producer) {}

  static async connect(): Promise<RawProducer> {
    const producer = benchKafka().producer({
      idempotent: true,
      maxInFlightRequests: 1,
      allowAutoTopicCreation: false,
    });
    await producer.connect();
    return new RawProducer(producer);
  }

  send(topic: string, messages: Message[]): Promise<unknown> {
    return this.producer.send({ topic, messages, acks: -1, compression: CompressionTypes.GZIP });
  }

  disconnect(): Promise<void> {
    return this.producer.disconnect();
  }
}

export interface BurstTiming {
  records: number;
  /** When the first record was handed to the work, and when the last one was done (epoch ms). */
  first: number;
  last: number;
}

/**
 * A kafkajs consumer doing what the bench function does per record (parse the JSON value, add up a
 * field), committing as kafkajs does by default. `expect(n)` resolves once n more records were done.
 */
export class RawConsumer {
  private done = 0;
  private first = 0;
  private waiter: { target: number; resolve: (t: BurstTiming) => void } | undefined;
  sum = 0;

  private constructor(private readonly consumer: Consumer) {}

  static async start(topic: string, groupId: string): Promise<RawConsumer> {
    const consumer = benchKafka().consumer({ groupId, maxWaitTimeInMs: 500, allowAutoTopicCreation: false });
    let joined: () => void = () => undefined;
    const isJoined = new Promise<void>((resolve) => {
      joined = resolve;
    });
    consumer.on(consumer.events.GROUP_JOIN, () => joined());
    await consumer.connect();
    await consumer.subscribe({ topics: [topic], fromBeginning: false });
    const raw = new RawConsumer(consumer);
    await consumer.run({
      eachBatch: async ({ batch, resolveOffset, heartbeat }) => {
        if (raw.first === 0) raw.first = Date.now();
        for (const message of batch.messages) {
          if (message.value) {
            const value = JSON.parse(message.value.toString('utf8')) as { data?: { n?: number } };
            raw.sum += value.data?.n ?? 0;
            raw.done += 1;
          }
          resolveOffset(message.offset);
        }
        await heartbeat();
        raw.check();
      },
    });
    await isJoined;
    return raw;
  }

  expect(records: number): Promise<BurstTiming> {
    this.done = 0;
    this.first = 0;
    return new Promise((resolve) => {
      this.waiter = { target: records, resolve };
    });
  }

  private check(): void {
    if (this.waiter && this.done >= this.waiter.target) {
      this.waiter.resolve({ records: this.done, first: this.first, last: Date.now() });
      this.waiter = undefined;
    }
  }

  stop(): Promise<void> {
    return this.consumer.disconnect();
  }
}

const bootstrap = (): string => config().kafka.brokers.join(',');

/** Write `count` user-action records (key TAB value per line) to a file kcat can produce from. */
export function writeBurstFile(file: string, count: number, from = 0): void {
  const lines: string[] = [];
  for (let i = from; i < from + count; i += 1) {
    const message = userActionMessage(i);
    lines.push(`${message.key}\t${message.value}`);
  }
  writeFileSync(file, `${lines.join('\n')}\n`);
}

/** Produce a file with kcat with the project's producer settings; resolves with the elapsed ms. */
export function kcatProduce(topic: string, file: string): Promise<number> {
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn(
      'kcat',
      [
        ...['-b', bootstrap(), '-P', '-t', topic, '-K', '\t', '-l', file],
        ...['-X', 'acks=all', '-X', 'compression.codec=gzip', '-X', 'enable.idempotence=true'],
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0
        ? resolve(performance.now() - started)
        : reject(new Error(`kcat -P exited ${code}: ${stderr}`)),
    );
  });
}

/** Read a whole topic with kcat; resolves with the elapsed ms and how many records it read. */
export async function kcatConsumeAll(topic: string): Promise<{ ms: number; records: number }> {
  const started = performance.now();
  const { stdout } = await run(
    'kcat',
    ['-b', bootstrap(), '-C', '-t', topic, '-o', 'beginning', '-e', '-q', '-f', '%o\n'],
    {
      maxBuffer: 256 * 1024 * 1024,
    },
  );
  const ms = performance.now() - started;
  return { ms, records: stdout.split('\n').filter(Boolean).length };
}
