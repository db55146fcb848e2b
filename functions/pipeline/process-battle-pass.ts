import { stageHandler } from '../../lib/middleware/stage-handler';
import { processBattlePass } from '../../lib/pipeline/process-battle-pass';
import { declareStage } from '../../lib/pipeline/stage';

export const stage = declareStage({
  name: 'process-battle-pass',
  description: 'Battle-pass XP becomes level-ups and their rewards',
  topic: 'battle_pass',
  rule: processBattlePass,
});

export const handler = stageHandler(stage);
