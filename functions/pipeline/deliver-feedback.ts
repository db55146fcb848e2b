import { stageHandler } from '../../lib/middleware/stage-handler';
import { deliverFeedback } from '../../lib/pipeline/deliver-feedback';
import { declareStage } from '../../lib/pipeline/stage';

export const stage = declareStage({
  name: 'deliver-feedback',
  description: "Feedback on real_time_feedback becomes the player's FEEDBACK notification",
  topic: 'real_time_feedback',
  rule: deliverFeedback,
  // On the player's latency path (spin → feedback → push): no batching window.
  batchingWindow: 0,
});

export const handler = stageHandler(stage);
