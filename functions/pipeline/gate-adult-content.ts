import { stageHandler } from '../../lib/middleware/stage-handler';
import { gateAdultContent } from '../../lib/pipeline/gate-adult-content';
import { declareStage } from '../../lib/pipeline/stage';

export const stage = declareStage({
  name: 'gate-adult-content',
  description: '19+ content requests: granted or denied by verified age',
  topic: 'adult_content',
  rule: gateAdultContent,
});

export const handler = stageHandler(stage);
