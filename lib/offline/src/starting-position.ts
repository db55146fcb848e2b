/**
 * Where a mapping starts reading. As on AWS, a consumer group that already has committed offsets
 * resumes from them and `startingPosition` is ignored; otherwise TRIM_HORIZON starts at the oldest
 * record, LATEST at the end of the log, AT_TIMESTAMP at the first record at or after the timestamp.
 * The consumer seeks to the chosen offsets once it joined and commits them, so a restart of the
 * emulator resumes where it stopped even if no batch was processed in between (nothing produced
 * while it was down is lost to LATEST).
 */

import type { StartingPosition } from './event-sources';
import type { Admin } from './lambda-event';

export interface PartitionOffset {
  partition: number;
  offset: string;
}

export interface StartPlan {
  /** Partitions that resume from the group's committed offsets. */
  resumed: PartitionOffset[];
  /** Partitions with no committed offset, and where they start. */
  started: PartitionOffset[];
}

export async function planStart(
  admin: Admin,
  groupId: string,
  topic: string,
  position: StartingPosition,
  timestampSeconds: number | undefined,
): Promise<StartPlan> {
  const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
  const partitions = committed?.partitions ?? [];
  const resumed = partitions
    .filter((p) => Number(p.offset) >= 0)
    .map(({ partition, offset }) => ({ partition, offset }));
  const fresh = new Set(partitions.filter((p) => Number(p.offset) < 0).map((p) => p.partition));
  if (fresh.size === 0) return { resumed, started: [] };

  let positions: PartitionOffset[];
  if (position === 'AT_TIMESTAMP') {
    positions = await admin.fetchTopicOffsetsByTimestamp(topic, Math.round((timestampSeconds ?? 0) * 1000));
  } else {
    const offsets = await admin.fetchTopicOffsets(topic);
    positions = offsets.map((o) => ({
      partition: o.partition,
      offset: position === 'LATEST' ? o.high : o.low,
    }));
  }
  return { resumed, started: positions.filter((p) => fresh.has(p.partition)) };
}

export const describeOffsets = (offsets: PartitionOffset[]): string =>
  offsets
    .slice()
    .sort((a, b) => a.partition - b.partition)
    .map((o) => `${o.partition}@${o.offset}`)
    .join(',');
