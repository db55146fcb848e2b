import { hqClient } from '../../lib/hq/client';
import { stageHandler } from '../../lib/middleware/stage-handler';
import { declareStage } from '../../lib/pipeline/stage';
import { syncTokensToHq } from '../../lib/pipeline/sync-tokens-to-hq';

export const stage = declareStage({
  name: 'sync-tokens-to-hq',
  description: 'Token pipeline: tokens earned are granted at headquarters, then notified',
  topic: 'cyber_tokens',
  rule: syncTokensToHq(hqClient),
  // Room for a few headquarters timeouts in one batch before the batch is retried.
  timeout: 30,
  environment: { HQ_API_URL: '${param:hqApiUrl}', HQ_TIMEOUT_MS: '${param:hqTimeoutMs}' },
});

export const handler = stageHandler(stage);
