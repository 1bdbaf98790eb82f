/**
 * `@lotgraph/sdk/testing`: the Store conformance suite every store runs (memory, SQLite, Postgres), and
 * helpers for adapters' own tests. Built on vitest's `describe` / `it` / `expect` (vitest is the caller's
 * dev dependency).
 *
 * @module
 */
export type { ConformanceFactory, ConformanceFixture, ConformanceOptions } from './store/conformance.js';
export { makeTestEvent, runStoreConformance } from './store/conformance.js';
