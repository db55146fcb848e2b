import { AnalyticsEvent, FeedbackEvent, UserActionEvent } from '../../../lib/events';
import { analyzeGameResult, classifySpin, isNearMiss } from '../../../lib/pipeline/analyze-game-result';
import { BIG_WIN_MULTIPLIER } from '../../../lib/pipeline/config';
import { deliverFeedback } from '../../../lib/pipeline/deliver-feedback';
import { processUserAction } from '../../../lib/pipeline/process-user-action';
import { envelope } from './events';
import { fakeState, ruleContext } from './fake-state';

const spin = (data: Record<string, unknown>) =>
  UserActionEvent.parse(
    envelope('SLOT_SPIN', { action: 'SLOT_SPIN', symbols: ['7', 'BAR', 'CHERRY'], ...data }),
  );

describe('process-user-action', () => {
  let rule: ReturnType<typeof processUserAction>;
  const run = async (event: UserActionEvent) => [...(await rule(event, ruleContext))];
  beforeEach(() => {
    rule = processUserAction(fakeState().spin);
  });

  it('a paying spin: a reward notice and a game-completed record', async () => {
    const event = spin({ bet_amount: 50, payout: 500, symbols: ['7', '7', '7'], game_id: 'neon' });
    const [notice, completed, ...rest] = await run(event);
    expect(notice).toMatchObject({
      topic: 'notifications',
      data: { type: 'REWARD', title: 'You won 500 coins!', related_event_id: event.event_id, payout: 500 },
    });
    expect(completed).toEqual({
      topic: 'analytics',
      event_type: 'GAME_COMPLETED',
      data: {
        metric: 'game_completed',
        game: 'slot',
        game_id: 'neon',
        bet_amount: 50,
        payout: 500,
        net: 450,
        multiplier: 10,
        symbols: ['7', '7', '7'],
      },
    });
    expect(rest).toEqual([]);
  });

  it('a losing spin: only the game-completed record', async () => {
    const emits = await run(spin({ bet_amount: 50, payout: 0 }));
    expect(emits.map((e) => e.topic)).toEqual(['analytics']);
    expect(emits[0]!.data).toMatchObject({ net: -50, multiplier: 0 });
  });

  it('a free spin has no multiplier', async () => {
    expect((await run(spin({ bet_amount: 0, payout: 20 })))[1]!.data).toMatchObject({ multiplier: null });
  });

  it('the third win in a row is a WIN_STREAK feedback of its own, once (and again at six)', async () => {
    const win = () => spin({ bet_amount: 10, payout: 30, game_id: 'neon' });
    const streaks = async (event: UserActionEvent) =>
      (await run(event)).filter((e) => e.topic === 'real_time_feedback');
    expect(await streaks(win())).toEqual([]);
    expect(await streaks(win())).toEqual([]);
    const third = win();
    const [feedback] = await streaks(third);
    expect(feedback).toMatchObject({
      topic: 'real_time_feedback',
      event_type: 'WIN_STREAK',
      kind: 'win-streak',
      data: { feedback_type: 'WIN_STREAK', streak: 3, message: '3 wins in a row!', game_id: 'neon' },
    });
    expect(FeedbackEvent.shape.data.safeParse(feedback!.data).success).toBe(true);
    // Redelivered, the third spin gets its feedback again (same output id), the fourth none.
    expect(await streaks(third)).toEqual([feedback]);
    expect(await streaks(win())).toEqual([]);
    expect(await streaks(win())).toEqual([]);
    expect((await streaks(win()))[0]!.data).toMatchObject({ streak: 6 });
  });

  it('a loss breaks the streak', async () => {
    const streaks = async (payout: number) =>
      (await run(spin({ bet_amount: 10, payout }))).filter((e) => e.topic === 'real_time_feedback');
    for (const payout of [5, 5, 0, 5, 5]) expect(await streaks(payout)).toEqual([]);
    expect(await streaks(5)).toHaveLength(1);
  });

  it('a spin without its outcome is a bet placed, not counted', async () => {
    const state = fakeState();
    const recorded = jest.fn(state.spin);
    const emits = await processUserAction(recorded)(spin({ bet_amount: 50 }), ruleContext);
    expect(emits.map((e) => e.event_type)).toEqual(['BET_PLACED']);
    expect(recorded).not.toHaveBeenCalled();
  });

  it('other actions lead nowhere', async () => {
    expect(await run(UserActionEvent.parse(envelope('user_action', { action: 'LOGIN' })))).toEqual([]);
  });
});

describe('classifySpin', () => {
  const at = (bet_amount: number, payout: number, symbols = ['A', 'B', 'C']) =>
    classifySpin({ bet_amount, payout, symbols });

  it(`a payout of ${BIG_WIN_MULTIPLIER}× the bet or more is a big win, stronger the bigger`, () => {
    expect(at(10, 100)).toMatchObject({ feedback_type: 'BIG_WIN', intensity: 0.7 });
    expect(at(10, 200)).toMatchObject({ feedback_type: 'BIG_WIN', intensity: 0.8 });
    expect(at(10, 100_000).intensity).toBe(1);
    expect(at(0, 5)).toMatchObject({ feedback_type: 'BIG_WIN' });
  });

  it('a smaller payout is a win, between 0.3 and 0.7', () => {
    const small = at(10, 5);
    const decent = at(10, 50);
    expect(small.feedback_type).toBe('WIN');
    expect(decent.feedback_type).toBe('WIN');
    expect(small.intensity).toBeGreaterThanOrEqual(0.3);
    expect(decent.intensity).toBeGreaterThan(small.intensity);
    expect(decent.intensity).toBeLessThan(0.7);
  });

  it('no payout with all reels but one matching is a near miss; otherwise a plain loss', () => {
    expect(at(10, 0, ['7', '7', 'BAR'])).toMatchObject({ feedback_type: 'NEAR_MISS', intensity: 0.5 });
    expect(at(10, 0, ['7', 'BAR', 'CHERRY'])).toMatchObject({ feedback_type: 'LOSS', intensity: 0.1 });
  });

  it('near misses need three reels or more', () => {
    expect(isNearMiss(['7', 'BAR'])).toBe(false);
    expect(isNearMiss(['7', '7', '7', 'BAR', '7'])).toBe(true);
    expect(isNearMiss(['7', '7', '7'])).toBe(false);
  });
});

describe('analyze-game-result', () => {
  const completed = (data: Record<string, unknown>, type = 'GAME_COMPLETED') =>
    AnalyticsEvent.parse(envelope(type, { metric: 'game_completed', symbols: ['7', '7', 'BAR'], ...data }));

  it('a game result becomes one feedback, typed and with its intensity', () => {
    const [feedback] = analyzeGameResult(completed({ bet_amount: 10, payout: 0, game_id: 'neon' }));
    expect(feedback).toMatchObject({
      topic: 'real_time_feedback',
      event_type: 'DOPAMINE_TRIGGER',
      data: { feedback_type: 'NEAR_MISS', intensity: 0.5, source: 'slot', game_id: 'neon' },
    });
    expect(FeedbackEvent.shape.data.safeParse(feedback!.data).success).toBe(true);
  });

  it('ignores other analytics records', () => {
    expect(analyzeGameResult(completed({}, 'GACHA_SPEND'))).toEqual([]);
  });

  it('rejects a game result without its bet or payout', () => {
    expect(() => analyzeGameResult(completed({ payout: 10 }))).toThrow(
      expect.objectContaining({ name: 'RejectedError', reason: 'invalid_game_result' }),
    );
  });
});

describe('deliver-feedback', () => {
  it('every feedback becomes a user-facing message', () => {
    const event = FeedbackEvent.parse(
      envelope('DOPAMINE_TRIGGER', {
        feedback_type: 'BIG_WIN',
        intensity: 0.9,
        message: 'Big win: 500 coins!',
      }),
    );
    expect(deliverFeedback(event)).toEqual([
      {
        topic: 'notifications',
        event_type: 'notification',
        data: {
          type: 'FEEDBACK',
          title: 'Big win!',
          body: 'Big win: 500 coins!',
          related_event_id: event.event_id,
          feedback_type: 'BIG_WIN',
          intensity: 0.9,
        },
      },
    ]);
  });

  it('titles gacha feedback by rarity, and any other type from its name', () => {
    const title = (feedback_type: string) =>
      deliverFeedback(FeedbackEvent.parse(envelope('x', { feedback_type })))[0]!.data as {
        title: string;
        body: string;
      };
    expect(title('GACHA_LEGENDARY').title).toBe('Legendary pull!');
    expect(title('DAILY_STREAK')).toMatchObject({ title: 'Daily streak', body: 'Daily streak' });
  });
});
