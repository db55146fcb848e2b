import { stageHandler } from '../../lib/middleware/stage-handler';
import { analyzeMonetization } from '../../lib/pipeline/analyze-monetization';

export const handler = stageHandler({
  name: 'analyze-monetization',
  topic: 'analytics',
  rule: analyzeMonetization,
});
