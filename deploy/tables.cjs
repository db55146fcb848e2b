// @ts-check
/**
 * The player-state DynamoDB tables for serverless.yml, generated from lib/state/table-declarations.json (the
 * declarations ensureTables() also creates locally). Each is named `${service}-${stage}-<suffix>`.
 *
 *   resources: ${file(./deploy/tables.cjs):resources}
 *   provider.environment:
 *     PLAYERS_TABLE: ${file(./deploy/tables.cjs):environment.PLAYERS_TABLE}      (one per table)
 *   a function's role statements:
 *     ${file(./deploy/tables.cjs):iam.stateWrite}                               (a use, see USES)
 *     ${file(./deploy/tables.cjs):iam.players.read}                             (one table, one use)
 *
 * Every table: on-demand billing, point-in-time recovery, TTL on its `ttlAttribute` where entries
 * expire; the durable ones (`retain`: players, ledger, effects) survive the stack's deletion.
 */

/** @typedef {{ name: string, kind: 'local' | 'global', partitionKey: string, sortKey: string }} Index */
/**
 * @typedef {{ logicalId: string, suffix: string, env: string, retain: boolean,
 *   attributes: Record<string, 'S' | 'N'>, partitionKey: string, sortKey: string | null,
 *   indexes: Index[], ttlAttribute: string | null, access: Record<'read' | 'write', string[]> }} Table
 */

/** @type {Record<string, Table>} */
const TABLES = require('../lib/state/table-declarations.json');

/**
 * What each kind of function needs, as table → use:
 *   stateWrite   the stages that change player state (lib/state tokens/progress)
 *   stateRead    GET /players/{id} and /players/{id}/ledger
 *   inboxDeliver the push stage: put notices in inboxes (and see if acknowledged), find and forget connections
 *   sessions     the WebSocket routes: record/forget connections, catch up and acknowledge the inbox
 */
const USES = {
  stateWrite: { players: ['write'], tokenLedger: ['write'], effects: ['write'] },
  stateRead: { players: ['read'], tokenLedger: ['read'] },
  inboxDeliver: { inbox: ['read', 'write'], connections: ['read', 'write'] },
  sessions: { connections: ['read', 'write'], inbox: ['read', 'write'] },
};

/**
 * @param {{ resolveVariable: (address: string) => Promise<unknown> }} context
 * @returns {Promise<string>}
 */
const prefix = async ({ resolveVariable }) =>
  `${await resolveVariable('self:service')}-${await resolveVariable('sls:stage')}`;

/** @param {string} partitionKey @param {string | null} sortKey */
const keySchema = (partitionKey, sortKey) => [
  { AttributeName: partitionKey, KeyType: 'HASH' },
  ...(sortKey ? [{ AttributeName: sortKey, KeyType: 'RANGE' }] : []),
];

/** @param {Index[]} indexes */
const indexes = (indexes) =>
  indexes.map((i) => ({
    IndexName: i.name,
    KeySchema: keySchema(i.partitionKey, i.sortKey),
    Projection: { ProjectionType: 'ALL' },
  }));

/** @param {Table} table @param {string} name */
function tableResource(table, name) {
  const local = table.indexes.filter((i) => i.kind === 'local');
  const global = table.indexes.filter((i) => i.kind === 'global');
  return {
    Type: 'AWS::DynamoDB::Table',
    ...(table.retain && { DeletionPolicy: 'Retain', UpdateReplacePolicy: 'Retain' }),
    Properties: {
      TableName: name,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: Object.entries(table.attributes).map(([AttributeName, AttributeType]) => ({
        AttributeName,
        AttributeType,
      })),
      KeySchema: keySchema(table.partitionKey, table.sortKey),
      ...(local.length > 0 && { LocalSecondaryIndexes: indexes(local) }),
      ...(global.length > 0 && { GlobalSecondaryIndexes: indexes(global) }),
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      ...(table.ttlAttribute && {
        TimeToLiveSpecification: { AttributeName: table.ttlAttribute, Enabled: true },
      }),
    },
  };
}

/** @typedef {'read' | 'write'} Use */

/** One statement: the actions of `uses` on the table and its indexes. @param {Table} table @param {Use[]} uses */
const statement = (table, uses) => ({
  Effect: 'Allow',
  Action: [...new Set(uses.flatMap((use) => table.access[use]))],
  Resource: [
    { 'Fn::GetAtt': [table.logicalId, 'Arn'] },
    ...(table.indexes.length > 0
      ? [{ 'Fn::Join': ['', [{ 'Fn::GetAtt': [table.logicalId, 'Arn'] }, '/index/*']] }]
      : []),
  ],
});

/** @param {string} key */
const table = (key) => {
  const found = TABLES[key];
  if (!found) throw new Error(`deploy/tables.cjs: no table ${key}`);
  return found;
};

const iam = {
  ...Object.fromEntries(
    Object.entries(TABLES).map(([key, t]) => [
      key,
      { read: statement(t, ['read']), write: statement(t, ['write']) },
    ]),
  ),
  ...Object.fromEntries(
    Object.entries(USES).map(([use, tables]) => [
      use,
      Object.entries(tables).map(([key, uses]) => statement(table(key), /** @type {Use[]} */ (uses))),
    ]),
  ),
};

module.exports = {
  TABLES,
  USES,
  tableResource,
  /** @param {{ resolveVariable: (address: string) => Promise<unknown> }} context */
  resources: async (context) => {
    const p = await prefix(context);
    return {
      Resources: Object.fromEntries(
        Object.values(TABLES).map((t) => [t.logicalId, tableResource(t, `${p}-${t.suffix}`)]),
      ),
    };
  },
  /** @param {{ resolveVariable: (address: string) => Promise<unknown> }} context */
  environment: async (context) => {
    const p = await prefix(context);
    return Object.fromEntries(Object.values(TABLES).map((t) => [t.env, `${p}-${t.suffix}`]));
  },
  iam,
};
