import { FakeKafka } from '../../fixtures/fake-kafka';

const fake = new FakeKafka();
jest.mock('../../../lib/kafka/client', () => ({ getKafka: async () => fake.asKafka() }));

import type { Message } from 'kafkajs';
import { RejectedError } from '../../../lib/errors';
import { DeadLetter, NotificationEvent } from '../../../lib/events';
import type { LambdaKafkaEvent } from '../../../lib/kafka/lambda-event';
import { disconnectProducer } from '../../../lib/kafka/producer';
import { stageHandler } from '../../../lib/middleware/stage-handler';
import type { Emit, StageRule } from '../../../lib/pipeline/stage';
import { lambdaContext } from '../../fixtures/api-gateway';
import { envelope, kafkaEvent } from './events';

const sent = (topic: string): Message[] =>
  fake.sent.filter((r) => r.topic === topic).flatMap((r) => r.messages);
const values = (topic: string) =>
  sent(topic).map((m) => JSON.parse(String(m.value)) as Record<string, unknown>);
const sendsTo = (topic: string) => fake.sent.filter((r) => r.topic === topic).length;

/** A stage on user_actions that notifies about every action, and records it on analytics. */
const echo: StageRule<'user_actions'> = (event) => [
  {
    topic: 'notifications',
    event_type: 'notification',
    data: { type: 'ECHO', title: event.data.action, body: '', related_event_id: event.event_id },
  },
  {
    topic: 'analytics',
    event_type: 'ACTION_SEEN',
    data: { metric: 'action_seen', action: event.data.action },
  },
];

const run = (rule: StageRule<'user_actions'>, event: LambdaKafkaEvent, name = 'test-stage') =>
  stageHandler({ description: 'under test', name, topic: 'user_actions', rule })(event, lambdaContext());

const action = (name: string, extra: Record<string, unknown> = {}) =>
  envelope('user_action', { action: name }, extra);

beforeEach(async () => {
  fake.sent = [];
  fake.down = false;
  await disconnectProducer();
});

describe('stageHandler', () => {
  it('produces each rule output with a derived id, the correlation and the causation, keyed by user', async () => {
    const input = action('LOGIN');
    const summary = await run(echo, kafkaEvent([{ topic: 'user_actions', offset: 7, value: input }]));

    expect(summary).toEqual({ records: 1, produced: { notifications: 1, analytics: 1 }, deadLettered: 0 });
    const [notice] = values('notifications');
    expect(NotificationEvent.safeParse(notice).success).toBe(true);
    expect(notice).toMatchObject({
      event_type: 'notification',
      user_id: 'u1',
      correlation_id: input.event_id,
      causation_id: input.event_id,
      data: { type: 'ECHO', title: 'LOGIN' },
    });
    expect(notice!.event_id).not.toBe(input.event_id);
    expect(sent('notifications')[0]!.key).toBe('u1');
    expect(values('analytics')[0]!.event_id).not.toBe(notice!.event_id);
  });

  it('keeps the first event of the scenario as correlation id through later stages', async () => {
    const origin = '11111111-2222-4333-8444-555555555555';
    const input = action('LOGIN', { correlation_id: origin });
    await run(echo, kafkaEvent([{ topic: 'user_actions', offset: 0, value: input }]));
    expect(values('notifications')[0]).toMatchObject({
      correlation_id: origin,
      causation_id: input.event_id,
    });
  });

  it('derives the same output ids when the same batch is delivered again', async () => {
    const event = kafkaEvent([
      { topic: 'user_actions', offset: 0, value: action('A') },
      { topic: 'user_actions', offset: 1, value: action('B') },
    ]);
    await run(echo, event);
    const first = [...values('notifications'), ...values('analytics')].map((e) => e.event_id);
    fake.sent = [];
    await run(echo, event);
    const second = [...values('notifications'), ...values('analytics')].map((e) => e.event_id);
    expect(second).toEqual(first);
    expect(new Set(first).size).toBe(4);
  });

  it('sends one produce call per output topic for the whole batch, each partition in offset order', async () => {
    const event = kafkaEvent([
      { topic: 'user_actions', partition: 1, offset: 11, value: action('P1-B') },
      { topic: 'user_actions', partition: 0, offset: 5, value: action('P0-A') },
      { topic: 'user_actions', partition: 1, offset: 10, value: action('P1-A') },
      { topic: 'user_actions', partition: 0, offset: 6, value: action('P0-B') },
    ]);
    const seen: string[] = [];
    const recording: StageRule<'user_actions'> = (e, ctx) => {
      seen.push(`${ctx.record.partition}@${ctx.record.offset}`);
      return echo(e, ctx);
    };
    await run(recording, event);
    expect(sendsTo('notifications')).toBe(1);
    expect(sendsTo('analytics')).toBe(1);
    const p0 = seen.filter((s) => s.startsWith('0@'));
    const p1 = seen.filter((s) => s.startsWith('1@'));
    expect(p0).toEqual(['0@5', '0@6']);
    expect(p1).toEqual(['1@10', '1@11']);
    // Outputs keep each partition's order.
    const titles = values('notifications').map((n) => (n.data as { title: string }).title);
    expect(titles.filter((t) => t.startsWith('P0'))).toEqual(['P0-A', 'P0-B']);
    expect(titles.filter((t) => t.startsWith('P1'))).toEqual(['P1-A', 'P1-B']);
  });

  it('dead-letters a value that is not JSON, with its bytes and coordinates, and goes on', async () => {
    const good = action('AFTER');
    const summary = await run(
      echo,
      kafkaEvent([
        { topic: 'user_actions', partition: 2, offset: 41, key: 'u9', value: '{not json' },
        { topic: 'user_actions', partition: 2, offset: 42, value: good },
      ]),
    );
    expect(summary.deadLettered).toBe(1);
    expect(values('notifications')).toHaveLength(1);
    const [letter] = values('user_actions_dlq');
    expect(DeadLetter.safeParse(letter).error).toBeUndefined();
    expect(letter).toMatchObject({
      stage: 'test-stage',
      topic: 'user_actions',
      partition: 2,
      offset: 41,
      key: 'u9',
      value: '{not json',
      value_encoding: 'utf8',
      reason: 'undecodable',
      attempt: 1,
      event_id: null,
    });
    expect(letter!.error).toMatch(/not JSON/);
    expect(String(sent('user_actions_dlq')[0]!.key)).toBe('u9');
  });

  it("keeps a dead-lettered record's headers in the order written, repeated names included", async () => {
    const binary = Uint8Array.from([0xff, 0x00, 0x7f]);
    await run(
      echo,
      kafkaEvent([
        {
          topic: 'user_actions',
          offset: 7,
          value: '{not json',
          headers: [
            ['trace-id', 't-1'],
            ['dup', 'first'],
            ['raw', binary],
            ['dup', 'second'],
          ],
        },
      ]),
    );
    const [letter] = values('user_actions_dlq');
    expect(DeadLetter.safeParse(letter).error).toBeUndefined();
    expect(letter!.headers).toEqual([
      { name: 'trace-id', value: 't-1', value_encoding: 'utf8' },
      { name: 'dup', value: 'first', value_encoding: 'utf8' },
      { name: 'raw', value: '/wB/', value_encoding: 'base64' },
      { name: 'dup', value: 'second', value_encoding: 'utf8' },
    ]);
  });

  it('dead-letters bytes that are not UTF-8 as base64', async () => {
    const bytes = Uint8Array.from([0xff, 0xfe, 0x00, 0x01]);
    await run(echo, kafkaEvent([{ topic: 'user_actions', offset: 0, value: bytes }]));
    expect(values('user_actions_dlq')[0]).toMatchObject({
      value: '//4AAQ==',
      value_encoding: 'base64',
      reason: 'undecodable',
    });
  });

  it('dead-letters an event that fails its topic schema, naming the fields', async () => {
    const { user_id: _omit, ...noUser } = action('X');
    const badSpin = envelope('SLOT_SPIN', { action: 'SLOT_SPIN', bet_amount: -5 });
    await run(
      echo,
      kafkaEvent([
        { topic: 'user_actions', offset: 0, value: noUser },
        { topic: 'user_actions', offset: 1, value: badSpin },
      ]),
    );
    const letters = values('user_actions_dlq');
    expect(letters.map((l) => l.reason)).toEqual(['invalid_event', 'invalid_event']);
    expect(letters[0]!.error).toMatch(/user_id/);
    expect(letters[1]).toMatchObject({ event_id: badSpin.event_id, correlation_id: badSpin.correlation_id });
    expect(letters[1]!.error).toMatch(/data\.bet_amount/);
    expect(sendsTo('notifications')).toBe(0);
  });

  it('dead-letters a tombstone', async () => {
    await run(echo, kafkaEvent([{ topic: 'user_actions', offset: 3, value: null }]));
    expect(values('user_actions_dlq')[0]).toMatchObject({ reason: 'empty_value', value: null, offset: 3 });
  });

  it("dead-letters a rule's rejection with the rule's reason", async () => {
    const rejecting: StageRule<'user_actions'> = () => {
      throw new RejectedError('no such thing', 'unknown_thing');
    };
    await run(rejecting, kafkaEvent([{ topic: 'user_actions', offset: 0, value: action('A') }]));
    expect(values('user_actions_dlq')[0]).toMatchObject({
      reason: 'rejected',
      rule_reason: 'unknown_thing',
      error: 'no such thing',
    });
  });

  it('dead-letters a record whose outputs its own topics refuse (a rule bug), not the batch', async () => {
    const broken: StageRule<'user_actions'> = () => [
      { topic: 'notifications', event_type: 'notification', data: { type: 'X' } } as unknown as Emit,
    ];
    await run(broken, kafkaEvent([{ topic: 'user_actions', offset: 0, value: action('A') }]));
    expect(values('user_actions_dlq')[0]).toMatchObject({ reason: 'invalid_output' });
    expect(values('user_actions_dlq')[0]!.error).toMatch(/data\.title/);
    expect(sendsTo('notifications')).toBe(0);
  });

  it('throws on a transient failure of the rule, producing nothing, so the whole batch is retried', async () => {
    const flaky: StageRule<'user_actions'> = (e, ctx) => {
      if (e.data.action === 'B') throw new Error('dependency timed out');
      return echo(e, ctx);
    };
    const event = kafkaEvent([
      { topic: 'user_actions', offset: 0, value: action('A') },
      { topic: 'user_actions', offset: 1, value: action('B') },
    ]);
    await expect(run(flaky, event)).rejects.toThrow('dependency timed out');
    expect(fake.sent).toEqual([]);
  });

  it('throws when producing fails', async () => {
    fake.down = true;
    await expect(
      run(echo, kafkaEvent([{ topic: 'user_actions', offset: 0, value: action('A') }])),
    ).rejects.toThrow(/unavailable/i);
  });

  it('counts deliveries per record in the container: a redelivered dead letter says attempt 2, same id', async () => {
    const handler = stageHandler({
      description: 'under test',
      name: 'attempts',
      topic: 'user_actions',
      rule: echo,
    });
    const event = kafkaEvent([{ topic: 'user_actions', partition: 1, offset: 9, value: 'nope' }]);
    await handler(event, lambdaContext());
    await handler(event, lambdaContext());
    const letters = values('user_actions_dlq');
    expect(letters.map((l) => l.attempt)).toEqual([1, 2]);
    expect(letters[0]!.dead_letter_id).toBe(letters[1]!.dead_letter_id);
  });

  it('accepts the MSK event shape as well', async () => {
    await run(echo, kafkaEvent([{ topic: 'user_actions', offset: 0, value: action('A') }], 'msk'));
    expect(values('notifications')).toHaveLength(1);
  });

  it('refuses an invocation that is not a Kafka event, and records of another topic', async () => {
    await expect(run(echo, { foo: 1 } as unknown as LambdaKafkaEvent)).rejects.toThrow(/Not a Kafka event/);
    await expect(
      run(echo, kafkaEvent([{ topic: 'game_events', offset: 0, value: action('A') }])),
    ).rejects.toThrow(/reads user_actions but was handed a record of game_events/);
  });

  it('does nothing for an empty batch', async () => {
    expect(await run(echo, kafkaEvent([]))).toEqual({ records: 0, produced: {}, deadLettered: 0 });
    expect(fake.sent).toEqual([]);
  });
});
