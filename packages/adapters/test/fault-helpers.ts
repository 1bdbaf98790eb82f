// Shared by the connection-fault tests of the network stores (postgres-faults, mysql-faults): bounded waits
// and the "connections killed again and again mid-ingest" storm with its checks.
import { isLotgraphError, type Lotgraph, type Store } from '@lotgraph/sdk';
import { expect } from 'vitest';

/** Poll `cond` every 20 ms, at most `tries` times (a bounded wait, not a timing assertion). */
export async function until(cond: () => boolean | Promise<boolean>, tries = 500): Promise<boolean> {
  for (let i = 0; i < tries; i++) {
    if (await cond()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return false;
}

/**
 * 40 receipts while `kill()` (returns how many connections it killed) runs at random moments — mid-command:
 * mid-transaction, mid-read, during COMMIT — and, so that some always happen whatever the timing, between
 * commands every 8th one. Then: a failure is only ever a typed STORE_UNAVAILABLE (the runner retried for a
 * while first), every acknowledged command is stored exactly once, seqs have no gap, the ledger verifies
 * and the store works again. `lg` is open on `store` with products `flour` and location `WH` defined.
 */
export async function ingestUnderKills(
  lg: Lotgraph,
  store: Store,
  kill: () => Promise<number>,
): Promise<void> {
  let stop = false;
  let kills = 0;
  const killer = (async () => {
    for (let round = 0; !stop && round < 60; round++) {
      await new Promise((r) => setTimeout(r, 15 + Math.random() * 30));
      kills += await kill();
    }
  })();
  const acked: string[] = [];
  const failures: unknown[] = [];
  for (let i = 0; i < 40; i++) {
    if (i % 8 === 4) kills += await kill();
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
  // Each acknowledged command exactly once (a retry after an in-doubt COMMIT never ran it twice).
  const keys = events.map((e) => e.idempotencyKey);
  expect(new Set(keys).size).toBe(keys.length);
  expect((await lg.verifyLedger()).ok).toBe(true);
}
