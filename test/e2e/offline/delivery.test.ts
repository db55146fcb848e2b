/**
 * Conformance: offsets are committed only after a successful invocation, a failing batch is
 * retried whole (blocking its partition only), a killed emulator loses nothing, and where a
 * mapping starts: TRIM_HORIZON, LATEST, AT_TIMESTAMP, an existing group's offsets, resuming.
 */
import { sendMessages } from '../../../lib/kafka';
import {
  coordinates,
  deliveredRecords,
  readInvocations,
  succeeded,
  waitForSucceededRecords,
} from '../../helpers/lambda-events';
import { uniqueName } from '../../helpers/names';
import type { OfflineServer } from '../../helpers/offline-server';
import { waitFor } from '../../helpers/wait';
import {
  committedOffsets,
  defaultGroup,
  readyLine,
  setGroupOffsets,
  startFixture,
  Topics,
  tempOutDir,
  writePositions,
} from './fixture';

const topics = new Topics();
const out = tempOutDir();
let server: OfflineServer;
let env: Record<string, string>;
let retryingTopic: string;
let positionsTopic: string;
const groupId = uniqueName('offline-explicit-group');

const FUNCTIONS = ['retrying', 'horizon', 'latest', 'attime', 'grouped'] as const;

async function start(): Promise<OfflineServer> {
  const started = await startFixture(env);
  await started.waitForOutput(readyLine('retrying', retryingTopic));
  for (const fn of FUNCTIONS.slice(1)) await started.waitForOutput(readyLine(fn, positionsTopic));
  return started;
}

const value = (body: Record<string, unknown>) => ({ value: JSON.stringify(body) });

beforeAll(async () => {
  retryingTopic = await topics.create('offline-retrying', 2);
  positionsTopic = await topics.create('offline-positions', 1);
  // Before the emulator starts: 3 records at T-30 s, 2 at T-10 s (explicit CREATE_TIME timestamps).
  const now = Date.now();
  await sendMessages(positionsTopic, [
    ...[0, 1, 2].map((i) => ({ ...value({ i }), timestamp: String(now - 30_000) })),
    ...[3, 4].map((i) => ({ ...value({ i }), timestamp: String(now - 10_000) })),
  ]);
  // AT_TIMESTAMP between the two groups (seconds, as AWS takes it).
  writePositions(out.dir, { timestamp: Math.floor((now - 20_000) / 1000) });
  // An existing group with committed offsets: they win over startingPosition (LATEST).
  await setGroupOffsets(groupId, positionsTopic, [{ partition: 0, offset: '4' }]);
  env = {
    OUT_DIR: out.dir,
    ENABLE_DELIVERY: 'true',
    TOPIC_RETRYING: retryingTopic,
    TOPIC_POSITIONS: positionsTopic,
    GROUP_ID: groupId,
  };
  server = await start();
  // Produced once every consumer is in its group.
  await sendMessages(positionsTopic, [value({ i: 5 })]);
});

afterAll(async () => {
  await server?.stop();
  await topics.deleteAll([groupId]);
  out.remove();
});

describe('starting positions', () => {
  it('TRIM_HORIZON (the Serverless default) starts at the oldest record', async () => {
    expect(coordinates(await waitForSucceededRecords(out.dir, 'horizon', 6))).toEqual([
      '0@0',
      '0@1',
      '0@2',
      '0@3',
      '0@4',
      '0@5',
    ]);
  });

  it('LATEST starts after the last record present when the mapping started', async () => {
    expect(coordinates(await waitForSucceededRecords(out.dir, 'latest', 1))).toEqual(['0@5']);
  });

  it('AT_TIMESTAMP starts at the first record at or after startingPositionTimestamp', async () => {
    expect(coordinates(await waitForSucceededRecords(out.dir, 'attime', 3))).toEqual(['0@3', '0@4', '0@5']);
  });

  it("an existing consumerGroupId's committed offsets win over startingPosition", async () => {
    expect(coordinates(await waitForSucceededRecords(out.dir, 'grouped', 2))).toEqual(['0@4', '0@5']);
    await waitFor(
      async () => ((await committedOffsets(groupId, positionsTopic))[0] === 6 ? true : undefined),
      {
        what: 'the explicit group committed offset 6',
      },
    );
  });
});

describe('a function that throws', () => {
  it('gets the whole batch again, with backoff, and the offsets are committed only after it succeeds', async () => {
    const group = defaultGroup('retrying', retryingTopic);
    await sendMessages(retryingTopic, [
      { partition: 0, ...value({ n: 1 }) },
      { partition: 0, ...value({ n: 2, failTimes: 5 }) },
      { partition: 0, ...value({ n: 3 }) },
    ]);
    await server.waitForOutput(
      new RegExp(`retrying ${retryingTopic}-0\\[0\\.\\.2\\] .*outcome=error .*-> retry in 200 ms`),
    );
    // Failed: nothing of the batch is committed (the group sits at its starting offset, 0).
    expect((await committedOffsets(group, retryingTopic))[0]).toBe(0);

    // Partition 1 is not blocked by partition 0's failing batch.
    await sendMessages(retryingTopic, [{ partition: 1, ...value({ other: true }) }]);

    const delivered = await waitForSucceededRecords(out.dir, 'retrying', 4);
    const invocations = readInvocations(out.dir, 'retrying');
    const p0 = invocations.filter((i) => deliveredRecords([i]).some((r) => r.partition === 0));
    const p1 = invocations.filter((i) => deliveredRecords([i]).some((r) => r.partition === 1));
    expect(p0.map((i) => i.outcome)).toEqual([...Array(5).fill('throw'), 'ok']);
    expect(p1.map((i) => i.outcome)).toEqual(['ok']);
    expect(p1[0]!.startedAt).toBeLessThan(p0[5]!.startedAt);
    // The very same batch each time.
    expect(p0.map((i) => coordinates(deliveredRecords([i])))).toEqual(Array(6).fill(['0@0', '0@1', '0@2']));
    expect(p0.map((i) => i.event)).toEqual(Array(6).fill(p0[0]?.event));
    // Exponential backoff between attempts: 200, 400, 800, then capped at 800 ms (--kafkaRetryMaxDelayMs).
    const gaps = p0.slice(1).map((i, n) => i.startedAt - (p0[n]!.endedAt ?? 0));
    [200, 400, 800, 800, 800].forEach((delay, n) => {
      expect(gaps[n]).toBeGreaterThanOrEqual(delay - 20);
      expect(gaps[n]).toBeLessThan(delay + 1000);
    });
    await server.waitForOutput(/-> retry in 400 ms/);
    expect(coordinates(delivered)).toEqual(expect.arrayContaining(['0@0', '0@1', '0@2', '1@0']));
    await waitFor(async () => ((await committedOffsets(group, retryingTopic))[0] === 3 ? true : undefined), {
      what: 'offset 3 committed after the success',
    });
  });
});

describe('commit after success: a killed emulator loses nothing', () => {
  it('redelivers the batch that was in flight, and a restart resumes where the groups stopped', async () => {
    const group = defaultGroup('retrying', retryingTopic);
    const committedBefore = (await committedOffsets(group, retryingTopic))[1];
    expect(committedBefore).toBe(1);
    // The handler sleeps 8 s on the first delivery of this record: kill the emulator meanwhile.
    await sendMessages(retryingTopic, [
      { partition: 1, ...value({ slow: true, sleepMs: 8000, sleepTimes: 1 }) },
    ]);
    await waitFor(
      () =>
        readInvocations(out.dir, 'retrying').some((i) => coordinates(deliveredRecords([i])).includes('1@1'))
          ? true
          : undefined,
      { what: 'the slow batch started' },
    );
    await server.kill();
    expect((await committedOffsets(group, retryingTopic))[1]).toBe(1);

    // Produced while the emulator is down: LATEST must not lose them either (README: start offsets are committed).
    await sendMessages(positionsTopic, [value({ i: 6 })]);

    server = await start();
    await waitFor(
      () => {
        const slow = readInvocations(out.dir, 'retrying').filter((i) =>
          coordinates(deliveredRecords([i])).includes('1@1'),
        );
        return slow.length === 2 && slow[1]?.outcome === 'ok' ? slow : undefined;
      },
      { timeoutMs: 60_000, what: 'the killed batch redelivered after the restart' },
    );
    await waitFor(async () => ((await committedOffsets(group, retryingTopic))[1] === 2 ? true : undefined), {
      what: 'offset 2 committed after the redelivery',
    });

    // Resumed from the committed offsets: only the new record, nothing delivered twice.
    expect(coordinates(await waitForSucceededRecords(out.dir, 'horizon', 7))).toEqual([
      '0@0',
      '0@1',
      '0@2',
      '0@3',
      '0@4',
      '0@5',
      '0@6',
    ]);
    expect(coordinates(await waitForSucceededRecords(out.dir, 'latest', 2))).toEqual(['0@5', '0@6']);
    expect(coordinates(await waitForSucceededRecords(out.dir, 'attime', 4))).toEqual([
      '0@3',
      '0@4',
      '0@5',
      '0@6',
    ]);
    expect(coordinates(await waitForSucceededRecords(out.dir, 'grouped', 3))).toEqual(['0@4', '0@5', '0@6']);
    // The batch of partition 0 that succeeded before the kill is not delivered again.
    const p0 = deliveredRecords(succeeded(readInvocations(out.dir, 'retrying'))).filter(
      (r) => r.partition === 0,
    );
    expect(p0).toHaveLength(3);
  });
});

describe('Ctrl-C', () => {
  it('finishes the batch in flight, commits it, and leaves the groups', async () => {
    const group = defaultGroup('retrying', retryingTopic);
    await sendMessages(retryingTopic, [{ partition: 0, ...value({ sleepMs: 2000 }) }]);
    await waitFor(
      () =>
        readInvocations(out.dir, 'retrying').some((i) => coordinates(deliveredRecords([i])).includes('0@3'))
          ? true
          : undefined,
      { what: 'the batch started' },
    );
    await server.stop();
    expect(server.output()).toMatch(/stopping: waiting for 1 in-flight batch\(es\) to finish and commit/);
    expect(server.output()).toMatch(/stopped: consumers left their groups/);
    const invocation = readInvocations(out.dir, 'retrying').find((i) =>
      coordinates(deliveredRecords([i])).includes('0@3'),
    );
    expect(invocation?.outcome).toBe('ok');
    expect((await committedOffsets(group, retryingTopic))[0]).toBe(4);
  });
});
