/**
 * The runner over a fake consumer port: batching, commits after success, retries, backpressure,
 * rebalances and revocation mid-batch, shutdown — without a broker.
 */

import { PREFETCH_MIN_RECORDS } from '../../../lib/offline/src/batcher';
import type { FetchCommitPort, PartitionOffset, PortHandlers } from '../../../lib/offline/src/consumer-port';
import type { EventSourceConfig } from '../../../lib/offline/src/event-sources';
import { compileFilter } from '../../../lib/offline/src/filter';
import type { InvocationResult, Invoker } from '../../../lib/offline/src/invoker';
import { type LambdaKafkaEvent, toLambdaKafkaRecord } from '../../../lib/offline/src/lambda-event';
import { resolveOptions } from '../../../lib/offline/src/options';
import { EventSourceRunner } from '../../../lib/offline/src/runner';
import type { Logger } from '../../../lib/offline/src/serverless-types';
import { waitFor } from '../../helpers/wait';

const TOPIC = 'bets';

class FakePort implements FetchCommitPort {
  handlers: PortHandlers | undefined;
  readonly commits: PartitionOffset[][] = [];
  readonly paused = new Set<number>();
  readonly seeks: PartitionOffset[] = [];
  stopped = false;

  async start(handlers: PortHandlers): Promise<void> {
    this.handlers = handlers;
  }
  pause(partition: number): void {
    this.paused.add(partition);
  }
  resume(partition: number): void {
    this.paused.delete(partition);
  }
  seek(partition: number, offset: number): void {
    this.seeks.push({ partition, offset });
  }
  async commit(offsets: PartitionOffset[]): Promise<void> {
    this.commits.push(offsets);
  }
  async stop(): Promise<void> {
    this.stopped = true;
  }

  /** The highest offset committed per partition. */
  committed(): Record<number, number> {
    const out: Record<number, number> = {};
    for (const o of this.commits.flat()) out[o.partition] = Math.max(out[o.partition] ?? 0, o.offset);
    return out;
  }

  fetch(partition: number, from: number, count: number): Promise<void> {
    const records = Array.from({ length: count }, (_, i) =>
      toLambdaKafkaRecord({
        topic: TOPIC,
        partition,
        offset: from + i,
        timestamp: Date.now(),
        value: JSON.stringify({ n: from + i }),
        headers: [],
      }),
    );
    return this.handlers!.fetched({ partition, highWatermark: from + count, records });
  }
}

interface Call {
  event: LambdaKafkaEvent;
  finish(result?: Partial<InvocationResult>): void;
}

/** An invoker whose invocations the test finishes by hand (or at once, with `auto`). */
class FakeInvoker implements Invoker {
  readonly calls: Call[] = [];
  auto: InvocationResult | undefined;

  invoke(_functionKey: string, event: unknown): Promise<InvocationResult> {
    if (this.auto) {
      this.calls.push({ event: event as LambdaKafkaEvent, finish: () => undefined });
      return Promise.resolve(this.auto);
    }
    return new Promise((resolve) => {
      this.calls.push({
        event: event as LambdaKafkaEvent,
        finish: (result) =>
          resolve({ ok: true, response: null, durationMs: 1, ...result } as InvocationResult),
      });
    });
  }
  async cleanup(): Promise<void> {}
}

const offsetsOf = (call: Call | undefined): string[] =>
  Object.values(call?.event.records ?? {})
    .flat()
    .map((r) => `${r.partition}@${r.offset}`);

const quiet: Logger = {
  notice: () => undefined,
  warning: () => undefined,
  error: () => undefined,
  debug: () => undefined,
};

function setup(over: Partial<EventSourceConfig> = {}) {
  const config: EventSourceConfig = {
    id: 'fn#0',
    functionKey: 'fn',
    functionName: 'svc-dev-fn',
    functionArn: 'arn:aws:lambda:eu-west-1:000000000000:function:svc-dev-fn',
    source: 'kafka',
    topic: TOPIC,
    enabled: true,
    batchSize: 10,
    windowMs: 0,
    startingPosition: 'TRIM_HORIZON',
    groupId: 'g',
    groupIdIsDefault: true,
    filter: compileFilter(undefined, 'test'),
    bootstrapServers: 'b:9092',
    maximumRetryAttempts: -1,
    maximumRecordAgeSeconds: -1,
    bisect: false,
    reportBatchItemFailures: false,
    metrics: [],
    ...over,
  };
  const port = new FakePort();
  const invoker = new FakeInvoker();
  const options = resolveOptions({ retryInitialDelayMs: 5, retryMaxDelayMs: 10 }, {}, {});
  const runner = new EventSourceRunner(config, {
    kafka: undefined as never,
    port: () => port,
    invoker,
    destinations: { send: async () => undefined, close: async () => undefined },
    options,
    log: quiet,
  });
  return { runner, port, invoker };
}

describe('EventSourceRunner over a fake fetch/commit port', () => {
  it('cuts batches of batchSize, one in flight per partition, and commits one past the last after success', async () => {
    const { runner, port, invoker } = setup({ batchSize: 3 });
    await runner.start();
    port.handlers!.assigned([0, 1]);
    await port.fetch(0, 0, 5);
    await port.fetch(1, 0, 2);
    await waitFor(() => (invoker.calls.length === 2 ? true : undefined));
    expect(offsetsOf(invoker.calls[0])).toEqual(['0@0', '0@1', '0@2']);
    // Partition 1 runs beside partition 0; partition 0's next batch waits for its first.
    expect(offsetsOf(invoker.calls[1])).toEqual(['1@0', '1@1']);
    expect(port.commits).toEqual([]);
    invoker.calls[0]!.finish();
    await waitFor(() => (invoker.calls.length === 3 ? true : undefined));
    expect(offsetsOf(invoker.calls[2])).toEqual(['0@3', '0@4']);
    await waitFor(() => (port.committed()[0] === 3 ? true : undefined));
    invoker.calls[1]!.finish();
    invoker.calls[2]!.finish();
    await waitFor(() => (port.committed()[0] === 5 && port.committed()[1] === 2 ? true : undefined));
    await runner.stop(1000);
    expect(port.stopped).toBe(true);
  });

  it('retries a failed batch with the same records and commits only after it succeeds', async () => {
    const { runner, port, invoker } = setup();
    await runner.start();
    port.handlers!.assigned([0]);
    await port.fetch(0, 10, 2);
    await waitFor(() => (invoker.calls.length === 1 ? true : undefined));
    invoker.calls[0]!.finish({
      ok: false,
      errorType: 'Error',
      errorMessage: 'boom',
      timedOut: false,
    } as never);
    await waitFor(() => (invoker.calls.length === 2 ? true : undefined));
    expect(offsetsOf(invoker.calls[1])).toEqual(offsetsOf(invoker.calls[0]));
    expect(port.commits).toEqual([]);
    invoker.calls[1]!.finish();
    await waitFor(() => (port.committed()[0] === 12 ? true : undefined));
    await runner.stop(1000);
  });

  it('pauses a partition whose buffer is full and resumes it once batches are done', async () => {
    const { runner, port, invoker } = setup({ batchSize: 2 });
    await runner.start();
    port.handlers!.assigned([0]);
    await port.fetch(0, 0, PREFETCH_MIN_RECORDS + 2); // 1 batch in flight, PREFETCH_MIN_RECORDS waiting
    expect(port.paused.has(0)).toBe(true);
    invoker.auto = { ok: true, response: null, durationMs: 1 };
    invoker.calls[0]!.finish();
    await waitFor(() => (port.committed()[0] === PREFETCH_MIN_RECORDS + 2 ? true : undefined), {
      timeoutMs: 30_000,
    });
    expect(port.paused.has(0)).toBe(false);
    await runner.stop(1000);
  });

  it('on a rebalance, drops what waits for a revoked partition and never redelivers what was in flight', async () => {
    const { runner, port, invoker } = setup({ batchSize: 2 });
    await runner.start();
    port.handlers!.assigned([0, 1]);
    await port.fetch(0, 0, 4);
    await waitFor(() => (invoker.calls.length === 1 ? true : undefined));
    // Partition 0 is revoked mid-batch, then handed back; the port re-fetches from the committed offset (0).
    port.handlers!.assigned([1]);
    port.handlers!.assigned([0, 1]);
    await port.fetch(0, 0, 4);
    invoker.calls[0]!.finish();
    await waitFor(() => (invoker.calls.length === 2 ? true : undefined));
    // The in-flight records (0, 1) are not delivered again; the dropped waiting ones (2, 3) are.
    expect(offsetsOf(invoker.calls[1])).toEqual(['0@2', '0@3']);
    invoker.calls[1]!.finish();
    await waitFor(() => (port.committed()[0] === 4 ? true : undefined));
    await runner.stop(1000);
  });

  it('commits nothing for the batch in flight of a partition revoked for good, and drops what waits for it', async () => {
    const { runner, port, invoker } = setup({ batchSize: 2 });
    await runner.start();
    port.handlers!.assigned([0, 1]);
    await port.fetch(0, 0, 4);
    await port.fetch(1, 0, 2);
    await waitFor(() => (invoker.calls.length === 2 ? true : undefined));
    port.handlers!.assigned([1]);
    invoker.calls[0]!.finish();
    invoker.calls[1]!.finish();
    await waitFor(() => (port.committed()[1] === 2 ? true : undefined));
    await runner.stop(1000);
    // Partition 0's next owner starts from its committed offset; its waiting records (2, 3) were not delivered here.
    expect(port.commits.flat().filter((o) => o.partition === 0)).toEqual([]);
    expect(invoker.calls).toHaveLength(2);
  });

  it('on stop, finishes the batch in flight, commits it, cuts no new batch and leaves', async () => {
    const { runner, port, invoker } = setup({ batchSize: 2 });
    await runner.start();
    port.handlers!.assigned([0]);
    await port.fetch(0, 0, 4);
    await waitFor(() => (invoker.calls.length === 1 ? true : undefined));
    const stopped = runner.stop(5000);
    invoker.calls[0]!.finish();
    expect(await stopped).toBe(0);
    expect(port.committed()[0]).toBe(2);
    expect(invoker.calls).toHaveLength(1);
    expect(port.stopped).toBe(true);
  });
});
