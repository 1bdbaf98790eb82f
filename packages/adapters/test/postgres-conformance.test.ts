import { PostgresStore } from '@lotgraph/adapters/postgres';
import { runStoreConformance } from '@lotgraph/sdk/testing';
import { describe, it } from 'vitest';
import { freshSchema, PG_URL, postgresAvailable } from './pg-helpers.js';

const available = await postgresAvailable();

if (!available) {
  describe.skip('Store conformance: postgres (server not reachable)', () => {
    it('skipped', () => {});
  });
} else {
  for (const [label, threshold] of [
    ['postgres', 50_000],
    ['postgres (genealogy pack after every stream)', 1],
  ] as const) {
    runStoreConformance(label, async () => {
      const store = await PostgresStore.open({
        connectionString: PG_URL,
        schema: freshSchema('conf'),
        max: 4,
        packThreshold: threshold,
      });
      return {
        store,
        cleanup: () => store.dropSchema(),
        tamper: (seq, mutate) => store.tamperForTesting(seq, mutate),
        corrupt: (kind, seq) => store.corruptForTesting(kind, seq),
      };
    });
  }
}
