import { join } from 'node:path';

const root = join(__dirname, '../..');

/** serverless.yml's `functions` as deploy/functions.cjs makes them for `stage`, with fixed params and keys. */
export function generatedFunctions<Fn>(stage: 'local' | 'aws'): Promise<Record<string, Fn>> {
  const params: Record<string, unknown> = {
    'sls:stage': stage,
    'param:gameApiKey': 'game-key-under-test',
    'param:adminApiKey': 'admin-key-under-test',
    'param:kafkaSource': 'kafka',
    'param:stageGroupPrefix': 'prefix',
    'self:custom.stageTrigger.kafka': { batchSize: 100 },
  };
  return require(join(root, 'deploy/functions.cjs')).functions(
    { resolveVariable: async (address: string) => params[address] },
    (file: string) => require(file),
  );
}
