import { join } from 'node:path';
import { ConfigError } from '../../../lib/errors';
import { parseStageGroups } from '../../../lib/ops/stage-groups';
import { loadStages } from '../../../lib/pipeline/stages';

const root = join(__dirname, '../../..');

describe('the metrics endpoint’s stage groups (OPS_STAGES)', () => {
  it('deploy/functions.cjs gives ops-metrics, and only it, every declared stage with its group and topic', async () => {
    const params: Record<string, unknown> = {
      'sls:stage': 'local',
      'param:gameApiKey': 'game-key-under-test',
      'param:adminApiKey': 'admin-key-under-test',
      'param:kafkaSource': 'kafka',
      'param:stageGroupPrefix': 'run-42',
      'self:custom.stageTrigger.kafka': { batchSize: 100 },
    };
    const { functions } = require(join(root, 'deploy/functions.cjs'));
    const made = (await functions(
      { resolveVariable: async (address: string) => params[address] },
      (file: string) => require(file),
    )) as Record<string, { environment?: Record<string, string> }>;
    const withStages = Object.entries(made).filter(([, fn]) => fn.environment?.OPS_STAGES !== undefined);
    expect(withStages.map(([key]) => key)).toEqual(['opsMetrics']);
    const groups = parseStageGroups(withStages[0]![1].environment!.OPS_STAGES);
    expect(groups).toEqual(
      loadStages().map((s) => ({ stage: s.name, group: `run-42-${s.name}`, topic: s.topic })),
    );
  });

  it('refuses a missing, non-JSON or wrongly shaped value with a configuration error naming it', () => {
    expect(() => parseStageGroups(undefined)).toThrow(ConfigError);
    expect(() => parseStageGroups('not json')).toThrow(/OPS_STAGES is not JSON/);
    expect(() => parseStageGroups('[{"stage":"a","group":""}]')).toThrow(/OPS_STAGES is not a list/);
    expect(parseStageGroups('[]')).toEqual([]);
  });
});
