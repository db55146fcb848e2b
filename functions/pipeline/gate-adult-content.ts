import { stageHandler } from '../../lib/middleware/stage-handler';
import { gateAdultContent } from '../../lib/pipeline/gate-adult-content';

export const handler = stageHandler({
  name: 'gate-adult-content',
  topic: 'adult_content',
  rule: gateAdultContent,
});
