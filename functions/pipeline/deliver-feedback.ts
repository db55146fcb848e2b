import { stageHandler } from '../../lib/middleware/stage-handler';
import { deliverFeedback } from '../../lib/pipeline/deliver-feedback';

export const handler = stageHandler({
  name: 'deliver-feedback',
  topic: 'real_time_feedback',
  rule: deliverFeedback,
});
