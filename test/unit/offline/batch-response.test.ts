import { judgeBatchResponse } from '../../../lib/offline/src/batch-response';
import { buildLambdaKafkaEvent, toLambdaKafkaRecord } from '../../../lib/offline/src/lambda-event';

const event = buildLambdaKafkaEvent({ source: 'kafka', bootstrapServers: 'b:1' }, [
  toLambdaKafkaRecord({ topic: 'my-topic', partition: 0, offset: 10, timestamp: 0 }),
  toLambdaKafkaRecord({ topic: 'my-topic', partition: 0, offset: 11, timestamp: 0 }),
  toLambdaKafkaRecord({ topic: 'my-topic', partition: 0, offset: 12, timestamp: 0 }),
  toLambdaKafkaRecord({ topic: 'my-topic', partition: 2, offset: 5, timestamp: 0 }),
]);

const failures = (...ids: unknown[]) => ({
  batchItemFailures: ids.map((itemIdentifier) => ({ itemIdentifier })),
});

describe('judgeBatchResponse (Kafka partial batch responses)', () => {
  it.each([
    ['null', null],
    ['undefined (no return value)', undefined],
    ['an empty object', {}],
    ['an empty list', { batchItemFailures: [] }],
    ['a null list', { batchItemFailures: null }],
    ['other fields only', { processed: 4 }],
  ])('%s is a success', (_name, response) => {
    expect(judgeBatchResponse(response, event)).toEqual({ kind: 'success' });
  });

  it('retries each reported partition from its lowest failed offset', () => {
    const verdict = judgeBatchResponse(
      failures(
        { partition: 'my-topic-0', offset: 12 },
        { partition: 'my-topic-0', offset: 11 },
        { partition: 'my-topic-2', offset: 5 },
      ),
      event,
    );
    expect(verdict).toEqual({
      kind: 'partial',
      retryFrom: new Map([
        ['my-topic-0', 11],
        ['my-topic-2', 5],
      ]),
    });
  });

  it.each([
    ['a string', 'done', /not an object/],
    ['a list', [], /not an object/],
    ['batchItemFailures not a list', { batchItemFailures: 'x' }, /not a list/],
    ['an entry without itemIdentifier', { batchItemFailures: [{}] }, /no itemIdentifier/],
    ['a string identifier (the SQS shape)', failures('my-topic-0'), /no itemIdentifier object/],
    ['an offset given as a string', failures({ partition: 'my-topic-0', offset: '10' }), /offset \(number\)/],
    [
      'an unknown partition',
      failures({ partition: 'my-topic-1', offset: 10 }),
      /my-topic-1@10 is not in the batch/,
    ],
    ['an offset not in the batch', failures({ partition: 'my-topic-0', offset: 13 }), /my-topic-0@13/],
  ])('%s fails the whole batch', (_name, response, reason) => {
    const verdict = judgeBatchResponse(response, event);
    expect(verdict.kind).toBe('invalid');
    expect(verdict.kind === 'invalid' && verdict.reason).toMatch(reason);
  });
});
