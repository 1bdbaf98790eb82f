// A dropped MariaDB/MySQL connection must never kill the host process, lose an acknowledged command, or
// report a committed one as failed (the PostgreSQL cases of postgres-faults.test.ts, on the third dialect).
// The test kills only its own store's connections (their thread ids, from the pool's `connection` event).
// Waits are bounded loops on a condition, never timed assertions.
import { Lotgraph } from '@lotgraph/sdk';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
import { ingestUnderKills } from './fault-helpers.js';
import { MYSQL_URL, mysqlAvailable, openFreshMysql } from './mysql-helpers.js';

const up = await mysqlAvailable();
const admin = up ? await mysql.createConnection({ uri: MYSQL_URL }) : undefined;
afterAll(async () => {
  await admin?.end();
});

/** Kill these server threads (those still there); returns how many. */
async function kill(threads: Iterable<number>): Promise<number> {
  let n = 0;
  for (const id of threads) {
    try {
      await admin!.query(`KILL CONNECTION ${Number(id)}`);
      n++;
    } catch {
      // already gone
    }
  }
  return n;
}

describe.skipIf(!up)('MariaDB/MySQL connection faults', () => {
  it('connections killed again and again mid-ingest: nothing acknowledged lost, failures typed, ledger intact', async () => {
    const { store, cleanup } = await openFreshMysql('faults');
    const threads = new Set<number>();
    const track = (c: { threadId: number | null }) => {
      if (c.threadId !== null) threads.add(c.threadId);
    };
    // Connections opened from now on (the pool keeps those of the migration; kill() skips gone ones).
    store.pool.pool.on('connection', track);
    const first = await store.pool.getConnection();
    track(first.connection);
    first.release();
    const lg = await Lotgraph.open({ store, onError: () => undefined });
    try {
      await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
      await lg.defineLocation({ id: 'WH', site: 'plant' });
      await ingestUnderKills(lg, store, async () => {
        const n = await kill([...threads]);
        threads.clear();
        return n;
      });
    } finally {
      await lg.close();
      await cleanup();
    }
  });
});
