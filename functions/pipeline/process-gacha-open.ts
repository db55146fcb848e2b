import { stageHandler } from '../../lib/middleware/stage-handler';
import { processGachaOpen } from '../../lib/pipeline/process-gacha-open';
import { declareStage } from '../../lib/pipeline/stage';

export const stage = declareStage({
  name: 'process-gacha-open',
  description: 'Gacha pipeline: a pull becomes feedback and its spend on analytics',
  topic: 'game_events',
  eventTypes: ['GACHA_OPENED'],
  rule: processGachaOpen,
});

export const handler = stageHandler(stage);
