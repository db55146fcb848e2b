/**
 * Exactly-once against the local DynamoDB: conditional writes really refused, transactions really
 * cancelled (nothing of them stays), a redelivery applied once with the same outcome, a crash before
 * or after the commit recovered by the retry, and many concurrent changes to one player summing to
 * exactly what a model computes.
 */
import { randomUUID } from 'node:crypto';
import { ConditionalCheckFailedException, GetItemCommand, PutItemCommand } from '@aws-sdk/client-dynamodb';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { AppError, DependencyUnavailableError, RejectedError } from '../../../lib/errors';
import {
  addBattlePassXp,
  createDocumentClient,
  creditTokens,
  getPlayer,
  listLedger,
  recordPurchase,
  recordSlotSpin,
  type StateStore,
  spendTokens,
  type TokenSpend,
} from '../../../lib/state';
import { DEFAULT_REGION } from '../../../lib/state/config';
import { createTestState, type TestState, testEndpoint } from '../../helpers/dynamodb';

let state: TestState;
beforeAll(async () => {
  state = await createTestState('once');
});
afterAll(() => state.close());

const user = () => `user-${randomUUID()}`;

async function ledgerOf(userId: string) {
  const entries = [];
  let cursor: string | undefined;
  do {
    const page = await listLedger(userId, cursor ? { cursor } : {}, state.store);
    entries.push(...page.entries);
    cursor = page.next_cursor ?? undefined;
  } while (cursor);
  return entries.reverse();
}

describe('DynamoDB itself (moto) refuses what the conditions forbid', () => {
  it('refuses a second conditional put of one key', async () => {
    const item = { pk: { S: `probe#${randomUUID()}` } };
    const putThis = () =>
      state.raw.send(
        new PutItemCommand({
          TableName: state.tables.effects,
          Item: item,
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    await putThis();
    await expect(putThis()).rejects.toBeInstanceOf(ConditionalCheckFailedException);
  });

  it('cancels a whole transaction when one of its items is refused: the effect record is not kept', async () => {
    const userId = user();
    // A stray ledger entry where the next credit's entry must go: the credit's transaction is cancelled.
    await state.store.client.send(
      new PutCommand({
        TableName: state.tables.tokenLedger,
        Item: { user_id: userId, seq: 1, event_id: 'stray', kind: 'earn', amount: 1, balance_after: 1 },
      }),
    );
    const eventId = randomUUID();
    const failure = await creditTokens({ userId, eventId, amount: 10, reason: 'x' }, state.store).catch(
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('misconfigured');
    expect((failure as AppError).retriable).toBe(false);
    const effect = await state.raw.send(
      new GetItemCommand({
        TableName: state.tables.effects,
        Key: { pk: { S: `tokens#${eventId}` } },
        ConsistentRead: true,
      }),
    );
    expect(effect.Item).toBeUndefined();
    expect(await getPlayer(userId, state.store)).toBeUndefined();
  });
});

describe('redelivery', () => {
  it('applies each operation once per event id and returns the first outcome again', async () => {
    const userId = user();
    const ids = {
      earn: randomUUID(),
      spend: randomUUID(),
      buy: randomUUID(),
      xp: randomUUID(),
      spin: randomUUID(),
    };
    const run = () =>
      Promise.all([
        creditTokens({ userId, eventId: ids.earn, amount: 300, reason: 'earn' }, state.store),
        recordPurchase({ userId, eventId: ids.buy, amount: 1_500 }, state.store),
        addBattlePassXp({ userId, eventId: ids.xp, season: 's1', xp: 460 }, state.store),
        recordSlotSpin({ userId, eventId: ids.spin, bet: 10, payout: 30 }, state.store),
      ]);
    const first = await run();
    const spend = await spendTokens(
      { userId, eventId: ids.spend, amount: 120, reason: 'spend' },
      state.store,
    );
    const before = await getPlayer(userId, state.store);
    const second = await run();
    const spendAgain = await spendTokens(
      { userId, eventId: ids.spend, amount: 120, reason: 'spend' },
      state.store,
    );

    expect(first.every((o) => !o.replayed)).toBe(true);
    expect(second.map(({ replayed, ...o }) => ({ ...o, replayed: !replayed }))).toEqual(first);
    expect(spendAgain).toEqual({ ...spend, replayed: true });
    expect(first[1]).toMatchObject({ tiers_reached: [{ tier: 'silver' }] });
    expect(first[2]?.levels_passed.map((l: { level: number }) => l.level)).toEqual([2, 3, 4]);
    expect(await getPlayer(userId, state.store)).toEqual(before);
    expect(before).toMatchObject({ token_balance: 180, lifetime_spend: 1_500, vip_tier: 'silver' });
    expect(await ledgerOf(userId)).toHaveLength(2);
  });

  it('refuses an event id already applied to another player (a record that can never succeed)', async () => {
    const eventId = randomUUID();
    await creditTokens({ userId: user(), eventId, amount: 1, reason: 'x' }, state.store);
    await expect(
      creditTokens({ userId: user(), eventId, amount: 1, reason: 'x' }, state.store),
    ).rejects.toThrow(RejectedError);
  });
});

/** A store whose client fails its next transaction before sending it, or after DynamoDB committed it. */
function crashingStore(when: 'before' | 'after'): { store: StateStore; arm(): void } {
  const client = createDocumentClient({ endpoint: testEndpoint(), region: DEFAULT_REGION });
  let armed = false;
  client.middlewareStack.add(
    (next, context) => async (args) => {
      if (!armed || context.commandName !== 'TransactWriteItemsCommand') return next(args);
      armed = false;
      const lost = Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
      if (when === 'before') throw lost;
      await next(args);
      throw lost;
    },
    { step: 'initialize', name: 'crashForTest' },
  );
  return {
    store: { ...state.store, client },
    arm: () => {
      armed = true;
    },
  };
}

describe('a crash at any point, then the batch retried', () => {
  it.each(['before', 'after'] as const)(
    'a crash %s the commit: the retry applies the change once and returns its outcome',
    async (when) => {
      const userId = user();
      await creditTokens({ userId, eventId: randomUUID(), amount: 100, reason: 'seed' }, state.store);
      const { store, arm } = crashingStore(when);
      const input = { userId, eventId: randomUUID(), amount: 30, reason: 'chest' };
      arm();
      await expect(spendTokens(input, store)).rejects.toBeInstanceOf(DependencyUnavailableError);
      expect((await getPlayer(userId, state.store))?.token_balance).toBe(when === 'after' ? 70 : 100);
      const retried = await spendTokens(input, store);
      expect(retried).toEqual({
        status: 'spent',
        amount: 30,
        balance: 70,
        ledger_seq: 2,
        replayed: when === 'after',
      });
      expect((await getPlayer(userId, state.store))?.token_balance).toBe(70);
      expect(await ledgerOf(userId)).toHaveLength(2);
      store.client.destroy();
    },
  );
});

describe('concurrency', () => {
  it('many concurrent earns and spends for one player, each delivered twice, sum to the model', async () => {
    const userId = user();
    const changes = Array.from({ length: 24 }, (_, i) => ({
      eventId: randomUUID(),
      spend: i % 3 !== 0,
      amount: 5 + ((i * 37) % 40),
    }));
    const apply = (c: (typeof changes)[number]) =>
      c.spend
        ? spendTokens({ userId, eventId: c.eventId, amount: c.amount, reason: 'race' }, state.store)
        : creditTokens({ userId, eventId: c.eventId, amount: c.amount, reason: 'race' }, state.store);
    // Every change twice at once: a redelivery racing its original.
    const outcomes = await Promise.all([...changes, ...changes].map(apply));
    const firsts = outcomes.slice(0, changes.length);
    const seconds = outcomes.slice(changes.length);
    for (let i = 0; i < changes.length; i += 1) {
      const { replayed: a, ...one } = firsts[i]!;
      const { replayed: b, ...other } = seconds[i]!;
      expect(one).toEqual(other);
      expect([a, b].sort()).toEqual([false, true]);
    }

    const credited = changes.filter((c) => !c.spend).reduce((sum, c) => sum + c.amount, 0);
    const spent = firsts
      .filter((o): o is TokenSpend & { replayed: boolean } => 'status' in o && o.status === 'spent')
      .reduce((sum, o) => sum + o.amount, 0);
    const player = await getPlayer(userId, state.store);
    expect(player?.token_balance).toBe(credited - spent);

    const ledger = await ledgerOf(userId);
    const accepted = firsts.filter((o) => !('status' in o) || o.status === 'spent');
    expect(ledger).toHaveLength(accepted.length);
    expect(ledger.map((e) => e.seq)).toEqual(ledger.map((_, i) => i + 1));
    expect(new Set(ledger.map((e) => e.event_id)).size).toBe(ledger.length);
    let balance = 0;
    for (const entry of ledger) {
      balance += entry.amount;
      expect(entry.balance_after).toBe(balance);
      expect(balance).toBeGreaterThanOrEqual(0);
    }
    for (const o of firsts)
      if ('status' in o && o.status === 'rejected') expect(o.shortfall).toBeGreaterThan(0);
  }, 240_000);

  it('concurrent purchases reach each VIP tier once; concurrent XP passes each level once', async () => {
    const userId = user();
    const purchases = await Promise.all(
      Array.from({ length: 12 }, () =>
        recordPurchase({ userId, eventId: randomUUID(), amount: 1_800 }, state.store),
      ),
    );
    expect(purchases.flatMap((p) => p.tiers_reached.map((t) => t.tier)).sort()).toEqual([
      'gold',
      'platinum',
      'silver',
    ]);
    expect(purchases.map((p) => p.lifetime_spend).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, i) => (i + 1) * 1_800),
    );
    const gains = await Promise.all(
      Array.from({ length: 12 }, () =>
        addBattlePassXp({ userId, eventId: randomUUID(), season: 's9', xp: 250 }, state.store),
      ),
    );
    const levels = gains.flatMap((g) => g.levels_passed.map((l) => l.level)).sort((a, b) => a - b);
    // 12 × 250 = 3,000 XP: levels 2 to 10, each passed by exactly one of the gains.
    expect(levels).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await getPlayer(userId, state.store)).toMatchObject({
      lifetime_spend: 21_600,
      vip_tier: 'platinum',
      battle_pass: [{ season: 's9', xp: 3_000, level: 10 }],
    });
  }, 240_000);

  it('a gacha purchase and a token grant for one player at the same moment both apply', async () => {
    const userId = user();
    const [purchase, grant] = await Promise.all([
      recordPurchase({ userId, eventId: randomUUID(), amount: 600 }, state.store),
      creditTokens({ userId, eventId: randomUUID(), amount: 100, reason: 'hq', kind: 'grant' }, state.store),
    ]);
    expect(purchase.replayed || grant.replayed).toBe(false);
    expect(await getPlayer(userId, state.store)).toMatchObject({ lifetime_spend: 600, token_balance: 100 });
  });
});

describe('outages', () => {
  it('an unreachable DynamoDB is a retriable 503, not a crash', async () => {
    const client = createDocumentClient({ endpoint: 'http://127.0.0.1:9', region: DEFAULT_REGION });
    const store: StateStore = { ...state.store, client };
    const failure = await creditTokens(
      { userId: user(), eventId: randomUUID(), amount: 1, reason: 'x' },
      store,
    ).catch((error: unknown) => error);
    if (!(failure instanceof DependencyUnavailableError)) throw failure;
    expect((failure as DependencyUnavailableError).retriable).toBe(true);
    expect((failure as DependencyUnavailableError).statusCode).toBe(503);
    client.destroy();
  });

  it('a missing table is a configuration error at once, not retried by the store itself', async () => {
    const store: StateStore = {
      ...state.store,
      tables: { ...state.tables, players: `missing-${randomUUID()}` },
    };
    const failure = await getPlayer(user(), store).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(AppError);
    expect((failure as AppError).code).toBe('misconfigured');
    // A stage retries its batch (a fixed deployment succeeds), never dead-letters for it.
    expect((failure as AppError).retriable).toBe(true);
  });
});
