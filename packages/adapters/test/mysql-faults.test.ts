// A dropped MariaDB/MySQL connection must never kill the host process, lose an acknowledged command, or
// report a committed one as failed (the PostgreSQL cases of postgres-faults.test.ts, on the third dialect).
// The test kills only its own store's connections (their thread ids, from the pool's `connection` event).
// Waits are bounded loops on a condition, never timed assertions.
import { isLotgraphError, Lotgraph } from '@lotgraph/sdk';
import mysql from 'mysql2/promise';
import { afterAll, describe, expect, it } from 'vitest';
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

/** Poll `cond` every 20 ms, at most `tries` times (a bounded wait, not a timing assertion). */
async function until(cond: () => boolean | Promise<boolean>, tries = 500): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
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
      let stop = false;
      let kills = 0;
      // Kills at random moments (mid-transaction, mid-read, during COMMIT) …
      const killer = (async () => {
        for (let round = 0; !stop && round < 60; round++) {
          await new Promise((r) => setTimeout(r, 15 + Math.random() * 30));
          kills += await kill([...threads]);
          threads.clear();
        }
      })();
      const acked: string[] = [];
      const failures: unknown[] = [];
      for (let i = 0; i < 40; i++) {
        // … and, so that some always happen whatever the timing, between commands every 8th one.
        if (i % 8 === 4) {
          kills += await kill([...threads]);
          threads.clear();
        }
        const key = `ingest-${i}`;
        try {
          await lg.receive({
            idempotencyKey: key,
            lotId: `L${i}`,
            productId: 'flour',
            locationId: 'WH',
            quantity: '1',
          });
          acked.push(key);
        } catch (e) {
          failures.push(e);
        }
      }
      stop = true;
      await killer;
      expect(kills).toBeGreaterThan(0);
      for (const f of failures) expect(isLotgraphError(f, 'STORE_UNAVAILABLE'), String(f)).toBe(true);
      const after = await lg.receive({ lotId: 'AFTER', productId: 'flour', locationId: 'WH', quantity: '1' });
      expect(after.seq).toBe((await store.head()).seq);
      for (const key of acked) expect(await store.findEventByIdempotencyKey(key)).toBeDefined();
      const events = await store.readEvents(1);
      expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
      const keys = events.map((e) => e.idempotencyKey);
      expect(new Set(keys).size).toBe(keys.length);
      expect((await lg.verifyLedger()).ok).toBe(true);
      expect(await until(async () => (await store.head()).seq === after.seq)).toBe(true);
    } finally {
      await lg.close();
      await cleanup();
    }
  });
});
