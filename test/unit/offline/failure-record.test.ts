import { type FailureRecord, failureMessages } from '../../../lib/offline/src/failure-record';
import { buildLambdaKafkaEvent, toLambdaKafkaRecord } from '../../../lib/offline/src/lambda-event';

const meta = {
  source: 'msk' as const,
  eventSourceArn: 'arn:aws:kafka:eu-west-1:1:cluster/c/u',
  bootstrapServers: 'b:9092',
};
const records = [
  toLambdaKafkaRecord({
    topic: 'bets',
    partition: 1,
    offset: 41,
    timestamp: 1_700_000_000_000,
    key: 'user-7',
    value: '{"x":1}',
  }),
  toLambdaKafkaRecord({
    topic: 'bets',
    partition: 1,
    offset: 42,
    timestamp: 1_700_000_000_500,
    key: null,
    value: null,
  }),
];

describe('Kafka on-failure destination messages', () => {
  const now = new Date('2026-01-02T03:04:05.678Z');
  const messages = failureMessages(
    {
      condition: 'RetriesExhausted',
      records,
      approximateInvokeCount: 3,
      lastResponse: { functionError: 'Unhandled' },
    },
    { functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:svc-dev-fn', meta, now },
  );

  it('one message per record, keyed with the original key (null when there was none)', () => {
    expect(messages).toHaveLength(2);
    expect(messages[0]!.key).toEqual(Buffer.from('user-7'));
    expect(messages[1]!.key).toBeNull();
  });

  it('carries AWS failure metadata and the single-record event as payload', () => {
    const value = JSON.parse(messages[0]!.value) as FailureRecord;
    expect(value).toEqual({
      requestContext: {
        requestId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:svc-dev-fn',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      timestamp: '2026-01-02T03:04:05.678Z',
      KafkaBatchInfo: {
        batchSize: 1,
        eventSourceArn: meta.eventSourceArn,
        bootstrapServers: 'b:9092',
        payloadSize: Buffer.byteLength(JSON.stringify(buildLambdaKafkaEvent(meta, [records[0]!]))),
        recordInfo: { offset: '41', timestamp: '2023-11-14T22:13:20.000Z' },
      },
      payload: buildLambdaKafkaEvent(meta, [records[0]!]),
    });
  });

  it('has no response context when the records were never invoked, no ARN for self-managed Kafka', () => {
    const [message] = failureMessages(
      { condition: 'RecordAgeExceeded', records: [records[0]!], approximateInvokeCount: 0 },
      { functionArn: 'arn', meta: { source: 'kafka', bootstrapServers: 'b:9092' } },
    );
    const value = JSON.parse(message!.value) as FailureRecord;
    expect(value.responseContext).toBeNull();
    expect(value.requestContext.condition).toBe('RecordAgeExceeded');
    expect('eventSourceArn' in value.KafkaBatchInfo).toBe(false);
    expect(value.payload.eventSource).toBe('SelfManagedKafka');
  });
});
