/**
 * Conformance of the opt-in AWS controls: maximumRetryAttempts with a `kafka://` on-failure
 * destination (AWS's failure record), bisectBatchOnFunctionError, maximumRecordAgeInSeconds,
 * partial batch responses (ReportBatchItemFailures), and a timed-out invocation counting as a failure.
 */
import { type LambdaKafkaEvent, recordKeyText, sendMessages } from '../../../lib/kafka';
import type { FailureRecord } from '../../../lib/offline/src/failure-record';
import { kcatConsume } from '../../helpers/kcat';
import {
  coordinates,
  deliveredRecords,
  readInvocations,
  waitForSucceededRecords,
} from '../../helpers/lambda-events';
import type { OfflineServer } from '../../helpers/offline-server';
import { waitFor } from '../../helpers/wait';
import {
  AWS_BOOTSTRAP,
  brokers,
  committedOffsets,
  defaultGroup,
  MSK_ARN,
  readyLine,
  startFixture,
  Topics,
  tempOutDir,
} from './fixture';

const topics = new Topics();
const out = tempOutDir();
let server: OfflineServer;
const t: Record<'capped' | 'bisected' | 'aged' | 'partial' | 'timingOut' | 'dlq', string> = {
  capped: '',
  bisected: '',
  aged: '',
  partial: '',
  timingOut: '',
  dlq: '',
};

const value = (body: Record<string, unknown>) => ({ value: JSON.stringify(body) });

interface DlqMessage {
  key: string | null;
  record: FailureRecord;
}

/** What landed on the destination topic for one source topic. */
async function dlqFor(sourceTopic: string, count: number): Promise<DlqMessage[]> {
  return waitFor(
    async () => {
      const messages = (await kcatConsume(t.dlq))
        .map((m) => ({ key: m.key, record: JSON.parse(m.payload ?? 'null') as FailureRecord }))
        .filter((m) => Object.values(m.record.payload.records).flat()[0]?.topic === sourceTopic);
      return messages.length >= count ? messages : undefined;
    },
    { timeoutMs: 30_000, what: `${count} failure records for ${sourceTopic}` },
  );
}

const onlyRecord = (event: LambdaKafkaEvent) => Object.values(event.records).flat();

beforeAll(async () => {
  for (const name of ['capped', 'bisected', 'aged', 'partial', 'timingOut', 'dlq'] as const) {
    t[name] = await topics.create(`offline-${name.toLowerCase()}`, 1);
  }
  server = await startFixture({
    OUT_DIR: out.dir,
    ENABLE_CONTROLS: 'true',
    TOPIC_CAPPED: t.capped,
    TOPIC_BISECTED: t.bisected,
    TOPIC_AGED: t.aged,
    TOPIC_PARTIAL: t.partial,
    TOPIC_TIMEOUT: t.timingOut,
    TOPIC_DLQ: t.dlq,
  });
  for (const name of ['capped', 'bisected', 'aged', 'partial', 'timingOut'] as const) {
    await server.waitForOutput(readyLine(name, t[name]));
  }
});

afterAll(async () => {
  await server?.stop();
  await topics.deleteAll();
  out.remove();
});

describe('maximumRetryAttempts + kafka:// on-failure destination', () => {
  it('retries N times, then writes AWS failure records (one per record, original key) and moves on', async () => {
    await sendMessages(t.capped, [
      { key: 'user-1', ...value({ poison: true }) },
      { key: 'user-2', ...value({ fine: true }) },
    ]);
    const dlq = await dlqFor(t.capped, 2);
    const invocations = readInvocations(out.dir, 'capped');
    expect(invocations.map((i) => i.outcome)).toEqual(['throw', 'throw', 'throw']);
    expect(invocations.map((i) => coordinates(deliveredRecords([i])))).toEqual(Array(3).fill(['0@0', '0@1']));

    expect(dlq.map((m) => m.key)).toEqual(['user-1', 'user-2']);
    const [first] = dlq;
    expect(first!.record).toMatchObject({
      requestContext: {
        functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:offline-fixture-test-capped',
        condition: 'RetriesExhausted',
        approximateInvokeCount: 3,
      },
      responseContext: { statusCode: 200, executedVersion: '$LATEST', functionError: 'Unhandled' },
      version: '1.0',
      KafkaBatchInfo: { batchSize: 1, bootstrapServers: AWS_BOOTSTRAP, recordInfo: { offset: '0' } },
    });
    expect(onlyRecord(first!.record.payload)).toEqual([onlyRecord(invocations[0]!.event)[0]]);
    expect(first!.record.payload.eventSource).toBe('SelfManagedKafka');
    await server.waitForOutput(new RegExp(`retries exhausted \\(2\\), sent to kafka://${t.dlq}`));

    // Skipped records are committed; the next record flows normally.
    await waitFor(
      async () =>
        (await committedOffsets(defaultGroup('capped', t.capped), t.capped))[0] === 2 ? true : undefined,
      {
        what: 'offset 2 committed',
      },
    );
    await sendMessages(t.capped, [value({ later: true })]);
    expect(coordinates(await waitForSucceededRecords(out.dir, 'capped', 1))).toEqual(['0@2']);
  });
});

describe('bisectBatchOnFunctionError', () => {
  it('splits the failing batch until the poison record is isolated; only it goes to the destination', async () => {
    await sendMessages(t.bisected, [
      value({ n: 0 }),
      value({ n: 1 }),
      { key: 'bad', ...value({ poison: true }) },
      value({ n: 3 }),
    ]);
    const dlq = await dlqFor(t.bisected, 1);
    await waitForSucceededRecords(out.dir, 'bisected', 3);
    const invocations = readInvocations(out.dir, 'bisected');
    expect(invocations.map((i) => [coordinates(deliveredRecords([i])), i.outcome])).toEqual([
      [['0@0', '0@1', '0@2', '0@3'], 'throw'],
      [['0@0', '0@1'], 'ok'],
      [['0@2', '0@3'], 'throw'],
      [['0@2'], 'throw'],
      [['0@2'], 'throw'], // its one retry (maximumRetryAttempts: 1); splitting used none
      [['0@3'], 'ok'],
    ]);
    expect(dlq).toHaveLength(1);
    expect(dlq[0]!.key).toBe('bad');
    expect(dlq[0]!.record.payload).toMatchObject({
      eventSource: 'aws:kafka',
      eventSourceArn: MSK_ARN,
      bootstrapServers: brokers(),
    });
    expect(dlq[0]!.record.KafkaBatchInfo.eventSourceArn).toBe(MSK_ARN);
    expect(onlyRecord(dlq[0]!.record.payload).map((r) => r.offset)).toEqual([2]);
  });
});

describe('maximumRecordAgeInSeconds', () => {
  it('never delivers a record older than the limit; it goes to the destination', async () => {
    await sendMessages(t.aged, [
      { key: 'old', ...value({ old: true }), timestamp: String(Date.now() - 120_000) },
      { key: 'new', ...value({ old: false }) },
    ]);
    const dlq = await dlqFor(t.aged, 1);
    expect(coordinates(await waitForSucceededRecords(out.dir, 'aged', 1))).toEqual(['0@1']);
    expect(dlq[0]!.key).toBe('old');
    expect(dlq[0]!.record.requestContext).toMatchObject({
      condition: 'RecordAgeExceeded',
      approximateInvokeCount: 0,
    });
    expect(dlq[0]!.record.responseContext).toBeNull();
    expect(readInvocations(out.dir, 'aged').flatMap((i) => coordinates(deliveredRecords([i])))).not.toContain(
      '0@0',
    );
  });
});

describe('ReportBatchItemFailures', () => {
  it('retries from the lowest reported offset and counts the records before it as done', async () => {
    await sendMessages(t.partial, [value({ n: 0 }), value({ n: 1, failTimes: 1 }), value({ n: 2 })]);
    await waitFor(
      () =>
        readInvocations(out.dir, 'partial').filter((i) => i.outcome === 'ok').length >= 1 ? true : undefined,
      {
        what: 'the retried part succeeded',
      },
    );
    const invocations = readInvocations(out.dir, 'partial');
    expect(invocations.map((i) => [coordinates(deliveredRecords([i])), i.outcome])).toEqual([
      [['0@0', '0@1', '0@2'], 'partial'],
      [['0@1', '0@2'], 'ok'],
    ]);
    await waitFor(
      async () =>
        (await committedOffsets(defaultGroup('partial', t.partial), t.partial))[0] === 3 ? true : undefined,
      {
        what: 'offset 3 committed',
      },
    );
  });

  it('an identifier that is not in the batch fails the whole batch', async () => {
    await sendMessages(t.partial, [value({ n: 3, badResponse: true }), value({ n: 4 })]);
    await waitFor(() => (readInvocations(out.dir, 'partial').length >= 4 ? true : undefined), {
      what: 'a retry',
    });
    const invocations = readInvocations(out.dir, 'partial').slice(2);
    expect(invocations.map((i) => coordinates(deliveredRecords([i])))).toEqual([
      ['0@3', '0@4'],
      ['0@3', '0@4'],
    ]);
    await server.waitForOutput(/outcome=invalid-response \(no-such-topic-0@0 is not in the batch\)/);
  });
});

describe('function timeout', () => {
  it('counts as a failure: the batch is retried', async () => {
    // timeout: 1 s; the first delivery sleeps 3 s.
    await sendMessages(t.timingOut, [{ key: 'slow', ...value({ sleepMs: 3000, sleepTimes: 1 }) }]);
    expect(coordinates(await waitForSucceededRecords(out.dir, 'timingOut', 1, 30_000))).toEqual(['0@0']);
    const invocations = readInvocations(out.dir, 'timingOut');
    // The timed-out invocation never wrote its end line (its worker was terminated).
    expect(invocations.map((i) => i.outcome)).toEqual([undefined, 'ok']);
    await server.waitForOutput(
      new RegExp(`timingOut ${t.timingOut}-0\\[0\\] .*outcome=timeout .*-> retry in 200 ms`),
    );
    expect(recordKeyText(deliveredRecords([invocations[1]!])[0]!)).toBe('slow');
  });
});
