/**
 * One emulated event source mapping: a thin adapter between a consumer group member on the topic
 * (behind a `FetchCommitPort`), the partitions' state (`Partition`, partition.ts), the batcher and
 * a `BatchProcessor` per batch. Fetched records go into their partition at once; the partition
 * decides when the consumer pauses or resumes it, which commits are queued (after success, in
 * order, coalesced, none for a revoked partition) and what a rebalance drops. The runner only
 * applies those decisions to the port, cuts due batches, and writes the queued commits one request
 * at a time.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { formatBatchReport } from './batch-log';
import { type Batch, Batcher } from './batcher';
import type { FetchCommitPort, FetchedBatch, PartitionOffset } from './consumer-port';
import type { DestinationSender } from './destination';
import type { EventSourceConfig, SchemaRegistrySettings } from './event-sources';
import type { Invoker } from './invoker';
import { KafkajsPort } from './kafkajs-port';
import { type EventSourceMeta, type Kafka, recordsKey } from './lambda-event';
import { formatMetrics, MappingMetrics } from './metrics';
import type { OfflineKafkaOptions } from './options';
import { backoffDelay, type PartitionCommit, Partitions } from './partition';
import { BatchProcessor, type CommitOffset } from './processor';
import { httpSchemaLookup, SchemaDecoder, type SchemaLookup } from './schema-registry';
import type { Logger } from './serverless-types';

const START_RETRY_MS = 5000;
/** AWS publishes event source mapping metrics per minute. */
const METRICS_INTERVAL_MS = 60_000;

export interface RunnerDeps {
  kafka: Kafka;
  /** The consumer (default: kafkajs); unit tests pass a fake. */
  port?: (
    config: EventSourceConfig,
    onStartCommitted: (offsets: PartitionOffset[]) => void,
  ) => FetchCommitPort;
  invoker: Invoker;
  destinations: DestinationSender;
  options: OfflineKafkaOptions;
  log: Logger;
  /** How schemas are looked up (default: the registry's HTTP API). */
  schemaLookup?: (settings: SchemaRegistrySettings) => SchemaLookup;
}

export class EventSourceRunner {
  private readonly port: FetchCommitPort;
  private readonly partitions = new Partitions();
  private readonly batcher: Batcher;
  private readonly processor: BatchProcessor;
  private readonly meta: EventSourceMeta;
  private readonly inFlight = new Map<number, { batch: Batch; done: Promise<void> }>();
  private readonly wakers = new Set<() => void>();
  private timer: NodeJS.Timeout | undefined;
  /** The commit writer, while one runs (at most one: requests go out one at a time, in order). */
  private committing: Promise<void> | undefined;
  private writingCommits = false;
  private stopping = false;
  private running: Promise<void> | undefined;
  private joined = false;
  /** `metricsConfig`: kept and printed only for mappings that turn it on. */
  readonly metrics: MappingMetrics | undefined;
  private metricsTimer: NodeJS.Timeout | undefined;
  private readonly schemaDecoder: SchemaDecoder | undefined;
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
    if (config.metrics.length > 0) this.metrics = new MappingMetrics(config.metrics);
    const onStartCommitted = (offsets: PartitionOffset[]) => {
      for (const o of offsets) this.metrics?.committedAt(o.partition, o.offset);
    };
    this.port =
      deps.port?.(config, onStartCommitted) ??
      new KafkajsPort(config, deps.kafka, deps.options, deps.log, onStartCommitted);
    if (config.schemaRegistry)
      this.schemaDecoder = new SchemaDecoder(
        config.schemaRegistry,
        deps.schemaLookup?.(config.schemaRegistry) ?? httpSchemaLookup(config.schemaRegistry),
        deps.log,
      );
    this.batcher = new Batcher(
      {
        batchSize: config.batchSize,
        windowMs: config.windowMs,
        meta: this.meta,
        matches: (record) => config.filter.matches(record),
      },
      this.partitions,
    );
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
        report: (report) => {
          this.metrics?.batch(report);
          deps.log.notice(formatBatchReport(config.functionKey, report));
        },
        ...(config.destination && { destination: config.destination.uri }),
      },
    );
  }

  /**
   * Connect and join (retrying while the broker is unreachable or the topic missing). Resolves
   * once the consumer is in the group, or when stopped first.
   */
  start(): Promise<void> {
    if (this.metrics && !this.metricsTimer) {
      this.metricsTimer = setInterval(() => this.printMetrics(), METRICS_INTERVAL_MS);
      this.metricsTimer.unref();
    }
    this.running ??= this.startLoop().finally(() => this.settle());
    return this.running;
  }

  private async startLoop(): Promise<void> {
    for (;;) {
      if (this.stopping) return;
      try {
        await this.port.start({
          assigned: (partitions) => this.onAssigned(partitions),
          fetched: (batch) => this.onFetched(batch),
          waiting: (reason) => {
            this.deps.log.warning(`${this.config.id}: ${reason}`);
            this.settle();
          },
          sleep: (ms) => this.pause(ms),
          stopping: () => this.stopping,
        });
        return;
      } catch (error) {
        if (this.stopping) return;
        this.deps.log.error(
          `${this.config.id}: cannot start (${(error as Error).message}); retrying in ${START_RETRY_MS} ms`,
        );
        this.settle();
        await this.pause(START_RETRY_MS);
      }
    }
  }

  private onAssigned(partitionList: number[]): void {
    const assigned = new Set(partitionList.map((p) => `${this.config.topic}-${p}`));
    this.batcher.revoke((key) => assigned.has(key));
    if (this.metrics) {
      const mine = new Set(partitionList);
      for (const partition of this.metrics.partitions())
        if (!mine.has(partition)) this.metrics.revoked(partition);
    }
    const partitions = [...partitionList].sort((a, b) => a - b).join(',');
    const { config } = this;
    const verb = this.joined ? 'rejoined' : 'ready';
    this.joined = true;
    this.settle();
    this.deps.log.notice(
      `${verb}: ${config.functionKey} <- ${config.source} ${config.topic} [${partitions}] group=${config.groupId} batchSize=${config.batchSize} window=${config.windowMs}ms start=${config.startingPosition}`,
    );
  }

  private printMetrics(): void {
    if (this.metrics) this.deps.log.notice(formatMetrics(this.config.id, this.metrics.snapshot()));
  }

  private async onFetched(batch: FetchedBatch): Promise<void> {
    if (this.stopping || batch.records.length === 0) return;
    this.metrics?.fetched(batch.partition, batch.records.length, batch.highWatermark);
    let records = batch.records;
    // Registry lookups are cached per schema: only the first record of a schema waits on the network.
    const decoder = this.schemaDecoder;
    if (decoder) records = await Promise.all(records.map((record) => decoder.decode(record)));
    if (this.stopping) return;
    this.batcher.add(records, Date.now());
    this.applyBackpressure(batch.partition);
    this.pump();
  }

  private applyBackpressure(partition: number): void {
    const change = this.partitions.get(recordsKey(this.config.topic, partition))?.flow(this.batcher.limits);
    if (change === 'pause') this.port.pause(partition);
    else if (change === 'resume') this.port.resume(partition);
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
        for (const state of [...this.partitions.values()])
          if (state.paused) this.applyBackpressure(state.partition);
        this.pump();
      });
    this.inFlight.set(batch.id, { batch, done: done.then(() => undefined) });
  }

  private rewind(batch: Batch): void {
    for (const [key, range] of batch.ranges) {
      this.batcher.rewind(key, range.first);
      this.port.seek(range.partition, range.first);
    }
  }

  /**
   * Queue the offsets and return: a partition's next batch starts while its commit is on the wire,
   * since a broker answers one connection's requests in order and a commit would otherwise wait
   * behind the consumer's fetch long-poll (most of a batch's turnaround at small batch sizes).
   * Each partition coalesces its commits (highest offset) and drops those of a revoked partition;
   * they are written one request at a time, in order; `stop()` flushes them. A crash before a commit
   * lands redelivers those records, which AWS's at-least-once delivery allows too.
   */
  private commit(offsets: CommitOffset[]): Promise<void> {
    for (const o of offsets) this.partitions.succeeded(o.topic, o.partition, o.offset);
    if (!this.writingCommits && this.partitions.hasPendingCommits) this.committing = this.writeCommits();
    return Promise.resolve();
  }

  /**
   * Writes until nothing is queued. The flag drops in the same turn as the last empty check, so a
   * commit queued right after starts a new writer instead of waiting for one that has finished.
   */
  private async writeCommits(): Promise<void> {
    this.writingCommits = true;
    try {
      for (
        let offsets = this.partitions.takeCommits();
        offsets.length > 0;
        offsets = this.partitions.takeCommits()
      )
        await this.writeCommit(offsets);
    } finally {
      this.writingCommits = false;
    }
  }

  private async writeCommit(offsets: PartitionCommit[]): Promise<void> {
    try {
      await this.port.commit(offsets.map((o) => ({ partition: o.partition, offset: o.offset })));
      for (const o of offsets) {
        this.partitions.get(recordsKey(o.topic, o.partition))?.committedAt(o.offset);
        this.metrics?.committedAt(o.partition, o.offset);
      }
    } catch (error) {
      this.deps.log.warning(
        `${this.config.functionKey}: commit of ${offsets.map((o) => `${o.topic}-${o.partition}@${o.offset}`).join(',')} failed (${(error as Error).message}); those records will be delivered again after a restart`,
      );
    }
  }

  /** Resolves once every queued commit has been written (or has failed and been logged). */
  private async flushCommits(): Promise<void> {
    while (this.writingCommits) await this.committing;
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
    clearInterval(this.metricsTimer);
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
    this.printMetrics();
    await this.port.stop().catch(() => undefined);
    // A start still under way (e.g. joining the group) gives up once disconnected.
    await Promise.race([this.running?.catch(() => undefined), sleep(2000)]);
    return left;
  }
}
