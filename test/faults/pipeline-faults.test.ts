/**
 * Faults inside the pipelines of the real service (`serverless offline start` of the repository,
 * consumer groups of this run's own):
 *  - poison records written straight to a topic with kcat (bad JSON, wrong schema, oversized values)
 *    each land on the dead-letter topic with their reason, and the partition keeps moving;
 *  - a headquarters outage (5xx, then timeouts) in the token pipeline: once it recovers, every
 *    grant is made exactly once and every player is notified once (deduplicated by event_id).
 */
jest.setTimeout(420_000);

import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { ensureCatalogueTopics } from '../../lib/events/topics';
import {
  allEvents,
  deadLettersOf,
  deleteGroups,
  type Stack,
  startEvent,
  startStack,
  waitForEvents,
} from '../e2e/pipelines/pipeline';
import { uniqueName } from '../helpers/names';
import { waitFor } from '../helpers/wait';
import { closeKafkaClients } from './helpers/cleanup';
import { recordScenario } from './helpers/report';

const run = promisify(execFile);
let stack: Stack;

/** Each buffer as one record with kcat (one file per message: any bytes, in order), all with `key`. */
async function kcatProduceFiles(topic: string, key: string, values: Buffer[]): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'faults-poison-'));
  try {
    const files = values.map((value, i) => {
      const file = path.join(dir, `${String(i).padStart(3, '0')}.bin`);
      writeFileSync(file, value);
      return file;
    });
    await run('kcat', [
      '-b',
      process.env.KAFKA_BROKERS ?? 'localhost:9092',
      '-P',
      '-t',
      topic,
      '-k',
      key,
      ...files,
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

beforeAll(async () => {
  await ensureCatalogueTopics();
  stack = await startStack('faults');
});

afterAll(async () => {
  await stack?.stop();
  if (stack) await deleteGroups(stack.groupPrefix);
  await closeKafkaClients();
});

describe('poison records', () => {
  it('bad JSON, wrong schema and oversized values are dead-lettered with their reason; the partition moves on', async () => {
    const user = uniqueName('poison');
    const spin = (payout: number) =>
      startEvent('SLOT_SPIN', user, {
        action: 'SLOT_SPIN',
        bet_amount: 10,
        payout,
        symbols: ['7', '7', '7'],
      });
    const bigText = 'x'.repeat(900_000);
    // Not valid UTF-8 (every byte has its high bit set) and hardly compressible.
    const binary = Buffer.from(randomBytes(700_000).map((b) => b | 0x80));
    const poison: { name: string; value: Buffer; reason: string }[] = [
      { name: 'bad JSON', value: Buffer.from('{"event_id": "not closed'), reason: 'undecodable' },
      { name: 'not an object', value: Buffer.from('[1,2,3]'), reason: 'invalid_event' },
      {
        name: 'wrong schema',
        value: Buffer.from(JSON.stringify({ ...spin(5), user_id: '', timestamp: 'yesterday' })),
        reason: 'invalid_event',
      },
      {
        // A spin without its payout is a bet placed; without its bet it is nothing.
        name: 'spin without bet',
        value: Buffer.from(JSON.stringify({ ...spin(5), data: { action: 'SLOT_SPIN', payout: 1 } })),
        reason: 'invalid_event',
      },
      {
        name: 'oversized JSON (900 kB)',
        value: Buffer.from(JSON.stringify({ ...spin(5), data: { action: 'SLOT_SPIN', padding: bigText } })),
        reason: 'invalid_event',
      },
      { name: 'oversized binary (700 kB, not UTF-8)', value: binary, reason: 'undecodable' },
    ];
    const before = spin(20);
    const after = spin(50);
    // All on one partition (one key), poison between two good spins.
    await kcatProduceFiles('user_actions', user, [
      Buffer.from(JSON.stringify(before)),
      ...poison.map((p) => p.value),
      Buffer.from(JSON.stringify(after)),
    ]);

    const started = Date.now();
    await waitForEvents('analytics', after.event_id, 1, 120_000);
    const throughMs = Date.now() - started;
    const letters = await waitFor(
      async () => {
        const found = await deadLettersOf('user_actions', (l) => l.key === user);
        // A retried batch writes its dead letters again: count letters, not copies.
        return new Set(found.map((l) => l.dead_letter_id)).size >= poison.length ? found : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 1000, what: `${poison.length} dead letters of ${user}` },
    );
    const distinct = new Map(letters.map((l) => [l.dead_letter_id as string, l]));
    const byOffset = [...distinct.values()].sort((a, b) => (a.offset as number) - (b.offset as number));
    expect(byOffset.map((l) => l.reason)).toEqual(poison.map((p) => p.reason));
    for (const letter of byOffset) {
      expect(letter).toMatchObject({ stage: 'process-user-action', topic: 'user_actions', key: user });
      expect(letter.error).toEqual(expect.any(String));
    }
    const beforeEvents = await waitForEvents('analytics', before.event_id, 1);
    expect(new Set(beforeEvents.map((e) => e.event_id)).size).toBe(1);

    recordScenario({
      scenario: 'poison records (kcat → user_actions)',
      sent: poison.length + 2,
      acknowledged: poison.length + 2,
      stored: distinct.size + 2,
      lost: poison.length - distinct.size,
      duplicated: 0,
      copies: letters.length - distinct.size,
      recoveryMs: throughMs,
      notes: `${distinct.size} dead letters (${byOffset.map((l) => l.reason).join(', ')}); recovery = until the spin after the poison was processed`,
    });
  });
});

describe('headquarters outage in the token pipeline', () => {
  it('no grant lost or doubled after recovery', async () => {
    const EARNS = 20;
    const users = Array.from({ length: EARNS }, () => uniqueName('hq'));
    stack.hq.setMode('5xx');
    const failedBefore = stack.hq.stats().failed;
    const ids: string[] = [];
    for (const [i, user] of users.entries()) {
      const answer = await stack.post('/game/cyber-token-earn', {
        user_id: user,
        amount: 10 + i,
        reason: 'outage test',
      });
      expect(answer.status).toBe(202);
      ids.push(answer.json.correlation_id as string);
    }
    // The stage keeps failing against a headquarters answering 5xx...
    await waitFor(() => (stack.hq.stats().failed >= failedBefore + 5 ? true : undefined), {
      timeoutMs: 60_000,
      what: 'the token stage to hit the failing headquarters',
    });
    // ...then one that times out...
    const failedMid = stack.hq.stats().failed;
    stack.hq.setMode('timeout', 2);
    await waitFor(() => (stack.hq.stats().failed >= failedMid + 2 ? true : undefined), {
      timeoutMs: 90_000,
      what: 'two headquarters timeouts',
    });
    // ...and recovers.
    stack.hq.setMode('ok');
    const recoveredAt = Date.now();
    const wanted = new Set(ids);
    const notices = await waitFor(
      async () => {
        const found = (await allEvents('notifications')).filter(
          (e) => e.data?.type === 'TOKENS_GRANTED' && wanted.has(e.correlation_id ?? ''),
        );
        return new Set(found.map((e) => e.correlation_id)).size >= EARNS ? found : undefined;
      },
      { timeoutMs: 120_000, intervalMs: 1000, what: `${EARNS} TOKENS_GRANTED notices` },
    );
    const recoveryMs = Date.now() - recoveredAt;

    const grants = stack.hq.grants().filter((g) => users.includes(g.user_id));
    const grantsPerUser = users.map((u) => grants.filter((g) => g.user_id === u).length);
    const noticeIds = new Map<string, Set<string>>();
    for (const n of notices) {
      const set = noticeIds.get(n.correlation_id ?? '') ?? new Set<string>();
      set.add(n.event_id);
      noticeIds.set(n.correlation_id ?? '', set);
    }
    const doubledNotices = [...noticeIds.values()].filter((s) => s.size > 1).length;
    const stats = stack.hq.stats();
    recordScenario({
      scenario: 'headquarters outage (5xx, timeouts) in the token pipeline',
      sent: EARNS,
      acknowledged: ids.length,
      stored: grants.length,
      lost: grantsPerUser.filter((n) => n === 0).length,
      duplicated: grantsPerUser.filter((n) => n > 1).length + doubledNotices,
      copies: notices.length - noticeIds.size,
      recoveryMs,
      notes: `headquarters saw ${stats.requests} grant requests, ${stats.failed} failed on purpose; recovery = HQ back until all ${EARNS} notices`,
    });

    expect(grantsPerUser).toEqual(users.map(() => 1));
    expect(grants.map((g) => g.idempotency_key).sort()).toEqual([...ids].sort());
    expect(doubledNotices).toBe(0);
    expect(noticeIds.size).toBe(EARNS);
  });
});
