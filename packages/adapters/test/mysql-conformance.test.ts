import { runStoreConformance } from '@lotgraph/sdk/testing';
import { describe, it } from 'vitest';
import { mysqlAvailable, openFreshMysql } from './mysql-helpers.js';

const available = await mysqlAvailable();

if (!available) {
  describe.skip('Store conformance: mysql (server not reachable)', () => {
    it('skipped', () => {});
  });
} else {
  for (const [label, threshold] of [
    ['mysql', 50_000],
    ['mysql (genealogy pack after every stream)', 1],
  ] as const) {
    runStoreConformance(label, async () => {
      const { store, cleanup } = await openFreshMysql('conf', { packThreshold: threshold });
      return {
        store,
        cleanup,
        tamper: (seq, mutate) => store.tamperForTesting(seq, mutate),
        corrupt: (kind, seq) => store.corruptForTesting(kind, seq),
      };
    });
  }
}
