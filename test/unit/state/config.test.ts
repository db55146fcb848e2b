import { ConfigError } from '../../../lib/errors';
import { parseStateConfig } from '../../../lib/state/config';

describe('player-state configuration', () => {
  it('defaults to the local stage tables, the SDK endpoint and the deployment region', () => {
    const cfg = parseStateConfig({});
    expect(cfg.endpoint).toBeUndefined();
    expect(cfg.region).toBe('ap-northeast-2');
    expect(cfg.tables).toEqual({
      players: 'casino-events-local-players',
      tokenLedger: 'casino-events-local-token-ledger',
      effects: 'casino-events-local-effects',
      inbox: 'casino-events-local-inbox',
      connections: 'casino-events-local-connections',
    });
  });

  it('reads the endpoint, region and each table name from its variable (empty means unset)', () => {
    const cfg = parseStateConfig({
      DYNAMODB_ENDPOINT: 'http://127.0.0.1:8000',
      AWS_REGION: 'eu-west-1',
      PLAYERS_TABLE: 'casino-events-aws-players',
      INBOX_TABLE: '',
    });
    expect(cfg.endpoint).toBe('http://127.0.0.1:8000');
    expect(cfg.region).toBe('eu-west-1');
    expect(cfg.tables.players).toBe('casino-events-aws-players');
    expect(cfg.tables.inbox).toBe('casino-events-local-inbox');
  });

  it('names each bad variable', () => {
    try {
      parseStateConfig({ DYNAMODB_ENDPOINT: 'localhost:8000', EFFECTS_TABLE: 'no spaces allowed' });
      throw new Error('accepted');
    } catch (error) {
      expect(error).toBeInstanceOf(ConfigError);
      expect((error as ConfigError).issues.map((i) => i.path).sort()).toEqual([
        'DYNAMODB_ENDPOINT',
        'EFFECTS_TABLE',
      ]);
    }
  });
});
