// The genealogy pack of the PostgreSQL store: the same steps and property as the SQLite pack tests
// (test/pack-helpers.ts), each run in a fresh schema of the real server.
import { PostgresStore } from '@lotgraph/adapters/postgres';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { packSteps, packThreshold, runPackSteps, SEED_1851919563 } from './pack-helpers.js';
import { freshSchema, PG_URL, postgresAvailable } from './pg-helpers.js';

const pgUp = await postgresAvailable();

const open = (threshold: number) =>
  PostgresStore.open({
    connectionString: PG_URL,
    schema: freshSchema('pack'),
    max: 2,
    packThreshold: threshold,
  });

describe.skipIf(!pgUp)('PostgreSQL genealogy pack', () => {
  it('a stream asked past the head never writes a pack that claims rows not yet committed (regression, seed -1851919563)', async () => {
    const store = await open(SEED_1851919563.threshold);
    try {
      const all = await runPackSteps(store, SEED_1851919563.steps);
      expect(all.edges).toEqual([0, 0, 3]);
      const { rows } = await store.pool.query(
        `SELECT upto_seq::int AS upto, node_count::int AS n, edge_count::int AS m FROM "${store.schema}".genealogy_pack`,
      );
      expect(rows).toEqual([{ upto: 3, n: 1, m: 1 }]);
    } finally {
      await store.dropSchema();
    }
  });

  it('streams exactly what the memory store streams, whatever the pack holds (property)', async () => {
    // Random on every run (fewer runs than SQLite: each makes a schema); a failure prints its seed and path.
    await fc.assert(
      fc.asyncProperty(packSteps, packThreshold, async (steps, threshold) => {
        const store = await open(threshold);
        try {
          await runPackSteps(store, steps);
        } finally {
          await store.dropSchema();
        }
      }),
      { numRuns: 15 },
    );
  });
});
