import { stageHandler } from '../../lib/middleware/stage-handler';
import { analyzeMonetization } from '../../lib/pipeline/analyze-monetization';
import { declareStage } from '../../lib/pipeline/stage';
import { recordPurchase } from '../../lib/state';

export const stage = declareStage({
  name: 'analyze-monetization',
  description: "Gacha pipeline: a pull's spend adds to the player's lifetime spend; metrics and VIP tiers",
  topic: 'analytics',
  eventTypes: ['GACHA_SPEND'],
  rule: analyzeMonetization((purchase) => recordPurchase(purchase)),
  state: 'stateWrite',
});

export const handler = stageHandler(stage);
