import path from 'node:path';

// The roles deploy/state-roles.cjs makes: the push stage and the WebSocket routes may post to the
// players' sockets (and only they), each with its tables' actions only.

const root = path.resolve(__dirname, '../../..');
const params: Record<string, unknown> = {
  'self:service': 'casino-events',
  'sls:stage': 'aws',
  'param:kafkaSource': 'msk',
  'param:kafkaIamStatements': [],
  'self:custom.stageTrigger.msk': { arn: 'arn:aws:kafka:ap-northeast-2:123456789012:cluster/c/x' },
};

type Role = { Properties: { Policies: { PolicyDocument: { Statement: { Action: string[] }[] } }[] } };

const roles = async (): Promise<Record<string, Role>> =>
  (
    await require(path.join(root, 'deploy/state-roles.cjs')).resources(
      { resolveVariable: async (address: string) => params[address] },
      (file: string) => require(file),
    )
  ).Resources;

const actions = (role: Role) =>
  role.Properties.Policies.flatMap((p) => p.PolicyDocument.Statement).flatMap((s) => s.Action);

it('gives the push stage and the three WebSocket routes, and nobody else, execute-api:ManageConnections', async () => {
  const all = await roles();
  const posting = Object.entries(all)
    .filter(([, role]) => actions(role).includes('execute-api:ManageConnections'))
    .map(([id]) => id)
    .sort();
  expect(posting).toEqual([
    'PushNotificationsStateRole',
    'WebsocketConnectStateRole',
    'WebsocketDefaultStateRole',
    'WebsocketDisconnectStateRole',
  ]);
  for (const id of posting) expect(actions(all[id]!)).toEqual(expect.arrayContaining(['dynamodb:PutItem']));
});
