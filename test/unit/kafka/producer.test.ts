import { ValidationError } from '../../../lib/errors';
import { completeEvent, validateEvents } from '../../../lib/events/publish';
import { toMessage } from '../../../lib/kafka/producer';

const spin = { action: 'SLOT_SPIN', bet_amount: 50, payout: 0, symbols: ['7', 'BAR', 'CHERRY'] };

describe('completeEvent', () => {
  it('stamps an id, the time in epoch seconds and the type the topic implies', () => {
    const before = Date.now() / 1000;
    const event = completeEvent('user_actions', { user_id: 'u1', data: spin });
    expect(event.event_id).toMatch(/^[0-9a-f-]{36}$/);
    expect(event.event_type).toBe('user_action');
    expect(event.timestamp).toBeGreaterThanOrEqual(before);
    expect(event.timestamp).toBeLessThan(before + 5);
  });

  it('keeps what the caller sent', () => {
    const event = completeEvent('user_actions', {
      user_id: 'u1',
      event_id: '0b6c1c64-52a7-4f7f-9a55-9b2f6a0c8a11',
      timestamp: 1690614300.5,
      event_type: 'SLOT_SPIN',
      data: spin,
    });
    expect(event).toMatchObject({
      event_id: '0b6c1c64-52a7-4f7f-9a55-9b2f6a0c8a11',
      timestamp: 1690614300.5,
      event_type: 'SLOT_SPIN',
    });
  });
});

describe('validateEvents', () => {
  it('returns the parsed events', () => {
    const event = completeEvent('user_actions', { user_id: 'u1', data: spin });
    expect(validateEvents('user_actions', [event])).toEqual([event]);
  });

  it('names each wrong field, prefixed by its index in a batch', () => {
    const good = completeEvent('user_actions', { user_id: 'u1', data: spin });
    const bad = completeEvent('user_actions', { user_id: '', data: { ...spin, bet_amount: -1 } });
    try {
      validateEvents('user_actions', [good, bad]);
      throw new Error('expected a ValidationError');
    } catch (error) {
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as ValidationError).issues.map((i) => i.path)).toEqual([
        'events.1.user_id',
        'events.1.data.bet_amount',
      ]);
      expect((error as ValidationError).message).toContain('events.1.user_id');
    }
  });

  it('uses plain field paths for a single event', () => {
    expect(() =>
      validateEvents('cyber_tokens', [
        completeEvent('cyber_tokens', { user_id: 'u', data: { amount: 1.5, reason: 'x' } }),
      ]),
    ).toThrow(/data\.amount/);
  });
});

describe('toMessage', () => {
  it('keys by user_id and serialises the whole event as JSON with type headers', () => {
    const event = completeEvent('user_actions', { user_id: 'user_12345', data: spin });
    const message = toMessage(event as Parameters<typeof toMessage>[0]);
    expect(message.key).toBe('user_12345');
    expect(JSON.parse(String(message.value))).toEqual(event);
    expect(message.headers).toEqual({
      'content-type': 'application/json',
      'event-type': 'user_action',
      'event-id': event.event_id,
    });
  });
});
