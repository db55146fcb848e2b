/**
 * A crash between producing a batch's outputs and committing its offsets means the batch is
 * delivered again. The stack is killed (SIGKILL), the stage's consumer group is put back to before
 * the batch (what the missing commit leaves behind), and the restarted stack processes it again:
 * the outputs are written again with the same ids, so a deduplicating reader sees nothing new, and
 * the headquarters grants nothing twice.
 */
jest.setTimeout(180_000);

import { kcatConsume } from '../../helpers/kcat';
import { uniqueName } from '../../helpers/names';
import {
  deleteGroups,
  eventsOf,
  rewindGroup,
  type Stack,
  startStack,
  waitForEmptyGroup,
  waitForEvents,
} from './pipeline';

let stack: Stack;

beforeAll(async () => {
  stack = await startStack('redelivery');
});

afterAll(async () => {
  await stack?.stop();
  if (stack) await deleteGroups(stack.groupPrefix);
});

const ids = (events: { event_id: string }[]) => [...new Set(events.map((e) => e.event_id))].sort();

/** Where the scenario's first event is on its topic. */
async function coordinatesOf(topic: string, eventId: string): Promise<{ partition: number; offset: number }> {
  const record = (await kcatConsume(topic)).find((r) => r.payload?.includes(eventId));
  if (!record) throw new Error(`${eventId} is not on ${topic}`);
  return { partition: record.partition, offset: record.offset };
}

it('a batch redelivered after a crash produces no new ids', async () => {
  const user = uniqueName('player');
  const spin = await stack.post('/game/slot-spin', {
    user_id: user,
    bet_amount: 20,
    payout: 400,
    symbols: ['7', '7', '7'],
  });
  const tokens = await stack.post('/game/cyber-token-earn', { user_id: user, amount: 40, reason: 'streak' });
  const spinId = spin.json.correlation_id as string;
  const tokenId = tokens.json.correlation_id as string;

  // The whole pipelines ran once.
  const before = {
    notifications: ids(await waitForEvents('notifications', spinId, 2)),
    analytics: ids(await waitForEvents('analytics', spinId, 1)),
    feedback: ids(await waitForEvents('real_time_feedback', spinId, 1)),
    tokenNotices: ids(await waitForEvents('notifications', tokenId, 1)),
  };
  expect(before.notifications).toHaveLength(2);

  // Crash, and lose the commits of the first stages' batches.
  await stack.server.kill();
  const rewinds = [
    { stage: 'process-user-action', topic: 'user_actions', id: spinId },
    { stage: 'sync-tokens-to-hq', topic: 'cyber_tokens', id: tokenId },
  ];
  for (const { stage, topic, id } of rewinds) {
    const group = `${stack.groupPrefix}-${stage}`;
    await waitForEmptyGroup(group);
    const { partition, offset } = await coordinatesOf(topic, id);
    await rewindGroup(group, topic, partition, offset);
  }
  await stack.restart();

  // The batches were processed again: every record of the scenarios is on its topic twice...
  const after = {
    notifications: await waitForEvents('notifications', spinId, 4),
    analytics: await waitForEvents('analytics', spinId, 2),
    feedback: await waitForEvents('real_time_feedback', spinId, 2),
    tokenNotices: await waitForEvents('notifications', tokenId, 2),
  };
  // ...with the ids it had: nothing new for a deduplicating reader.
  expect(ids(after.notifications)).toEqual(before.notifications);
  expect(ids(after.analytics)).toEqual(before.analytics);
  expect(ids(after.feedback)).toEqual(before.feedback);
  expect(ids(after.tokenNotices)).toEqual(before.tokenNotices);
  // The headquarters saw the grant twice and granted it once.
  expect(stack.hq.grants().filter((g) => g.idempotency_key === tokenId)).toHaveLength(1);
  expect(await eventsOf('vip_events', spinId)).toEqual([]);
});
