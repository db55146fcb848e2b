import type { Consumer, EachBatchPayload, Kafka, KafkaMessage } from 'kafkajs';
import { config } from '../config';
import { getKafka } from './client';
import { toKafkaError } from './kafka-errors';
import { assertValidTopicName } from './topic-name';

export interface ConsumerOptions {
  groupId: string;
  topics: string[];
  /** `true`: a new group starts at the oldest record; `false`: only records produced from now on. */
  fromBeginning?: boolean;
  sessionTimeoutMs?: number;
  heartbeatIntervalMs?: number;
  /** How long the broker may hold a fetch open waiting for data. */
  maxWaitTimeMs?: number;
  partitionsConsumedConcurrently?: number;
  /** Called whenever the group (re)assigns partitions to this member: topic → partitions. */
  onAssignment?: (assignment: Record<string, number[]>) => void;
  kafka?: Kafka;
}

export interface ReceivedMessage {
  topic: string;
  partition: number;
  message: KafkaMessage;
}

export interface RunningConsumer {
  consumer: Consumer;
  stop(): Promise<void>;
}

/**
 * Create, subscribe and run a consumer whose offsets are committed only after `handle` resolves
 * for a message: a failure redelivers from the first unprocessed message (at least once).
 */
export async function startConsumer(
  options: ConsumerOptions,
  handle: (received: ReceivedMessage) => Promise<void>,
): Promise<RunningConsumer> {
  for (const topic of options.topics) assertValidTopicName(topic);
  const kafka = options.kafka ?? (await getKafka());
  const consumer = kafka.consumer({
    groupId: options.groupId,
    sessionTimeout: options.sessionTimeoutMs ?? 10_000,
    heartbeatInterval: options.heartbeatIntervalMs ?? 1000,
    maxWaitTimeInMs: options.maxWaitTimeMs ?? 500,
    allowAutoTopicCreation: false,
    retry: { retries: config().kafka.producer.retries },
  });
  const { onAssignment } = options;
  if (onAssignment) {
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => onAssignment(payload.memberAssignment));
  }
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: options.topics, fromBeginning: options.fromBeginning ?? true });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: options.partitionsConsumedConcurrently ?? 1,
      eachBatch: async ({
        batch,
        resolveOffset,
        heartbeat,
        commitOffsetsIfNecessary,
        isRunning,
        isStale,
      }: EachBatchPayload) => {
        let processed: string | undefined;
        // Commit what was processed, even when a later message fails, so only the rest is redelivered.
        const commitProcessed = async () => {
          if (processed === undefined) return;
          const offset = String(BigInt(processed) + 1n);
          await commitOffsetsIfNecessary({
            topics: [{ topic: batch.topic, partitions: [{ partition: batch.partition, offset }] }],
          });
        };
        try {
          for (const message of batch.messages) {
            if (!isRunning() || isStale()) break;
            await handle({ topic: batch.topic, partition: batch.partition, message });
            resolveOffset(message.offset);
            processed = message.offset;
            await heartbeat();
          }
        } finally {
          await commitProcessed();
        }
      },
    });
  } catch (error) {
    await consumer.disconnect().catch(() => undefined);
    throw toKafkaError(error);
  }
  return { consumer, stop: () => consumer.disconnect() };
}

export interface CollectOptions extends Omit<ConsumerOptions, 'partitionsConsumedConcurrently'> {
  /** Stop once this many messages arrived. */
  count: number;
  /** Give up after this long; resolves with what arrived so far and `timedOut: true`. */
  timeoutMs: number;
}

/** Consume until `count` messages arrived or the timeout passed; a quiet topic times out cleanly. */
export async function collectMessages(
  options: CollectOptions,
): Promise<{ messages: ReceivedMessage[]; timedOut: boolean }> {
  const messages: ReceivedMessage[] = [];
  let finish: (timedOut: boolean) => void = () => undefined;
  const finished = new Promise<boolean>((resolve) => {
    finish = resolve;
  });
  const running = await startConsumer(options, async (received) => {
    messages.push(received);
    if (messages.length >= options.count) finish(false);
  });
  const timer = setTimeout(() => finish(true), options.timeoutMs);
  try {
    const timedOut = await finished;
    return { messages, timedOut };
  } finally {
    clearTimeout(timer);
    await running.stop();
  }
}
