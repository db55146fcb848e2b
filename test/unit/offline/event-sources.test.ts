import {
  DEFAULT_WINDOW_MS,
  defaultGroupId,
  EventSourceConfigError,
  readEventSources,
} from '../../../lib/offline/src/event-sources';
import { toLambdaKafkaRecord } from '../../../lib/offline/src/lambda-event';
import type { FunctionDefinition, ServerlessLike } from '../../../lib/offline/src/serverless-types';

const AWS_SERVERS = ['b-1.example.com:9096', 'b-2.example.com:9096'];
const MSK_ARN = 'arn:aws:kafka:eu-west-1:123456789012:cluster/demo/abc-1';

function serverlessWith(functions: Record<string, FunctionDefinition>): ServerlessLike {
  return {
    service: {
      service: 'casino',
      provider: { name: 'aws' },
      getAllFunctions: () => Object.keys(functions),
      getFunction: (key) => functions[key]!,
    },
    config: { servicePath: '/tmp' },
    configSchemaHandler: {
      defineFunctionEventProperties: () => undefined,
      defineCustomProperties: () => undefined,
    },
    getProvider: () => ({
      getStage: () => 'dev',
      getRegion: () => 'eu-west-1',
      naming: { getNormalizedFunctionName: (n) => n },
    }),
  };
}

const context = { service: 'casino', stage: 'dev', region: 'eu-west-1', localBrokers: ['localhost:9092'] };
const kafka = (extra: Record<string, unknown> = {}) => ({
  kafka: { bootstrapServers: AWS_SERVERS, topic: 'bets', ...extra },
});
const read = (functions: Record<string, FunctionDefinition>) =>
  readEventSources(serverlessWith(functions), context);

describe('reading kafka and msk events', () => {
  it('applies AWS and Serverless defaults', () => {
    const [source] = read({ consumer: { handler: 'h.handler', events: [{ httpApi: 'GET /x' }, kafka()] } });
    expect(source).toMatchObject({
      id: 'consumer#1',
      functionKey: 'consumer',
      functionName: 'casino-dev-consumer',
      functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:casino-dev-consumer',
      source: 'kafka',
      topic: 'bets',
      enabled: true,
      batchSize: 100,
      windowMs: DEFAULT_WINDOW_MS,
      startingPosition: 'TRIM_HORIZON',
      groupId: 'sls-offline-casino-dev-consumer-bets',
      groupIdIsDefault: true,
      bootstrapServers: AWS_SERVERS.join(','),
      maximumRetryAttempts: -1,
      maximumRecordAgeSeconds: -1,
      bisect: false,
      reportBatchItemFailures: false,
    });
    expect(source!.eventSourceArn).toBeUndefined();
    expect(source!.filter.size).toBe(0);
  });

  it('reads every setting', () => {
    const [source] = read({
      consumer: {
        name: 'custom-name',
        events: [
          kafka({
            batchSize: 10_000,
            maximumBatchingWindow: 0,
            enabled: false,
            startingPosition: 'AT_TIMESTAMP',
            startingPositionTimestamp: 1_700_000_000,
            consumerGroupId: 'my-group',
            filterPatterns: [{ value: { a: [1] } }],
            maximumRetryAttempts: 3,
            maximumRecordAgeInSeconds: 60,
            bisectBatchOnFunctionError: true,
            functionResponseTypes: ['ReportBatchItemFailures'],
            onFailureDestination: 'kafka://bets-failed',
          }),
        ],
      },
    });
    expect(source).toMatchObject({
      functionName: 'custom-name',
      batchSize: 10_000,
      windowMs: 0,
      enabled: false,
      startingPosition: 'AT_TIMESTAMP',
      startingPositionTimestamp: 1_700_000_000,
      groupId: 'my-group',
      groupIdIsDefault: false,
      maximumRetryAttempts: 3,
      maximumRecordAgeSeconds: 60,
      bisect: true,
      reportBatchItemFailures: true,
      destination: { kind: 'kafka', topic: 'bets-failed', uri: 'kafka://bets-failed' },
    });
    expect(
      source!.filter.matches(
        toLambdaKafkaRecord({ topic: 'bets', partition: 0, offset: 0, timestamp: 0, value: '{"a":2}' }),
      ),
    ).toBe(false);
  });

  it('MSK: eventSourceArn from the event, local brokers as bootstrapServers', () => {
    const [source] = read({
      payments: { events: [{ msk: { arn: MSK_ARN, topic: 'payments', maximumBatchingWindow: 2 } }] },
    });
    expect(source).toMatchObject({
      source: 'msk',
      eventSourceArn: MSK_ARN,
      bootstrapServers: 'localhost:9092',
      windowMs: 2000,
    });
  });

  it('MSK: a CloudFormation reference becomes a local placeholder ARN', () => {
    const [source] = read({
      payments: { events: [{ msk: { arn: { 'Fn::ImportValue': 'Cluster' }, topic: 'payments' } }] },
    });
    expect(source!.eventSourceArn).toMatch(
      /^arn:aws:kafka:eu-west-1:000000000000:cluster\/FnImportValueCluster\/local$/,
    );
  });

  it('caps infinite retries at 10 when a destination is configured, as AWS does', () => {
    const [withDestination] = read({ f: { events: [kafka({ onFailureDestination: 'kafka://dlq' })] } });
    expect(withDestination!.maximumRetryAttempts).toBe(10);
    const [other] = read({
      f: { events: [kafka({ onFailureDestination: 'arn:aws:sqs:eu-west-1:123456789012:dlq' })] },
    });
    expect(other!.destination).toEqual({ kind: 'other', uri: 'arn:aws:sqs:eu-west-1:123456789012:dlq' });
  });

  it('gives each mapping its own stable default group', () => {
    const sources = read({
      a: { events: [kafka(), kafka({ filterPatterns: [{ value: { x: [1] } }] }), kafka({ topic: 'other' })] },
      b: { events: [kafka()] },
    });
    expect(sources.map((s) => s.groupId)).toEqual([
      'sls-offline-casino-dev-a-bets',
      'sls-offline-casino-dev-a-bets-2',
      'sls-offline-casino-dev-a-other',
      'sls-offline-casino-dev-b-bets',
    ]);
  });

  it('keeps default group ids within AWS limits', () => {
    const long = defaultGroupId({
      service: 's'.repeat(120),
      stage: 'dev',
      functionKey: 'f'.repeat(60),
      topic: 't'.repeat(60),
      occurrence: 1,
    });
    expect(long.length).toBe(200);
    expect(long).toMatch(/^[a-zA-Z0-9\-/*:_+=.@]+$/);
    expect(
      defaultGroupId({
        service: 's'.repeat(120),
        stage: 'dev',
        functionKey: 'f'.repeat(60),
        topic: 't'.repeat(60),
        occurrence: 1,
      }),
    ).toBe(long);
  });
});

describe('configurations AWS would reject stop the start', () => {
  it.each([
    [
      'AT_TIMESTAMP without a timestamp',
      kafka({ startingPosition: 'AT_TIMESTAMP' }),
      /needs startingPositionTimestamp/,
    ],
    [
      'destination = source topic',
      kafka({ onFailureDestination: 'kafka://bets' }),
      /must not be the source topic/,
    ],
    ['bad destination topic', kafka({ onFailureDestination: 'kafka://bad topic' }), /may contain only/],
    ['batchSize over 10 000', kafka({ batchSize: 10_001 }), /batchSize/],
    ['window over 300 s', kafka({ maximumBatchingWindow: 301 }), /maximumBatchingWindow/],
    ['record age under 60 s', kafka({ maximumRecordAgeInSeconds: 30 }), /maximumRecordAgeInSeconds/],
    [
      'a bad filter',
      kafka({ filterPatterns: [{ value: { a: [{ wildcard: '*' }] } }] }),
      /filterPatterns\[0\]\.value\.a\[0\]/,
    ],
    ['no topic', { kafka: { bootstrapServers: AWS_SERVERS } }, /topic/],
  ])('%s', (_name, event, message) => {
    expect(() => read({ f: { events: [event] } })).toThrow(EventSourceConfigError);
    expect(() => read({ f: { events: [event] } })).toThrow(message);
  });

  it('two mappings with the same consumerGroupId', () => {
    expect(() =>
      read({
        a: { events: [kafka({ consumerGroupId: 'g' })] },
        b: { events: [kafka({ consumerGroupId: 'g', topic: 'x' })] },
      }),
    ).toThrow(/b#0 and a#0 use the same consumerGroupId "g"/);
  });
});
