import {
  batchItemFailure,
  buildLambdaKafkaEvent,
  flattenRecords,
  fromKafkaMessage,
  fromSignedBytes,
  lambdaKafkaEventSchema,
  parseRecordsKey,
  recordHeaders,
  recordHeaderText,
  recordKeyBytes,
  recordKeyText,
  recordsKey,
  recordValueJson,
  recordValueText,
  toLambdaKafkaRecord,
  toSignedBytes,
} from '../../../lib/kafka';

// AWS's documented MSK event (docs.aws.amazon.com/lambda/latest/dg/with-msk.html); the
// self-managed one is identical except `eventSource` and no `eventSourceArn` (with-kafka.html).
const AWS_MSK_EXAMPLE = {
  eventSource: 'aws:kafka',
  eventSourceArn:
    'arn:aws:kafka:us-east-1:123456789012:cluster/vpc-2priv-2pub/751d2973-a626-431c-9d4e-d7975eb44dd7-2',
  bootstrapServers:
    'b-2.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092,b-1.demo-cluster-1.a1bcde.c1.kafka.us-east-1.amazonaws.com:9092',
  records: {
    'mytopic-0': [
      {
        topic: 'mytopic',
        partition: 0,
        offset: 15,
        timestamp: 1545084650987,
        timestampType: 'CREATE_TIME',
        key: 'abcDEFghiJKLmnoPQRstuVWXyz1234==',
        value: 'SGVsbG8sIHRoaXMgaXMgYSB0ZXN0Lg==',
        headers: [{ headerKey: [104, 101, 97, 100, 101, 114, 86, 97, 108, 117, 101] }],
      },
    ],
  },
} as const;

const awsRecord = AWS_MSK_EXAMPLE.records['mytopic-0'][0];
// The doc's key is a placeholder whose last base64 digit carries stray bits; the same bytes
// encode canonically as below, which is what any real event (and our builder) carries.
const canonicalKey = Buffer.from(awsRecord.key, 'base64').toString('base64');

/** The example's record as a Kafka client hands it over. */
const consumedExample = {
  topic: 'mytopic',
  partition: 0,
  offset: '15',
  timestamp: '1545084650987',
  timestampType: 0,
  key: Buffer.from(awsRecord.key, 'base64'),
  value: Buffer.from('Hello, this is a test.'),
  headers: [['headerKey', 'headerValue']] as [string, string][],
};

describe('contract: the builder reproduces AWS documented example', () => {
  it('MSK (aws:kafka)', () => {
    const event = buildLambdaKafkaEvent(
      {
        source: 'msk',
        eventSourceArn: AWS_MSK_EXAMPLE.eventSourceArn,
        bootstrapServers: AWS_MSK_EXAMPLE.bootstrapServers.split(','),
      },
      [toLambdaKafkaRecord(consumedExample)],
    );
    expect(event).toEqual({
      ...AWS_MSK_EXAMPLE,
      records: { 'mytopic-0': [{ ...awsRecord, key: canonicalKey }] },
    });
    // Same field order as AWS's JSON, so a serialised event reads the same.
    expect(Object.keys(event)).toEqual(Object.keys(AWS_MSK_EXAMPLE));
    expect(Object.keys(event.records['mytopic-0']![0]!)).toEqual(Object.keys(awsRecord));
  });

  it('self-managed (SelfManagedKafka): no eventSourceArn', () => {
    const event = buildLambdaKafkaEvent(
      { source: 'kafka', bootstrapServers: AWS_MSK_EXAMPLE.bootstrapServers },
      [toLambdaKafkaRecord(consumedExample)],
    );
    const { eventSourceArn: _arn, ...selfManaged } = AWS_MSK_EXAMPLE;
    expect(event).toEqual({
      ...selfManaged,
      eventSource: 'SelfManagedKafka',
      records: { 'mytopic-0': [{ ...awsRecord, key: canonicalKey }] },
    });
    expect('eventSourceArn' in event).toBe(false);
  });

  it('both documented shapes pass the event schema; a string partition (an old doc typo) does not', () => {
    expect(lambdaKafkaEventSchema.safeParse(AWS_MSK_EXAMPLE).success).toBe(true);
    const { eventSourceArn: _arn, ...rest } = AWS_MSK_EXAMPLE;
    expect(lambdaKafkaEventSchema.safeParse({ ...rest, eventSource: 'SelfManagedKafka' }).success).toBe(true);
    const typo = { ...AWS_MSK_EXAMPLE, records: { 'mytopic-0': [{ ...awsRecord, partition: '0' }] } };
    expect(lambdaKafkaEventSchema.safeParse(typo).success).toBe(false);
    expect(lambdaKafkaEventSchema.safeParse({ ...rest, eventSource: 'aws:kafka' }).success).toBe(false);
  });
});

describe('the reference event of the spec (two partitions, non-ASCII header, keyless record)', () => {
  const event = buildLambdaKafkaEvent(
    { source: 'kafka', bootstrapServers: ['localhost:9092', 'localhost:9093'] },
    [
      toLambdaKafkaRecord({
        topic: 'orders',
        partition: 3,
        offset: 7,
        timestamp: 1718237344002,
        timestampType: 'LOG_APPEND_TIME',
        key: 'o-z',
        value: '{"orderId":"o-1","amount":42}',
      }),
      toLambdaKafkaRecord({
        topic: 'orders',
        partition: 0,
        offset: 42n,
        timestamp: 1718237343901,
        key: null,
        value: '{"orderId":"o-2","amount":7}',
      }),
      toLambdaKafkaRecord({
        topic: 'orders',
        partition: 0,
        offset: 41,
        timestamp: 1718237343835,
        key: 'o-1',
        value: '{"orderId":"o-1","amount":42}',
        headers: [
          ['content-type', 'application/json'],
          ['note', Buffer.from('ë')],
        ],
      }),
    ],
  );

  it('groups by "<topic>-<partition>" in the order partitions first appear, each in offset order', () => {
    expect(Object.keys(event.records)).toEqual(['orders-3', 'orders-0']);
    expect(event.records['orders-0']!.map((r) => r.offset)).toEqual([41, 42]);
    expect(event.bootstrapServers).toBe('localhost:9092,localhost:9093');
  });

  it('matches the spec record by record', () => {
    expect(event.records['orders-0']).toEqual([
      {
        topic: 'orders',
        partition: 0,
        offset: 41,
        timestamp: 1718237343835,
        timestampType: 'CREATE_TIME',
        key: 'by0x',
        value: 'eyJvcmRlcklkIjoiby0xIiwiYW1vdW50Ijo0Mn0=',
        headers: [
          { 'content-type': [97, 112, 112, 108, 105, 99, 97, 116, 105, 111, 110, 47, 106, 115, 111, 110] },
          { note: [-61, -85] },
        ],
      },
      {
        topic: 'orders',
        partition: 0,
        offset: 42,
        timestamp: 1718237343901,
        timestampType: 'CREATE_TIME',
        value: 'eyJvcmRlcklkIjoiby0yIiwiYW1vdW50Ijo3fQ==',
        headers: [],
      },
    ]);
    expect(event.records['orders-3']![0]).toMatchObject({ timestampType: 'LOG_APPEND_TIME', key: 'by16' });
  });
});

describe('null key and tombstone', () => {
  const record = toLambdaKafkaRecord({
    topic: 't',
    partition: 0,
    offset: 1,
    timestamp: 1,
    key: null,
    value: null,
  });

  it('omits key and value (not null, not "")', () => {
    expect(record).toEqual({
      topic: 't',
      partition: 0,
      offset: 1,
      timestamp: 1,
      timestampType: 'CREATE_TIME',
      headers: [],
    });
    expect(JSON.stringify(record)).not.toMatch(/"key"|"value"/);
  });

  it('decodes to undefined', () => {
    expect(recordKeyBytes(record)).toBeUndefined();
    expect(recordValueText(record)).toBeUndefined();
    expect(recordValueJson(record)).toBeUndefined();
  });

  it('keeps an empty key and an empty value (they are not null)', () => {
    const empty = toLambdaKafkaRecord({
      topic: 't',
      partition: 0,
      offset: 1,
      timestamp: 1,
      key: '',
      value: '',
    });
    expect(empty.key).toBe('');
    expect(empty.value).toBe('');
    expect(recordValueText(empty)).toBe('');
  });
});

describe('headers', () => {
  it('emits Java signed bytes and decodes them back', () => {
    const bytes = Buffer.from([0, 1, 127, 128, 200, 255]);
    expect(toSignedBytes(bytes)).toEqual([0, 1, 127, -128, -56, -1]);
    expect(fromSignedBytes(toSignedBytes(bytes))).toEqual(bytes);
    expect(fromSignedBytes([200, 255])).toEqual(Buffer.from([200, 255]));
  });

  it('keeps order and duplicate names, a missing value as []', () => {
    const record = toLambdaKafkaRecord({
      topic: 't',
      partition: 0,
      offset: 0,
      timestamp: 0,
      headers: [
        ['a', '1'],
        ['b', null],
        ['a', '2'],
      ],
    });
    expect(record.headers).toEqual([{ a: [49] }, { b: [] }, { a: [50] }]);
    expect(recordHeaders(record).map((h) => [h.name, h.value.toString()])).toEqual([
      ['a', '1'],
      ['b', ''],
      ['a', '2'],
    ]);
    expect(recordHeaderText(record, 'a')).toBe('1');
    expect(recordHeaderText(record, 'zzz')).toBeUndefined();
  });
});

describe('fromKafkaMessage (kafkajs messages)', () => {
  it('reads the batch timestamp type and expands duplicate headers', () => {
    const message = {
      offset: '9007199254740',
      timestamp: '1700000000123',
      key: Buffer.from('k'),
      value: Buffer.from('v'),
      headers: { trace: Buffer.from('t'), dup: [Buffer.from('x'), Buffer.from('y')] },
      batchContext: { timestampType: 1 },
    };
    const record = toLambdaKafkaRecord(fromKafkaMessage('topic-with-dashes', 4, message));
    expect(record).toEqual({
      topic: 'topic-with-dashes',
      partition: 4,
      offset: 9007199254740,
      timestamp: 1700000000123,
      timestampType: 'LOG_APPEND_TIME',
      key: 'aw==',
      value: 'dg==',
      headers: [{ trace: [116] }, { dup: [120] }, { dup: [121] }],
    });
  });
});

describe('timestampType', () => {
  it.each([
    [0, 'CREATE_TIME'],
    [1, 'LOG_APPEND_TIME'],
    [-1, 'CREATE_TIME'], // Kafka's "no timestamp type" (old message formats): reported as CREATE_TIME
    [undefined, 'CREATE_TIME'],
  ] as const)('Kafka type %s -> %s', (type, expected) => {
    expect(
      toLambdaKafkaRecord({ topic: 't', partition: 0, offset: 0, timestamp: 0, timestampType: type })
        .timestampType,
    ).toBe(expected);
  });
});

describe('keys and decoding helpers', () => {
  it('parses keys of topics that contain dashes', () => {
    expect(recordsKey('my-topic.v2', 11)).toBe('my-topic.v2-11');
    expect(parseRecordsKey('my-topic.v2-11')).toEqual({ topic: 'my-topic.v2', partition: 11 });
    expect(() => parseRecordsKey('nodash')).toThrow(/Not a/);
    expect(() => parseRecordsKey('t-x')).toThrow(/Not a/);
  });

  it('decodes key, text and JSON values, and names the record on bad JSON', () => {
    const record = toLambdaKafkaRecord({
      topic: 't',
      partition: 2,
      offset: 5,
      timestamp: 0,
      key: 'user-1',
      value: '{"a":[1]}',
    });
    expect(recordKeyText(record)).toBe('user-1');
    expect(recordValueJson(record)).toEqual({ a: [1] });
    const bad = toLambdaKafkaRecord({ topic: 't', partition: 2, offset: 6, timestamp: 0, value: 'not json' });
    expect(() => recordValueJson(bad)).toThrow(/t-2@6 is not JSON/);
  });

  it('flattens partition after partition and builds partial-batch identifiers', () => {
    const event = buildLambdaKafkaEvent({ source: 'kafka', bootstrapServers: 'b:1' }, [
      toLambdaKafkaRecord({ topic: 't', partition: 1, offset: 3, timestamp: 0 }),
      toLambdaKafkaRecord({ topic: 't', partition: 0, offset: 8, timestamp: 0 }),
      toLambdaKafkaRecord({ topic: 't', partition: 1, offset: 2, timestamp: 0 }),
    ]);
    expect(flattenRecords(event).map((r) => `${r.partition}@${r.offset}`)).toEqual(['1@2', '1@3', '0@8']);
    expect(batchItemFailure(event.records['t-0']![0]!)).toEqual({
      itemIdentifier: { partition: 't-0', offset: 8 },
    });
  });

  it('refuses an MSK event without a cluster ARN', () => {
    expect(() => buildLambdaKafkaEvent({ source: 'msk', bootstrapServers: 'b:1' }, [])).toThrow(/ARN/);
  });
});
