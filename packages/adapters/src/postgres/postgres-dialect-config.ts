/**
 * Options of the PostgreSQL store, checked once.
 *
 * @module
 */
import type pg from 'pg';
import { invalidOption, positiveOption } from '../sql/options.js';
import type { SqlErrorContext } from '../sql/sql-store.js';

/** Where a failure reported to {@link PostgresStoreOptions.onError} happened (see {@link SqlErrorContext}). */
export type PostgresErrorContext = SqlErrorContext;

/** Options of `PostgresStore.open`. */
export interface PostgresStoreOptions {
  /** A `pg` Pool to use (not ended by `close()` unless `ownPool`). */
  pool?: pg.Pool;
  /** Or a connection string (`postgres://user@host:port/db`); the store then owns its pool. */
  connectionString?: string;
  /** When passing `pool`: end it in `close()` (default false). */
  ownPool?: boolean;
  /** Schema holding lotgraph's tables (default `lotgraph`); created if missing. `[a-z_][a-z0-9_]*`, ≤ 63. */
  schema?: string;
  /** Pool size when the store creates the pool (default 10). */
  max?: number;
  /** Keyset page size when the sdk does not give one (default 65 536). */
  defaultBatchSize?: number;
  /** Keep a packed copy of the genealogy for fast index loads (default true; see the SQLite adapter). */
  genealogyPack?: boolean;
  /** Rewrite the pack when a full stream finds at least this many rows outside it (default 50 000). */
  packThreshold?: number;
  /**
   * Send the statements of each transaction as server-side prepared statements (`PREPARE` once per
   * connection, then `EXECUTE`), so the server skips parsing and planning them again (default true). Turn
   * it off behind a pooler in transaction mode (PgBouncer `pool_mode = transaction`), where a connection's
   * prepared statements may be on another server session; without it the store turns them off by itself
   * the first time the server reports one missing (that command is retried).
   */
  preparedStatements?: boolean;
  /**
   * Told about failures that no caller is waiting for: an idle pooled connection or the LISTEN connection
   * dropped (server restart, `pg_terminate_backend`, network), each failed reconnect attempt of the LISTEN
   * connection, a `subscribe` callback that threw, a genealogy pack that could not be written (the pack is
   * a cache). Without it they are ignored — never an unhandled `error` event. It must not throw (a throw is
   * swallowed). Commands that hit a dropped connection fail with `STORE_UNAVAILABLE` instead (and the sdk
   * retries them by idempotency key).
   */
  onError?: (error: unknown, context: PostgresErrorContext) => void;
}

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

/** Check the options; returns the schema and pool size. */
export function postgresConfig(options: PostgresStoreOptions): {
  schema: string;
  max: number;
  prepare: boolean;
} {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', 'expected an object of PostgresStore options');
  const schema = options.schema ?? 'lotgraph';
  if (typeof schema !== 'string' || !SCHEMA_RE.test(schema))
    throw invalidOption('schema', 'expected [a-z_][a-z0-9_]* of at most 63 characters', schema);
  if (!options.pool && !options.connectionString)
    throw invalidOption('connectionString', 'give a connectionString or a pool');
  const max = positiveOption('max', options.max ?? 10);
  if (options.onError !== undefined && typeof options.onError !== 'function')
    throw invalidOption('onError', 'expected a function');
  const prepare = options.preparedStatements ?? true;
  if (typeof prepare !== 'boolean') throw invalidOption('preparedStatements', 'expected a boolean', prepare);
  return { schema, max, prepare };
}
