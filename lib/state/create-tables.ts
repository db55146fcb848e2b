import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  type DynamoDBClient,
  UpdateTimeToLiveCommand,
  waitUntilTableExists,
} from '@aws-sdk/client-dynamodb';
import { hasErrorName } from './errors';
import { TABLE_KEYS, TABLES, type TableDeclaration, type TableNames } from './tables';

/**
 * Creates the player-state tables locally from the declarations serverless.yml deploys (table-declarations.json),
 * with their indexes and TTL. Idempotent and safe from several processes at once: a table that
 * exists (or is being created by another process) is left as it is.
 */

const keySchema = (partitionKey: string, sortKey: string | null) => [
  { AttributeName: partitionKey, KeyType: 'HASH' as const },
  ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' as const }] : []),
];

export function createTableInput(declaration: TableDeclaration, name: string): CreateTableCommandInput {
  const local = declaration.indexes.filter((i) => i.kind === 'local');
  const global = declaration.indexes.filter((i) => i.kind === 'global');
  return {
    TableName: name,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: Object.entries(declaration.attributes).map(([AttributeName, AttributeType]) => ({
      AttributeName,
      AttributeType,
    })),
    KeySchema: keySchema(declaration.partitionKey, declaration.sortKey),
    ...(local.length > 0 && {
      LocalSecondaryIndexes: local.map((i) => ({
        IndexName: i.name,
        KeySchema: keySchema(i.partitionKey, i.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
    ...(global.length > 0 && {
      GlobalSecondaryIndexes: global.map((i) => ({
        IndexName: i.name,
        KeySchema: keySchema(i.partitionKey, i.sortKey),
        Projection: { ProjectionType: 'ALL' },
      })),
    }),
  };
}

async function tableExists(client: DynamoDBClient, name: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName: name }));
    return true;
  } catch (error) {
    if (hasErrorName(error, 'ResourceNotFoundException')) return false;
    throw error;
  }
}

async function ensureTtl(client: DynamoDBClient, name: string, attribute: string): Promise<void> {
  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: name }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  if (status === 'ENABLED' || status === 'ENABLING') return;
  try {
    await client.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: attribute, Enabled: true },
      }),
    );
  } catch (error) {
    // Another process enabled it between our look and our change.
    if (!hasErrorName(error, 'ValidationException')) throw error;
  }
}

/** Returns the tables it created (the others existed already). */
export async function ensureTables(
  client: DynamoDBClient,
  names: TableNames,
  log: (line: string) => void = () => undefined,
): Promise<string[]> {
  const created: string[] = [];
  for (const key of TABLE_KEYS) {
    const declaration = TABLES[key];
    const name = names[key];
    if (!(await tableExists(client, name))) {
      try {
        await client.send(new CreateTableCommand(createTableInput(declaration, name)));
        created.push(name);
        log(`created table ${name}`);
      } catch (error) {
        if (!hasErrorName(error, 'ResourceInUseException')) throw error;
      }
      // DynamoDB creates tables asynchronously (moto at once); TTL can be set only on an active one.
      await waitUntilTableExists({ client, maxWaitTime: 120 }, { TableName: name });
    }
    if (declaration.ttlAttribute) await ensureTtl(client, name, declaration.ttlAttribute);
  }
  return created;
}
