import { createTableInput } from '../../../lib/state/create-tables';
import { TABLE_KEYS, TABLES, tableNames } from '../../../lib/state/tables';

/** deploy/tables.cjs, as serverless.yml loads it. */
interface Statement {
  Effect: string;
  Action: string[];
  Resource: unknown[];
}
interface TablesModule {
  resources(context: { resolveVariable(address: string): Promise<unknown> }): Promise<{
    Resources: Record<string, { Type: string; DeletionPolicy?: string; Properties: Record<string, unknown> }>;
  }>;
  environment(context: {
    resolveVariable(address: string): Promise<unknown>;
  }): Promise<Record<string, string>>;
  iam: Record<string, Statement[] | Record<'read' | 'write', Statement>>;
  USES: Record<string, Record<string, ('read' | 'write')[]>>;
}
const deploy = require('../../../deploy/tables.cjs') as TablesModule;

const context = {
  resolveVariable: async (address: string) => {
    if (address === 'self:service') return 'casino-events';
    if (address === 'sls:stage') return 'aws';
    throw new Error(`unexpected variable ${address}`);
  },
};

describe('table declarations (lib/state/table-declarations.json)', () => {
  it('deploys every table on demand, with point-in-time recovery, named per service and stage', async () => {
    const { Resources } = await deploy.resources(context);
    expect(Object.keys(Resources).sort()).toEqual(TABLE_KEYS.map((k) => TABLES[k].logicalId).sort());
    const names = tableNames('casino-events-aws');
    for (const key of TABLE_KEYS) {
      const resource = Resources[TABLES[key].logicalId]!;
      expect(resource.Type).toBe('AWS::DynamoDB::Table');
      expect(resource.Properties.TableName).toBe(names[key]);
      expect(resource.Properties.BillingMode).toBe('PAY_PER_REQUEST');
      expect(resource.Properties.PointInTimeRecoverySpecification).toEqual({
        PointInTimeRecoveryEnabled: true,
      });
    }
  });

  it('expires effects, inbox notices and connections by TTL, and keeps the durable tables on stack deletion', async () => {
    const { Resources } = await deploy.resources(context);
    const ttl = (id: string) => Resources[id]?.Properties.TimeToLiveSpecification;
    expect(ttl('EffectsTable')).toEqual({ AttributeName: 'expires_at', Enabled: true });
    expect(ttl('InboxTable')).toEqual({ AttributeName: 'expires_at', Enabled: true });
    expect(ttl('ConnectionsTable')).toEqual({ AttributeName: 'expires_at', Enabled: true });
    expect(ttl('PlayersTable')).toBeUndefined();
    expect(ttl('TokenLedgerTable')).toBeUndefined();
    for (const id of ['PlayersTable', 'TokenLedgerTable', 'EffectsTable'])
      expect(Resources[id]?.DeletionPolicy).toBe('Retain');
  });

  it('creates locally exactly the keys and indexes it deploys', async () => {
    const { Resources } = await deploy.resources(context);
    const names = tableNames('casino-events-aws');
    for (const key of TABLE_KEYS) {
      const deployed = Resources[TABLES[key].logicalId]!.Properties;
      const local = createTableInput(TABLES[key], names[key]);
      expect(local.KeySchema).toEqual(deployed.KeySchema);
      expect(local.AttributeDefinitions).toEqual(deployed.AttributeDefinitions);
      expect(local.LocalSecondaryIndexes).toEqual(deployed.LocalSecondaryIndexes);
      expect(local.GlobalSecondaryIndexes).toEqual(deployed.GlobalSecondaryIndexes);
      expect(local.BillingMode).toBe(deployed.BillingMode);
    }
  });

  it('gives the functions each table name by its own variable', async () => {
    expect(await deploy.environment(context)).toEqual({
      PLAYERS_TABLE: 'casino-events-aws-players',
      TOKEN_LEDGER_TABLE: 'casino-events-aws-token-ledger',
      EFFECTS_TABLE: 'casino-events-aws-effects',
      INBOX_TABLE: 'casino-events-aws-inbox',
      CONNECTIONS_TABLE: 'casino-events-aws-connections',
    });
  });

  it('grants each use only DynamoDB actions on its own tables and their indexes', () => {
    const logicalIds = new Set(TABLE_KEYS.map((k) => TABLES[k].logicalId));
    for (const [use, tables] of Object.entries(deploy.USES)) {
      const statements = deploy.iam[use] as Statement[];
      expect(statements).toHaveLength(Object.keys(tables).length);
      for (const statement of statements) {
        expect(statement.Effect).toBe('Allow');
        for (const action of statement.Action) expect(action).toMatch(/^dynamodb:[A-Za-z]+$/);
        const [arn] = statement.Resource as { 'Fn::GetAtt': [string, string] }[];
        expect(logicalIds.has(arn!['Fn::GetAtt'][0])).toBe(true);
      }
    }
    // The writers of player state never delete, and the readers never write.
    const stateWrite = (deploy.iam.stateWrite as Statement[]).flatMap((s) => s.Action);
    expect(stateWrite).not.toContain('dynamodb:DeleteItem');
    const stateRead = (deploy.iam.stateRead as Statement[]).flatMap((s) => s.Action);
    expect(stateRead.every((a) => ['dynamodb:GetItem', 'dynamodb:Query'].includes(a))).toBe(true);
  });
});
