// @ts-check
/**
 * One IAM role per function that uses the player-state tables, so each gets only the table actions
 * its declared use needs (a stage's or endpoint's `state`: deploy/tables.cjs USES). osls has one
 * shared role and no per-function IAM; serverless-iam-roles-per-function copies the shared role's
 * statements but not those osls adds for `kafka` / `msk` event sources, so the roles are made here
 * from the same sources the shared role is: deploy/functions.cjs gives such a function
 * `role: <its role>` and serverless.yml deploys these resources:
 *
 *   resources:
 *     - ${file(./deploy/state-roles.cjs):resources}
 *
 * Each role holds: writing its own log group (as the shared role does), its tables' actions, and
 * for a stage what its event source mapping and Kafka clients need: params.kafkaIamStatements
 * (Secrets Manager, MSK IAM; deploy/kafka-cluster.cjs), plus what osls grants the shared role for
 * the mapping (kafka:DescribeCluster and GetBootstrapBrokers on the MSK cluster and the VPC network
 * interface actions; a self-managed cluster's access secrets and, in a VPC, the same interface actions).
 * Functions without `state` keep the shared role, which has no table actions at all.
 */
const { declarations, camel, stateRoleId: roleId } = require('./functions.cjs');
const { iam } = require('./tables.cjs');

const EC2_NETWORK_INTERFACES = {
  Effect: 'Allow',
  Action: [
    'ec2:CreateNetworkInterface',
    'ec2:DescribeNetworkInterfaces',
    'ec2:DescribeVpcs',
    'ec2:DeleteNetworkInterface',
    'ec2:DescribeSubnets',
    'ec2:DescribeSecurityGroups',
  ],
  Resource: '*',
};

/** @param {...unknown} parts */
const arn = (...parts) => ({ 'Fn::Join': ['', parts] });

/** Posting to the connections of this service's WebSocket API, and nothing else. */
const MANAGE_CONNECTIONS = {
  Effect: 'Allow',
  Action: ['execute-api:ManageConnections'],
  Resource: [
    arn(
      'arn:',
      { Ref: 'AWS::Partition' },
      ':execute-api:',
      { Ref: 'AWS::Region' },
      ':',
      { Ref: 'AWS::AccountId' },
      ':',
      { Ref: 'WebsocketsApi' },
      '/*/POST/@connections/*',
    ),
  ],
};

/** What osls's log statements give the shared role, for one function's log group. @param {string} name */
const logStatements = (name) => {
  const group = arn(
    'arn:',
    { Ref: 'AWS::Partition' },
    ':logs:',
    { Ref: 'AWS::Region' },
    ':',
    { Ref: 'AWS::AccountId' },
    `:log-group:/aws/lambda/${name}`,
  );
  return [
    {
      Effect: 'Allow',
      Action: ['logs:CreateLogStream', 'logs:CreateLogGroup', 'logs:TagResource'],
      Resource: [{ 'Fn::Join': ['', [group, ':*']] }],
    },
    { Effect: 'Allow', Action: ['logs:PutLogEvents'], Resource: [{ 'Fn::Join': ['', [group, ':*:*']] }] },
  ];
};

/**
 * What the event source mapping of a stage needs beyond params.kafkaIamStatements.
 * @param {string} source @param {Record<string, any>} trigger
 */
const eventSourceStatements = (source, trigger) => {
  if (source === 'msk') {
    return [
      {
        Effect: 'Allow',
        Action: ['kafka:DescribeCluster', 'kafka:GetBootstrapBrokers'],
        Resource: [trigger.arn],
      },
      EC2_NETWORK_INTERFACES,
    ];
  }
  /** @type {Record<string, string>[]} */
  const access = Array.isArray(trigger.accessConfigurations)
    ? trigger.accessConfigurations
    : Object.entries(trigger.accessConfigurations ?? {}).flatMap(([key, value]) =>
        [value].flat().map((v) => ({ [key]: v })),
      );
  const secrets = access
    .flatMap((entry) => Object.entries(entry))
    .filter(([key]) => /Auth$/.test(key) || key === 'serverRootCaCertificate')
    .map(([, value]) => value);
  const inVpc = access.some((entry) => 'vpcSubnet' in entry);
  return [
    ...(secrets.length > 0
      ? [{ Effect: 'Allow', Action: ['secretsmanager:GetSecretValue'], Resource: [...new Set(secrets)] }]
      : []),
    ...(inVpc ? [EC2_NETWORK_INTERFACES] : []),
  ];
};

/**
 * @param {{ resolveVariable: (address: string) => Promise<any> }} serverless
 * @param {(file: string) => any} [load] how to load a TypeScript file (tests pass their own)
 */
async function resources(
  { resolveVariable },
  load = (file) => require('tsx/cjs/api').require(file, __filename),
) {
  const service = await resolveVariable('self:service');
  const stage = await resolveVariable('sls:stage');
  const local = stage === 'local';
  const source = await resolveVariable('param:kafkaSource');
  /** @type {Record<string, unknown>} */
  const roles = {};
  const users = [
    ...declarations('http', 'endpoint', load)
      .filter((e) => local || !e.localOnly)
      .map((e) => ({ ...e, kind: 'endpoint' })),
    ...declarations('pipeline', 'stage', load).map((s) => ({ ...s, kind: 'stage' })),
    ...declarations('websocket', 'route', load).map((r) => ({
      ...r,
      kind: 'route',
      key: `websocket-${r.name}`,
    })),
  ].filter((declared) => declared.state);
  const kafkaStatements = users.some((u) => u.kind === 'stage')
    ? ((await resolveVariable('param:kafkaIamStatements')) ?? [])
    : [];
  const trigger = users.some((u) => u.kind === 'stage')
    ? await resolveVariable(`self:custom.stageTrigger.${source}`)
    : {};
  for (const declared of users) {
    const tables = /** @type {Record<string, unknown[]>} */ (iam)[declared.state];
    if (!tables)
      throw new Error(`functions/${declared.file}: no state use ${declared.state} in deploy/tables.cjs`);
    const key = camel(declared.key ?? declared.name);
    roles[roleId(key)] = {
      Type: 'AWS::IAM::Role',
      Properties: {
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [
            { Effect: 'Allow', Principal: { Service: ['lambda.amazonaws.com'] }, Action: ['sts:AssumeRole'] },
          ],
        },
        Policies: [
          {
            PolicyName: `${service}-${stage}-${declared.name}`,
            PolicyDocument: {
              Version: '2012-10-17',
              Statement: [
                ...logStatements(`${service}-${stage}-${key}`),
                ...tables,
                ...(declared.kind === 'stage'
                  ? [...kafkaStatements, ...eventSourceStatements(source, trigger)]
                  : []),
                // Who delivers to players' sockets (the push stage, the routes) may post to them.
                ...(declared.state === 'inboxDeliver' || declared.state === 'sessions'
                  ? [MANAGE_CONNECTIONS]
                  : []),
              ],
            },
          },
        ],
      },
    };
  }
  return { Resources: roles };
}

module.exports = { resources };
