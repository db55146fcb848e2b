import { stageHandler } from '../../lib/middleware/stage-handler';
import { analyzeMonetization } from '../../lib/pipeline/analyze-monetization';
import { declareStage } from '../../lib/pipeline/stage';

export const stage = declareStage({
  name: 'analyze-monetization',
  description: "Gacha pipeline: a pull's spend on analytics becomes monetisation analysis and VIP tiers",
  topic: 'analytics',
  eventTypes: ['GACHA_SPEND'],
  rule: analyzeMonetization,
});

export const handler = stageHandler(stage);
