import { GetCommand, TransactWriteCommand } from '@aws-sdk/lib-dynamodb';
import { AppError, DependencyUnavailableError, RejectedError } from '../errors';
import type { StateStore } from './client';
import { hasErrorName, stateError } from './errors';
import type { TableKey } from './tables';

/**
 * Exactly-once state changes. Each change to a player's item is one DynamoDB transaction that
 *   1. records the input event in `effects` (only if absent: a second delivery cannot pass),
 *   2. writes the item only if its version `v` is still the one the change was computed from
 *      (optimistic concurrency: a concurrent change makes this one recompute, never overwrite), and
 *   3. appends its further items (a ledger entry), each only if absent.
 * All or nothing: a crash anywhere leaves either no trace or the whole change with its outcome. A
 * redelivered event finds its effect record and gets the stored outcome back, so the stage re-emits
 * exactly what it emitted (or failed to emit) the first time.
 */

/** How long an effect record is kept: far longer than Kafka keeps (and can redeliver) a record (7 days by default). */
export const EFFECT_RETENTION_SECONDS = 35 * 24 * 3600;
const MAX_ATTEMPTS = 30;
const BASE_DELAY_MS = 5;
const MAX_DELAY_MS = 250;
/** Cancellation reasons that a later attempt can get past. */
const TRANSIENT_REASONS = new Set([
  'TransactionConflict',
  'ThrottlingError',
  'ProvisionedThroughputExceeded',
]);

export interface Append {
  table: TableKey;
  item: Record<string, unknown>;
  /** The item's partition key attribute, used for the "only if absent" condition. */
  keyAttribute: string;
}

export interface Change<O> {
  outcome: O;
  /** The item's attributes after the change (keys and version are added); absent: left as it is. */
  next?: Record<string, unknown>;
  appends?: Append[];
}

export interface ApplyOnce<S, O> {
  /** The operation, so one event id is applied once per operation (`tokens`, `purchase`, `xp`, `slots`). */
  scope: string;
  eventId: string;
  userId: string;
  /** The player's item this change reads and writes (players table sort key). */
  sk: string;
  /** The pure decision: from the item as stored (undefined: none yet) and its version. */
  decide: (current: S | undefined, version: number) => Change<O>;
}

/** What an operation did: `replayed` is true when the event had been applied before (nothing changed now). */
export type Applied<O> = O & { replayed: boolean };

interface EffectRecord<O> {
  pk: string;
  scope: string;
  event_id: string;
  user_id: string;
  outcome: O;
  applied_at: string;
  expires_at: number;
}

interface CancellationReason {
  Code?: string;
}

const effectKey = (scope: string, eventId: string) => `${scope}#${eventId}`;

const reasonsOf = (error: unknown): CancellationReason[] | undefined =>
  hasErrorName(error, 'TransactionCanceledException')
    ? ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [])
    : undefined;

const backoff = (attempt: number) =>
  new Promise((resolve) =>
    setTimeout(resolve, Math.random() * Math.min(MAX_DELAY_MS, BASE_DELAY_MS * 2 ** attempt)),
  );

export async function applyOnce<S extends Record<string, unknown>, O>(
  store: StateStore,
  op: ApplyOnce<S, O>,
): Promise<Applied<O>> {
  const { client, tables } = store;
  const key = { user_id: op.userId, sk: op.sk };
  const pk = effectKey(op.scope, op.eventId);
  for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt += 1) {
    const read = await client
      .send(new GetCommand({ TableName: tables.players, Key: key, ConsistentRead: true }))
      .catch((error: unknown) => {
        throw stateError(error, `reading ${op.sk} of ${op.userId}`);
      });
    const stored = read.Item as (S & { v?: number }) | undefined;
    const version = stored?.v ?? 0;
    const { user_id: _u, sk: _s, v: _v, ...current } = (stored ?? {}) as Record<string, unknown>;
    const change = op.decide(stored ? (current as S) : undefined, version);
    const now = store.now();
    const effect: EffectRecord<O> = {
      pk,
      scope: op.scope,
      event_id: op.eventId,
      user_id: op.userId,
      outcome: change.outcome,
      applied_at: new Date(now).toISOString(),
      expires_at: Math.floor(now / 1000) + EFFECT_RETENTION_SECONDS,
    };
    const unchangedSince =
      version === 0
        ? { ConditionExpression: 'attribute_not_exists(sk)' }
        : {
            ConditionExpression: '#v = :v',
            ExpressionAttributeNames: { '#v': 'v' },
            ExpressionAttributeValues: { ':v': version },
          };
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Put: {
                TableName: tables.effects,
                Item: effect,
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            change.next
              ? {
                  Put: {
                    TableName: tables.players,
                    Item: { ...change.next, ...key, v: version + 1 },
                    ...unchangedSince,
                  },
                }
              : { ConditionCheck: { TableName: tables.players, Key: key, ...unchangedSince } },
            ...(change.appends ?? []).map((append) => ({
              Put: {
                TableName: tables[append.table],
                Item: append.item,
                ConditionExpression: 'attribute_not_exists(#k)',
                ExpressionAttributeNames: { '#k': append.keyAttribute },
              },
            })),
          ],
        }),
      );
      return { ...change.outcome, replayed: false };
    } catch (error) {
      const reasons = reasonsOf(error);
      // The SDK has already retried throttling and 5xx answers itself.
      if (!reasons) throw stateError(error, `applying ${pk} to ${op.userId}`);
      if (reasons[0]?.Code === 'ConditionalCheckFailed') return replay<O>(store, pk, op.userId, op.eventId);
      // The item changed since it was read (another change won): recompute from the new state.
      const contended =
        reasons[1]?.Code === 'ConditionalCheckFailed' ||
        reasons.some((r) => r.Code !== undefined && TRANSIENT_REASONS.has(r.Code));
      if (!contended) {
        const appendRefused = reasons.findIndex((r, i) => i >= 2 && r.Code === 'ConditionalCheckFailed');
        if (appendRefused >= 0) {
          // An appended item (a ledger entry) exists although the item's version says it cannot:
          // the store is inconsistent, and retrying would refuse again.
          throw new AppError(
            'misconfigured',
            `Cannot apply ${pk} to ${op.userId}: its ${change.appends?.[appendRefused - 2]?.table} entry exists already although ${op.sk} is at version ${version}`,
            { cause: error },
          );
        }
        throw stateError(error, `applying ${pk} to ${op.userId}`);
      }
      await backoff(attempt);
    }
  }
  throw new DependencyUnavailableError(
    `The player store stayed contended for ${op.userId} (${op.sk}); try again`,
  );
}

/** The outcome stored when the event was first applied. */
async function replay<O>(
  store: StateStore,
  pk: string,
  userId: string,
  eventId: string,
): Promise<Applied<O>> {
  const found = await store.client
    .send(new GetCommand({ TableName: store.tables.effects, Key: { pk }, ConsistentRead: true }))
    .catch((error: unknown) => {
      throw stateError(error, `reading effect ${pk}`);
    });
  const effect = found.Item as EffectRecord<O> | undefined;
  // Only an expiry between the refusal and this read removes it: the batch's retry applies it afresh.
  if (!effect) throw new DependencyUnavailableError(`The effect record ${pk} vanished; try again`);
  if (effect.user_id !== userId) {
    throw new RejectedError(
      `Event ${eventId} was already applied to another player (${effect.user_id}), not ${userId}`,
      'event_id_reused',
    );
  }
  return { ...effect.outcome, replayed: true };
}
