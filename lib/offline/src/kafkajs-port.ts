/**
 * The consumer port over kafkajs. kafkajs is used as a fetcher only: every fetched record is handed
 * over at once (`eachBatch` never blocks on an invocation, so one slow partition never stalls the
 * others), offsets are committed explicitly (`autoCommit: false`).
 *
 * A new consumer group starts where `planStart` puts it (committed offsets win, as on AWS). The
 * offsets are not written beforehand with `admin.setOffsets`: that joins the group with a throw-away
 * consumer and waits out a fetch (~5 s per new group). The consumer seeks there once it joined, and
 * commits them with its first fetch (kafkajs ignores commits until its runner runs), so a restart
 * resumes there even if nothing was processed.
 */
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import type { FetchCommitPort, PartitionOffset, PortHandlers } from './consumer-port';
import type { EventSourceConfig } from './event-sources';
import {
  type Consumer,
  type EachBatchPayload,
  fromKafkaMessage,
  type Kafka,
  toLambdaKafkaRecord,
} from './lambda-event';
import type { OfflineKafkaOptions } from './options';
import type { Logger } from './serverless-types';
import { describeOffsets, planStart } from './starting-position';

const TOPIC_POLL_MS = 2000;

/**
 * Records converted and handed over at a time. A first fetch of a backlog brings 1 MB per partition
 * (~30 000 small records); converting them all before the first batch is cut held the first
 * invocation back by ~0.1 s, and the function's worker thread boots only once it is invoked.
 */
const HANDOVER_CHUNK = 1000;

export class KafkajsPort implements FetchCommitPort {
  private consumer: Consumer | undefined;
  private startAt = new Map<number, string>();
  private readonly startCommits: PartitionOffset[] = [];
  private handlers: PortHandlers | undefined;
  private assigned = new Set<number>();

  constructor(
    private readonly config: EventSourceConfig,
    private readonly kafka: Kafka,
    private readonly options: OfflineKafkaOptions,
    private readonly log: Logger,
    /** Offsets the port committed itself (the starting positions), for the runner's bookkeeping. */
    private readonly onStartCommitted: (offsets: PartitionOffset[]) => void = () => undefined,
  ) {}

  async start(handlers: PortHandlers): Promise<void> {
    this.handlers = handlers;
    const { config } = this;
    if (!(await this.plan(handlers)) || handlers.stopping()) return;
    const consumer = this.kafka.consumer({
      groupId: config.groupId,
      sessionTimeout: this.options.sessionTimeoutMs,
      heartbeatInterval: Math.max(500, Math.floor(this.options.sessionTimeoutMs / 10)),
      rebalanceTimeout: Math.max(this.options.sessionTimeoutMs, 30_000),
      maxWaitTimeInMs: 100,
      allowAutoTopicCreation: false,
      retry: { retries: 5 },
    });
    this.consumer = consumer;
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      const partitions = payload.memberAssignment[config.topic] ?? [];
      this.assigned = new Set(partitions);
      this.seekToStart(partitions);
      handlers.assigned(partitions);
    });
    consumer.on(consumer.events.FETCH_START, () => this.commitStartOffsets());
    consumer.on(consumer.events.CRASH, ({ payload }) =>
      this.log.error(
        `${config.id}: consumer crashed (${payload.error.message})${payload.restart ? ', restarting' : ''}`,
      ),
    );
    try {
      await consumer.connect();
      await consumer.subscribe({
        topics: [config.topic],
        fromBeginning: config.startingPosition !== 'LATEST',
      });
      await consumer.run({
        autoCommit: false,
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.onBatch(payload),
      });
    } catch (error) {
      await consumer.disconnect().catch(() => undefined);
      this.consumer = undefined;
      throw error;
    }
  }

  /** Wait for the topic and decide where new partitions start; false when stopped meanwhile. */
  private async plan(handlers: PortHandlers): Promise<boolean> {
    const { config } = this;
    const admin = this.kafka.admin();
    await admin.connect();
    try {
      let warned = false;
      for (;;) {
        if ((await admin.listTopics()).includes(config.topic)) break;
        if (!warned) {
          handlers.waiting(`topic ${config.topic} does not exist yet; waiting for it`);
          warned = true;
        }
        if (!(await handlers.sleep(TOPIC_POLL_MS))) return false;
      }
      const plan = await planStart(
        admin,
        config.groupId,
        config.topic,
        config.startingPosition,
        config.startingPositionTimestamp,
      );
      this.startAt = new Map(plan.started.map((p) => [p.partition, p.offset]));
      if (plan.resumed.length > 0)
        this.onStartCommitted(
          plan.resumed.map((p) => ({ partition: p.partition, offset: Number(p.offset) })),
        );
      const where = [
        plan.resumed.length > 0 ? `resuming ${describeOffsets(plan.resumed)}` : '',
        plan.started.length > 0 ? `${config.startingPosition} ${describeOffsets(plan.started)}` : '',
      ]
        .filter(Boolean)
        .join(', ');
      this.log.debug(`${config.id}: group ${config.groupId}: ${where}`);
      return true;
    } finally {
      await admin.disconnect().catch(() => undefined);
    }
  }

  private seekToStart(assigned: number[]): void {
    const consumer = this.consumer;
    if (!consumer || this.startAt.size === 0) return;
    for (const partition of assigned) {
      const offset = this.startAt.get(partition);
      if (offset === undefined || Number(offset) < 0) continue;
      consumer.seek({ topic: this.config.topic, partition, offset });
      this.startCommits.push({ partition, offset: Number(offset) });
    }
    this.startAt.clear();
  }

  private commitStartOffsets(): void {
    if (this.startCommits.length === 0) return;
    const offsets = this.startCommits.splice(0);
    this.commit(offsets).then(
      () => this.onStartCommitted(offsets),
      (error: Error) =>
        this.log.warning(`${this.config.id}: could not commit the starting offsets (${error.message})`),
    );
  }

  private async onBatch({ batch, resolveOffset }: EachBatchPayload): Promise<void> {
    const { messages } = batch;
    if (messages.length === 0 || !this.handlers) return;
    const highWatermark = Number(batch.highWatermark);
    for (let start = 0; start < messages.length; start += HANDOVER_CHUNK) {
      if (start > 0) {
        // Let the batch just cut start its invocation before converting the next chunk.
        await yieldToEventLoop();
        // Revoked meanwhile: its next owner reads the rest from the committed offset.
        if (!this.assigned.has(batch.partition) || this.handlers.stopping()) return;
      }
      const records = messages
        .slice(start, start + HANDOVER_CHUNK)
        .map((message) => toLambdaKafkaRecord(fromKafkaMessage(batch.topic, batch.partition, message)));
      await this.handlers.fetched({ partition: batch.partition, highWatermark, records });
    }
    resolveOffset(messages[messages.length - 1]!.offset);
  }

  pause(partition: number): void {
    this.consumer?.pause([{ topic: this.config.topic, partitions: [partition] }]);
  }

  resume(partition: number): void {
    this.consumer?.resume([{ topic: this.config.topic, partitions: [partition] }]);
  }

  seek(partition: number, offset: number): void {
    this.consumer?.seek({ topic: this.config.topic, partition, offset: String(offset) });
  }

  async commit(offsets: PartitionOffset[]): Promise<void> {
    if (!this.consumer) throw new Error('not connected');
    await this.consumer.commitOffsets(
      offsets.map((o) => ({ topic: this.config.topic, partition: o.partition, offset: String(o.offset) })),
    );
  }

  async stop(): Promise<void> {
    await this.consumer?.disconnect().catch(() => undefined);
  }
}
