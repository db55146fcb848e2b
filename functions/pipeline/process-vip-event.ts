import { stageHandler } from '../../lib/middleware/stage-handler';
import { processVipEvent } from '../../lib/pipeline/process-vip-event';

export const handler = stageHandler({
  name: 'process-vip-event',
  topic: 'vip_events',
  rule: processVipEvent,
});
