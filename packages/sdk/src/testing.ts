/**
 * `@lotgraph/sdk/testing`: the Store conformance suite every store runs (memory, SQLite, Postgres), and
 * helpers for adapters' own tests. Built on vitest's `describe` / `it` / `expect` (vitest is the caller's
 * dev dependency).
 *
 * @module
 */

export { type TraceVia, traceBackward, traceForward } from './genealogy/trace.js';
/**
 * @internal For benchmarks and equivalence tests only: a full trace assembled from the index's trace
 * catalogue (`'catalogue'`, what `lg.trace` does) or from store reads (`'store'`, the reference), and the
 * catalogue itself. Not a stable API.
 */
export { TraceCatalogue } from './genealogy/trace-catalogue.js';
export type { ConformanceFactory, ConformanceFixture, ConformanceOptions } from './store/conformance.js';
export { makeTestEvent, runStoreConformance } from './store/conformance.js';
