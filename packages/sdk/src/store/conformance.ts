import { afterEach, beforeEach, describe } from 'vitest';
import { sdkScenarios } from './conformance-sdk.js';
import { sdkSerialScenarios } from './conformance-sdk-serials.js';
import type { ConformanceFactory, ConformanceOptions } from './conformance-types.js';
import type { AppendBatch } from './port.js';

export type { ConformanceFactory, ConformanceFixture, ConformanceOptions } from './conformance-types.js';

import { genealogyConformance } from './conformance-genealogy.js';
import type { SuiteState } from './conformance-kit.js';
import { ledgerConformance } from './conformance-ledger.js';
import { outboxConformance } from './conformance-outbox.js';
import { recordsConformance } from './conformance-records.js';
import { serialsConformance } from './conformance-serials.js';
import { stockConformance } from './conformance-stock.js';

export { makeTestEvent } from './conformance-kit.js';

/**
 * Run the Store conformance suite (vitest `describe`/`it`) against stores made by `factory`.
 * Every store — memory, SQLite, Postgres — must pass it unchanged.
 *
 * @example
 * ```ts
 * import { runStoreConformance } from '@lotgraph/sdk/testing';
 * runStoreConformance('sqlite', async () => {
 *   const store = await SqliteStore.open({ filename: ':memory:' });
 *   return { store, cleanup: () => store.close() };
 * });
 * ```
 */
export function runStoreConformance(
  name: string,
  factory: ConformanceFactory,
  options: ConformanceOptions = {},
): void {
  describe(`Store conformance: ${name}`, () => {
    const s = {} as SuiteState;
    beforeEach(async () => {
      s.fx = await factory();
      s.store = s.fx.store;
    });
    afterEach(async () => {
      await s.fx.cleanup?.();
    });
    ledgerConformance(s);
    stockConformance(s);
    genealogyConformance(s);
    recordsConformance(s);
    outboxConformance(s);
    serialsConformance(s);

    sdkScenarios(factory);
    sdkSerialScenarios(factory);
    if (options.extra) options.extra(factory);
  });
}

/** Re-exported for adapters' own tests. */
export type { AppendBatch };
