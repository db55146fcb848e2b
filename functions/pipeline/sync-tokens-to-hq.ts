import { hqClient } from '../../lib/hq/client';
import { stageHandler } from '../../lib/middleware/stage-handler';
import { syncTokensToHq } from '../../lib/pipeline/sync-tokens-to-hq';

export const handler = stageHandler({
  name: 'sync-tokens-to-hq',
  topic: 'cyber_tokens',
  rule: syncTokensToHq(hqClient),
});
