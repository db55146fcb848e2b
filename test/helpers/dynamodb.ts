/**
 * Player-state tests against the local DynamoDB (moto) the global setup started or found
 * (DYNAMODB_ENDPOINT). Each test file gets tables of its own, named uniquely and deleted afterwards,
 * created from the same declarations serverless.yml deploys.
 */
import { DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import {
  createDocumentClient,
  ensureTables,
  type StateStore,
  type TableNames,
  tableNames,
} from '../../lib/state';
import { DEFAULT_LOCAL_ENDPOINT, DEFAULT_REGION } from '../../lib/state/config';
import { uniqueName } from './names';

export interface TestState {
  store: StateStore;
  /** The low-level client, for asserting on DynamoDB itself. */
  raw: DynamoDBClient;
  tables: TableNames;
  /** Deletes the tables and closes the clients. */
  close(): Promise<void>;
}

export const testEndpoint = (): string => process.env.DYNAMODB_ENDPOINT || DEFAULT_LOCAL_ENDPOINT;

export async function createTestState(prefix = 'state-test'): Promise<TestState> {
  const endpoint = testEndpoint();
  const tables = tableNames(uniqueName(prefix));
  const raw = new DynamoDBClient({
    endpoint,
    region: DEFAULT_REGION,
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  await ensureTables(raw, tables);
  const client: DynamoDBDocumentClient = createDocumentClient({ endpoint, region: DEFAULT_REGION });
  const store: StateStore = { client, tables, now: Date.now };
  return {
    store,
    raw,
    tables,
    async close() {
      for (const name of Object.values(tables)) {
        await raw.send(new DeleteTableCommand({ TableName: name })).catch(() => undefined);
      }
      client.destroy();
      raw.destroy();
    },
  };
}
