import { stageHandler } from '../../lib/middleware/stage-handler';
import { spendTokensRule, TOKEN_SPEND_REQUESTED } from '../../lib/pipeline/spend-tokens';
import { declareStage } from '../../lib/pipeline/stage';
import { spendTokens } from '../../lib/state';

export const stage = declareStage({
  name: 'spend-tokens',
  description: "Token pipeline: a spend request is debited from the player's balance once, then notified",
  topic: 'cyber_tokens',
  eventTypes: [TOKEN_SPEND_REQUESTED],
  rule: spendTokensRule((spend) => spendTokens(spend)),
  state: 'stateWrite',
});

export const handler = stageHandler(stage);
