/**
 * What a mapping needs from a Kafka consumer, and nothing more: fetched records in, pause/resume/
 * seek/commit out. The runner only talks to this port, so its batching, backpressure, rebalance and
 * commit logic is unit-tested with a fake (test/unit/offline/runner.test.ts); `KafkajsPort`
 * (kafkajs-port.ts) is the real one.
 */
import type { LambdaKafkaRecord } from './lambda-event';

export interface FetchedBatch {
  partition: number;
  /** The partition's end of log when fetched (for the offset lag). */
  highWatermark: number;
  /** In offset order, already in AWS's record shape. */
  records: LambdaKafkaRecord[];
}

export interface PortHandlers {
  /** The group gave this member these partitions (first join and every rebalance). */
  assigned(partitions: number[]): void;
  /** Records fetched; the port asks for more once this resolves. */
  fetched(batch: FetchedBatch): Promise<void>;
  /** Waiting for something outside (the topic to exist): the start is settled, not ready. */
  waiting(reason: string): void;
  /** An interruptible wait: false once the runner is stopping. */
  sleep(ms: number): Promise<boolean>;
  stopping(): boolean;
}

export interface PartitionOffset {
  partition: number;
  /** The next offset to read. */
  offset: number;
}

export interface FetchCommitPort {
  /** Connect and join the group; resolves once consuming (or when stopped first). */
  start(handlers: PortHandlers): Promise<void>;
  pause(partition: number): void;
  resume(partition: number): void;
  /** Fetch the partition again from `offset`. */
  seek(partition: number, offset: number): void;
  commit(offsets: PartitionOffset[]): Promise<void>;
  /** Leave the group and disconnect. */
  stop(): Promise<void>;
}
