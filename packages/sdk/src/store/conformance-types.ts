/** The types of the Store conformance suite (a leaf: the suite and its sdk scenarios both import them). */
import type { StoredEvent } from '../ledger/events.js';
import type { Store } from './port.js';

/** What a conformance factory returns: a fresh, empty store and how to dispose of it. */
export interface ConformanceFixture {
  store: Store;
  /** Called after each test (close the store, delete the file / schema…). */
  cleanup?: () => Promise<void>;
  /**
   * Optional: alter a stored event row behind the store's back (to prove tamper detection). Adapters
   * implement it with a raw UPDATE; when absent, the tamper test is skipped.
   */
  tamper?: (seq: number, mutate: (event: StoredEvent) => void) => Promise<void>;
  /**
   * Optional: damage the stored rows behind the store's back — a payload that no longer parses, or the
   * newest event row deleted (its head row kept) — to prove `verifyLedger()` reports the exact seq.
   */
  corrupt?: (kind: 'payload-not-json' | 'delete-newest-event', seq?: number) => Promise<void>;
}

/** Creates a fresh, empty store for one test. */
export type ConformanceFactory = () => Promise<ConformanceFixture>;

/** Options of {@link runStoreConformance}. */
export interface ConformanceOptions {
  /** Extra suites to run with the same factory (the sdk adds end-to-end scenarios this way). */
  extra?: (factory: ConformanceFactory) => void;
}
