import { z } from 'zod';
import { ConfigError, fieldIssues } from '../errors';
import { LOCAL_TABLE_PREFIX, TABLE_KEYS, TABLES, type TableNames, tableNames } from './tables';

/**
 * Where the player state lives, parsed once per container. Deployed, serverless.yml gives each table's
 * name by its variable (PLAYERS_TABLE, …) and DYNAMODB_ENDPOINT is unset (the SDK's regional
 * endpoint). Locally DYNAMODB_ENDPOINT names the moto server and the names default to the local stage's.
 */

export const DEFAULT_LOCAL_ENDPOINT = 'http://127.0.0.1:8000';
/** The region the SDK signs for when none is set (the deployment's, serverless.yml `provider.region`). */
export const DEFAULT_REGION = 'ap-northeast-2';

const tableName = z
  .string()
  .trim()
  .regex(/^[a-zA-Z0-9_.-]{3,255}$/, 'must be a DynamoDB table name (3-255 of a-z A-Z 0-9 _ . -)');

export interface StateConfig {
  /** Set locally (moto); undefined deployed. */
  endpoint: string | undefined;
  region: string;
  tables: TableNames;
}

export function parseStateConfig(env: NodeJS.ProcessEnv): StateConfig {
  const defaults = tableNames(LOCAL_TABLE_PREFIX);
  const schema = z.object({
    DYNAMODB_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
    AWS_REGION: z.string().trim().min(1).optional(),
    ...Object.fromEntries(TABLE_KEYS.map((key) => [TABLES[key].env, tableName.default(defaults[key])])),
  });
  const set = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
  const parsed = schema.safeParse(set);
  if (!parsed.success) {
    const issues = fieldIssues(parsed.error.issues);
    throw new ConfigError(
      `Invalid player-state configuration:\n${issues.map((i) => `  ${i.path}: ${i.message}`).join('\n')}`,
      issues,
    );
  }
  const values = parsed.data as Record<string, string | undefined>;
  return {
    endpoint: values.DYNAMODB_ENDPOINT,
    region: values.AWS_REGION ?? DEFAULT_REGION,
    tables: Object.fromEntries(
      TABLE_KEYS.map((key) => [key, values[TABLES[key].env] ?? defaults[key]]),
    ) as TableNames,
  };
}

let cached: StateConfig | undefined;

export function stateConfig(): StateConfig {
  cached ??= parseStateConfig(process.env);
  return cached;
}
