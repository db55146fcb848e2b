import { stageHandler } from '../../lib/middleware/stage-handler';
import { declareStage } from '../../lib/pipeline/stage';
import { pushNotificationRule } from '../../lib/realtime/push-rule';

export const stage = declareStage({
  name: 'push-notifications',
  description: "Every notification into the player's inbox and onto each of the player's open sockets",
  topic: 'notifications',
  rule: pushNotificationRule,
  // Deployed, its own role: the inbox and connections tables (deploy/tables.cjs USES).
  state: 'inboxDeliver',
  // The last hop of the player's moment: no batching window.
  batchingWindow: 0,
  // A full batch is up to 100 records, each stored and sent one after another per partition: the
  // default 10 s left a slow store's batch timing out over and over (bench:realtime fan-out).
  timeout: 30,
});

export const handler = stageHandler(stage);
