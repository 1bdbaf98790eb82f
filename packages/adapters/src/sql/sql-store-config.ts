/**
 * The options every SQL store shares (each entry point's own config extends them: see
 * `sqlite/sqlite-dialect-config.ts`).
 *
 * @module
 */
import type { SqlErrorContext } from './driver.js';

/** Options every SQL store shares. */
export interface SqlStoreOptions {
  /** Name for messages, e.g. `postgres:plant1`. */
  name: string;
  /** Rows per genealogy chunk (default 65 536). */
  defaultBatchSize?: number;
  /** Keep a packed copy of the genealogy for fast index loads (default true). */
  genealogyPack?: boolean;
  /** Rows outside the pack that make a stream rewrite it (default 50 000). */
  packThreshold?: number;
  /** Head polling interval of `subscribe` when the database has no change notification (default 200 ms). */
  pollIntervalMs?: number;
  /** Told about errors that have no caller to reject (a dropped idle connection, a failed pack write). */
  onError?: (error: unknown, context: SqlErrorContext) => void;
}
