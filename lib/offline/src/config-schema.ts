/**
 * Declares the newer AWS Kafka event source mapping controls as properties of the `kafka` and
 * `msk` events (and `custom.kafkaOffline`), so `configValidationMode: error` still catches typos.
 * A property the framework (or another plugin) already defines is left to that definition — osls
 * 4 already has `onFailureDestination` on `kafka` events, for instance.
 */
import { CUSTOM_KEY, customConfigSchema } from './options';
import type { ServerlessLike } from './serverless-types';

/** The extra event properties, camelCase as in serverless.yml. */
export const EXTRA_EVENT_PROPERTIES: Record<string, object> = {
  maximumRetryAttempts: { type: 'integer', minimum: -1, maximum: 10_000 },
  maximumRecordAgeInSeconds: {
    anyOf: [
      { type: 'integer', enum: [-1] },
      { type: 'integer', minimum: 60, maximum: 604_800 },
    ],
  },
  bisectBatchOnFunctionError: { type: 'boolean' },
  functionResponseTypes: {
    type: 'array',
    maxItems: 1,
    items: { type: 'string', enum: ['ReportBatchItemFailures'] },
  },
  onFailureDestination: {
    anyOf: [
      {
        type: 'string',
        pattern: '^(kafka://[^.][a-zA-Z0-9\\-_.]{0,248}|arn:aws[a-zA-Z0-9-]*:(sqs|sns|s3):.*)$',
      },
      { type: 'object' },
    ],
  },
  metricsConfig: {
    type: 'object',
    properties: {
      metrics: {
        type: 'array',
        maxItems: 3,
        uniqueItems: true,
        items: { type: 'string', enum: ['EventCount', 'ErrorCount', 'KafkaMetrics'] },
      },
    },
    required: ['metrics'],
    additionalProperties: false,
  },
  schemaRegistryConfig: {
    type: 'object',
    properties: {
      schemaRegistryUri: { type: 'string', minLength: 1, maxLength: 10_000 },
      eventRecordFormat: { type: 'string', enum: ['JSON', 'SOURCE'] },
      accessConfigs: {
        type: 'array',
        maxItems: 2,
        items: {
          type: 'object',
          properties: {
            type: {
              type: 'string',
              enum: ['BASIC_AUTH', 'CLIENT_CERTIFICATE_TLS_AUTH', 'SERVER_ROOT_CA_CERTIFICATE'],
            },
            uri: { type: 'string' },
          },
          required: ['type', 'uri'],
          additionalProperties: false,
        },
      },
      schemaValidationConfigs: {
        type: 'array',
        minItems: 1,
        maxItems: 2,
        items: {
          type: 'object',
          properties: { attribute: { type: 'string', enum: ['KEY', 'VALUE'] } },
          required: ['attribute'],
          additionalProperties: false,
        },
      },
    },
    required: ['schemaRegistryUri', 'eventRecordFormat', 'schemaValidationConfigs'],
    additionalProperties: false,
  },
};

const isCollision = (error: unknown): boolean => (error as { code?: string }).code === 'SCHEMA_COLLISION';

/** Add the properties; returns, per event, the ones another definition already owned. */
export function extendConfigSchema(serverless: ServerlessLike): Record<'kafka' | 'msk', string[]> {
  const handler = serverless.configSchemaHandler;
  const skipped: Record<'kafka' | 'msk', string[]> = { kafka: [], msk: [] };
  for (const event of ['kafka', 'msk'] as const) {
    for (const [name, schema] of Object.entries(EXTRA_EVENT_PROPERTIES)) {
      try {
        handler.defineFunctionEventProperties('aws', event, { properties: { [name]: schema } });
      } catch (error) {
        if (!isCollision(error)) throw error;
        skipped[event].push(name);
      }
    }
  }
  handler.defineCustomProperties({ properties: { [CUSTOM_KEY]: customConfigSchema() } });
  return skipped;
}
