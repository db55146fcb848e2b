import { catalogue, catalogueTopics, deadLetterTopic, isCatalogueTopic } from '../../../lib/events';

const base = {
  event_id: '0b6c1c64-52a7-4f7f-9a55-9b2f6a0c8a11',
  user_id: 'user_12345',
  timestamp: 1690614300.123,
};

const validData: Record<string, { event_type: string; data: Record<string, unknown> }> = {
  user_actions: {
    event_type: 'user_action',
    data: { action: 'SLOT_SPIN', bet_amount: 50, payout: 0, symbols: ['7', '7', 'BAR'] },
  },
  game_events: {
    event_type: 'GACHA_OPENED',
    data: { gacha_id: 'g1', cost: 100, items: [{ item_id: 'i1', rarity: 'epic' }] },
  },
  notifications: {
    event_type: 'notification',
    data: { type: 'REWARD', title: 'You won', body: '500 coins' },
  },
  analytics: { event_type: 'GAME_COMPLETED', data: { metric: 'game_completed', payout: 10 } },
  real_time_feedback: {
    event_type: 'real_time_feedback',
    data: { feedback_type: 'BIG_WIN', intensity: 0.9 },
  },
  cyber_tokens: { event_type: 'TOKEN_EARNED', data: { amount: 10, reason: 'daily' } },
  battle_pass: { event_type: 'XP_GAINED', data: { season: 's1', total_xp: 1200 } },
  adult_content: {
    event_type: 'ACCESS_REQUESTED',
    data: { content_id: 'c1', verified_age: 25, verification_state: 'verified' },
  },
  vip_events: { event_type: 'VIP_TIER_REACHED', data: { tier: 'gold' } },
};

describe('topic catalogue', () => {
  it('holds the nine topics of the seed', () => {
    expect(catalogueTopics.sort()).toEqual(
      [
        'adult_content',
        'analytics',
        'battle_pass',
        'cyber_tokens',
        'game_events',
        'notifications',
        'real_time_feedback',
        'user_actions',
        'vip_events',
      ].sort(),
    );
  });

  it('names a dead-letter topic per topic', () => {
    expect(deadLetterTopic('user_actions')).toBe('user_actions_dlq');
  });

  it('recognises only its own topics', () => {
    expect(isCatalogueTopic('analytics')).toBe(true);
    expect(isCatalogueTopic('toString')).toBe(false);
    expect(isCatalogueTopic('analytics_dlq')).toBe(false);
  });

  it.each(catalogueTopics)('%s accepts a well-formed event', (topic) => {
    const sample = validData[topic]!;
    const parsed = catalogue[topic].schema.safeParse({ ...base, ...sample });
    expect(parsed.error).toBeUndefined();
  });

  it.each(catalogueTopics)('%s rejects an event without user_id, naming the field', (topic) => {
    const { user_id: _omit, ...rest } = { ...base, ...validData[topic]! };
    const parsed = catalogue[topic].schema.safeParse(rest);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toContain('user_id');
  });

  it.each(catalogueTopics)('%s rejects unknown top-level fields', (topic) => {
    const parsed = catalogue[topic].schema.safeParse({ ...base, ...validData[topic]!, extra: 1 });
    expect(parsed.success).toBe(false);
  });

  it('rejects timestamps in milliseconds and non-UUID ids', () => {
    const schema = catalogue.analytics.schema;
    expect(schema.safeParse({ ...base, ...validData.analytics!, timestamp: 1690614300123 }).success).toBe(
      false,
    );
    expect(schema.safeParse({ ...base, ...validData.analytics!, event_id: 'abc' }).success).toBe(false);
  });

  it('requires a SLOT_SPIN action to say what it bet, and checks its outcome when it has one', () => {
    const spin = (data: Record<string, unknown>) =>
      catalogue.user_actions.schema.safeParse({
        ...base,
        event_type: 'user_action',
        data: { action: 'SLOT_SPIN', ...data },
      });
    expect(spin({}).error?.issues.map((i) => i.path.join('.'))).toEqual(['data.bet_amount']);
    // The seed's own message: a bet placed, its outcome not known yet.
    expect(spin({ bet_amount: 50 }).success).toBe(true);
    expect(
      spin({ bet_amount: 50, payout: -1, symbols: [] }).error?.issues.map((i) => i.path.join('.')),
    ).toEqual(['data.payout', 'data.symbols']);
  });

  it('accepts the seed message format for other actions', () => {
    const parsed = catalogue.user_actions.schema.safeParse({
      ...base,
      event_type: 'user_action',
      data: { action: 'LOGIN', device: 'ios' },
    });
    expect(parsed.success).toBe(true);
  });

  it('rejects a gacha item of unknown rarity', () => {
    const parsed = catalogue.game_events.schema.safeParse({
      ...base,
      event_type: 'GACHA_OPENED',
      data: { gacha_id: 'g1', cost: 100, items: [{ item_id: 'i1', rarity: 'mythic' }] },
    });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((i) => i.path.join('.'))).toEqual(['data.items.0.rarity']);
  });
});
