/**
 * ensureTables against the local DynamoDB: the declared tables, keys, indexes and TTL, idempotently.
 */
import { DescribeTableCommand, DescribeTimeToLiveCommand } from '@aws-sdk/client-dynamodb';
import { ensureTables, TABLE_KEYS, TABLES } from '../../../lib/state';
import { createTestState, type TestState } from '../../helpers/dynamodb';

let state: TestState;
beforeAll(async () => {
  state = await createTestState('tables');
});
afterAll(() => state.close());

it('creates each declared table with its keys, indexes and TTL, and leaves existing ones alone', async () => {
  expect(await ensureTables(state.raw, state.tables)).toEqual([]);
  for (const key of TABLE_KEYS) {
    const declared = TABLES[key];
    const { Table } = await state.raw.send(new DescribeTableCommand({ TableName: state.tables[key] }));
    expect(Table?.KeySchema?.map((k) => k.AttributeName)).toEqual(
      [declared.partitionKey, declared.sortKey].filter(Boolean),
    );
    const indexes = [...(Table?.LocalSecondaryIndexes ?? []), ...(Table?.GlobalSecondaryIndexes ?? [])];
    expect(indexes.map((i) => i.IndexName).sort()).toEqual(declared.indexes.map((i) => i.name).sort());
    const ttl = await state.raw.send(new DescribeTimeToLiveCommand({ TableName: state.tables[key] }));
    expect(ttl.TimeToLiveDescription?.AttributeName).toBe(declared.ttlAttribute ?? undefined);
    expect(ttl.TimeToLiveDescription?.TimeToLiveStatus).toBe(declared.ttlAttribute ? 'ENABLED' : 'DISABLED');
  }
});
