/**
 * Options of the SQLite store, checked once.
 *
 * @module
 */
import type Database from 'better-sqlite3';
import { checkOptionKeys, invalidOption } from '../sql/options.js';
import type { SqlStoreOptions } from '../sql/sql-store.js';

/** The better-sqlite3 connection type. */
export type SqliteDatabase = Database.Database;

/** Options of `SqliteStore.open`. */
export interface SqliteStoreOptions {
  /** Database file path, or `:memory:` (the default) for a private in-memory database. */
  filename?: string;
  /** Use this already open better-sqlite3 connection instead of opening `filename` (not closed by `close()` unless `ownConnection`). */
  database?: SqliteDatabase;
  /** When passing `database`: close it in `close()` (default false). */
  ownConnection?: boolean;
  /**
   * `synchronous` pragma: `FULL` (default: every acknowledged append survives power loss) or `NORMAL`
   * (WAL: survives a process crash, may lose the last transactions on power loss; faster bulk ingest).
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a writer waits for another connection's lock before failing, in ms (default 10 000). */
  busyTimeoutMs?: number;
  /** Keyset page size used when the sdk does not give one (default 65 536). */
  defaultBatchSize?: number;
  /**
   * Keep a packed copy of the genealogy (typed arrays in one row) so that opening a large file streams a
   * few blobs instead of millions of rows (default true). Rewritten when a full stream finds at least
   * `packThreshold` rows outside the pack (default 50 000).
   */
  genealogyPack?: boolean;
  packThreshold?: number;
  /** Head polling interval of `subscribe` (other processes' appends), in ms (default 200). */
  pollIntervalMs?: number;
  /** Told about errors that have no caller to reject (a failed pack write, a subscriber that threw). */
  onError?: SqlStoreOptions['onError'];
}

const KNOWN = new Set([
  'filename',
  'database',
  'ownConnection',
  'synchronous',
  'busyTimeoutMs',
  'defaultBatchSize',
  'genealogyPack',
  'packThreshold',
  'pollIntervalMs',
  'onError',
]);

/** Check the options; returns the resolved pragmas. */
export function sqliteConfig(options: SqliteStoreOptions): {
  filename: string;
  synchronous: 'FULL' | 'NORMAL';
  busyTimeoutMs: number;
} {
  checkOptionKeys(options, KNOWN, 'SqliteStore');
  const filename = options.filename ?? ':memory:';
  if (options.database === undefined && typeof filename !== 'string')
    throw invalidOption('filename', 'expected a path or ":memory:"');
  const synchronous = options.synchronous ?? 'FULL';
  if (synchronous !== 'FULL' && synchronous !== 'NORMAL')
    throw invalidOption(
      'synchronous',
      `expected "FULL" or "NORMAL", got ${String(synchronous)}`,
      synchronous,
    );
  const busyTimeoutMs = options.busyTimeoutMs ?? 10_000;
  if (!Number.isInteger(busyTimeoutMs) || busyTimeoutMs < 0)
    throw invalidOption('busyTimeoutMs', 'expected a non-negative integer', busyTimeoutMs);
  if (options.onError !== undefined && typeof options.onError !== 'function')
    throw invalidOption('onError', 'expected a function');
  return { filename, synchronous, busyTimeoutMs };
}
