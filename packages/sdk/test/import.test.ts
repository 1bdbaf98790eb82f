// lg.import: bulk history in chunked transactions, resumable by idempotency key, with progress.
import { type BatchCommand, LotgraphError, MemoryStore } from '@lotgraph/sdk';
import { describe, expect, it } from 'vitest';
import { bakery, snapshotStore } from './helpers.js';

function* receipts(n: number, from = 0): Generator<BatchCommand> {
  for (let i = from; i < n; i++)
    yield {
      command: 'receive',
      input: {
        idempotencyKey: `GR-${i}`,
        lotId: `H-${i}`,
        productId: 'flour',
        locationId: 'WH',
        quantity: '1',
      },
    };
}

describe('lg.import', () => {
  it('appends an async source in chunks, reporting progress after each', async () => {
    const { lg, store } = await bakery();
    const before = (await store.head()).seq;
    async function* source() {
      yield* receipts(250);
    }
    const seen: number[] = [];
    const p = await lg.import(source(), { chunk: 100, onProgress: (x) => seen.push(x.commands) });
    expect(p).toEqual({ commands: 250, events: 250, replayed: 0, chunks: 3 });
    expect(seen).toEqual([100, 200, 250]);
    expect((await store.head()).seq).toBe(before + 250);
    expect((await lg.verifyLedger()).ok).toBe(true);
  });

  it('resumes after an interrupted run: committed commands are replayed, not appended twice', async () => {
    const { lg, store } = await bakery();
    function* crashing(): Generator<BatchCommand> {
      yield* receipts(130);
      throw new Error('the ERP export connection dropped');
    }
    await expect(lg.import(crashing(), { chunk: 50 })).rejects.toThrow(/connection dropped/);
    expect((await store.listLots()).filter((l) => l.id.startsWith('H-'))).toHaveLength(100); // 2 full chunks
    const p = await lg.import(receipts(200), { chunk: 50 });
    expect(p).toEqual({ commands: 200, events: 100, replayed: 100, chunks: 4 });
    expect((await store.listLots()).filter((l) => l.id.startsWith('H-'))).toHaveLength(200);
    expect((await lg.verifyLedger()).ok).toBe(true);
  });

  it('a failing command stops the import at its position in the source; earlier chunks stay committed', async () => {
    const { lg, store } = await bakery();
    const bad: BatchCommand[] = [...receipts(7)];
    bad.push({
      command: 'ship',
      input: {
        shipmentId: 'S',
        customerId: 'shop1',
        lines: [{ lotId: 'H-1', locationId: 'WH', quantity: '99' }],
      },
    });
    const e = await lg.import(bad, { chunk: 5 }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(LotgraphError);
    expect((e as LotgraphError).code).toBe('INSUFFICIENT_STOCK');
    expect((e as LotgraphError).details.batchIndex).toBe(7);
    expect((await store.listLots()).filter((l) => l.id.startsWith('H-'))).toHaveLength(5);
  });

  it('checks its arguments', async () => {
    const { lg } = await bakery();
    const store = new MemoryStore();
    const before = await snapshotStore(store);
    await expect(lg.import(5 as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'source' },
    });
    await expect(lg.import([], { chunk: 0 })).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(lg.import([], { chunks: 5 } as never)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await snapshotStore(store)).toEqual(before);
  });
});
