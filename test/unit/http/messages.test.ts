import { FakeKafka } from '../../fixtures/fake-kafka';

const fake = new FakeKafka();
jest.mock('../../../lib/kafka/client', () => ({ getKafka: async () => fake.asKafka() }));

import { handler as sendAnalytics } from '../../../functions/http/send-analytics';
import { handler as sendUserAction } from '../../../functions/http/send-user-action';
import { disconnectProducer } from '../../../lib/kafka/producer';
import { invoke, restEvent } from '../../fixtures/api-gateway';
import { keyHeader } from '../../helpers/api-keys';

const spin = { action: 'SLOT_SPIN', bet_amount: 50, payout: 0, symbols: ['7', 'BAR', '7'] };

beforeEach(async () => {
  fake.down = false;
  fake.sent = [];
  await disconnectProducer();
});

describe('POST /messages/user-action', () => {
  it('accepts the seed message format and answers 202 with where the event landed', async () => {
    const res = await invoke(sendUserAction, restEvent({ body: { user_id: 'user_12345', data: spin } }));
    expect(res.statusCode).toBe(202);
    const accepted = res.json.accepted as {
      event_id: string;
      topic: string;
      partition: number;
      offset: string;
    }[];
    expect(accepted).toHaveLength(1);
    expect(accepted[0]).toEqual({
      event_id: expect.stringMatching(/^[0-9a-f-]{36}$/),
      topic: 'user_actions',
      partition: expect.any(Number),
      offset: expect.stringMatching(/^\d+$/),
    });
    const sent = JSON.parse(String(fake.sent[0]!.messages[0]!.value));
    expect(sent).toMatchObject({
      event_id: accepted[0]!.event_id,
      event_type: 'user_action',
      user_id: 'user_12345',
      data: spin,
    });
    expect(typeof sent.timestamp).toBe('number');
    expect(fake.sent[0]!.messages[0]!.key).toBe('user_12345');
    expect(fake.sent[0]!.acks).toBe(-1);
  });

  it('keeps a caller-supplied event id, type and timestamp', async () => {
    const body = {
      event_id: '0b6c1c64-52a7-4f7f-9a55-9b2f6a0c8a11',
      event_type: 'SLOT_SPIN',
      timestamp: 1690614300.123,
      user_id: 'u',
      data: spin,
    };
    const res = await invoke(sendUserAction, restEvent({ body }));
    expect(res.statusCode).toBe(202);
    expect(JSON.parse(String(fake.sent[0]!.messages[0]!.value))).toEqual(body);
  });

  it('sends a batch in one produce call, with per-event offsets', async () => {
    const events = Array.from({ length: 25 }, (_, i) => ({
      user_id: `user_${i % 5}`,
      data: { action: 'LOGIN' },
    }));
    const res = await invoke(sendUserAction, restEvent({ body: { events } }));
    expect(res.statusCode).toBe(202);
    expect(fake.sent).toHaveLength(1);
    const accepted = res.json.accepted as { partition: number; offset: string }[];
    expect(accepted).toHaveLength(25);
    const coordinates = accepted.map((a) => `${a.partition}:${a.offset}`);
    expect(new Set(coordinates).size).toBe(25);
  });

  it('names every wrong field and produces nothing', async () => {
    const res = await invoke(
      sendUserAction,
      restEvent({ body: { user_id: '', data: { ...spin, payout: 'lots' }, extra: true } }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.code).toBe('validation_failed');
    expect(res.json.error?.issues?.map((i) => i.path).sort()).toEqual(['', 'data.payout', 'user_id']);
    expect(fake.sent).toHaveLength(0);
  });

  it('prefixes batch errors with the event index and produces none of the batch', async () => {
    const res = await invoke(
      sendUserAction,
      restEvent({
        body: {
          events: [
            { user_id: 'a', data: { action: 'LOGIN' } },
            { user_id: 'b', data: {} },
          ],
        },
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.issues).toEqual([{ path: 'events.1.data.action', message: 'is required' }]);
    expect(fake.sent).toHaveLength(0);
  });

  it.each([
    [{ events: [] }, 'events'],
    [{ events: 'nope' }, 'events'],
    [{ events: [1] }, 'events.0'],
    [{ events: [{ user_id: 'a', data: { action: 'X' } }], user_id: 'a' }, ''],
  ])('refuses the malformed batch %j', async (body, path) => {
    const res = await invoke(sendUserAction, restEvent({ body }));
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.issues?.[0]?.path).toBe(path);
  });

  it('answers 413 for a batch over the limit', async () => {
    const events = Array.from({ length: 1001 }, () => ({ user_id: 'u', data: { action: 'LOGIN' } }));
    const res = await invoke(sendUserAction, restEvent({ body: { events } }));
    expect(res.statusCode).toBe(413);
    expect(res.json.error?.message).toContain('at most 1000 events');
    expect(fake.sent).toHaveLength(0);
  });

  it('answers 413 for a body over 1 MiB', async () => {
    const res = await invoke(
      sendAnalytics,
      restEvent({ body: { user_id: 'u', data: { blob: 'x'.repeat(1024 * 1024) } } }),
    );
    expect(res.statusCode).toBe(413);
    expect(res.json.error?.code).toBe('payload_too_large');
  });

  it.each([
    ['{"user_id":', 'not valid JSON'],
    ['', 'empty'],
  ])('answers 400 for the malformed body %j', async (body, message) => {
    const res = await invoke(sendUserAction, restEvent({ body }));
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.code).toBe('malformed_json');
    expect(res.json.error?.message).toContain(message);
  });

  it.each([false, 0])(
    'answers 400, not 500, when serverless-offline hands over the parsed falsy body %j',
    async (body) => {
      const event = { ...restEvent(), body: body as unknown as string };
      const res = await invoke(sendUserAction, event);
      expect(res.statusCode).toBe(400);
      expect(fake.sent).toHaveLength(0);
    },
  );

  it('answers 400 when the JSON is not an object', async () => {
    const res = await invoke(sendUserAction, restEvent({ body: '[1,2]' }));
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.code).toBe('validation_failed');
  });

  it('answers 415 for a body that is not JSON', async () => {
    const res = await invoke(
      sendUserAction,
      restEvent({ body: 'a=b', headers: { 'Content-Type': 'text/plain', ...keyHeader('gameServer') } }),
    );
    expect(res.statusCode).toBe(415);
  });

  it('answers 503 with Retry-After when Kafka is down, without internals', async () => {
    fake.down = true;
    const res = await invoke(sendUserAction, restEvent({ body: { user_id: 'u', data: spin } }));
    expect(res.statusCode).toBe(503);
    expect(res.headers?.['Retry-After']).toBe('5');
    expect(res.json.error?.code).toBe('broker_unavailable');
    expect(res.body).not.toMatch(/ECONNREFUSED|stack|at /);
  });

  it('reuses one producer connection across warm invocations', async () => {
    const before = fake.connects;
    for (let i = 0; i < 5; i += 1)
      await invoke(sendUserAction, restEvent({ body: { user_id: 'u', data: spin } }));
    expect(fake.connects - before).toBe(1);
  });
});
