import * as z from 'zod';
import { FunctionArg, StoreArg } from './domain/args.js';
import { Id } from './domain/schemas.js';
import type { LoadProgress } from './genealogy/genealogy-index.js';
import type { StoredEvent } from './ledger/events.js';
import type { Store } from './store/port.js';

/** Options of {@link Lotgraph.open}. */
export interface LotgraphOptions {
  /** Where the ledger and projections live (e.g. `new MemoryStore()`, or a SQLite store). */
  store: Store;
  /** Source of "now" for `recordTime` (and `eventTime` when the caller gives none). Default: the system clock. */
  clock?: () => Date | string;
  /** Default actor for events whose command names none. Default `"system"`. */
  actor?: string;
  /** Called while the genealogy index loads from the store. */
  onProgress?: (progress: LoadProgress) => void;
  /**
   * Keep the genealogy index current with other processes' writes as they commit, when the store can
   * notify (`store.subscribe`, e.g. PostgreSQL). Without it (or with a store that cannot notify) the index
   * still catches up by seq before every command and query. Default false.
   */
  follow?: boolean;
  /**
   * Told about failures that happen after a command committed and must not fail it: a subscriber that
   * throws, a store read that fails while events are emitted, a failed background sync. Default: ignored
   * (the command still resolves with its committed event).
   */
  onError?: (error: unknown, context: LotgraphErrorContext) => void;
}

/** Where a failure reported to {@link LotgraphOptions.onError} happened. */
export interface LotgraphErrorContext {
  /** `subscriber`: an `lg.on` handler threw; `emit`: reading events to emit failed; `follow`: a background sync failed. */
  source: 'subscriber' | 'emit' | 'follow';
  /** The event being delivered, for `subscriber`. */
  event?: StoredEvent;
}

export const OpenOptions = z.strictObject({
  store: StoreArg,
  clock: FunctionArg.optional(),
  actor: Id.optional(),
  onProgress: FunctionArg.optional(),
  follow: z.boolean().optional(),
  onError: FunctionArg.optional(),
});
