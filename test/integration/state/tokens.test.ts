/**
 * Cyber tokens against the local DynamoDB: a ledger entry per accepted earn, grant or spend, the
 * balance it sums to, spends refused with their shortfall, and the ledger read newest first.
 */
import { randomUUID } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { ValidationError } from '../../../lib/errors';
import {
  creditTokens,
  getPlayer,
  InvalidCursorError,
  LEDGER_PAGE_MAX,
  listLedger,
  spendTokens,
} from '../../../lib/state';
import { createTestState, type TestState } from '../../helpers/dynamodb';

let state: TestState;
beforeAll(async () => {
  state = await createTestState('tokens');
});
afterAll(() => state.close());

const user = () => `user-${randomUUID()}`;

describe('cyber tokens', () => {
  it('credits earns and grants, spends what the balance covers, one ledger entry each', async () => {
    const userId = user();
    const earn = await creditTokens(
      { userId, eventId: randomUUID(), amount: 100, reason: 'daily login', source: 'login' },
      state.store,
    );
    expect(earn).toEqual({ kind: 'earn', amount: 100, balance: 100, ledger_seq: 1, replayed: false });
    const grant = await creditTokens(
      { userId, eventId: randomUUID(), amount: 50, reason: 'level 2', kind: 'grant' },
      state.store,
    );
    expect(grant).toMatchObject({ kind: 'grant', balance: 150, ledger_seq: 2 });
    const spend = await spendTokens(
      { userId, eventId: randomUUID(), amount: 120, reason: 'neon skin', itemId: 'skin-1' },
      state.store,
    );
    expect(spend).toEqual({ status: 'spent', amount: 120, balance: 30, ledger_seq: 3, replayed: false });

    const page = await listLedger(userId, {}, state.store);
    expect(page.next_cursor).toBeNull();
    expect(page.entries.map((e) => [e.seq, e.kind, e.amount, e.balance_after])).toEqual([
      [3, 'spend', -120, 30],
      [2, 'grant', 50, 150],
      [1, 'earn', 100, 100],
    ]);
    expect(page.entries[0]).toMatchObject({ item_id: 'skin-1', reason: 'neon skin', user_id: userId });
    expect(page.entries[2]).toMatchObject({ source: 'login' });
    expect((await getPlayer(userId, state.store))?.token_balance).toBe(30);
  });

  it('refuses a spend beyond the balance with its shortfall, debiting nothing', async () => {
    const userId = user();
    await creditTokens({ userId, eventId: randomUUID(), amount: 40, reason: 'quest' }, state.store);
    const refused = await spendTokens(
      { userId, eventId: randomUUID(), amount: 100, reason: 'chest' },
      state.store,
    );
    expect(refused).toEqual({ status: 'rejected', amount: 100, balance: 40, shortfall: 60, replayed: false });
    expect((await getPlayer(userId, state.store))?.token_balance).toBe(40);
    expect((await listLedger(userId, {}, state.store)).entries).toHaveLength(1);
  });

  it('replays a refusal as a refusal even after the balance has grown', async () => {
    const userId = user();
    const eventId = randomUUID();
    const first = await spendTokens({ userId, eventId, amount: 10, reason: 'chest' }, state.store);
    expect(first).toMatchObject({ status: 'rejected', shortfall: 10, balance: 0 });
    await creditTokens({ userId, eventId: randomUUID(), amount: 500, reason: 'gift' }, state.store);
    const again = await spendTokens({ userId, eventId, amount: 10, reason: 'chest' }, state.store);
    expect(again).toEqual({ ...first, replayed: true });
    expect((await getPlayer(userId, state.store))?.token_balance).toBe(500);
  });

  it('a refused spend of an unknown player leaves the player unknown', async () => {
    const userId = user();
    await spendTokens({ userId, eventId: randomUUID(), amount: 5, reason: 'x' }, state.store);
    expect(await getPlayer(userId, state.store)).toBeUndefined();
  });
});

describe('the ledger, newest first', () => {
  const userId = user();
  const credits = 12;
  /** A long ledger, written straight to the table (the credits' own path is tested above). */
  const longUser = user();
  const longTotal = LEDGER_PAGE_MAX + 23;

  beforeAll(async () => {
    for (let i = 1; i <= credits; i += 1) {
      await creditTokens(
        { userId, eventId: `${userId}-earn-${i}`, amount: i, reason: `earn ${i}` },
        state.store,
      );
    }
    const entries = Array.from({ length: longTotal }, (_, i) => ({
      user_id: longUser,
      seq: i + 1,
      event_id: randomUUID(),
      kind: 'earn',
      amount: 1,
      balance_after: i + 1,
      reason: 'seeded',
      recorded_at: new Date().toISOString(),
    }));
    for (let i = 0; i < entries.length; i += 25) {
      const chunk = entries.slice(i, i + 25).map((Item) => ({ PutRequest: { Item } }));
      await state.store.client.send(
        new BatchWriteCommand({ RequestItems: { [state.tables.tokenLedger]: chunk } }),
      );
    }
  });

  it('pages through every entry once, at most 100 a page, with an opaque cursor', async () => {
    const first = await listLedger(longUser, {}, state.store);
    expect(first.entries).toHaveLength(LEDGER_PAGE_MAX);
    expect(first.entries[0]?.seq).toBe(longTotal);
    expect(first.next_cursor).toMatch(/^[A-Za-z0-9_-]+$/);
    const second = await listLedger(longUser, { cursor: first.next_cursor! }, state.store);
    expect(second.entries.map((e) => e.seq)).toEqual(Array.from({ length: 23 }, (_, i) => 23 - i));
    expect(second.next_cursor).toBeNull();
  });

  it('honours a smaller page size and ends without an empty last page', async () => {
    const seen: number[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await listLedger(userId, { limit: 5, ...(cursor && { cursor }) }, state.store);
      seen.push(...page.entries.map((e) => e.seq));
      expect(page.entries.length).toBeGreaterThan(0);
      cursor = page.next_cursor ?? undefined;
      pages += 1;
    } while (cursor);
    expect(pages).toBe(Math.ceil(credits / 5));
    expect(seen).toEqual(Array.from({ length: credits }, (_, i) => credits - i));
  });

  it('refuses a forged or foreign cursor and a page size over 100 as 400s', async () => {
    const { next_cursor } = await listLedger(userId, { limit: 5 }, state.store);
    await expect(listLedger(user(), { cursor: next_cursor! }, state.store)).rejects.toThrow(
      InvalidCursorError,
    );
    await expect(listLedger(userId, { cursor: 'forged!' }, state.store)).rejects.toThrow(InvalidCursorError);
    await expect(listLedger(userId, { limit: 101 }, state.store)).rejects.toThrow(ValidationError);
  });

  it('is empty for a player without entries', async () => {
    expect(await listLedger(user(), {}, state.store)).toEqual({ entries: [], next_cursor: null });
  });
});
