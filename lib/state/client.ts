import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type StateConfig, stateConfig } from './config';
import type { TableNames } from './tables';

/** The document client and table names every state operation takes; one per container by default. */
export interface StateStore {
  client: DynamoDBDocumentClient;
  tables: TableNames;
  /** Milliseconds since the epoch; tests pass their own clock. */
  now: () => number;
}

/**
 * A document client for the configuration. A local endpoint gets dummy credentials when the
 * environment has none (moto accepts any), so no credential chain is searched for locally.
 */
export function createDocumentClient(cfg: Pick<StateConfig, 'endpoint' | 'region'>): DynamoDBDocumentClient {
  const local = cfg.endpoint !== undefined;
  const credentials =
    local && !process.env.AWS_ACCESS_KEY_ID ? { accessKeyId: 'local', secretAccessKey: 'local' } : undefined;
  const client = new DynamoDBClient({
    region: cfg.region,
    ...(local && { endpoint: cfg.endpoint }),
    ...(credentials && { credentials }),
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}

export function createStateStore(cfg: StateConfig): StateStore {
  return { client: createDocumentClient(cfg), tables: cfg.tables, now: Date.now };
}

let cached: StateStore | undefined;

/** The container's store: configuration from the environment, parsed and connected once. */
export function stateStore(): StateStore {
  cached ??= createStateStore(stateConfig());
  return cached;
}
