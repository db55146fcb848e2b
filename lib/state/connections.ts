import { DeleteCommand, GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { type StateStore, stateStore } from './client';
import { stateError } from './errors';
import { requireText } from './inputs';

/**
 * Live WebSocket connections, by connection id, with the global index `by_user` to find every
 * device of a player. A connection expires (TTL) a little after API Gateway's two-hour limit in case
 * its $disconnect never ran; expired ones are never listed, although DynamoDB deletes them later.
 * The index is eventually consistent: a connection made a moment ago may be missing for a moment.
 */

export const CONNECTION_RETENTION_SECONDS = 2 * 3600 + 600;

export interface Connection {
  connection_id: string;
  user_id: string;
  connected_at: string;
}

export async function addConnection(
  input: { connectionId: string; userId: string; retentionSeconds?: number },
  store: StateStore = stateStore(),
): Promise<Connection> {
  requireText(input.connectionId, 'connection_id');
  requireText(input.userId, 'user_id');
  const now = store.now();
  const connection: Connection = {
    connection_id: input.connectionId,
    user_id: input.userId,
    connected_at: new Date(now).toISOString(),
  };
  const expiresAt = Math.floor(now / 1000) + (input.retentionSeconds ?? CONNECTION_RETENTION_SECONDS);
  await store.client
    .send(
      new PutCommand({ TableName: store.tables.connections, Item: { ...connection, expires_at: expiresAt } }),
    )
    .catch((error: unknown) => {
      throw stateError(error, `recording connection ${input.connectionId}`);
    });
  return connection;
}

/** Forgets a connection; returns it, or undefined when it was not known (removing twice is harmless). */
export async function removeConnection(
  connectionId: string,
  store: StateStore = stateStore(),
): Promise<Connection | undefined> {
  requireText(connectionId, 'connection_id');
  const removed = await store.client
    .send(
      new DeleteCommand({
        TableName: store.tables.connections,
        Key: { connection_id: connectionId },
        ReturnValues: 'ALL_OLD',
      }),
    )
    .catch((error: unknown) => {
      throw stateError(error, `forgetting connection ${connectionId}`);
    });
  return removed.Attributes ? toConnection(removed.Attributes) : undefined;
}

export async function getConnection(
  connectionId: string,
  store: StateStore = stateStore(),
): Promise<Connection | undefined> {
  requireText(connectionId, 'connection_id');
  const found = await store.client
    .send(
      new GetCommand({
        TableName: store.tables.connections,
        Key: { connection_id: connectionId },
        ConsistentRead: true,
      }),
    )
    .catch((error: unknown) => {
      throw stateError(error, `reading connection ${connectionId}`);
    });
  const item = found.Item;
  return item && live(item, store.now()) ? toConnection(item) : undefined;
}

/** Every live connection of a player. */
export async function listConnections(
  userId: string,
  store: StateStore = stateStore(),
): Promise<Connection[]> {
  requireText(userId, 'user_id');
  const connections: Connection[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page = await store.client
      .send(
        new QueryCommand({
          TableName: store.tables.connections,
          IndexName: 'by_user',
          KeyConditionExpression: 'user_id = :u',
          FilterExpression: 'expires_at > :now',
          ExpressionAttributeValues: { ':u': userId, ':now': Math.floor(store.now() / 1000) },
          ExclusiveStartKey: start,
        }),
      )
      .catch((error: unknown) => {
        throw stateError(error, `listing the connections of ${userId}`);
      });
    connections.push(...(page.Items ?? []).map(toConnection));
    start = page.LastEvaluatedKey;
  } while (start);
  return connections;
}

const live = (item: Record<string, unknown>, now: number) =>
  typeof item.expires_at !== 'number' || item.expires_at > Math.floor(now / 1000);

const toConnection = (item: Record<string, unknown>): Connection => ({
  connection_id: String(item.connection_id),
  user_id: String(item.user_id),
  connected_at: String(item.connected_at),
});
