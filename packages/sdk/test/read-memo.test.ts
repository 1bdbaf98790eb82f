// Point reads memoised per decide-and-append attempt (for stores with memoiseReads, e.g. PostgreSQL):
// counted, not timed. Correctness: a batch still sees its own earlier commands (the overlay), and a
// caller mutating what it got back cannot change what the next caller reads.
import { type BatchCommand, Lotgraph, MemoryStore, type Store } from '@lotgraph/sdk';
import { describe, expect, it } from 'vitest';
import { testClock } from './helpers.js';

function counted(store: MemoryStore, memoise: boolean, prefetch = false) {
  const calls = new Map<string, number>();
  const proxy = new Proxy(store, {
    get(target, prop) {
      if (prop === 'memoiseReads') return memoise;
      // The memo alone (a store without prefetch), unless the test asks for the prefetch path.
      if (prop === 'prefetch' && !prefetch) return undefined;
      const v = Reflect.get(target, prop, target) as unknown;
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        return (v as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  }) as unknown as Store;
  return { store: proxy, calls };
}

async function run(memoise: boolean, prefetch = false) {
  const { store, calls } = counted(new MemoryStore(), memoise, prefetch);
  const lg = await Lotgraph.open({ store, clock: testClock() });
  await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
  await lg.defineLocation({ id: 'WH', site: 'plant' });
  calls.clear();
  const cmds: BatchCommand[] = Array.from({ length: 50 }, (_, i) => ({
    command: 'receive',
    input: { lotId: `L${i}`, productId: 'flour', locationId: 'WH', quantity: '1' },
  }));
  await lg.batch(cmds);
  return { lg, store, calls };
}

describe('memoised point reads', () => {
  it('a batch of 50 receipts reads the product and the location once each from the store', async () => {
    const plain = await run(false);
    const memo = await run(true);
    expect(plain.calls.get('getProduct')).toBeGreaterThanOrEqual(50);
    expect(memo.calls.get('getProduct')).toBe(1);
    expect(memo.calls.get('getLocation')).toBe(1);
    // Same ledger content either way (keys are random, so compare what was projected).
    expect(await memo.store.listStock()).toEqual(await plain.store.listStock());
  });

  it('with prefetch: one prefetch per batch, master data from the instance cache (no product reads)', async () => {
    const pre = await run(false, true);
    expect(pre.calls.get('prefetch')).toBe(1);
    expect(pre.calls.get('getProduct') ?? 0).toBe(0);
    expect(pre.calls.get('getLocation') ?? 0).toBe(0);
    expect(pre.calls.get('getLot') ?? 0).toBe(0);
    const plain = await run(false);
    expect(await pre.store.listStock()).toEqual(await plain.store.listStock());
  });

  it('a batch still sees its own earlier commands, and returned copies stay independent', async () => {
    const { store } = counted(new MemoryStore(), true);
    const lg = await Lotgraph.open({ store, clock: testClock() });
    await lg.defineLocation({ id: 'WH', site: 'plant' });
    await lg
      .batch([
        { command: 'defineProduct', input: { id: 'salt', name: 'Salt', unit: 'kg', decimals: 0 } },
        { command: 'receive', input: { lotId: 'S1', productId: 'salt', locationId: 'WH', quantity: '2' } },
        { command: 'defineProduct', input: { id: 'salt', name: 'Sea salt', unit: 'kg', decimals: 0 } },
        { command: 'receive', input: { lotId: 'S2', productId: 'salt', locationId: 'WH', quantity: '3' } },
        { command: 'move', input: { lotId: 'S1', fromLocationId: 'WH', toLocationId: 'WH2', quantity: '1' } },
      ])
      .catch((e) => e);
    // The move to an undefined location failed the whole batch: nothing was stored.
    expect(await store.getProduct('salt')).toBeUndefined();
    await lg.defineLocation({ id: 'WH2', site: 'plant' });
    await lg.batch([
      { command: 'defineProduct', input: { id: 'salt', name: 'Salt', unit: 'kg', decimals: 0 } },
      { command: 'receive', input: { lotId: 'S1', productId: 'salt', locationId: 'WH', quantity: '2' } },
      { command: 'move', input: { lotId: 'S1', fromLocationId: 'WH', toLocationId: 'WH2', quantity: '1' } },
      { command: 'move', input: { lotId: 'S1', fromLocationId: 'WH', toLocationId: 'WH2', quantity: '1' } },
    ]);
    expect(await store.getStock('S1', 'WH2')).toBe(2n);
    expect(await store.getStock('S1', 'WH')).toBe(0n);
    expect((await lg.verifyLedger()).ok).toBe(true);
  });
});
