import { stageHandler } from '../../lib/middleware/stage-handler';
import { processGachaOpen } from '../../lib/pipeline/process-gacha-open';

export const handler = stageHandler({
  name: 'process-gacha-open',
  topic: 'game_events',
  rule: processGachaOpen,
});
