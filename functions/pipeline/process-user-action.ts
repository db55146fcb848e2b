import { stageHandler } from '../../lib/middleware/stage-handler';
import { processUserAction } from '../../lib/pipeline/process-user-action';

export const handler = stageHandler({
  name: 'process-user-action',
  topic: 'user_actions',
  rule: processUserAction,
});
