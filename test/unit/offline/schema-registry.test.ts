import { deflateSync } from 'node:zlib';
import { toLambdaKafkaRecord } from '../../../lib/offline/src/lambda-event';
import {
  type DataFormat,
  SchemaDecoder,
  type SchemaLookup,
  signAwsJsonRequest,
  unframe,
} from '../../../lib/offline/src/schema-registry';
import type { Logger } from '../../../lib/offline/src/serverless-types';

const UUID = '0f8fad5b-d9cb-469f-a165-70867728950e';
const uuidBytes = Buffer.from(UUID.replace(/-/g, ''), 'hex');

const glueFramed = (payload: Buffer, compression: 0 | 5 = 0): Buffer =>
  Buffer.concat([
    Buffer.from([3, compression]),
    uuidBytes,
    compression === 5 ? deflateSync(payload) : payload,
  ]);

const confluentFramed = (id: number, payload: Buffer): Buffer => {
  const header = Buffer.alloc(5);
  header.writeUInt32BE(id, 1);
  return Buffer.concat([header, payload]);
};

const logger = (): Logger & { warnings: string[] } => {
  const warnings: string[] = [];
  return {
    warnings,
    notice: () => undefined,
    warning: (m) => warnings.push(m),
    error: () => undefined,
    debug: () => undefined,
  };
};

const fixedLookup = (format: DataFormat) => {
  const asked: string[] = [];
  const lookup: SchemaLookup = {
    dataFormat: async (schemaId, registry) => {
      asked.push(`${registry}:${schemaId}`);
      return format;
    },
  };
  return { lookup, asked };
};

describe('schema registry wire formats', () => {
  it('reads the Glue framing (header version 3, no compression or zlib, the version UUID)', () => {
    const json = Buffer.from('{"amount":42}');
    expect(unframe(glueFramed(json))).toEqual({ registry: 'glue', schemaId: UUID, payload: json });
    expect(unframe(glueFramed(json, 5))).toEqual({ registry: 'glue', schemaId: UUID, payload: json });
  });

  it('reads the Confluent framing (magic byte 0, big-endian schema id)', () => {
    const json = Buffer.from('{"a":1}');
    expect(unframe(confluentFramed(258, json))).toEqual({
      registry: 'confluent',
      schemaId: '258',
      payload: json,
    });
  });

  it('leaves unframed bytes alone', () => {
    expect(unframe(Buffer.from('{"plain":true}'))).toBeUndefined();
    expect(unframe(Buffer.from([3, 9, 1, 2]))).toBeUndefined();
  });
});

describe('SchemaDecoder', () => {
  const record = (value: Buffer, key?: Buffer) =>
    toLambdaKafkaRecord({
      topic: 't',
      partition: 0,
      offset: 1,
      timestamp: 1,
      key: key ?? null,
      value,
      headers: [],
    });

  it('delivers a JSON Schema value without its framing, with valueSchemaMetadata (JSON mode)', async () => {
    const { lookup, asked } = fixedLookup('JSON');
    const decoder = new SchemaDecoder(
      { uri: 'arn:aws:glue:eu-west-1:1:registry/r', eventRecordFormat: 'JSON', attributes: ['VALUE'] },
      lookup,
      logger(),
    );
    const decoded = await decoder.decode(record(glueFramed(Buffer.from('{"amount":42}'))));
    expect(Buffer.from(decoded.value ?? '', 'base64').toString()).toBe('{"amount":42}');
    expect(decoded.valueSchemaMetadata).toEqual({ dataFormat: 'JSON', schemaId: UUID });
    expect(decoded).not.toHaveProperty('keySchemaMetadata');
    expect(asked).toEqual([`glue:${UUID}`]);
  });

  it('decodes only the attributes it validates', async () => {
    const { lookup } = fixedLookup('JSON');
    const decoder = new SchemaDecoder(
      { uri: 'http://registry', eventRecordFormat: 'JSON', attributes: ['KEY'] },
      lookup,
      logger(),
    );
    const value = confluentFramed(7, Buffer.from('{"v":1}'));
    const decoded = await decoder.decode(record(value, confluentFramed(8, Buffer.from('"k"'))));
    expect(Buffer.from(decoded.key ?? '', 'base64').toString()).toBe('"k"');
    expect(decoded.keySchemaMetadata).toEqual({ dataFormat: 'JSON', schemaId: '8' });
    expect(decoded.value).toBe(value.toString('base64'));
  });

  it('says once that it cannot decode Avro into JSON, and delivers the payload bytes', async () => {
    const { lookup } = fixedLookup('AVRO');
    const log = logger();
    const decoder = new SchemaDecoder(
      { uri: 'http://registry', eventRecordFormat: 'JSON', attributes: ['VALUE'] },
      lookup,
      log,
    );
    const avro = Buffer.from([2, 4, 6]);
    for (let i = 0; i < 2; i += 1) {
      const decoded = await decoder.decode(record(confluentFramed(9, avro)));
      expect(decoded.value).toBe(avro.toString('base64'));
      expect(decoded.valueSchemaMetadata).toEqual({ dataFormat: 'AVRO', schemaId: '9' });
    }
    expect(log.warnings).toHaveLength(1);
  });
});

describe('signAwsJsonRequest', () => {
  it("signs like AWS's SigV4 (stable for fixed inputs; target and date signed)", () => {
    const input = {
      url: new URL('https://glue.eu-west-1.amazonaws.com/'),
      region: 'eu-west-1',
      service: 'glue',
      target: 'AWSGlue.GetSchemaVersion',
      body: '{"SchemaVersionId":"x"}',
      credentials: { accessKeyId: 'AKID', secretAccessKey: 'secret' },
      now: new Date('2026-11-21T09:30:00Z'),
    };
    const headers = signAwsJsonRequest(input);
    expect(headers['x-amz-date']).toBe('20261121T093000Z');
    expect(headers.authorization).toMatch(
      /^AWS4-HMAC-SHA256 Credential=AKID\/20261121\/eu-west-1\/glue\/aws4_request, SignedHeaders=content-type;host;x-amz-date;x-amz-target, Signature=[0-9a-f]{64}$/,
    );
    expect(signAwsJsonRequest(input).authorization).toBe(headers.authorization);
    expect(signAwsJsonRequest({ ...input, body: '{}' }).authorization).not.toBe(headers.authorization);
  });
});
