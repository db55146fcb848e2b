import { stageHandler } from '../../lib/middleware/stage-handler';
import { processBattlePass } from '../../lib/pipeline/process-battle-pass';
import { declareStage } from '../../lib/pipeline/stage';
import { addBattlePassXp } from '../../lib/state';

export const stage = declareStage({
  name: 'process-battle-pass',
  description: "Battle-pass XP adds to the player's stored XP; each level passed becomes a level-up",
  topic: 'battle_pass',
  rule: processBattlePass((gain) => addBattlePassXp(gain)),
  state: 'stateWrite',
});

export const handler = stageHandler(stage);
