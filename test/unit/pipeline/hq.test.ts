import { FakeKafka } from '../../fixtures/fake-kafka';

const fake = new FakeKafka();
jest.mock('../../../lib/kafka/client', () => ({ getKafka: async () => fake.asKafka() }));

import { CyberTokenEvent } from '../../../lib/events';
import {
  createHqClient,
  type HqClient,
  HqRejectedError,
  HqUnavailableError,
  hqOptionsFromEnv,
} from '../../../lib/hq/client';
import { type HqSandbox, startHqSandbox } from '../../../lib/hq/sandbox';
import { disconnectProducer } from '../../../lib/kafka/producer';
import { stageHandler } from '../../../lib/middleware/stage-handler';
import { syncTokensToHq, tokenGrantNotice } from '../../../lib/pipeline/sync-tokens-to-hq';
import { lambdaContext } from '../../fixtures/api-gateway';
import { envelope, kafkaEvent } from './events';
import { fakeState } from './fake-state';

const grantRequest = {
  idempotencyKey: 'k-1',
  user_id: 'u1',
  amount: 100,
  reason: 'daily login',
  earned_at: 1_700_000_000,
};

/** A fetch answering `status` with `body`, recording what it was asked. */
function answering(status: number, body: unknown = {}) {
  const calls: { url: string; init: RequestInit }[] = [];
  const fetchImpl = (async (url: URL | string, init: RequestInit) => {
    calls.push({ url: String(url), init });
    return new Response(typeof body === 'string' ? body : JSON.stringify(body), { status });
  }) as typeof fetch;
  return {
    calls,
    client: createHqClient({ baseUrl: 'https://hq.example.com/api', timeoutMs: 1000, fetch: fetchImpl }),
  };
}

describe('headquarters client', () => {
  it('posts the grant with the event id as Idempotency-Key', async () => {
    const { calls, client } = answering(201, { grant_id: 'g-1' });
    await expect(client.grantTokens(grantRequest)).resolves.toMatchObject({ grant_id: 'g-1' });
    expect(calls[0]!.url).toBe('https://hq.example.com/api/grants');
    expect(calls[0]!.init.method).toBe('POST');
    expect((calls[0]!.init.headers as Record<string, string>)['idempotency-key']).toBe('k-1');
    expect(JSON.parse(String(calls[0]!.init.body))).toEqual({
      user_id: 'u1',
      amount: 100,
      reason: 'daily login',
      earned_at: 1_700_000_000,
    });
  });

  it.each([500, 502, 503, 408, 429])('%i is transient', async (status) => {
    await expect(answering(status, 'busy').client.grantTokens(grantRequest)).rejects.toBeInstanceOf(
      HqUnavailableError,
    );
  });

  it.each([400, 401, 404, 409, 422])('%i is a rejection that is never retried', async (status) => {
    const rejection = answering(status, { error: 'no' }).client.grantTokens(grantRequest);
    await expect(rejection).rejects.toBeInstanceOf(HqRejectedError);
    await expect(rejection).rejects.toMatchObject({ reason: 'hq_rejected', status });
  });

  it('a 2xx without a grant id is retried (the grant may exist; the key makes asking again safe)', async () => {
    await expect(answering(200, { ok: true }).client.grantTokens(grantRequest)).rejects.toBeInstanceOf(
      HqUnavailableError,
    );
    await expect(answering(200, 'not json').client.grantTokens(grantRequest)).rejects.toBeInstanceOf(
      HqUnavailableError,
    );
  });

  it('a network failure is transient', async () => {
    const client = createHqClient({
      baseUrl: 'http://hq',
      timeoutMs: 1000,
      fetch: (async () => {
        throw new TypeError('fetch failed');
      }) as typeof fetch,
    });
    await expect(client.grantTokens(grantRequest)).rejects.toThrow(/unreachable: fetch failed/);
  });

  it('reads its settings from the environment and names a missing URL', () => {
    expect(hqOptionsFromEnv({ HQ_API_URL: 'http://localhost:4100', HQ_TIMEOUT_MS: '500' })).toEqual({
      baseUrl: 'http://localhost:4100',
      timeoutMs: 500,
    });
    expect(() => hqOptionsFromEnv({})).toThrow(/HQ_API_URL/);
    expect(() => hqOptionsFromEnv({ HQ_API_URL: 'ftp://x' })).toThrow(/HQ_API_URL/);
  });
});

describe('headquarters sandbox (in-process, on the loopback interface)', () => {
  let sandbox: HqSandbox;
  let client: HqClient;

  beforeAll(async () => {
    sandbox = await startHqSandbox({ port: 0 });
    client = createHqClient({ baseUrl: sandbox.url, timeoutMs: 300 });
  });
  afterAll(() => sandbox.close());
  beforeEach(async () => {
    sandbox.setMode('ok');
    await fetch(`${sandbox.url}/grants`, { method: 'DELETE' });
  });

  it('records a grant once per idempotency key, and replays the same grant', async () => {
    const first = await client.grantTokens(grantRequest);
    const again = await client.grantTokens(grantRequest);
    expect(again.grant_id).toBe(first.grant_id);
    expect(again.replayed).toBe(true);
    expect(sandbox.grants()).toHaveLength(1);
    const listed = (await (await fetch(`${sandbox.url}/grants?user_id=u1`)).json()) as { grants: unknown[] };
    expect(listed.grants).toHaveLength(1);
  });

  it('refuses a key reused for another grant, and a request without a key', async () => {
    await client.grantTokens(grantRequest);
    await expect(client.grantTokens({ ...grantRequest, amount: 5 })).rejects.toMatchObject({ status: 409 });
    const keyless = await fetch(`${sandbox.url}/grants`, {
      method: 'POST',
      body: JSON.stringify({ user_id: 'u', amount: 1, reason: 'r' }),
    });
    expect(keyless.status).toBe(400);
  });

  it('can be told to fail: 5xx, 4xx, timeouts, for a number of requests', async () => {
    sandbox.setMode('5xx', 2);
    await expect(client.grantTokens(grantRequest)).rejects.toBeInstanceOf(HqUnavailableError);
    await expect(client.grantTokens(grantRequest)).rejects.toBeInstanceOf(HqUnavailableError);
    await expect(client.grantTokens(grantRequest)).resolves.toHaveProperty('grant_id');

    sandbox.setMode('timeout', 1);
    await expect(client.grantTokens({ ...grantRequest, idempotencyKey: 'k-2' })).rejects.toThrow(
      /within 300 ms/,
    );

    const control = await fetch(`${sandbox.url}/_control`, {
      method: 'POST',
      body: JSON.stringify({ mode: '4xx' }),
    });
    expect(await control.json()).toMatchObject({ mode: '4xx', remaining: null });
    await expect(client.grantTokens({ ...grantRequest, idempotencyKey: 'k-3' })).rejects.toBeInstanceOf(
      HqRejectedError,
    );
    expect(sandbox.stats()).toMatchObject({ mode: '4xx', failed: 4 });
  });
});

describe('sync-tokens-to-hq stage', () => {
  const earned = (extra: Record<string, unknown> = {}) =>
    envelope('TOKEN_EARNED', { amount: 100, reason: 'daily login', source: 'login' }, extra);
  const values = (topic: string) =>
    fake.sent
      .filter((r) => r.topic === topic)
      .flatMap((r) => r.messages.map((m) => JSON.parse(String(m.value))));

  let state: ReturnType<typeof fakeState>;
  beforeEach(async () => {
    fake.sent = [];
    state = fakeState();
    await disconnectProducer();
  });

  const stageWith = (client: HqClient) =>
    stageHandler({
      description: 'under test',
      name: 'sync-tokens-to-hq',
      topic: 'cyber_tokens',
      rule: syncTokensToHq(() => client, state.credit),
    });

  it('a confirmed grant becomes a notification of the grant', async () => {
    const calls: string[] = [];
    const client: HqClient = {
      grantTokens: async (r) => {
        calls.push(r.idempotencyKey);
        return { grant_id: 'g-9' };
      },
    };
    const event = earned();
    await stageWith(client)(
      kafkaEvent([{ topic: 'cyber_tokens', offset: 0, value: event }]),
      lambdaContext(),
    );
    expect(calls).toEqual([event.event_id]);
    expect(values('notifications')[0]).toMatchObject({
      correlation_id: event.event_id,
      data: {
        type: 'TOKENS_GRANTED',
        title: '+100 cyber tokens',
        amount: 100,
        hq_grant_id: 'g-9',
        balance: 100,
        related_event_id: event.event_id,
      },
    });
    expect(state.balances.get('u1')).toBe(100);
  });

  it('a redelivered earn is granted with the same key and credited once', async () => {
    const client: HqClient = { grantTokens: async () => ({ grant_id: 'g-1' }) };
    const event = earned();
    const batch = kafkaEvent([
      { topic: 'cyber_tokens', offset: 0, value: event },
      { topic: 'cyber_tokens', offset: 1, value: event },
    ]);
    await stageWith(client)(batch, lambdaContext());
    expect(state.balances.get('u1')).toBe(100);
    const notices = values('notifications');
    expect(notices.map((n) => n.data.balance)).toEqual([100, 100]);
    expect(notices[1].event_id).toBe(notices[0].event_id);
  });

  it('nothing is credited when headquarters refuses or is down', async () => {
    const client: HqClient = {
      grantTokens: async () => {
        throw new HqUnavailableError('down', 503);
      },
    };
    await expect(
      stageWith(client)(kafkaEvent([{ topic: 'cyber_tokens', offset: 0, value: earned() }]), lambdaContext()),
    ).rejects.toBeInstanceOf(HqUnavailableError);
    expect(state.balances.size).toBe(0);
  });

  it('an unavailable headquarters fails the batch, producing nothing', async () => {
    const client: HqClient = {
      grantTokens: async () => {
        throw new HqUnavailableError('down', 503);
      },
    };
    const event = kafkaEvent([{ topic: 'cyber_tokens', offset: 0, value: earned() }]);
    await expect(stageWith(client)(event, lambdaContext())).rejects.toBeInstanceOf(HqUnavailableError);
    expect(fake.sent).toEqual([]);
  });

  it('a rejected grant is dead-lettered and the next one still goes through', async () => {
    const rejected = earned();
    const client: HqClient = {
      grantTokens: async (r) => {
        if (r.idempotencyKey === rejected.event_id) throw new HqRejectedError('no such user', 404);
        return { grant_id: 'g-1' };
      },
    };
    await stageWith(client)(
      kafkaEvent([
        { topic: 'cyber_tokens', offset: 0, value: rejected },
        { topic: 'cyber_tokens', offset: 1, value: earned() },
      ]),
      lambdaContext(),
    );
    expect(values('cyber_tokens_dlq')[0]).toMatchObject({
      reason: 'rejected',
      rule_reason: 'hq_rejected',
      event_id: rejected.event_id,
    });
    expect(values('notifications')).toHaveLength(1);
  });

  it('other token events are not synced', async () => {
    const client: HqClient = { grantTokens: jest.fn() };
    await stageWith(client)(
      kafkaEvent([
        { topic: 'cyber_tokens', offset: 0, value: envelope('TOKEN_SPENT', { amount: 5, reason: 'shop' }) },
      ]),
      lambdaContext(),
    );
    expect(client.grantTokens).not.toHaveBeenCalled();
  });

  it('the notice names the amount and reason', () => {
    const event = CyberTokenEvent.parse(earned());
    const credit = { kind: 'earn' as const, amount: 100, balance: 1_250, ledger_seq: 3 };
    expect(tokenGrantNotice(event, { grant_id: 'g' }, credit)[0]!.data).toMatchObject({
      body: '100 cyber tokens for daily login were added to your account (balance 1,250).',
      balance: 1_250,
    });
  });
});
