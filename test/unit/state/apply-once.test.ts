/**
 * The exactly-once engine's answers to what real DynamoDB does and moto never does: transaction
 * conflicts between concurrent transactions, throttled cancellations, and contention that outlasts
 * the retries. The document client is a fake port here; test/integration/state runs the real thing.
 */
import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { DependencyUnavailableError } from '../../../lib/errors';
import type { StateStore } from '../../../lib/state';
import { applyOnce } from '../../../lib/state/apply-once';
import { tableNames } from '../../../lib/state/tables';

type Reason = { Code: string };
const cancelled = (...codes: string[]) =>
  Object.assign(new Error('Transaction cancelled'), {
    name: 'TransactionCanceledException',
    CancellationReasons: codes.map((Code): Reason => ({ Code })),
  });

/** A client whose reads find the TOKENS item at version 4 (and `effect`), and whose transactions follow `script`. */
function fakeStore(script: (Error | 'ok')[], effect?: Record<string, unknown>) {
  const calls: string[] = [];
  const client = {
    send: async (command: { constructor: { name: string }; input: Record<string, unknown> }) => {
      const name = command.constructor.name;
      calls.push(name);
      if (name === 'GetCommand') {
        const table = command.input.TableName as string;
        return { Item: table.endsWith('effects') ? effect : { token_balance: 10, v: 4 } };
      }
      const next = script.shift() ?? 'ok';
      if (next !== 'ok') throw next;
      return {};
    },
  } as unknown as DynamoDBDocumentClient;
  const store: StateStore = { client, tables: tableNames('unit'), now: () => 1_000 };
  return { store, calls };
}

const op = {
  scope: 'tokens',
  eventId: 'e-1',
  userId: 'u-1',
  sk: 'TOKENS',
  decide: (current: { token_balance: number } | undefined, version: number) => ({
    outcome: { balance: (current?.token_balance ?? 0) + 1, version },
    next: { token_balance: (current?.token_balance ?? 0) + 1 },
  }),
};

describe('applyOnce', () => {
  it('retries, from a fresh read, a transaction another transaction conflicted with or a throttle cancelled', async () => {
    const { store, calls } = fakeStore([
      cancelled('None', 'TransactionConflict'),
      cancelled('ThrottlingError', 'None'),
      cancelled('None', 'ConditionalCheckFailed'),
    ]);
    await expect(applyOnce(store, op)).resolves.toEqual({ balance: 11, version: 4, replayed: false });
    expect(calls.filter((c) => c === 'GetCommand')).toHaveLength(4);
    expect(calls.filter((c) => c === 'TransactWriteCommand')).toHaveLength(4);
  });

  it('returns the stored outcome when the effect record exists, whatever else was refused', async () => {
    const { store } = fakeStore([cancelled('ConditionalCheckFailed', 'ConditionalCheckFailed')], {
      user_id: 'u-1',
      outcome: { balance: 99, version: 1 },
    });
    await expect(applyOnce(store, op)).resolves.toEqual({ balance: 99, version: 1, replayed: true });
  });

  it('gives up on contention that outlasts its attempts with a retriable 503', async () => {
    const { store, calls } = fakeStore(
      Array.from({ length: 40 }, () => cancelled('None', 'ConditionalCheckFailed')),
    );
    const failure = await applyOnce(store, op).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(DependencyUnavailableError);
    expect((failure as DependencyUnavailableError).retriable).toBe(true);
    expect(calls.filter((c) => c === 'TransactWriteCommand').length).toBeGreaterThan(10);
  }, 30_000);
});
