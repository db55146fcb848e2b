import { stageHandler } from '../../lib/middleware/stage-handler';
import { processVipEvent } from '../../lib/pipeline/process-vip-event';
import { declareStage } from '../../lib/pipeline/stage';

export const stage = declareStage({
  name: 'process-vip-event',
  description: "A VIP tier reached becomes the player's perks notification",
  topic: 'vip_events',
  rule: processVipEvent,
});

export const handler = stageHandler(stage);
