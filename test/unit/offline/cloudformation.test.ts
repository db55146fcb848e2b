import { extendCloudFormation, extraMappingProperties } from '../../../lib/offline/src/cloudformation';
import { EXTRA_EVENT_PROPERTIES, extendConfigSchema } from '../../../lib/offline/src/config-schema';
import type {
  CfnResource,
  FunctionDefinition,
  ServerlessLike,
} from '../../../lib/offline/src/serverless-types';

const SERVERS = ['b-1:9096'];
const ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/demo/abc';

function serverless(functions: Record<string, FunctionDefinition>, resources: Record<string, CfnResource>) {
  const defined: { event: string; name: string }[] = [];
  const sls: ServerlessLike = {
    service: {
      service: 'svc',
      provider: { name: 'aws', compiledCloudFormationTemplate: { Resources: resources } },
      getAllFunctions: () => Object.keys(functions),
      getFunction: (key) => functions[key]!,
    },
    config: { servicePath: '/tmp' },
    configSchemaHandler: {
      defineFunctionEventProperties: (_provider, event, schema) => {
        const [name] = Object.keys((schema as { properties: object }).properties);
        if (event === 'kafka' && name === 'onFailureDestination') {
          throw Object.assign(new Error('already defined'), { code: 'SCHEMA_COLLISION' });
        }
        defined.push({ event, name: name! });
      },
      defineCustomProperties: () => undefined,
    },
    getProvider: () => ({
      getStage: () => 'dev',
      getRegion: () => 'eu-west-1',
      naming: {
        getNormalizedFunctionName: (n: string) => n[0]!.toUpperCase() + n.slice(1).replace(/-/g, 'Dash'),
      },
    }),
  };
  return { sls, defined };
}

const log = () => {
  const warnings: string[] = [];
  return {
    warnings,
    logger: {
      notice: () => undefined,
      warning: (m: string) => warnings.push(m),
      error: () => undefined,
      debug: () => undefined,
    },
  };
};

describe('CloudFormation for the extra event properties', () => {
  it('maps serverless.yml names to EventSourceMapping properties', () => {
    expect(
      extraMappingProperties({
        maximumRetryAttempts: 2,
        maximumRecordAgeInSeconds: 3600,
        bisectBatchOnFunctionError: true,
        functionResponseTypes: ['ReportBatchItemFailures'],
        onFailureDestination: 'kafka://dlq',
        maximumBatchingWindow: 0,
      }),
    ).toEqual({
      MaximumRetryAttempts: 2,
      MaximumRecordAgeInSeconds: 3600,
      BisectBatchOnFunctionError: true,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      DestinationConfig: { OnFailure: { Destination: 'kafka://dlq' } },
      MaximumBatchingWindowInSeconds: 0,
    });
    expect(extraMappingProperties({ topic: 't', maximumBatchingWindow: 5 })).toEqual({});
  });

  it('adds them to the mapping the framework compiled for the event, and only to it', () => {
    const resources: Record<string, CfnResource> = {
      ConsumerEventSourceMappingKafkaBets: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          Topics: ['bets'],
          SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: SERVERS } },
          DestinationConfig: { OnFailure: { Destination: 'kafka://from-framework' } },
        },
      },
      ConsumerEventSourceMappingKafkaOther: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          Topics: ['other'],
          SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: SERVERS } },
        },
      },
      ConsumerEventSourceMappingMSKDemoBets: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: { Topics: ['bets'], EventSourceArn: ARN },
      },
    };
    const { sls } = serverless(
      {
        consumer: {
          events: [
            {
              kafka: {
                bootstrapServers: SERVERS,
                topic: 'bets',
                maximumRetryAttempts: 1,
                onFailureDestination: 'kafka://from-framework',
                provisionedPollerConfig: {},
              },
            },
            { kafka: { bootstrapServers: SERVERS, topic: 'other' } },
            { msk: { arn: ARN, topic: 'bets', bisectBatchOnFunctionError: true, maximumBatchingWindow: 0 } },
          ],
        },
      },
      resources,
    );
    const { warnings, logger } = log();
    extendCloudFormation(sls, logger);
    expect(resources.ConsumerEventSourceMappingKafkaBets!.Properties).toMatchObject({
      MaximumRetryAttempts: 1,
      DestinationConfig: { OnFailure: { Destination: 'kafka://from-framework' } },
    });
    expect(resources.ConsumerEventSourceMappingKafkaOther!.Properties).toEqual({
      Topics: ['other'],
      SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: SERVERS } },
    });
    expect(resources.ConsumerEventSourceMappingMSKDemoBets!.Properties).toEqual({
      Topics: ['bets'],
      EventSourceArn: ARN,
      BisectBatchOnFunctionError: true,
      MaximumBatchingWindowInSeconds: 0,
    });
    // Retry controls need provisioned mode on AWS: the MSK mapping has none, so it is flagged.
    expect(warnings).toEqual([
      expect.stringMatching(
        /events\[2\]\.msk: AWS accepts bisectBatchOnFunctionError only on mappings in provisioned mode/,
      ),
    ]);
  });

  it('emits metricsConfig as MetricsConfig and schemaRegistryConfig inside the source config, as CloudFormation spells them', () => {
    const registryArn = 'arn:aws:glue:eu-west-1:123456789012:registry/bets';
    const resources: Record<string, CfnResource> = {
      ConsumerEventSourceMappingMSKDemoBets: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          Topics: ['bets'],
          EventSourceArn: ARN,
          AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g' },
        },
      },
      ConsumerEventSourceMappingKafkaBets: {
        Type: 'AWS::Lambda::EventSourceMapping',
        Properties: {
          Topics: ['bets'],
          SelfManagedEventSource: { Endpoints: { KafkaBootstrapServers: SERVERS } },
        },
      },
    };
    const registry = {
      schemaRegistryUri: registryArn,
      eventRecordFormat: 'JSON',
      accessConfigs: [{ type: 'BASIC_AUTH', uri: 'arn:aws:secretsmanager:eu-west-1:1:secret:r' }],
      schemaValidationConfigs: [{ attribute: 'VALUE' }],
    };
    const { sls } = serverless(
      {
        consumer: {
          events: [
            {
              msk: {
                arn: ARN,
                topic: 'bets',
                provisionedPollerConfig: {},
                metricsConfig: { metrics: ['EventCount', 'KafkaMetrics'] },
                schemaRegistryConfig: registry,
              },
            },
            { kafka: { bootstrapServers: SERVERS, topic: 'bets', schemaRegistryConfig: registry } },
          ],
        },
      },
      resources,
    );
    const { warnings, logger } = log();
    extendCloudFormation(sls, logger);
    const SchemaRegistryConfig = {
      SchemaRegistryURI: registryArn,
      EventRecordFormat: 'JSON',
      AccessConfigs: [{ Type: 'BASIC_AUTH', URI: 'arn:aws:secretsmanager:eu-west-1:1:secret:r' }],
      SchemaValidationConfigs: [{ Attribute: 'VALUE' }],
    };
    expect(resources.ConsumerEventSourceMappingMSKDemoBets!.Properties).toEqual({
      Topics: ['bets'],
      EventSourceArn: ARN,
      MetricsConfig: { Metrics: ['EventCount', 'KafkaMetrics'] },
      AmazonManagedKafkaEventSourceConfig: { ConsumerGroupId: 'g', SchemaRegistryConfig },
    });
    expect(resources.ConsumerEventSourceMappingKafkaBets!.Properties).toMatchObject({
      SelfManagedKafkaEventSourceConfig: { SchemaRegistryConfig },
    });
    // A schema registry needs provisioned mode on AWS.
    expect(warnings).toEqual([
      expect.stringMatching(/events\[1\]\.kafka: AWS accepts schemaRegistryConfig only/),
    ]);
  });

  it('warns when it cannot find the compiled mapping', () => {
    const { sls } = serverless(
      { f: { events: [{ kafka: { bootstrapServers: SERVERS, topic: 'x', maximumRetryAttempts: 1 } }] } },
      {},
    );
    const { warnings, logger } = log();
    extendCloudFormation(sls, logger);
    expect(warnings[0]).toMatch(/no compiled event source mapping found/);
  });
});

describe('config schema extension', () => {
  it('declares every extra property on kafka and msk events, leaving existing definitions alone', () => {
    const { sls, defined } = serverless({}, {});
    const skipped = extendConfigSchema(sls);
    expect(skipped).toEqual({ kafka: ['onFailureDestination'], msk: [] });
    expect(defined.filter((d) => d.event === 'msk').map((d) => d.name)).toEqual(
      Object.keys(EXTRA_EVENT_PROPERTIES),
    );
  });
});
