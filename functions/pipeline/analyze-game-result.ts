import { stageHandler } from '../../lib/middleware/stage-handler';
import { analyzeGameResult } from '../../lib/pipeline/analyze-game-result';
import { declareStage } from '../../lib/pipeline/stage';

export const stage = declareStage({
  name: 'analyze-game-result',
  description: 'Slot pipeline: a finished spin on analytics becomes real-time feedback (dopamine trigger)',
  topic: 'analytics',
  eventTypes: ['GAME_COMPLETED'],
  rule: analyzeGameResult,
  // On the player's latency path (spin → feedback → push): no batching window.
  batchingWindow: 0,
});

export const handler = stageHandler(stage);
