/**
 * `schemaRegistryConfig` and `metricsConfig` against real services: an AWS Glue Schema Registry
 * served by moto (scripts/moto-server.sh; it implements CreateRegistry, CreateSchema and
 * GetSchemaVersion), records written in Glue's wire format, and `serverless offline start` of the
 * fixture's `registry` function (an `msk` event with a JSON-mode registry and every metric group).
 */

import { sendMessages } from '../../../lib/kafka';
import { signAwsJsonRequest } from '../../../lib/offline/src/schema-registry';
import { type Invocation, readInvocations, succeeded } from '../../helpers/lambda-events';
import { uniqueName } from '../../helpers/names';
import type { OfflineServer } from '../../helpers/offline-server';
import { LOCAL_AWS, type LocalSecretsManager, startSecretsManager } from '../../helpers/secrets-manager';
import { waitFor } from '../../helpers/wait';
import { readyLine, startFixture, Topics, tempOutDir } from './fixture';

const topics = new Topics();
const out = tempOutDir();
let moto: LocalSecretsManager;
let server: OfflineServer;
let topic: string;
let endpoint: URL;

async function glue<T>(target: string, body: object): Promise<T> {
  const text = JSON.stringify(body);
  const headers = signAwsJsonRequest({
    url: endpoint,
    region: LOCAL_AWS.AWS_REGION,
    service: 'glue',
    target: `AWSGlue.${target}`,
    body: text,
    credentials: {
      accessKeyId: LOCAL_AWS.AWS_ACCESS_KEY_ID,
      secretAccessKey: LOCAL_AWS.AWS_SECRET_ACCESS_KEY,
    },
  });
  const response = await fetch(endpoint, { method: 'POST', headers, body: text });
  const answer = await response.text();
  if (!response.ok) throw new Error(`Glue ${target}: HTTP ${response.status} ${answer}`);
  return JSON.parse(answer) as T;
}

/** Glue's wire format: header version 3, no compression, the schema version's UUID, the payload. */
const glueFramed = (schemaVersionId: string, payload: string): Buffer =>
  Buffer.concat([
    Buffer.from([3, 0]),
    Buffer.from(schemaVersionId.replace(/-/g, ''), 'hex'),
    Buffer.from(payload, 'utf8'),
  ]);

let versionId: string;

beforeAll(async () => {
  moto = await startSecretsManager();
  endpoint = new URL(moto.env.AWS_ENDPOINT_URL_SECRETS_MANAGER ?? '');
  const registryName = uniqueName('offline-registry');
  const registry = await glue<{ RegistryArn: string }>('CreateRegistry', { RegistryName: registryName });
  const schema = await glue<{ SchemaVersionId: string; DataFormat: string }>('CreateSchema', {
    RegistryId: { RegistryName: registryName },
    SchemaName: 'bet',
    DataFormat: 'JSON',
    Compatibility: 'NONE',
    SchemaDefinition: JSON.stringify({
      type: 'object',
      properties: { amount: { type: 'number' } },
      required: ['amount'],
    }),
  });
  versionId = schema.SchemaVersionId;
  // The registry really answers the lookup the emulator makes.
  const version = await glue<{ DataFormat: string; SchemaVersionId: string }>('GetSchemaVersion', {
    SchemaVersionId: versionId,
  });
  expect(version).toMatchObject({ DataFormat: 'JSON', SchemaVersionId: versionId });

  topic = await topics.create('offline-registry', 1);
  server = await startFixture({
    ...moto.env,
    AWS_ENDPOINT_URL_GLUE: endpoint.href,
    OUT_DIR: out.dir,
    ENABLE_REGISTRY: 'true',
    TOPIC_REGISTRY: topic,
    REGISTRY_ARN: registry.RegistryArn,
  });
  await server.waitForOutput(readyLine('registry', topic));
}, 300_000);

afterAll(async () => {
  await server?.stop();
  await moto?.stop();
  await topics.deleteAll();
  out.remove();
});

interface RegistryRecord {
  offset: number;
  value?: string;
  valueSchemaMetadata?: { dataFormat: string; schemaId: string };
}

const deliveredRecords = (invocations: Invocation[]): RegistryRecord[] =>
  invocations.flatMap((i) => Object.values(i.event.records).flat() as unknown as RegistryRecord[]);

describe('schemaRegistryConfig (AWS Glue, served by moto), eventRecordFormat JSON', () => {
  it('delivers a Glue-framed JSON Schema value as its JSON, with valueSchemaMetadata', async () => {
    await sendMessages(topic, [
      { key: 'k1', value: glueFramed(versionId, '{"amount":42}') },
      { key: 'k2', value: Buffer.from('{"amount":7}') },
    ]);
    const records = await waitFor(
      () => {
        const found = deliveredRecords(succeeded(readInvocations(out.dir, 'registry')));
        return found.length >= 2 ? found.sort((a, b) => a.offset - b.offset) : undefined;
      },
      { timeoutMs: 30_000, what: 'the two registry records' },
    );
    const [framed, plain] = records;
    expect(Buffer.from(framed?.value ?? '', 'base64').toString('utf8')).toBe('{"amount":42}');
    expect(framed?.valueSchemaMetadata).toEqual({ dataFormat: 'JSON', schemaId: versionId });
    // A record without the registry's framing is delivered as it is, without metadata.
    expect(Buffer.from(plain?.value ?? '', 'base64').toString('utf8')).toBe('{"amount":7}');
    expect(plain).not.toHaveProperty('valueSchemaMetadata');
  });

  it('prints the mapping metrics (metricsConfig) when it stops', async () => {
    await server.stop();
    const line = server.output().match(/metrics registry#0 (.*)/)?.[1] ?? '';
    expect(line).toContain('PolledEventCount=2');
    expect(line).toContain('InvokedEventCount=2');
    expect(line).toContain('ErrorCount=0');
    expect(line).toContain('OffsetLag=0');
  });
});
