import { hqClient } from '../../lib/hq/client';
import { stageHandler } from '../../lib/middleware/stage-handler';
import { declareStage } from '../../lib/pipeline/stage';
import { syncTokensToHq } from '../../lib/pipeline/sync-tokens-to-hq';
import { creditTokens } from '../../lib/state';

export const stage = declareStage({
  name: 'sync-tokens-to-hq',
  description:
    'Token pipeline: tokens earned are granted at headquarters, credited to the ledger, then notified',
  topic: 'cyber_tokens',
  // Spend requests share the topic; they are spend-tokens' business.
  eventTypes: ['TOKEN_EARNED'],
  rule: syncTokensToHq(hqClient, (credit) => creditTokens(credit)),
  // Room for a few headquarters timeouts in one batch before the batch is retried.
  timeout: 30,
  // biome-ignore lint/suspicious/noTemplateCurlyInString: serverless.yml variables, resolved at packaging
  environment: { HQ_API_URL: '${param:hqApiUrl}', HQ_TIMEOUT_MS: '${param:hqTimeoutMs}' },
  state: 'stateWrite',
});

export const handler = stageHandler(stage);
