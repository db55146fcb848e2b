/**
 * Per-player state in DynamoDB with exactly-once effects (see README "Player state"). Every write
 * takes the input event's id and returns what happened; a redelivery returns the same outcome with
 * `replayed: true` and changes nothing.
 */
export { type Applied, EFFECT_RETENTION_SECONDS } from './apply-once';
export { createDocumentClient, createStateStore, type StateStore, stateStore } from './client';
export { parseStateConfig, type StateConfig, stateConfig } from './config';
export {
  addConnection,
  CONNECTION_RETENTION_SECONDS,
  type Connection,
  getConnection,
  listConnections,
  removeConnection,
} from './connections';
export { createTableInput, ensureTables } from './create-tables';
export { InvalidCursorError, isRetriableDynamoError, stateError } from './errors';
export {
  type AckResult,
  ackNotices,
  INBOX_RETENTION_SECONDS,
  type InboxNotice,
  listPendingNotices,
  type NoticePage,
  putInboxNotice,
} from './inbox';
export {
  addBattlePassXp,
  type Purchase,
  type PurchaseInput,
  recordPurchase,
  recordSlotSpin,
  type SpinInput,
  type SpinRecorded,
  type XpGain,
  type XpInput,
} from './progress';
export { getPlayer, LEDGER_PAGE_MAX, type LedgerPage, listLedger, type PlayerView } from './read';
export * from './rules';
export { TABLE_KEYS, TABLES, type TableKey, type TableNames, tableNames } from './tables';
export {
  creditTokens,
  type LedgerEntry,
  type LedgerKind,
  spendTokens,
  type TokenCredit,
  type TokenCreditInput,
  type TokenSpend,
  type TokenSpendInput,
} from './tokens';
