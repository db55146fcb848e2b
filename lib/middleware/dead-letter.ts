import { TextDecoder } from 'node:util';
import { type DeadLetter, type DeadLetterReason, deadLetterTopic } from '../events';
import {
  type LambdaKafkaRecord,
  recordHeaders,
  recordKeyText,
  recordsKey,
  recordValueBytes,
  type sendMessages,
} from '../kafka';
import { uuidV5 } from './deterministic-id';

type Message = Parameters<typeof sendMessages>[1][number];

/** A record that can never succeed, and why. */
export interface RecordFailure {
  reason: DeadLetterReason;
  error: string;
  /** The rule's own code for a rejection, e.g. `hq_rejected`. */
  ruleReason?: string;
}

const strictUtf8 = new TextDecoder('utf-8', { fatal: true });

const asText = (bytes: Buffer): { value: string; value_encoding: 'utf8' | 'base64' } => {
  try {
    return { value: strictUtf8.decode(bytes), value_encoding: 'utf8' };
  } catch {
    return { value: bytes.toString('base64'), value_encoding: 'base64' };
  }
};

const originalValue = (bytes: Buffer | undefined): Pick<DeadLetter, 'value' | 'value_encoding'> =>
  bytes === undefined ? { value: null, value_encoding: 'utf8' } : asText(bytes);

const idsIn = (text: string | null): Pick<DeadLetter, 'event_id' | 'correlation_id'> => {
  try {
    const parsed: unknown = text === null ? undefined : JSON.parse(text);
    const value = (parsed ?? {}) as Record<string, unknown>;
    const pick = (name: string) => (typeof value[name] === 'string' ? (value[name] as string) : null);
    return { event_id: pick('event_id'), correlation_id: pick('correlation_id') ?? pick('event_id') };
  } catch {
    return { event_id: null, correlation_id: null };
  }
};

/** The dead letter for `record`: its original bytes and coordinates, the reason and the attempt. */
export function deadLetterOf(
  stage: string,
  record: LambdaKafkaRecord,
  failure: RecordFailure,
  attempt: number,
  now = new Date(),
): DeadLetter {
  const original = originalValue(recordValueBytes(record));
  return {
    dead_letter_id: uuidV5(
      `${recordsKey(record.topic, record.partition)}@${record.offset}\n${stage}\ndead-letter`,
    ),
    stage,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
    timestamp: record.timestamp,
    key: recordKeyText(record) ?? null,
    ...original,
    headers: recordHeaders(record).map(({ name, value }) => ({ name, ...asText(value) })),
    ...idsIn(original.value_encoding === 'utf8' ? original.value : null),
    reason: failure.reason,
    ...(failure.ruleReason !== undefined && { rule_reason: failure.ruleReason }),
    error: failure.error,
    attempt,
    failed_at: now.toISOString(),
  };
}

/** The dead letter as a message for `<topic>_dlq`, keyed by the original key so it keeps its partition. */
export function deadLetterMessage(
  record: LambdaKafkaRecord,
  letter: DeadLetter,
): { topic: string; message: Message } {
  return {
    topic: deadLetterTopic(record.topic),
    message: {
      key: record.key === undefined ? null : Buffer.from(record.key, 'base64'),
      value: JSON.stringify(letter),
      headers: {
        'content-type': 'application/json',
        'dead-letter-reason': letter.reason,
        'dead-letter-stage': letter.stage,
      },
    },
  };
}

/**
 * How many times this container has been handed each record. AWS does not tell a function how often
 * it retried a batch, so the count is per container: it starts again at 1 in a new container.
 * Bounded, oldest coordinates forgotten first.
 */
export class DeliveryCounter {
  private readonly seen = new Map<string, number>();
  constructor(private readonly capacity = 10_000) {}

  /** Count one more delivery of `record` and return the total so far (1 on the first). */
  deliver(record: Pick<LambdaKafkaRecord, 'topic' | 'partition' | 'offset'>): number {
    const coordinate = `${recordsKey(record.topic, record.partition)}@${record.offset}`;
    const count = (this.seen.get(coordinate) ?? 0) + 1;
    this.seen.delete(coordinate);
    this.seen.set(coordinate, count);
    if (this.seen.size > this.capacity) {
      const oldest = this.seen.keys().next().value;
      if (oldest !== undefined) this.seen.delete(oldest);
    }
    return count;
  }
}
