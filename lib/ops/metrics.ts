import { catalogueTopics, DeadLetter, deadLetterTopic } from '../events';
import {
  committedOffsets,
  describeGroups,
  type FetchedRecord,
  listOffsets,
  type PartitionOffsets,
  readRanges,
  topicPartitions,
} from '../kafka';

/** A stage's consumer group and the topic it reads. */
export interface StageGroup {
  stage: string;
  group: string;
  topic: string;
}

export interface MetricsInput {
  /** Topics whose offsets and rates are reported (default: the nine catalogue topics). */
  topics?: readonly string[];
  /** Dead-letter topics (default: `<topic>_dlq` of each of `topics`). */
  deadLetterTopics?: readonly string[];
  stages: readonly StageGroup[];
  /** How many of the latest dead letters to show per dead-letter topic (default 10). */
  latestDeadLetters?: number;
  /** The window of the rate, in seconds (default 60). */
  rateWindowSeconds?: number;
  now?: () => number;
}

/** Offsets are int64 in Kafka; as JSON numbers they are exact up to 2^53, far beyond any real topic. */
export interface PartitionFigures {
  partition: number;
  /** The oldest offset still retained. */
  start_offset: number;
  /** The next offset to be written (the high watermark). */
  end_offset: number;
}

export interface TopicFigures {
  topic: string;
  partitions: PartitionFigures[];
  /** Records written in the last `rate_window_seconds`, from the offsets at that time and now. */
  records_in_window: number;
  /** records_in_window / rate_window_seconds. */
  rate_per_second: number;
}

export interface StagePartitionLag {
  partition: number;
  /** null when the group has committed nothing on this partition (Kafka's own tools show "-"). */
  committed_offset: number | null;
  end_offset: number;
  lag: number | null;
}

export interface StageFigures extends StageGroup {
  /** The group's state as the coordinator reports it: Stable, Empty, PreparingRebalance, Dead… */
  state: string;
  members: number;
  member_ids: string[];
  partitions: StagePartitionLag[];
  /** The sum of the known per-partition lags. */
  total_lag: number;
}

export interface DeadLetterSummary {
  dead_letter_id: string | null;
  event_id: string | null;
  reason: string;
  rule_reason?: string;
  error: string;
  stage: string | null;
  attempt: number | null;
  original: { topic: string; partition: number; offset: number } | null;
  failed_at: string | null;
  /** Where the dead letter itself is. */
  dlq_partition: number;
  dlq_offset: number;
}

export interface DeadLetterFigures {
  topic: string;
  /** Records retained in the topic (end minus start offset over its partitions). */
  count: number;
  /** The latest dead letters, newest first. */
  latest: DeadLetterSummary[];
}

export interface MetricsDocument {
  generated_at: string;
  rate_window_seconds: number;
  topics: TopicFigures[];
  stages: StageFigures[];
  dead_letters: DeadLetterFigures[];
}

const key = (topic: string, partition: number): string => `${topic}\u0000${partition}`;
const toMap = (offsets: PartitionOffsets[]): Map<string, number> =>
  new Map(offsets.map((o) => [key(o.topic, o.partition), Number(o.offset)]));

/** A dead-letter record as the console shows it; a record that is not a dead letter is shown as such. */
export function summariseDeadLetter(record: FetchedRecord): DeadLetterSummary {
  const where = { dlq_partition: record.partition, dlq_offset: Number(record.offset) };
  let parsed: DeadLetter | undefined;
  try {
    const result = DeadLetter.safeParse(JSON.parse(record.value?.toString('utf8') ?? 'null'));
    if (result.success) parsed = result.data;
  } catch {
    parsed = undefined;
  }
  if (!parsed) {
    return {
      dead_letter_id: null,
      event_id: null,
      reason: 'not_a_dead_letter',
      error: 'the record is not a dead letter written by a stage',
      stage: null,
      attempt: null,
      original: null,
      failed_at: new Date(Number(record.timestamp)).toISOString(),
      ...where,
    };
  }
  return {
    dead_letter_id: parsed.dead_letter_id,
    event_id: parsed.event_id,
    reason: parsed.reason,
    ...(parsed.rule_reason !== undefined && { rule_reason: parsed.rule_reason }),
    error: parsed.error,
    stage: parsed.stage,
    attempt: parsed.attempt,
    original: { topic: parsed.topic, partition: parsed.partition, offset: parsed.offset },
    failed_at: parsed.failed_at,
    ...where,
  };
}

/**
 * One JSON document of the backbone's figures, read fresh from the broker (nothing is kept between
 * calls, so any container answers the same). Broker requests per call, with one broker: three
 * ListOffsets (end, start, and the offsets at the start of the rate window, for every partition of
 * every topic at once), one DescribeGroups, one OffsetFetch per stage group (kafkajs speaks no
 * OffsetFetch version that takes several groups) and one Fetch for the latest dead letters of every
 * dead-letter partition; plus a FindCoordinator per group the first time and a Metadata refresh
 * every five minutes. Two round trips: the offsets and the groups at once, then the Fetch (its
 * offsets come from the first). With n brokers the per-broker requests go to each leader in parallel.
 */
export async function collectMetrics(input: MetricsInput): Promise<MetricsDocument> {
  const now = (input.now ?? Date.now)();
  const windowSeconds = input.rateWindowSeconds ?? 60;
  const latestCount = input.latestDeadLetters ?? 10;
  const topics = [...(input.topics ?? catalogueTopics)];
  const dlqTopics = [...(input.deadLetterTopics ?? topics.map(deadLetterTopic))];
  const stageTopics = input.stages.map((s) => s.topic);
  const allTopics = [...new Set([...topics, ...dlqTopics, ...stageTopics])];

  const partitions = await topicPartitions(allTopics);
  // The groups' requests do not depend on the offsets: sent at the same time, one round trip saved.
  const groupIds = [...new Set(input.stages.map((s) => s.group))];
  const groupFigures = Promise.all([
    groupIds.length > 0 ? describeGroups(groupIds) : Promise.resolve([]),
    Promise.all(
      input.stages.map((s) =>
        committedOffsets(s.group, { [s.topic]: partitions[s.topic] ?? [] }).then(toMap),
      ),
    ),
  ]);
  // Awaited below with the offsets; a failure of either must not go unhandled meanwhile.
  groupFigures.catch(() => undefined);
  const [ends, starts, windowStarts] = await listOffsets(partitions, [
    'latest',
    'earliest',
    { timestamp: now - windowSeconds * 1000 },
  ]).then((lists) => lists.map(toMap) as [Map<string, number>, Map<string, number>, Map<string, number>]);
  const end = (topic: string, p: number): number => ends.get(key(topic, p)) ?? 0;
  const start = (topic: string, p: number): number => starts.get(key(topic, p)) ?? 0;

  const latestRanges = dlqTopics.flatMap((topic) =>
    (partitions[topic] ?? []).map((partition) => ({
      topic,
      partition,
      from: String(Math.max(start(topic, partition), end(topic, partition) - latestCount)),
      to: String(end(topic, partition)),
    })),
  );

  const [[groups, committed], letters] = await Promise.all([
    groupFigures,
    latestRanges.some((r) => r.from !== r.to) ? readRanges(latestRanges) : Promise.resolve([]),
  ]);

  const topicFigures: TopicFigures[] = topics.map((topic) => {
    const list = partitions[topic] ?? [];
    const inWindow = list.reduce((sum, p) => {
      // -1: no record at or after the window's start, so none was written in the window.
      const from = windowStarts.get(key(topic, p)) ?? -1;
      return sum + (from < 0 ? 0 : end(topic, p) - from);
    }, 0);
    return {
      topic,
      partitions: list.map((p) => ({
        partition: p,
        start_offset: start(topic, p),
        end_offset: end(topic, p),
      })),
      records_in_window: inWindow,
      rate_per_second: Math.round((inWindow / windowSeconds) * 100) / 100,
    };
  });

  const groupById = new Map(groups.map((g) => [g.groupId, g]));
  const stageFigures: StageFigures[] = input.stages.map((stage, index) => {
    const group = groupById.get(stage.group);
    const offsets = committed[index] ?? new Map<string, number>();
    const lags = (partitions[stage.topic] ?? []).map((p) => {
      const at = offsets.get(key(stage.topic, p)) ?? -1;
      const endOffset = end(stage.topic, p);
      return {
        partition: p,
        committed_offset: at < 0 ? null : at,
        end_offset: endOffset,
        lag: at < 0 ? null : Math.max(0, endOffset - at),
      };
    });
    return {
      ...stage,
      state: group?.state ?? 'Dead',
      members: group?.members.length ?? 0,
      member_ids: group?.members.map((m) => m.memberId) ?? [],
      partitions: lags,
      total_lag: lags.reduce((sum, l) => sum + (l.lag ?? 0), 0),
    };
  });

  const deadLetters: DeadLetterFigures[] = dlqTopics.map((topic) => ({
    topic,
    count: (partitions[topic] ?? []).reduce((sum, p) => sum + end(topic, p) - start(topic, p), 0),
    latest: letters
      .filter((r) => r.topic === topic)
      .sort((a, b) => Number(b.timestamp) - Number(a.timestamp) || b.partition - a.partition)
      .slice(0, latestCount)
      .map(summariseDeadLetter),
  }));

  return {
    generated_at: new Date(now).toISOString(),
    rate_window_seconds: windowSeconds,
    topics: topicFigures,
    stages: stageFigures,
    dead_letters: deadLetters,
  };
}
