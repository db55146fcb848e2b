import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import type { z } from 'zod';
import { AppError, ConfigError, errorMessage, fieldIssues, RejectedError } from '../errors';
import { type CatalogueTopic, catalogue, type TopicEvent } from '../events/catalogue';
import { nowEpochSeconds } from '../events/envelope';
import {
  type LambdaKafkaEvent,
  type LambdaKafkaRecord,
  lambdaKafkaEventSchema,
  recordsKey,
  recordValueJson,
  sendMessages,
  toMessage,
} from '../kafka';
import { createLogger, type Logger } from '../log';
import { stageMetrics } from '../ops/stage-metrics';
import type { Emit, StageDeclaration } from '../pipeline/stage';
import { DeliveryCounter, deadLetterMessage, deadLetterOf, type RecordFailure } from './dead-letter';
import { outputEventId } from './deterministic-id';

type Message = Parameters<typeof sendMessages>[1][number];

export interface StageSummary {
  records: number;
  /** Events produced per topic. */
  produced: Record<string, number>;
  deadLettered: number;
}

type RecordOutcome =
  | { record: LambdaKafkaRecord; outputs: { topic: CatalogueTopic; event: OutputEvent }[]; ruleMs: number }
  | { record: LambdaKafkaRecord; failure: RecordFailure; attempt: number };

interface OutputEvent {
  [field: string]: unknown;
  event_id: string;
  event_type: string;
  user_id: string;
  timestamp: number;
  correlation_id: string;
  causation_id: string;
  data: Record<string, unknown>;
}

const describeIssues = (issues: readonly z.core.$ZodIssue[]): string =>
  fieldIssues(issues)
    .map((i) => `${i.path || '(event)'}: ${i.message}`)
    .join('; ');

/** Reads the value; a record without a usable JSON value is a failure, never an exception. */
function decode(record: LambdaKafkaRecord): { value: unknown } | RecordFailure {
  if (record.value === undefined)
    return { reason: 'empty_value', error: 'The record has no value (a tombstone)' };
  try {
    return { value: recordValueJson(record) };
  } catch (error) {
    return { reason: 'undecodable', error: errorMessage(error) };
  }
}

/** Fill in what every output carries: a deterministic id, the time, the user and the correlation. */
function outputsOf(stage: string, input: TopicEvent<CatalogueTopic>, emits: readonly Emit[]) {
  const occurrences = new Map<string, number>();
  return emits.map((emit) => {
    const base = `${emit.topic}/${emit.event_type}`;
    const n = occurrences.get(base) ?? 0;
    occurrences.set(base, n + 1);
    const event: OutputEvent = {
      event_id: outputEventId(input.event_id, stage, emit.kind ?? `${base}#${n}`),
      event_type: emit.event_type,
      user_id: emit.user_id ?? input.user_id,
      timestamp: nowEpochSeconds(),
      correlation_id: input.correlation_id ?? input.event_id,
      causation_id: input.event_id,
      data: emit.data,
    };
    return { topic: emit.topic, event };
  });
}

/** The first output that its own topic's schema refuses, described. */
function invalidOutput(outputs: { topic: CatalogueTopic; event: OutputEvent }[]): string | undefined {
  for (const { topic, event } of outputs) {
    const parsed = (catalogue[topic].schema as z.ZodType).safeParse(event);
    if (!parsed.success)
      return `output ${event.event_type} to ${topic}: ${describeIssues(parsed.error.issues)}`;
  }
  return undefined;
}

const rejectNonKafkaEvents: middy.MiddlewareObj<LambdaKafkaEvent> = {
  before: ({ event }) => {
    const parsed = lambdaKafkaEventSchema.safeParse(event);
    if (!parsed.success) throw new ConfigError(`Not a Kafka event: ${describeIssues(parsed.error.issues)}`);
  },
};

/**
 * The one factory for Kafka-triggered stage functions, the sibling of `httpHandler`. For each batch:
 * decode and validate every record with its topic's schema, run the rule per record in partition
 * order, then produce all outputs in one call per topic, with deterministic ids, `correlation_id`
 * and `causation_id`. Records that can never succeed go to `<topic>_dlq` and the batch goes on;
 * any other failure (a produce, an unavailable dependency) throws, so the whole batch is retried,
 * which the deterministic ids make harmless.
 */
export function stageHandler<T extends CatalogueTopic>(spec: StageDeclaration<T>) {
  const log = createLogger({ function: spec.name });
  const schema = catalogue[spec.topic].schema as unknown as z.ZodType<TopicEvent<T>>;
  const deliveries = new DeliveryCounter();
  // CloudWatch metrics as EMF log lines, printed once per batch (lib/ops/stage-metrics.ts).
  const metrics = stageMetrics(spec.name);

  async function processRecord(record: LambdaKafkaRecord, requestLog: Logger): Promise<RecordOutcome> {
    const attempt = deliveries.deliver(record);
    const fail = (failure: RecordFailure): RecordOutcome => ({ record, failure, attempt });
    const decoded = decode(record);
    if ('reason' in decoded) return fail(decoded);
    const parsed = schema.safeParse(decoded.value);
    if (!parsed.success) return fail({ reason: 'invalid_event', error: describeIssues(parsed.error.issues) });
    const input = parsed.data;
    const recordLog = requestLog.child({
      event_id: input.event_id,
      correlation_id: input.correlation_id ?? input.event_id,
      record: `${recordsKey(record.topic, record.partition)}@${record.offset}`,
    });
    let emits: readonly Emit[];
    const ruleStarted = performance.now();
    try {
      emits = await spec.rule(input, { record, attempt, log: recordLog });
    } catch (error) {
      // Not retriable: it would fail the same way however often it came back, so it is dead-lettered.
      if (error instanceof AppError && !error.retriable) {
        const ruleReason = error instanceof RejectedError ? error.reason : error.code;
        return fail({ reason: 'rejected', ruleReason, error: error.message });
      }
      recordLog.warn('stage rule failed; the batch will be retried', { error, attempt });
      throw error;
    }
    const ruleMs = performance.now() - ruleStarted;
    const outputs = outputsOf(spec.name, input, emits);
    const invalid = invalidOutput(outputs);
    if (invalid) return fail({ reason: 'invalid_output', error: invalid });
    recordLog.debug('record processed', { outputs: outputs.map((o) => `${o.topic}:${o.event.event_type}`) });
    return { record, outputs, ruleMs };
  }

  /** Each partition in offset order; partitions side by side. The first failure fails the batch. */
  async function processBatch(event: LambdaKafkaEvent, requestLog: Logger): Promise<RecordOutcome[]> {
    const settled = await Promise.allSettled(
      Object.values(event.records).map(async (records) => {
        const outcomes: RecordOutcome[] = [];
        for (const record of records) outcomes.push(await processRecord(record, requestLog));
        return outcomes;
      }),
    );
    const failed = settled.find((s): s is PromiseRejectedResult => s.status === 'rejected');
    if (failed) throw failed.reason;
    return settled.flatMap((s) => (s.status === 'fulfilled' ? s.value : []));
  }

  async function handle(event: LambdaKafkaEvent, context: Context): Promise<StageSummary> {
    const requestLog = log.child({ requestId: context.awsRequestId });
    const records = Object.values(event.records).flat();
    const foreign = records.find((r) => r.topic !== spec.topic);
    if (foreign) {
      throw new ConfigError(
        `Stage ${spec.name} reads ${spec.topic} but was handed a record of ${foreign.topic}`,
      );
    }
    const outcomes = await processBatch(event, requestLog);

    const byTopic = new Map<string, Message[]>();
    const add = (topic: string, message: Message) => {
      const messages = byTopic.get(topic);
      if (messages) messages.push(message);
      else byTopic.set(topic, [message]);
    };
    const produced: Record<string, number> = {};
    let deadLettered = 0;
    for (const outcome of outcomes) {
      if ('failure' in outcome) {
        const letter = deadLetterOf(spec.name, outcome.record, outcome.failure, outcome.attempt);
        const { topic, message } = deadLetterMessage(outcome.record, letter);
        add(topic, message);
        deadLettered += 1;
        requestLog.warn('record dead-lettered', {
          topic,
          record: `${recordsKey(letter.topic, letter.partition)}@${letter.offset}`,
          reason: letter.reason,
          rule_reason: letter.rule_reason,
          error: letter.error,
          attempt: letter.attempt,
          correlation_id: letter.correlation_id,
        });
        continue;
      }
      for (const { topic, event: output } of outcome.outputs) {
        add(topic, toMessage(output));
        produced[topic] = (produced[topic] ?? 0) + 1;
      }
    }
    // One produce call per topic for the whole batch; a failure throws and the batch is retried.
    await Promise.all([...byTopic].map(([topic, messages]) => sendMessages(topic, messages)));
    // Counted once the batch's outputs are acknowledged: a failed batch comes back and counts then.
    for (const outcome of outcomes)
      if ('failure' in outcome) metrics.deadLettered();
      else metrics.processed(outcome.ruleMs);
    metrics.publish();
    const summary = { records: records.length, produced, deadLettered };
    requestLog.info('batch processed', { ...summary });
    return summary;
  }

  const logFailure: middy.MiddlewareObj<LambdaKafkaEvent, StageSummary> = {
    onError: ({ error, context }) => {
      log.error('batch failed; it will be delivered again', { requestId: context.awsRequestId, error });
    },
  };

  return middy<LambdaKafkaEvent, StageSummary, Error, Context>()
    .use(logFailure)
    .use(rejectNonKafkaEvents)
    .handler(handle);
}
