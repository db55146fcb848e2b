import { METRICS_NAMESPACE, STAGE_METRIC, stageMetrics } from '../../../lib/ops/stage-metrics';

interface EmfLine {
  _aws: {
    Timestamp: number;
    CloudWatchMetrics: {
      Namespace: string;
      Dimensions: string[][];
      Metrics: { Name: string; Unit: string }[];
    }[];
  };
  [key: string]: unknown;
}

/** The EMF lines the module prints to standard output while `work` runs. */
function emfLines(work: () => void): EmfLine[] {
  const printed: string[] = [];
  const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    printed.push(String(chunk));
    return true;
  });
  try {
    work();
  } finally {
    spy.mockRestore();
  }
  return printed
    .join('')
    .split('\n')
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

describe('stage metrics (embedded metric format)', () => {
  const saved = process.env.POWERTOOLS_METRICS_DISABLED;
  afterEach(() => {
    if (saved === undefined) delete process.env.POWERTOOLS_METRICS_DISABLED;
    else process.env.POWERTOOLS_METRICS_DISABLED = saved;
  });

  it('prints one EMF line per batch with the stage dimension, counts and each rule duration', () => {
    const metrics = stageMetrics('process-user-action');
    const lines = emfLines(() => {
      metrics.processed(3.5);
      metrics.processed(1.25);
      metrics.deadLettered();
      metrics.publish();
    });
    expect(lines).toHaveLength(1);
    const line = lines[0]!;
    const directive = line._aws.CloudWatchMetrics[0]!;
    expect(directive.Namespace).toBe(METRICS_NAMESPACE);
    expect(directive.Dimensions).toEqual([expect.arrayContaining(['service', 'stage'])]);
    expect(directive.Metrics).toEqual(
      expect.arrayContaining([
        { Name: STAGE_METRIC.processed, Unit: 'Count' },
        { Name: STAGE_METRIC.deadLettered, Unit: 'Count' },
        { Name: STAGE_METRIC.ruleDuration, Unit: 'Milliseconds' },
      ]),
    );
    expect(line.stage).toBe('process-user-action');
    expect(line.service).toBe('event-backbone');
    expect(line[STAGE_METRIC.processed]).toBe(2);
    expect(line[STAGE_METRIC.deadLettered]).toBe(1);
    expect(line[STAGE_METRIC.ruleDuration]).toEqual([3.5, 1.25]);
    expect(Math.abs(line._aws.Timestamp - Date.now())).toBeLessThan(5000);
  });

  it('starts each batch from zero and prints nothing for an empty batch', () => {
    const metrics = stageMetrics('deliver-feedback');
    const first = emfLines(() => {
      metrics.deadLettered();
      metrics.publish();
    });
    expect(first.map((l) => [l[STAGE_METRIC.processed], l[STAGE_METRIC.deadLettered]])).toEqual([[0, 1]]);
    expect(first[0]![STAGE_METRIC.ruleDuration]).toBeUndefined();
    expect(emfLines(() => metrics.publish())).toEqual([]);
  });

  it('splits more than 100 rule durations over several lines (the EMF limit), counting each record once', () => {
    const metrics = stageMetrics('analyze-game-result');
    const lines = emfLines(() => {
      for (let i = 0; i < 250; i += 1) metrics.processed(i);
      metrics.publish();
    });
    const durations = lines.flatMap((l) => {
      const value = l[STAGE_METRIC.ruleDuration];
      return Array.isArray(value) ? value : value === undefined ? [] : [value];
    });
    expect(
      lines.every(
        (l) =>
          !Array.isArray(l[STAGE_METRIC.ruleDuration]) ||
          (l[STAGE_METRIC.ruleDuration] as number[]).length <= 100,
      ),
    ).toBe(true);
    expect(durations).toEqual(Array.from({ length: 250 }, (_, i) => i));
    const processed = lines.map((l) => l[STAGE_METRIC.processed]).filter((v) => v !== undefined);
    expect(processed).toEqual([250]);
  });

  it('prints nothing with POWERTOOLS_METRICS_DISABLED=true', () => {
    process.env.POWERTOOLS_METRICS_DISABLED = 'true';
    const metrics = stageMetrics('process-vip-event');
    const lines = emfLines(() => {
      metrics.processed(1);
      metrics.publish();
    });
    expect(lines).toEqual([]);
  });
});
