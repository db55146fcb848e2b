import { stageHandler } from '../../lib/middleware/stage-handler';
import { processBattlePass } from '../../lib/pipeline/process-battle-pass';

export const handler = stageHandler({
  name: 'process-battle-pass',
  topic: 'battle_pass',
  rule: processBattlePass,
});
