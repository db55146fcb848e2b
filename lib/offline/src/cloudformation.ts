/**
 * Emits the extra event properties into the packaged CloudFormation, so the one serverless.yml
 * drives both the local emulation and the deployment. Runs after the framework compiled the
 * `AWS::Lambda::EventSourceMapping`s (`package:compileEvents`) and only adds what it left out:
 *  - `MaximumRetryAttempts`, `MaximumRecordAgeInSeconds`, `BisectBatchOnFunctionError`,
 *    `FunctionResponseTypes`, `DestinationConfig.OnFailure.Destination`, `MetricsConfig`;
 *  - `SchemaRegistryConfig` inside `AmazonManagedKafkaEventSourceConfig` (msk) or
 *    `SelfManagedKafkaEventSourceConfig` (kafka), where CloudFormation has it;
 *  - `MaximumBatchingWindowInSeconds: 0` when the event says 0 (the framework drops a 0, which
 *    leaves AWS's 500 ms default in place — not what the emulator, or the author, does).
 */
import type { CfnResource, Logger, ServerlessLike } from './serverless-types';

const ESM = 'AWS::Lambda::EventSourceMapping';
/** AWS accepts these only on mappings in provisioned mode (a `kafka://` destination included). */
const PROVISIONED_ONLY = [
  'maximumRetryAttempts',
  'maximumRecordAgeInSeconds',
  'bisectBatchOnFunctionError',
  'functionResponseTypes',
  'schemaRegistryConfig',
];

const provisionedOnlySettings = (event: EventConfig): string[] => [
  ...PROVISIONED_ONLY.filter((p) => event[p] !== undefined),
  ...(typeof event.onFailureDestination === 'string' && event.onFailureDestination.startsWith('kafka://')
    ? ['a kafka:// onFailureDestination']
    : []),
];

type EventConfig = Record<string, unknown>;

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/** The mapping the framework compiled for this event: same function prefix, topic and source. */
function findMapping(
  resources: Record<string, CfnResource>,
  normalizedFunction: string,
  source: 'kafka' | 'msk',
  event: EventConfig,
): CfnResource | undefined {
  const prefix = `${normalizedFunction}EventSourceMapping${source === 'kafka' ? 'Kafka' : 'MSK'}`;
  return Object.entries(resources).find(([logicalId, resource]) => {
    const p = resource.Properties ?? {};
    if (resource.Type !== ESM || !logicalId.startsWith(prefix) || !same(p.Topics, [event.topic]))
      return false;
    return source === 'kafka'
      ? same(
          (p.SelfManagedEventSource as { Endpoints?: { KafkaBootstrapServers?: unknown } } | undefined)
            ?.Endpoints?.KafkaBootstrapServers,
          event.bootstrapServers,
        )
      : same(p.EventSourceArn, event.arn);
  })?.[1];
}

/** The CloudFormation properties for the extra event settings that are set. */
export function extraMappingProperties(event: EventConfig): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (event.maximumRetryAttempts !== undefined) out.MaximumRetryAttempts = event.maximumRetryAttempts;
  if (event.maximumRecordAgeInSeconds !== undefined)
    out.MaximumRecordAgeInSeconds = event.maximumRecordAgeInSeconds;
  if (event.bisectBatchOnFunctionError !== undefined)
    out.BisectBatchOnFunctionError = event.bisectBatchOnFunctionError;
  if (Array.isArray(event.functionResponseTypes) && event.functionResponseTypes.length > 0) {
    out.FunctionResponseTypes = event.functionResponseTypes;
  }
  if (event.onFailureDestination !== undefined) {
    out.DestinationConfig = { OnFailure: { Destination: event.onFailureDestination } };
  }
  if (event.maximumBatchingWindow === 0) out.MaximumBatchingWindowInSeconds = 0;
  const metrics = (event.metricsConfig as { metrics?: string[] } | undefined)?.metrics;
  if (metrics) out.MetricsConfig = { Metrics: metrics };
  return out;
}

interface SchemaRegistryInput {
  schemaRegistryUri: string;
  eventRecordFormat: string;
  accessConfigs?: { type: string; uri: string }[];
  schemaValidationConfigs: { attribute: string }[];
}

/** `SchemaRegistryConfig` in CloudFormation's spelling (note `SchemaRegistryURI`). */
export function schemaRegistryProperty(config: unknown): Record<string, unknown> | undefined {
  if (!config) return undefined;
  const c = config as SchemaRegistryInput;
  return {
    SchemaRegistryURI: c.schemaRegistryUri,
    EventRecordFormat: c.eventRecordFormat,
    ...(c.accessConfigs && { AccessConfigs: c.accessConfigs.map((a) => ({ Type: a.type, URI: a.uri })) }),
    SchemaValidationConfigs: c.schemaValidationConfigs.map((v) => ({ Attribute: v.attribute })),
  };
}

export function extendCloudFormation(serverless: ServerlessLike, log: Logger): void {
  const template = serverless.service.provider.compiledCloudFormationTemplate;
  if (!template) return;
  const naming = serverless.getProvider('aws').naming;
  for (const functionKey of serverless.service.getAllFunctions()) {
    const fn = serverless.service.getFunction(functionKey);
    const normalized = naming.getNormalizedFunctionName(functionKey);
    (fn.events ?? []).forEach((raw, index) => {
      const source = 'kafka' in raw ? 'kafka' : 'msk' in raw ? 'msk' : undefined;
      if (!source) return;
      const event = raw[source] as EventConfig;
      const extra = extraMappingProperties(event);
      const registry = schemaRegistryProperty(event.schemaRegistryConfig);
      if (Object.keys(extra).length === 0 && !registry) return;
      const mapping = findMapping(template.Resources, normalized, source, event);
      if (!mapping) {
        log.warning(
          `functions.${functionKey}.events[${index}]: no compiled event source mapping found; extra properties not emitted`,
        );
        return;
      }
      mapping.Properties ??= {};
      for (const [name, value] of Object.entries(extra)) {
        if (mapping.Properties[name] === undefined || name === 'MaximumBatchingWindowInSeconds') {
          mapping.Properties[name] = value;
        }
      }
      if (registry) {
        const holder =
          source === 'msk' ? 'AmazonManagedKafkaEventSourceConfig' : 'SelfManagedKafkaEventSourceConfig';
        const existing = (mapping.Properties[holder] as Record<string, unknown> | undefined) ?? {};
        mapping.Properties[holder] = { ...existing, SchemaRegistryConfig: registry };
      }
      const provisioned = provisionedOnlySettings(event);
      if (provisioned.length > 0 && event.provisionedPollerConfig === undefined) {
        log.warning(
          `functions.${functionKey}.events[${index}].${source}: AWS accepts ${provisioned.join(', ')} only on mappings in provisioned mode; add provisionedPollerConfig before deploying`,
        );
      }
    });
  }
}
