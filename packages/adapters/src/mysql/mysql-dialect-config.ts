/**
 * Options of the MariaDB/MySQL store, checked once.
 *
 * @module
 */
import type mysql from 'mysql2/promise';
import { checkOptionKeys, invalidOption, positiveOption } from '../sql/options.js';
import type { SqlErrorContext } from '../sql/sql-store.js';

/** Options of `MysqlStore.open`. */
export interface MysqlStoreOptions {
  /** A mysql2/promise pool to use (created with `multipleStatements: true`, `supportBigNumbers: true`, `bigNumberStrings: true`); not ended by `close()` unless `ownPool`. */
  pool?: mysql.Pool;
  /** Or a connection URI (`mysql://root@127.0.0.1:3306/test`); the store then owns its pool. The database must exist. */
  uri?: string;
  /** When passing `pool`: end it in `close()` (default false). */
  ownPool?: boolean;
  /** Pool size when the store creates the pool (default 10). */
  max?: number;
  /** Keyset page size when the sdk does not give one (default 65 536). */
  defaultBatchSize?: number;
  /** Keep a packed copy of the genealogy for fast index loads (default true). */
  genealogyPack?: boolean;
  /** Rewrite the pack when a full stream finds at least this many rows outside it (default 50 000). */
  packThreshold?: number;
  /** How often `subscribe` polls the head for other processes' appends, in ms (default 200). */
  pollIntervalMs?: number;
  /** Told about failures no caller is waiting for (a failed pack write, a subscriber that threw, a failed poll). */
  onError?: (error: unknown, context: SqlErrorContext) => void;
}

const KNOWN = new Set([
  'pool',
  'uri',
  'ownPool',
  'max',
  'defaultBatchSize',
  'genealogyPack',
  'packThreshold',
  'pollIntervalMs',
  'onError',
]);

/** Check the options; returns the pool size. */
export function mysqlConfig(options: MysqlStoreOptions): { max: number } {
  checkOptionKeys(options, KNOWN, 'MysqlStore');
  if (!options.pool && typeof options.uri !== 'string') throw invalidOption('uri', 'give a uri or a pool');
  const max = positiveOption('max', options.max ?? 10);
  if (options.onError !== undefined && typeof options.onError !== 'function')
    throw invalidOption('onError', 'expected a function');
  return { max };
}
