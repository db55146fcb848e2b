import declarations from './table-declarations.json';

/**
 * The player-state tables, declared once in table-declarations.json: deploy/tables.cjs turns the same data into
 * the CloudFormation resources serverless.yml deploys, and ensureTables() creates them locally.
 *
 * - players:      pk user_id, sk TOKENS | SPEND | SLOTS | SEASON#<season>: one item per concern, each
 *                 with its own version `v`, so unrelated changes to one player never contend.
 * - tokenLedger:  pk user_id, sk seq (the TOKENS item's version when the entry was written): append-only,
 *                 read newest first.
 * - effects:      pk <scope>#<event_id>: one record per applied input event, holding the outcome a
 *                 redelivery returns; expires (TTL) long after Kafka could redeliver the event.
 * - inbox:        pk user_id, sk event_id; the sparse local index `pending` (sort key pending_at, present
 *                 until acknowledged) lists what a player has not acknowledged, oldest first; TTL.
 * - connections:  pk connection_id; global index `by_user` (user_id, connection_id); TTL.
 */

export type TableKey = keyof typeof declarations;
export type AttributeType = 'S' | 'N';
export type Use = 'read' | 'write';

export interface IndexDeclaration {
  name: string;
  kind: 'local' | 'global';
  partitionKey: string;
  sortKey: string;
}

export interface TableDeclaration {
  logicalId: string;
  suffix: string;
  /** The environment variable that gives the functions the table's name. */
  env: string;
  /** Kept when the stack is deleted or the table replaced (DeletionPolicy Retain): the players' state. */
  retain: boolean;
  attributes: Record<string, AttributeType>;
  partitionKey: string;
  sortKey: string | null;
  indexes: IndexDeclaration[];
  ttlAttribute: string | null;
  /** The IAM actions each kind of use needs on the table (and its indexes). */
  access: Record<Use, string[]>;
}

export const TABLES = declarations as Record<TableKey, TableDeclaration>;
export const TABLE_KEYS = Object.keys(TABLES) as TableKey[];

export type TableNames = Record<TableKey, string>;

/** `${service}-${stage}-${suffix}`: what serverless.yml deploys, and what the local stage uses. */
export const tableNames = (prefix: string): TableNames =>
  Object.fromEntries(TABLE_KEYS.map((key) => [key, `${prefix}-${TABLES[key].suffix}`])) as TableNames;

/** The service and stage `serverless offline start` runs as (serverless.yml `service`, default stage). */
export const LOCAL_TABLE_PREFIX = 'casino-events-local';
