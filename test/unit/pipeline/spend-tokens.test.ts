import { CyberTokenEvent, NotificationEvent } from '../../../lib/events';
import { spendTokensRule, TOKEN_SPEND_REQUESTED } from '../../../lib/pipeline/spend-tokens';
import { envelope } from './events';
import { fakeState, ruleContext } from './fake-state';

describe('spend-tokens', () => {
  let state: ReturnType<typeof fakeState>;
  let rule: ReturnType<typeof spendTokensRule>;
  const request = (data: Record<string, unknown>, type = TOKEN_SPEND_REQUESTED) =>
    CyberTokenEvent.parse(envelope(type, { reason: 'neon skin', ...data }));
  const run = async (event: CyberTokenEvent) => [...(await rule(event, ruleContext))];

  beforeEach(async () => {
    state = fakeState();
    rule = spendTokensRule(state.spend);
    await state.credit({ userId: 'u1', eventId: 'earn-1', amount: 100, reason: 'login' });
  });

  it('a covered spend: debited once, TOKENS_SPENT with the balance', async () => {
    const event = request({ amount: 40, item_id: 'skin_neon' });
    const [notice, ...rest] = await run(event);
    expect(rest).toEqual([]);
    expect(notice).toMatchObject({
      topic: 'notifications',
      data: {
        type: 'TOKENS_SPENT',
        title: '-40 cyber tokens',
        amount: 40,
        item_id: 'skin_neon',
        balance: 60,
        related_event_id: event.event_id,
      },
    });
    expect(NotificationEvent.shape.data.safeParse(notice!.data).success).toBe(true);
    expect(await run(event)).toEqual([notice]);
    expect(state.balances.get('u1')).toBe(60);
  });

  it('a spend above the balance: a rejection naming the shortfall, nothing debited', async () => {
    const event = request({ amount: 130 });
    const [notice] = await run(event);
    expect(notice!.data).toMatchObject({
      type: 'TOKENS_SPEND_REJECTED',
      amount: 130,
      balance: 100,
      shortfall: 30,
      body: 'neon skin costs 130 cyber tokens; you have 100, 30 short. Nothing was spent.',
    });
    expect(state.balances.get('u1')).toBe(100);
    // Redelivered after an earn, the refusal stands: the outcome was decided once.
    await state.credit({ userId: 'u1', eventId: 'earn-2', amount: 100, reason: 'login' });
    expect(await run(event)).toEqual([notice]);
    expect(state.balances.get('u1')).toBe(200);
  });

  it('earns are not its business; a bad item id is dead-lettered', async () => {
    expect(await run(request({ amount: 5 }, 'TOKEN_EARNED'))).toEqual([]);
    await expect(run(request({ amount: 5, item_id: '' }))).rejects.toMatchObject({ reason: 'invalid_item' });
  });
});
