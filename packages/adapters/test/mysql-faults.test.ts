// A dropped MariaDB/MySQL connection must never kill the host process, lose an acknowledged command, or
// report a committed one as failed (the PostgreSQL cases of postgres-faults.test.ts, on the third dialect).
// The test kills only its own store's connections (their thread ids, from the pool's `connection` event).
// Waits are bounded loops on a condition, never timed assertions.
import { isLotgraphError, Lotgraph } from '@lotgraph/sdk';
import { makeTestEvent } from '@lotgraph/sdk/testing';
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

  it('an event larger than max_allowed_packet: a typed STORE_LIMIT before sending, nothing written, the store goes on', async () => {
    const { store, cleanup } = await openFreshMysql('packet');
    try {
      const [row] = (await store.pool.query('SELECT @@max_allowed_packet AS p')) as unknown as [
        { p: string }[],
      ];
      const limit = Number(row[0]?.p);
      const h = await store.head();
      const big = await makeTestEvent(h.seq + 1, h.hash, 'big', 'received', { note: 'x'.repeat(limit + 1) });
      const err = await store
        .append({ expectedSeq: h.seq, events: [big], changes: [] })
        .catch((e: unknown) => e);
      expect(isLotgraphError(err, 'STORE_LIMIT'), String(err)).toBe(true);
      expect((err as { details: { limit: number } }).details.limit).toBe(limit);
      expect(await store.head()).toEqual(h);
      expect(await store.findEventByIdempotencyKey('big')).toBeUndefined();
      const ok = await makeTestEvent(h.seq + 1, h.hash, 'small');
      expect((await store.append({ expectedSeq: h.seq, events: [ok], changes: [] })).seq).toBe(h.seq + 1);
    } finally {
      await cleanup();
    }
  });
});
