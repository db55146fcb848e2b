import { stageHandler } from '../../lib/middleware/stage-handler';
import { processUserAction } from '../../lib/pipeline/process-user-action';
import { declareStage } from '../../lib/pipeline/stage';
import { recordSlotSpin } from '../../lib/state';

export const stage = declareStage({
  name: 'process-user-action',
  description: 'Slot pipeline: a spin becomes a reward notice and a game record on analytics',
  topic: 'user_actions',
  rule: processUserAction((spin) => recordSlotSpin(spin)),
  state: 'stateWrite',
  // On the player's latency path (spin → feedback → push): no batching window.
  batchingWindow: 0,
});

export const handler = stageHandler(stage);
