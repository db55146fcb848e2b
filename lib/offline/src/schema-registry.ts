/**
 * `schemaRegistryConfig`: records whose key or value carries a schema registry's wire format are
 * delivered as AWS does (docs.aws.amazon.com/lambda/latest/dg/services-consume-kafka-events.html):
 * the registry framing removed, `JSON` mode giving the record as JSON, and `keySchemaMetadata` /
 * `valueSchemaMetadata` `{ dataFormat, schemaId }` on the record.
 *
 * Wire formats read here:
 * - AWS Glue Schema Registry: byte 0 = 3 (header version), byte 1 = compression (0 none, 5 zlib),
 *   bytes 2–17 = the schema version UUID, then the payload. The version's `DataFormat` comes from
 *   Glue's `GetSchemaVersion` (SigV4-signed; the endpoint honours AWS_ENDPOINT_URL_GLUE /
 *   AWS_ENDPOINT_URL, so moto's Glue serves it locally).
 * - Confluent: byte 0 = 0, bytes 1–4 = the schema id (big-endian), then the payload; the schema's
 *   type comes from `GET <registry>/schemas/ids/<id>` (`schemaType`, AVRO when absent).
 * Payloads of JSON Schema format are JSON text and are delivered as such. Avro and Protobuf
 * payloads would need the schema compiled into a decoder: they are delivered in SOURCE form (the
 * payload bytes, framing removed) with their metadata, and the emulator says so once per schema.
 */
import { createHash, createHmac } from 'node:crypto';
import { inflateSync } from 'node:zlib';
import type { SchemaRegistrySettings } from './event-sources';
import type { LambdaKafkaRecord } from './lambda-event';
import type { Logger } from './serverless-types';

export type DataFormat = 'AVRO' | 'JSON' | 'PROTOBUF';

export interface SchemaMetadata {
  dataFormat: DataFormat;
  schemaId: string;
}

/** Looks a schema up by the id found in a record's framing. */
export interface SchemaLookup {
  dataFormat(schemaId: string, registry: 'glue' | 'confluent'): Promise<DataFormat>;
}

export interface Framed {
  registry: 'glue' | 'confluent';
  schemaId: string;
  payload: Buffer;
}

const GLUE_HEADER_VERSION = 3;
const GLUE_COMPRESSION_NONE = 0;
const GLUE_COMPRESSION_ZLIB = 5;

const uuidOf = (bytes: Buffer): string => {
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
};

/** The registry framing of `bytes`, or undefined when they carry none. */
export function unframe(bytes: Buffer): Framed | undefined {
  if (bytes.length >= 18 && bytes[0] === GLUE_HEADER_VERSION) {
    const compression = bytes[1];
    if (compression !== GLUE_COMPRESSION_NONE && compression !== GLUE_COMPRESSION_ZLIB) return undefined;
    const body = bytes.subarray(18);
    return {
      registry: 'glue',
      schemaId: uuidOf(bytes.subarray(2, 18)),
      payload: compression === GLUE_COMPRESSION_ZLIB ? inflateSync(body) : Buffer.from(body),
    };
  }
  if (bytes.length >= 5 && bytes[0] === 0) {
    return { registry: 'confluent', schemaId: String(bytes.readUInt32BE(1)), payload: bytes.subarray(5) };
  }
  return undefined;
}

const sha256Hex = (data: string): string => createHash('sha256').update(data, 'utf8').digest('hex');
const hmac = (key: string | Buffer, data: string): Buffer =>
  createHmac('sha256', key).update(data, 'utf8').digest();

/** SigV4 headers for one AWS JSON-protocol POST. */
export function signAwsJsonRequest(input: {
  url: URL;
  region: string;
  service: string;
  target: string;
  body: string;
  credentials: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  now?: Date;
}): Record<string, string> {
  const amzDate = (input.now ?? new Date())
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
  const day = amzDate.slice(0, 8);
  const headers: Record<string, string> = {
    'content-type': 'application/x-amz-json-1.1',
    host: input.url.host,
    'x-amz-date': amzDate,
    'x-amz-target': input.target,
    ...(input.credentials.sessionToken && { 'x-amz-security-token': input.credentials.sessionToken }),
  };
  const names = Object.keys(headers).sort();
  const canonical = [
    'POST',
    input.url.pathname || '/',
    '',
    ...names.map((n) => `${n}:${headers[n]}`),
    '',
    names.join(';'),
    sha256Hex(input.body),
  ].join('\n');
  const scope = `${day}/${input.region}/${input.service}/aws4_request`;
  const toSign = ['AWS4-HMAC-SHA256', amzDate, scope, sha256Hex(canonical)].join('\n');
  const key = [day, input.region, input.service, 'aws4_request'].reduce<string | Buffer>(
    (k, part) => hmac(k, part),
    `AWS4${input.credentials.secretAccessKey}`,
  );
  const signature = hmac(key, toSign).toString('hex');
  return {
    ...headers,
    authorization: `AWS4-HMAC-SHA256 Credential=${input.credentials.accessKeyId}/${scope}, SignedHeaders=${names.join(';')}, Signature=${signature}`,
  };
}

const regionOfArn = (arn: string): string | undefined => /^arn:aws[a-z-]*:glue:([a-z0-9-]+):/.exec(arn)?.[1];

/** Schema lookups over HTTP (Glue's API or a Confluent registry), cached per schema id. */
export function httpSchemaLookup(
  settings: SchemaRegistrySettings,
  env: NodeJS.ProcessEnv = process.env,
): SchemaLookup {
  const cache = new Map<string, Promise<DataFormat>>();
  const glue = async (schemaId: string): Promise<DataFormat> => {
    const region = regionOfArn(settings.uri) ?? env.AWS_REGION ?? 'us-east-1';
    const url = new URL(
      env.AWS_ENDPOINT_URL_GLUE ?? env.AWS_ENDPOINT_URL ?? `https://glue.${region}.amazonaws.com/`,
    );
    const { AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN } = env;
    if (!AWS_ACCESS_KEY_ID || !AWS_SECRET_ACCESS_KEY)
      throw new Error('reading a Glue schema needs AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY');
    const body = JSON.stringify({ SchemaVersionId: schemaId });
    const headers = signAwsJsonRequest({
      url,
      region,
      service: 'glue',
      target: 'AWSGlue.GetSchemaVersion',
      body,
      credentials: {
        accessKeyId: AWS_ACCESS_KEY_ID,
        secretAccessKey: AWS_SECRET_ACCESS_KEY,
        ...(AWS_SESSION_TOKEN && { sessionToken: AWS_SESSION_TOKEN }),
      },
    });
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    if (!response.ok)
      throw new Error(`Glue GetSchemaVersion ${schemaId}: HTTP ${response.status} ${text.slice(0, 200)}`);
    return (JSON.parse(text) as { DataFormat: DataFormat }).DataFormat;
  };
  const confluent = async (schemaId: string): Promise<DataFormat> => {
    const url = new URL(
      `schemas/ids/${schemaId}`,
      settings.uri.endsWith('/') ? settings.uri : `${settings.uri}/`,
    );
    const response = await fetch(url);
    const text = await response.text();
    if (!response.ok) throw new Error(`schema ${schemaId} from ${settings.uri}: HTTP ${response.status}`);
    const type = (JSON.parse(text) as { schemaType?: string }).schemaType ?? 'AVRO';
    return type === 'JSON' || type === 'PROTOBUF' ? type : 'AVRO';
  };
  return {
    dataFormat(schemaId, registry) {
      const key = `${registry}:${schemaId}`;
      let found = cache.get(key);
      if (!found) {
        found = registry === 'glue' ? glue(schemaId) : confluent(schemaId);
        // A failed lookup is tried again with the next record, not cached.
        found.catch(() => cache.delete(key));
        cache.set(key, found);
      }
      return found;
    },
  };
}

export type SchemaRecord = LambdaKafkaRecord & {
  keySchemaMetadata?: SchemaMetadata;
  valueSchemaMetadata?: SchemaMetadata;
};

/** Removes the registry framing from a mapping's records (the attributes it validates). */
export class SchemaDecoder {
  private readonly warned = new Set<string>();

  constructor(
    private readonly settings: SchemaRegistrySettings,
    private readonly lookup: SchemaLookup,
    private readonly log: Logger,
  ) {}

  async decode(record: LambdaKafkaRecord): Promise<SchemaRecord> {
    const out: SchemaRecord = record;
    for (const attribute of this.settings.attributes) {
      const field = attribute === 'KEY' ? 'key' : 'value';
      const encoded = record[field];
      if (encoded === undefined) continue;
      const framed = unframe(Buffer.from(encoded, 'base64'));
      if (!framed) continue;
      const dataFormat = await this.lookup.dataFormat(framed.schemaId, framed.registry);
      if (dataFormat !== 'JSON' && this.settings.eventRecordFormat === 'JSON')
        this.warnOnce(framed.schemaId, dataFormat);
      out[field] = framed.payload.toString('base64');
      out[attribute === 'KEY' ? 'keySchemaMetadata' : 'valueSchemaMetadata'] = {
        dataFormat,
        schemaId: framed.schemaId,
      };
    }
    return out;
  }

  private warnOnce(schemaId: string, dataFormat: DataFormat): void {
    if (this.warned.has(schemaId)) return;
    this.warned.add(schemaId);
    this.log.warning(
      `schema ${schemaId} is ${dataFormat}: the emulator does not decode ${dataFormat} payloads, they are delivered as their bytes (SOURCE form)`,
    );
  }
}
