/**
 * Reads every function's `kafka` (self-managed) and `msk` events from serverless.yml into the
 * settings of one emulated event source mapping each, with AWS's defaults: batchSize 100,
 * batching window 500 ms when unset, TRIM_HORIZON (Serverless' default), infinite retries.
 * A problem AWS would reject at deploy time (AT_TIMESTAMP without a timestamp, a destination equal
 * to the source topic, two mappings sharing a consumer group) stops the start with a clear message.
 */
import { createHash } from 'node:crypto';
import { z } from 'zod';
import { compileFilter, type RecordFilter } from './filter';
import type { KafkaEventSourceType } from './lambda-event';
import { METRIC_GROUPS, type MetricGroup } from './metrics';
import type { ServerlessLike } from './serverless-types';
import { topicNameProblem } from './topic-name';

export const DEFAULT_BATCH_SIZE = 100;
/** AWS's Kafka default when MaximumBatchingWindowInSeconds is not set. */
export const DEFAULT_WINDOW_MS = 500;
/** With infinite retries and an on-failure destination, AWS caps retries at 10. */
export const DESTINATION_RETRY_CAP = 10;
/** Placeholder account for ARNs built locally. */
export const LOCAL_ACCOUNT = '000000000000';

export type StartingPosition = 'TRIM_HORIZON' | 'LATEST' | 'AT_TIMESTAMP';

export type Destination = { kind: 'kafka'; topic: string; uri: string } | { kind: 'other'; uri: string };

export interface EventSourceConfig {
  /** `<function>#<event index>`, for logs. */
  id: string;
  functionKey: string;
  /** The deployed name, `<service>-<stage>-<function>` unless set. */
  functionName: string;
  functionArn: string;
  source: KafkaEventSourceType;
  topic: string;
  enabled: boolean;
  batchSize: number;
  windowMs: number;
  startingPosition: StartingPosition;
  /** Epoch seconds, for AT_TIMESTAMP. */
  startingPositionTimestamp?: number;
  groupId: string;
  groupIdIsDefault: boolean;
  filter: RecordFilter;
  /** What the delivered event carries. */
  bootstrapServers: string;
  eventSourceArn?: string;
  /** Effective: -1 (until success) unless set, 10 when -1 and a destination is configured. */
  maximumRetryAttempts: number;
  maximumRecordAgeSeconds: number;
  bisect: boolean;
  reportBatchItemFailures: boolean;
  destination?: Destination;
  /** `metricsConfig.metrics`: the metric groups kept and printed for this mapping (none: off). */
  metrics: MetricGroup[];
  schemaRegistry?: SchemaRegistrySettings;
}

export interface SchemaRegistrySettings {
  /** A Glue registry ARN or a Confluent registry URL. */
  uri: string;
  eventRecordFormat: 'JSON' | 'SOURCE';
  attributes: ('KEY' | 'VALUE')[];
}

export class EventSourceConfigError extends Error {
  override readonly name = 'EventSourceConfigError';
}

const arnLike = z.union([z.string(), z.record(z.string(), z.unknown())]);

const common = {
  topic: z.string().min(1),
  batchSize: z.number().int().min(1).max(10_000).optional(),
  maximumBatchingWindow: z.number().min(0).max(300).optional(),
  enabled: z.boolean().optional(),
  startingPosition: z.enum(['LATEST', 'TRIM_HORIZON', 'AT_TIMESTAMP']).optional(),
  startingPositionTimestamp: z.number().optional(),
  consumerGroupId: z
    .string()
    .min(1)
    .max(200)
    .regex(/^[a-zA-Z0-9\-/*:_+=.@]*$/)
    .optional(),
  filterPatterns: z.array(z.unknown()).optional(),
  maximumRetryAttempts: z.number().int().min(-1).max(10_000).optional(),
  maximumRecordAgeInSeconds: z
    .number()
    .int()
    .refine((n) => n === -1 || (n >= 60 && n <= 604_800), 'must be -1 or 60..604800')
    .optional(),
  bisectBatchOnFunctionError: z.boolean().optional(),
  functionResponseTypes: z.array(z.literal('ReportBatchItemFailures')).optional(),
  onFailureDestination: arnLike.optional(),
  metricsConfig: z.object({ metrics: z.array(z.enum(METRIC_GROUPS)).max(3) }).optional(),
  schemaRegistryConfig: z
    .object({
      schemaRegistryUri: z.string().min(1),
      eventRecordFormat: z.enum(['JSON', 'SOURCE']),
      accessConfigs: z
        .array(z.object({ type: z.string(), uri: z.string() }))
        .max(2)
        .optional(),
      schemaValidationConfigs: z
        .array(z.object({ attribute: z.enum(['KEY', 'VALUE']) }))
        .min(1)
        .max(2),
    })
    .optional(),
};

const kafkaEventSchema = z.looseObject({ ...common, bootstrapServers: z.array(z.string().min(1)).min(1) });
const mskEventSchema = z.looseObject({ ...common, arn: arnLike });

const GROUP_ID_MAX = 200;

/** Stable default group per mapping (AWS uses the mapping's UUID, stable across restarts). */
export function defaultGroupId(parts: {
  service: string;
  stage: string;
  functionKey: string;
  topic: string;
  occurrence: number;
}): string {
  const raw = [
    'sls-offline',
    parts.service,
    parts.stage,
    parts.functionKey,
    parts.topic,
    ...(parts.occurrence > 1 ? [String(parts.occurrence)] : []),
  ].join('-');
  const safe = raw.replace(/[^a-zA-Z0-9\-/*:_+=.@]/g, '_');
  if (safe.length <= GROUP_ID_MAX) return safe;
  const hash = createHash('sha256').update(safe).digest('hex').slice(0, 12);
  return `${safe.slice(0, GROUP_ID_MAX - hash.length - 1)}-${hash}`;
}

/** The MSK cluster ARN as the event carries it; CloudFormation references cannot be resolved locally. */
function mskArn(arn: string | Record<string, unknown>, region: string, functionKey: string): string {
  if (typeof arn === 'string') return arn;
  const name =
    JSON.stringify(arn)
      .replace(/[^a-zA-Z0-9-]/g, '')
      .slice(0, 64) || functionKey;
  return `arn:aws:kafka:${region}:${LOCAL_ACCOUNT}:cluster/${name}/local`;
}

function destinationOf(
  raw: string | Record<string, unknown> | undefined,
  where: string,
): Destination | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string') return { kind: 'other', uri: JSON.stringify(raw) };
  const match = /^kafka:\/\/(.+)$/.exec(raw);
  if (!match) return { kind: 'other', uri: raw };
  const topic = match[1] ?? '';
  const problem = topicNameProblem(topic);
  if (problem)
    throw new EventSourceConfigError(
      `${where}.onFailureDestination: topic ${JSON.stringify(topic)} ${problem}`,
    );
  return { kind: 'kafka', topic, uri: raw };
}

const issuesOf = (error: z.ZodError, where: string): string =>
  error.issues.map((i) => `${[where, ...i.path.map(String)].join('.')}: ${i.message}`).join('; ');

export interface ReadContext {
  service: string;
  stage: string;
  region: string;
  /** Local brokers, used as `bootstrapServers` of MSK events (AWS would send the cluster's). */
  localBrokers: readonly string[];
}

/** Every `kafka`/`msk` event of the service, validated, in function then event order. */
export function readEventSources(serverless: ServerlessLike, context: ReadContext): EventSourceConfig[] {
  const configs: EventSourceConfig[] = [];
  for (const functionKey of serverless.service.getAllFunctions()) {
    const fn = serverless.service.getFunction(functionKey);
    const functionName = fn.name ?? `${context.service}-${context.stage}-${functionKey}`;
    const occurrences = new Map<string, number>();
    (fn.events ?? []).forEach((event, index) => {
      const source: KafkaEventSourceType | undefined =
        'kafka' in event ? 'kafka' : 'msk' in event ? 'msk' : undefined;
      if (!source) return;
      const where = `functions.${functionKey}.events[${index}].${source}`;
      const parsed = (source === 'kafka' ? kafkaEventSchema : mskEventSchema).safeParse(event[source]);
      if (!parsed.success) throw new EventSourceConfigError(issuesOf(parsed.error, where));
      const e = parsed.data;
      const topicProblem = topicNameProblem(e.topic);
      if (topicProblem)
        throw new EventSourceConfigError(`${where}.topic: ${JSON.stringify(e.topic)} ${topicProblem}`);
      const startingPosition = e.startingPosition ?? 'TRIM_HORIZON';
      if (startingPosition === 'AT_TIMESTAMP' && e.startingPositionTimestamp === undefined) {
        throw new EventSourceConfigError(
          `${where}: startingPosition AT_TIMESTAMP needs startingPositionTimestamp (epoch seconds)`,
        );
      }
      const destination = destinationOf(e.onFailureDestination, where);
      if (destination?.kind === 'kafka' && destination.topic === e.topic) {
        throw new EventSourceConfigError(
          `${where}.onFailureDestination: must not be the source topic (AWS rejects the recursion)`,
        );
      }
      const occurrence = (occurrences.get(e.topic) ?? 0) + 1;
      occurrences.set(e.topic, occurrence);
      const retries = e.maximumRetryAttempts ?? -1;
      let filter: RecordFilter;
      try {
        filter = compileFilter(e.filterPatterns, `${where}.filterPatterns`);
      } catch (error) {
        throw new EventSourceConfigError((error as Error).message);
      }
      const eventSourceArn =
        'arn' in e
          ? mskArn(e.arn as string | Record<string, unknown>, context.region, functionKey)
          : undefined;
      configs.push({
        id: `${functionKey}#${index}`,
        functionKey,
        functionName,
        functionArn: `arn:aws:lambda:${context.region}:${LOCAL_ACCOUNT}:function:${functionName}`,
        source,
        topic: e.topic,
        enabled: e.enabled ?? true,
        batchSize: e.batchSize ?? DEFAULT_BATCH_SIZE,
        windowMs:
          e.maximumBatchingWindow === undefined
            ? DEFAULT_WINDOW_MS
            : Math.round(e.maximumBatchingWindow * 1000),
        startingPosition,
        ...(e.startingPositionTimestamp !== undefined && {
          startingPositionTimestamp: e.startingPositionTimestamp,
        }),
        groupId:
          e.consumerGroupId ??
          defaultGroupId({
            service: context.service,
            stage: context.stage,
            functionKey,
            topic: e.topic,
            occurrence,
          }),
        groupIdIsDefault: e.consumerGroupId === undefined,
        filter,
        bootstrapServers:
          'bootstrapServers' in e
            ? (e.bootstrapServers as string[]).join(',')
            : context.localBrokers.join(','),
        ...(eventSourceArn && { eventSourceArn }),
        maximumRetryAttempts: retries === -1 && destination ? DESTINATION_RETRY_CAP : retries,
        maximumRecordAgeSeconds: e.maximumRecordAgeInSeconds ?? -1,
        bisect: e.bisectBatchOnFunctionError ?? false,
        reportBatchItemFailures: (e.functionResponseTypes ?? []).includes('ReportBatchItemFailures'),
        ...(destination && { destination }),
        metrics: [...new Set(e.metricsConfig?.metrics ?? [])],
        ...(e.schemaRegistryConfig && {
          schemaRegistry: {
            uri: e.schemaRegistryConfig.schemaRegistryUri,
            eventRecordFormat: e.schemaRegistryConfig.eventRecordFormat,
            attributes: [...new Set(e.schemaRegistryConfig.schemaValidationConfigs.map((v) => v.attribute))],
          },
        }),
      });
    });
  }
  const groups = new Map<string, string>();
  for (const config of configs) {
    const other = groups.get(config.groupId);
    if (other) {
      throw new EventSourceConfigError(
        `${config.id} and ${other} use the same consumerGroupId ${JSON.stringify(config.groupId)}; AWS requires one group per event source mapping`,
      );
    }
    groups.set(config.groupId, config.id);
  }
  return configs;
}
