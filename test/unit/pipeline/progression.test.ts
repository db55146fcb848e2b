import { AdultContentEvent, BattlePassEvent, NotificationEvent, VipEvent } from '../../../lib/events';
import { ADULT_MINIMUM_AGE, BATTLE_PASS_LEVELS, VIP_PERKS, VIP_TIERS } from '../../../lib/pipeline/config';
import { decideAccess, gateAdultContent } from '../../../lib/pipeline/gate-adult-content';
import { levelFor, processBattlePass } from '../../../lib/pipeline/process-battle-pass';
import { processVipEvent } from '../../../lib/pipeline/process-vip-event';
import { envelope } from './events';
import { fakeState, ruleContext } from './fake-state';

describe('process-battle-pass', () => {
  const xp = (data: Record<string, unknown>, type = 'XP_GAINED') =>
    BattlePassEvent.parse(envelope(type, { season: 's1', total_xp: 0, ...data }));
  let rule: ReturnType<typeof processBattlePass>;
  const run = async (event: BattlePassEvent) => [...(await rule(event, ruleContext))];
  beforeEach(() => {
    rule = processBattlePass(fakeState().addXp);
  });

  it('reads levels from the table', () => {
    expect(levelFor(0)).toBe(1);
    expect(levelFor(99)).toBe(1);
    expect(levelFor(100)).toBe(2);
    expect(levelFor(1_000_000)).toBe(BATTLE_PASS_LEVELS.at(-1)!.level);
  });

  it('one level-up notification per level passed, from the stored XP', async () => {
    await run(xp({ xp_gained: 60 }));
    const event = xp({ xp_gained: 200 });
    const notices = await run(event);
    expect(notices.map((n) => (n.data as { level: number }).level)).toEqual([2, 3]);
    expect(notices[0]).toMatchObject({
      topic: 'notifications',
      kind: 'level-2',
      data: {
        type: 'LEVEL_UP',
        title: 'Level 2 reached!',
        season: 's1',
        reward: '50 cyber tokens',
        total_xp: 260,
      },
    });
    expect(notices[0]!.data.related_event_id).toBe(event.event_id);
  });

  it("ignores the caller's total_xp", async () => {
    expect(await run(xp({ xp_gained: 50, total_xp: 10_000 }))).toEqual([]);
    expect(await run(xp({ xp_gained: 50, total_xp: 0 }))).toHaveLength(1);
  });

  it('a redelivered gain: the same level-ups, the XP added once', async () => {
    const event = xp({ xp_gained: 100 });
    const first = await run(event);
    expect(await run(event)).toEqual(first);
    expect(first).toHaveLength(1);
    expect(await run(xp({ xp_gained: 99 }))).toEqual([]);
  });

  it('no notification when no level is reached, nothing stored for a gain of 0', async () => {
    expect(await run(xp({ xp_gained: 10 }))).toEqual([]);
    expect(await run(xp({ xp_gained: 0 }))).toEqual([]);
  });

  it('rejects XP_GAINED without the gain', async () => {
    await expect(run(xp({ total_xp: 300 }))).rejects.toMatchObject({ reason: 'xp_gained_missing' });
  });

  it('ignores other battle-pass events', async () => {
    expect(await run(xp({ total_xp: 0 }, 'SEASON_STARTED'))).toEqual([]);
  });
});

describe('process-vip-event', () => {
  it.each(VIP_TIERS.map((t) => t.tier))('notifies the perks of %s', (tier) => {
    const event = VipEvent.parse(envelope('VIP_TIER_REACHED', { tier }));
    const [notice] = processVipEvent(event);
    expect(notice).toMatchObject({
      topic: 'notifications',
      data: { type: 'VIP_PERKS', tier, perks: VIP_PERKS[tier] },
    });
    expect(NotificationEvent.shape.data.safeParse(notice!.data).success).toBe(true);
  });

  it('every tier that can be reached has perks', () => {
    for (const { tier } of VIP_TIERS) expect(VIP_PERKS[tier]?.length).toBeGreaterThan(0);
  });

  it('dead-letters an unknown tier (including inherited names)', () => {
    for (const tier of ['diamond', 'constructor', 'toString']) {
      expect(() => processVipEvent(VipEvent.parse(envelope('VIP_TIER_REACHED', { tier })))).toThrow(
        expect.objectContaining({ reason: 'unknown_tier' }),
      );
    }
  });

  it('ignores other VIP events', () => {
    expect(processVipEvent(VipEvent.parse(envelope('VIP_TIER_LOST', { tier: 'gold' })))).toEqual([]);
  });
});

describe('gate-adult-content', () => {
  const request = (data: Record<string, unknown>) =>
    AdultContentEvent.parse(envelope('ACCESS_REQUESTED', { content_id: 'c1', ...data }));

  it(`allows only a verified user aged ${ADULT_MINIMUM_AGE} or over`, () => {
    expect(decideAccess({ content_id: 'c', verification_state: 'verified', verified_age: 19 })).toEqual({
      decision: 'allowed',
      reason: 'verified_adult',
    });
    expect(decideAccess({ content_id: 'c', verification_state: 'verified', verified_age: 18 })).toEqual({
      decision: 'denied',
      reason: 'under_age',
    });
  });

  it.each([
    [{}, 'not_verified'],
    [{ verified_age: 40 }, 'not_verified'],
    [{ verified_age: 40, verification_state: 'pending' }, 'not_verified'],
    [{ verified_age: 40, verification_state: 'failed' }, 'not_verified'],
    [{ verified_age: 40, verification_state: 'unverified' }, 'not_verified'],
    [{ verification_state: 'verified' }, 'age_unknown'],
    [{ verification_state: 'verified', verified_age: 0 }, 'under_age'],
  ])('denies %j (%s)', (data, reason) => {
    expect(decideAccess({ content_id: 'c', ...data } as AdultContentEvent['data'])).toEqual({
      decision: 'denied',
      reason,
    });
  });

  it('an allowed request: an audit record only', () => {
    const emits = gateAdultContent(request({ verified_age: 30, verification_state: 'verified' }));
    expect(emits).toEqual([
      {
        topic: 'analytics',
        event_type: 'ADULT_CONTENT_DECISION',
        data: {
          metric: 'adult_content_access',
          content_id: 'c1',
          decision: 'allowed',
          reason: 'verified_adult',
          minimum_age: 19,
          verified_age: 30,
          verification_state: 'verified',
          request_type: 'ACCESS_REQUESTED',
        },
      },
    ]);
  });

  it('a denied request: an audit record and a notice to the user', () => {
    const event = request({ verified_age: 17, verification_state: 'verified' });
    const [audit, notice] = gateAdultContent(event);
    expect(audit!.data).toMatchObject({ decision: 'denied', reason: 'under_age' });
    expect(notice).toMatchObject({
      topic: 'notifications',
      data: {
        type: 'ACCESS_DENIED',
        content_id: 'c1',
        reason: 'under_age',
        related_event_id: event.event_id,
      },
    });
  });

  it('a field that claims access does not grant it', () => {
    const [audit] = gateAdultContent(request({ allowed: true, decision: 'allowed', verified_age: 25 }));
    expect(audit!.data).toMatchObject({ decision: 'denied', reason: 'not_verified' });
  });
});
