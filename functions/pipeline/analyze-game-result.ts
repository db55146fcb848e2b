import { stageHandler } from '../../lib/middleware/stage-handler';
import { analyzeGameResult } from '../../lib/pipeline/analyze-game-result';

export const handler = stageHandler({
  name: 'analyze-game-result',
  topic: 'analytics',
  rule: analyzeGameResult,
});
