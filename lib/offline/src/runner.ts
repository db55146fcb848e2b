/**
 * One emulated event source mapping: a consumer group member on the topic that feeds the batcher,
 * and the loop that cuts batches and hands each to a `BatchProcessor`.
 *
 * kafkajs is used as a fetcher only: every fetched record is taken into the batcher at once
 * (`eachBatch` never blocks, so one slow partition never stalls the others), offsets are committed
 * explicitly when a batch is done (`autoCommit: false`), and a partition whose buffer is full is
 * paused until its batch completes. After a rebalance kafkajs re-fetches from the committed
 * offsets; the batcher drops what it already holds, so nothing is delivered twice in a session.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { formatBatchReport } from './batch-log';
import { type Batch, Batcher } from './batcher';
import type { DestinationSender } from './destination';
import type { EventSourceConfig } from './event-sources';
import type { Invoker } from './invoker';
import {
  type Admin,
  type Consumer,
  type EachBatchPayload,
  type EventSourceMeta,
  fromKafkaMessage,
  type Kafka,
  toLambdaKafkaRecord,
} from './lambda-event';
import type { OfflineKafkaOptions } from './options';
import { BatchProcessor, backoffDelay, type CommitOffset } from './processor';
import type { Logger } from './serverless-types';
import { describeOffsets, planStart } from './starting-position';

const TOPIC_POLL_MS = 2000;
const START_RETRY_MS = 5000;

export interface RunnerDeps {
  kafka: Kafka;
  invoker: Invoker;
  destinations: DestinationSender;
  options: OfflineKafkaOptions;
  log: Logger;
}

export class EventSourceRunner {
  private consumer: Consumer | undefined;
  private readonly batcher: Batcher;
  private readonly processor: BatchProcessor;
  private readonly meta: EventSourceMeta;
  private readonly inFlight = new Map<number, { batch: Batch; done: Promise<void> }>();
  private readonly paused = new Set<number>();
  private readonly wakers = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  private readonly pendingCommits = new Map<string, CommitOffset>();
  private committing: Promise<void> | undefined;
  private stopping = false;
  private running: Promise<void> | undefined;
  private joined = false;
  /** Where the partitions without a committed offset start (the plan made before joining). */
  private startAt = new Map<number, string>();
  private readonly startCommits: CommitOffset[] = [];
  private settle: () => void = () => undefined;
  /** Resolves once the consumer joined, or once it is known to be stuck (topic missing, broker down). */
  readonly settled = new Promise<void>((resolve) => {
    this.settle = resolve;
  });

  constructor(
    readonly config: EventSourceConfig,
    private readonly deps: RunnerDeps,
  ) {
    this.meta = {
      source: config.source,
      bootstrapServers: config.bootstrapServers,
      ...(config.eventSourceArn && { eventSourceArn: config.eventSourceArn }),
    };
    this.batcher = new Batcher({
      batchSize: config.batchSize,
      windowMs: config.windowMs,
      meta: this.meta,
      matches: (record) => config.filter.matches(record),
    });
    this.processor = new BatchProcessor(
      {
        meta: this.meta,
        maximumRetryAttempts: config.maximumRetryAttempts,
        maximumRecordAgeSeconds: config.maximumRecordAgeSeconds,
        bisect: config.bisect,
        reportBatchItemFailures: config.reportBatchItemFailures,
        retryInitialDelayMs: deps.options.retryInitialDelayMs,
        retryMaxDelayMs: deps.options.retryMaxDelayMs,
      },
      {
        invoke: (event) => deps.invoker.invoke(config.functionKey, event),
        commit: (offsets) => this.commit(offsets),
        fail: async (failed) => {
          const destination = config.destination;
          if (!destination) return true;
          for (let attempt = 1; ; attempt += 1) {
            try {
              await deps.destinations.send(destination, failed, {
                functionArn: config.functionArn,
                meta: this.meta,
              });
              return true;
            } catch (error) {
              const delay = backoffDelay(
                attempt,
                deps.options.retryInitialDelayMs,
                deps.options.retryMaxDelayMs,
              );
              deps.log.error(
                `${config.functionKey}: sending to ${destination.uri} failed (${(error as Error).message}); retry in ${delay} ms`,
              );
              if (!(await this.pause(delay))) return false;
            }
          }
        },
        sleep: (ms) => this.pause(ms),
        now: () => Date.now(),
        stopping: () => this.stopping,
        report: (report) => deps.log.notice(formatBatchReport(config.functionKey, report)),
        ...(config.destination && { destination: config.destination.uri }),
      },
    );
  }

  /**
   * Connect and join (retrying while the broker is unreachable or the topic missing). Resolves
   * once the consumer is in the group, or when stopped first.
   */
  start(): Promise<void> {
    this.running ??= this.startLoop().finally(() => this.settle());
    return this.running;
  }

  private async startLoop(): Promise<void> {
    for (;;) {
      if (this.stopping) return;
      try {
        await this.connect();
        return;
      } catch (error) {
        await this.consumer?.disconnect().catch(() => undefined);
        this.consumer = undefined;
        if (this.stopping) return;
        this.deps.log.error(
          `${this.config.id}: cannot start (${(error as Error).message}); retrying in ${START_RETRY_MS} ms`,
        );
        this.settle();
        await this.pause(START_RETRY_MS);
      }
    }
  }

  private async connect(): Promise<void> {
    const { config, deps } = this;
    const admin = deps.kafka.admin();
    await admin.connect();
    try {
      await this.waitForTopic(admin);
      if (this.stopping) return;
      const plan = await planStart(
        admin,
        config.groupId,
        config.topic,
        config.startingPosition,
        config.startingPositionTimestamp,
      );
      // Not committed here with admin.setOffsets: that joins the group with a throw-away consumer
      // and waits out a fetch (~5 s per new group). The consumer seeks there once it joined and
      // commits it as a member (onJoin), which is as durable and costs one request.
      this.startAt = new Map(plan.started.map((p) => [p.partition, p.offset]));
      const where = [
        plan.resumed.length > 0 ? `resuming ${describeOffsets(plan.resumed)}` : '',
        plan.started.length > 0 ? `${config.startingPosition} ${describeOffsets(plan.started)}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      deps.log.debug(`${config.id}: group ${config.groupId}: ${where}`);
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
    if (this.stopping) return;

    const consumer = deps.kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: deps.options.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(deps.options.sessionTimeoutMs / 10)),
      rebalanceTimeout: Math.max(deps.options.sessionTimeoutMs, 30_000),
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      retry: { retries: 5 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => this.onJoin(payload.memberAssignment));
    consumer.on(consumer.events.FETCH_START, () => this.commitStartOffsets());
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      deps.log.error(
        `${config.id}: consumer crashed (${payload.error.message})${payload.restart ? ', restarting' : ''}`,
      ),
    );
    await consumer.connect();
    await consumer.subscribe({ topics: [config.topic], fromBeginning: config.startingPosition !== 'LATEST' });
    await consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      eachBatch: (payload) => this.onFetched(payload),
    });
  }

  private async waitForTopic(admin: Admin): Promise<void> {
    let warned = false;
    while (!this.stopping) {
      const topics = await admin.listTopics();
      if (topics.includes(this.config.topic)) return;
      if (!warned) {
        this.deps.log.warning(
          `${this.config.id}: topic ${this.config.topic} does not exist yet; waiting for it`,
        );
        warned = true;
        this.settle();
      }
      await this.pause(TOPIC_POLL_MS);
    }
  }

  private onJoin(assignment: Record<string, number[]>): void {
    const assigned = new Set((assignment[this.config.topic] ?? []).map((p) => `${this.config.topic}-${p}`));
    this.batcher.revoke(
      (key) => assigned.has(key),
      (key) => {
        for (const { batch } of this.inFlight.values()) {
          const range = batch.ranges.get(key);
          if (range) return range.last;
        }
        return undefined;
      },
    );
    for (const partition of this.paused) {
      if (!assigned.has(`${this.config.topic}-${partition}`)) this.paused.delete(partition);
    }
    this.seekToStart(assignment[this.config.topic] ?? []);
    const partitions = [...(assignment[this.config.topic] ?? [])].sort((a, b) => a - b).join(',');
    const { config } = this;
    const verb = this.joined ? 'rejoined' : 'ready';
    this.joined = true;
    this.settle();
    this.deps.log.notice(
      `${verb}: ${config.functionKey} <- ${config.source} ${config.topic} [${partitions}] group=${config.groupId} batchSize=${config.batchSize} window=${config.windowMs}ms start=${config.startingPosition}`,
    );
  }

  /**
   * A new group's partitions start where the plan put them: kafkajs applies the seek before its
   * first fetch, and the commit records it, so a restart resumes there even if nothing was processed.
   */
  private seekToStart(assigned: number[]): void {
    const consumer = this.consumer;
    if (!consumer || this.startAt.size === 0) return;
    const offsets: CommitOffset[] = [];
    for (const partition of assigned) {
      const offset = this.startAt.get(partition);
      if (offset === undefined || Number(offset) < 0) continue;
      consumer.seek({ topic: this.config.topic, partition, offset });
      offsets.push({ topic: this.config.topic, partition, offset: Number(offset) });
    }
    this.startAt.clear();
    // kafkajs ignores commits until its runner is running, which is only after GROUP_JOIN: the
    // offsets go out with the first fetch.
    this.startCommits.push(...offsets);
  }

  private commitStartOffsets(): void {
    if (this.startCommits.length === 0) return;
    void this.commit(this.startCommits.splice(0));
  }

  private async onFetched({ batch, resolveOffset }: EachBatchPayload): Promise<void> {
    if (this.stopping || batch.messages.length === 0) return;
    const records = batch.messages.map((message) =>
      toLambdaKafkaRecord(fromKafkaMessage(batch.topic, batch.partition, message)),
    );
    this.batcher.add(records, Date.now());
    resolveOffset(batch.messages[batch.messages.length - 1]!.offset);
    this.applyBackpressure(batch.partition);
    this.pump();
  }

  private applyBackpressure(partition: number): void {
    const consumer = this.consumer;
    if (!consumer) return;
    const full = this.batcher.isFull(this.config.topic, partition);
    if (full && !this.paused.has(partition)) {
      consumer.pause([{ topic: this.config.topic, partitions: [partition] }]);
      this.paused.add(partition);
    } else if (!full && this.paused.has(partition)) {
      consumer.resume([{ topic: this.config.topic, partitions: [partition] }]);
      this.paused.delete(partition);
    }
  }

  /** Cut every batch that is due, then wake up when the next window expires. */
  private pump(): void {
    if (this.stopping) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    for (let batch = this.batcher.cut(Date.now()); batch; batch = this.batcher.cut(Date.now())) {
      this.launch(batch);
    }
    const deadline = this.batcher.nextDeadline();
    if (deadline !== undefined)
      this.timer = setTimeout(() => this.pump(), Math.max(1, deadline - Date.now()));
  }

  private launch(batch: Batch): void {
    const done = this.processor
      .process(batch)
      .catch((error: unknown) => {
        // Not expected (invocation and commit failures are handled inside): redeliver, never skip.
        this.deps.log.error(
          `${this.config.functionKey}: batch ${batch.id} failed unexpectedly (${(error as Error).message}); redelivering`,
        );
        this.rewind(batch);
      })
      .finally(() => {
        this.inFlight.delete(batch.id);
        this.batcher.complete(batch);
        for (const partition of [...this.paused]) this.applyBackpressure(partition);
        this.pump();
      });
    this.inFlight.set(batch.id, { batch, done: done.then(() => undefined) });
  }

  private rewind(batch: Batch): void {
    for (const [key, range] of batch.ranges) {
      this.batcher.rewind(key, range.first);
      this.consumer?.seek({ topic: range.topic, partition: range.partition, offset: String(range.first) });
    }
  }

  /**
   * Queue the offsets and return: a partition's next batch starts while its commit is on the wire,
   * since a broker answers one connection's requests in order and a commit would otherwise wait
   * behind the consumer's fetch long-poll (most of a batch's turnaround at small batch sizes).
   * Commits are coalesced (highest offset per partition) and written one request at a time, in
   * order; `stop()` flushes them. A crash before a commit lands redelivers those records, which
   * AWS's at-least-once delivery allows too.
   */
  private commit(offsets: CommitOffset[]): Promise<void> {
    for (const offset of offsets) {
      const key = `${offset.topic}-${offset.partition}`;
      const queued = this.pendingCommits.get(key);
      if (!queued || offset.offset > queued.offset) this.pendingCommits.set(key, offset);
    }
    this.committing ??= this.writeCommits().finally(() => {
      this.committing = undefined;
    });
    return Promise.resolve();
  }

  private async writeCommits(): Promise<void> {
    while (this.pendingCommits.size > 0) {
      const offsets = [...this.pendingCommits.values()];
      this.pendingCommits.clear();
      if (!this.consumer) return;
      try {
        await this.consumer.commitOffsets(
          offsets.map((o) => ({ topic: o.topic, partition: o.partition, offset: String(o.offset) })),
        );
      } catch (error) {
        this.deps.log.warning(
          `${this.config.functionKey}: commit of ${offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(',')} failed (${(error as Error).message}); those records will be delivered again after a restart`,
        );
      }
    }
  }

  /** Resolves once every queued commit has been written (or has failed and been logged). */
  private async flushCommits(): Promise<void> {
    while (this.committing) await this.committing;
  }

  /** Wait, unless stopping: resolves false as soon as `stop()` is called. */
  private async pause(ms: number): Promise<boolean> {
    if (this.stopping) return false;
    const controller = new AbortController();
    const wake = () => controller.abort();
    this.wakers.add(wake);
    try {
      await sleep(ms, undefined, { signal: controller.signal });
      return !this.stopping;
    } catch {
      return false;
    } finally {
      this.wakers.delete(wake);
    }
  }

  /** Batches being delivered right now. */
  get busy(): number {
    return this.inFlight.size;
  }

  /**
   * Stop cutting batches, let in-flight invocations finish and commit (retries are not started
   * again), then leave the group. Returns the batches still running after `timeoutMs`.
   */
  async stop(timeoutMs: number): Promise<number> {
    this.stopping = true;
    clearTimeout(this.timer);
    for (const wake of this.wakers) wake();
    const pending = [...this.inFlight.values()].map((f) => f.done);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    const result = await Promise.race([Promise.allSettled(pending).then(() => 'done' as const), timedOut]);
    clearTimeout(timer);
    const left = result === 'timeout' ? this.inFlight.size : 0;
    await this.flushCommits();
    await this.consumer?.disconnect().catch(() => undefined);
    // A start still under way (e.g. joining the group) gives up once disconnected.
    await Promise.race([this.running?.catch(() => undefined), sleep(2000)]);
    return left;
  }
}
