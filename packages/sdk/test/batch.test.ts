import { type LotgraphError, MemoryStore, type Store } from '@lotgraph/sdk';
import { describe, expect, it } from 'vitest';
import { bakery, snapshotStore } from './helpers.js';

function countAppends(store: Store): { n: number } {
  const counter = { n: 0 };
  const orig = store.append.bind(store);
  store.append = (b) => {
    counter.n++;
    return orig(b);
  };
  return counter;
}

describe('batch', () => {
  it('runs dependent commands as one append; later commands see earlier ones', async () => {
    const { lg, store } = await bakery(new MemoryStore());
    const appends = countAppends(store);
    const head = await store.head();
    const events = await lg.batch([
      {
        command: 'receive',
        input: { lotId: 'F1', productId: 'flour', supplierId: 'mill', locationId: 'WH', quantity: '100' },
      },
      {
        command: 'produce',
        input: {
          orderId: 'PO1',
          inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '60' }],
          outputs: [{ lotId: 'B1', productId: 'bread', locationId: 'WH', quantity: '100' }],
        },
      },
      {
        command: 'ship',
        input: { shipmentId: 'SH1', customerId: 'shop1', lines: [{ productId: 'bread', quantity: '30' }] },
      },
      {
        command: 'ship',
        input: {
          shipmentId: 'SH2',
          customerId: 'shop2',
          lines: [{ lotId: 'B1', locationId: 'WH', quantity: '70' }],
        },
      },
      {
        command: 'return',
        input: { returnId: 'R1', customerId: 'shop2', lotId: 'B1', locationId: 'QUAR', quantity: '5' },
      },
      { command: 'hold', input: { holdId: 'H1', lotId: 'B1', reasonCode: 'QC' } },
    ]);
    expect(appends.n).toBe(1);
    expect(events.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6].map((i) => head.seq + i));
    expect(await store.getStock('B1', 'WH')).toBe(0n);
    expect(await store.getStock('B1', 'QUAR')).toBe(5n);
    const f = await lg.trace.forward('F1');
    expect(f.customers.map((c) => [c.customerId, c.quantities[0]?.quantity])).toEqual([
      ['shop1', '30'],
      ['shop2', '70'],
    ]);
    expect((await lg.verifyLedger()).ok).toBe(true);
    const target = new MemoryStore();
    await lg.rebuildProjections(target);
    expect(await snapshotStore(target)).toEqual(await snapshotStore(store));
    // a fresh instance loads the same genealogy from the store
    const { Lotgraph } = await import('@lotgraph/sdk');
    const other = await Lotgraph.open({ store });
    expect(await other.trace.forward('F1')).toEqual(f);
  });

  it('is all or nothing: a failing command stores nothing and names its index', async () => {
    const { lg, store } = await bakery(new MemoryStore());
    const before = await snapshotStore(store);
    const err = (await lg
      .batch([
        { command: 'receive', input: { lotId: 'F1', productId: 'flour', locationId: 'WH', quantity: '10' } },
        {
          command: 'move',
          input: { lotId: 'F1', fromLocationId: 'WH', toLocationId: 'LINE', quantity: '10.001' },
        },
      ])
      .catch((e) => e)) as LotgraphError;
    expect(err.code).toBe('INSUFFICIENT_STOCK');
    expect(err.details.batchIndex).toBe(1);
    expect(err.details.field).toBe('quantity');
    const bad = (await lg
      .batch([
        { command: 'receive', input: { lotId: 'F1', productId: 'flour', locationId: 'WH', quantity: '10' } },
        { command: 'receive', input: { lotId: 'F2', productId: 'flour', locationId: 'WH', quantity: 'ten' } },
      ])
      .catch((e) => e)) as LotgraphError;
    expect(bad.code).toBe('VALIDATION_FAILED');
    expect(bad.details.batchIndex).toBe(1);
    expect(await snapshotStore(store)).toEqual(before);
  });

  it('is idempotent per command key, inside the batch and against the store', async () => {
    const { lg, store } = await bakery(new MemoryStore());
    const r = { lotId: 'F1', productId: 'flour', locationId: 'WH', quantity: '10', idempotencyKey: 'rcv-1' };
    const first = await lg.receive(r);
    const head = await store.head();
    const out = await lg.batch([
      { command: 'receive', input: r },
      { command: 'receive', input: { ...r, lotId: 'F2', idempotencyKey: 'rcv-2' } },
      { command: 'receive', input: { ...r, lotId: 'F2', idempotencyKey: 'rcv-2' } },
    ]);
    expect(out[0]).toEqual(first);
    expect(out[2]).toEqual(out[1]);
    expect((await store.head()).seq).toBe(head.seq + 1);
    await expect(lg.batch([{ command: 'receive', input: { ...r, quantity: '11' } }])).rejects.toMatchObject({
      code: 'IDEMPOTENCY_MISMATCH',
    });
    expect(await lg.batch([{ command: 'receive', input: r }])).toEqual([first]);
  });
});
