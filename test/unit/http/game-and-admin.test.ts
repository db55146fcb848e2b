import { FakeKafka } from '../../fixtures/fake-kafka';

const fake = new FakeKafka();
jest.mock('../../../lib/kafka/client', () => ({ getKafka: async () => fake.asKafka() }));

import { firstListingOfEach, toTopicSpec } from '../../../functions/http/create-topics';
import { handler as gameCyberTokenEarn } from '../../../functions/http/game-cyber-token-earn';
import { handler as gameGachaOpen } from '../../../functions/http/game-gacha-open';
import { handler as gameSlotSpin } from '../../../functions/http/game-slot-spin';
import { handler as getConfig } from '../../../functions/http/get-config';
import { handler as getTopicConfig } from '../../../functions/http/get-topic-config';
import { describeTopic } from '../../../functions/http/list-topics';
import { disconnectProducer } from '../../../lib/kafka/producer';
import { invoke, restEvent } from '../../fixtures/api-gateway';
import { keyHeader } from '../../helpers/api-keys';

const sentValue = (i = 0) => JSON.parse(String(fake.sent[i]!.messages[0]!.value));

beforeEach(async () => {
  fake.sent = [];
  await disconnectProducer();
});

describe('game scenarios', () => {
  it('slot spin produces a SLOT_SPIN user action whose id is its correlation id', async () => {
    const res = await invoke(
      gameSlotSpin,
      restEvent({
        body: { user_id: 'u1', bet_amount: 50, payout: 500, symbols: ['7', '7', '7'], game_id: 'neon' },
      }),
    );
    expect(res.statusCode).toBe(202);
    const event = sentValue();
    expect(fake.sent[0]!.topic).toBe('user_actions');
    expect(event).toMatchObject({
      event_type: 'SLOT_SPIN',
      user_id: 'u1',
      correlation_id: event.event_id,
      data: { action: 'SLOT_SPIN', bet_amount: 50, payout: 500, symbols: ['7', '7', '7'], game_id: 'neon' },
    });
    expect(res.json.correlation_id).toBe(event.event_id);
  });

  it('gacha open produces GACHA_OPENED on game_events', async () => {
    const items = [
      { item_id: 'sword', rarity: 'legendary' },
      { item_id: 'shield', rarity: 'common' },
    ];
    const res = await invoke(
      gameGachaOpen,
      restEvent({ body: { user_id: 'u2', gacha_id: 'g1', cost: 300, items } }),
    );
    expect(res.statusCode).toBe(202);
    expect(fake.sent[0]!.topic).toBe('game_events');
    expect(sentValue()).toMatchObject({
      event_type: 'GACHA_OPENED',
      data: { gacha_id: 'g1', cost: 300, items },
    });
  });

  it('cyber-token earn produces TOKEN_EARNED on cyber_tokens', async () => {
    const res = await invoke(
      gameCyberTokenEarn,
      restEvent({ body: { user_id: 'u3', amount: 100, reason: 'daily login' } }),
    );
    expect(res.statusCode).toBe(202);
    expect(fake.sent[0]!.topic).toBe('cyber_tokens');
    expect(sentValue()).toMatchObject({
      event_type: 'TOKEN_EARNED',
      data: { amount: 100, reason: 'daily login' },
    });
  });

  it.each([
    [gameSlotSpin, { user_id: 'u', bet_amount: -1, payout: 0, symbols: [] }, ['bet_amount', 'symbols']],
    [gameSlotSpin, { user_id: 'u', bet_amount: 1, payout: 0, symbols: ['7'], jackpot: true }, ['']],
    [
      gameGachaOpen,
      { user_id: 'u', gacha_id: 'g', cost: 1, items: [{ item_id: 'i', rarity: 'mythic' }] },
      ['items.0.rarity'],
    ],
    [gameCyberTokenEarn, { user_id: 'u', amount: 1.5, reason: 'x' }, ['amount']],
    [gameCyberTokenEarn, { user_id: 'u', amount: 0, reason: 'x' }, ['amount']],
    [gameCyberTokenEarn, { amount: 5, reason: 'x' }, ['user_id']],
  ])('refuses a wrong body, naming the fields (%#)', async (handler, body, paths) => {
    const res = await invoke(handler, restEvent({ body }));
    expect(res.statusCode).toBe(400);
    expect(res.json.error?.issues?.map((i) => i.path)).toEqual(paths);
    expect(fake.sent).toHaveLength(0);
  });
});

describe('topic administration', () => {
  it('maps requested topics to specs', () => {
    expect(toTopicSpec('plain')).toEqual({ topic: 'plain' });
    expect(
      toTopicSpec({ name: 'x', partitions: 6, replication_factor: 1, configs: { 'retention.ms': '1000' } }),
    ).toEqual({
      topic: 'x',
      partitions: 6,
      replicationFactor: 1,
      configs: { 'retention.ms': '1000' },
    });
  });

  it('creates a name listed twice once, with its first listing (kafkajs refuses repeats outright)', () => {
    expect(
      firstListingOfEach([{ topic: 'c' }, { topic: 'f' }, { topic: 'c', partitions: 6 }, { topic: 'C' }]),
    ).toEqual([{ topic: 'c' }, { topic: 'f' }, { topic: 'C' }]);
  });

  it('marks catalogue and dead-letter topics', () => {
    expect(describeTopic({ name: 'user_actions', partitions: 3 })).toEqual({
      name: 'user_actions',
      partitions: 3,
      catalogue: true,
      dead_letter: false,
    });
    expect(describeTopic({ name: 'user_actions_dlq', partitions: 3 })).toMatchObject({
      catalogue: false,
      dead_letter: true,
    });
    expect(describeTopic({ name: 'other_dlq', partitions: 1 })).toMatchObject({
      catalogue: false,
      dead_letter: false,
    });
  });

  it.each(['__consumer_offsets', 'bad name', '..'])(
    'refuses the topic name %j before asking Kafka',
    async (name) => {
      const res = await invoke(
        getTopicConfig,
        restEvent({ method: 'GET', pathParameters: { name }, headers: keyHeader('operator') }),
      );
      expect(res.statusCode).toBe(400);
      expect(res.json.error?.code).toBe('invalid_topic');
    },
  );
});

describe('GET /config', () => {
  it('shows the effective configuration without secrets', async () => {
    process.env.KAFKA_SASL_PASSWORD = 'never-show-this';
    const res = await invoke(getConfig, restEvent({ method: 'GET', headers: keyHeader('operator') }));
    expect(res.statusCode).toBe(200);
    expect(res.body).not.toContain('never-show-this');
    expect(res.json).toMatchObject({ kafka: { brokers: expect.any(Array) }, http: { prefix: '/api/kafka' } });
  });
});
