import { type LotgraphError, MemoryStore } from '@lotgraph/sdk';
import { describe, expect, it } from 'vitest';
import { bakery, snapshotStore } from './helpers.js';

describe('receive from a GS1 scan (real @lotgraph/gs1 parser)', () => {
  it('takes GTIN, batch, expiry and net weight from a bracketed element string', async () => {
    const { lg, store } = await bakery(new MemoryStore());
    const e = await lg.receive({
      scan: '(01)09506000134352(10)ABC123(17)261231(3103)012500',
      supplierId: 'mill',
      locationId: 'WH',
    });
    expect(e.payload).toMatchObject({
      newLot: true,
      quantity: '12.500',
      lot: { id: 'ABC123', productId: 'flour', supplierLotNumber: 'ABC123', expiry: '2026-12-31' },
    });
    expect(await store.getStock('ABC123', 'WH')).toBe(12_500n);
  });

  it('reads a raw scan with FNC1 separators and a GS1 Digital Link URI', async () => {
    const { lg, store } = await bakery(new MemoryStore());
    await lg.receive({
      scan: ']C10109506000134352172611303103001000\u001d10LOT-7',
      locationId: 'WH',
      lotId: 'IN-7',
    });
    expect(await store.getLot('IN-7')).toMatchObject({ supplierLotNumber: 'LOT-7', expiry: '2026-11-30' });
    expect(await store.getStock('IN-7', 'WH')).toBe(1_000n);
    await lg.receive({
      scan: 'https://id.gs1.org/01/09506000134352/10/DL-1?17=270131&3103=025000',
      locationId: 'WH',
    });
    expect(await store.getLot('DL-1')).toMatchObject({ productId: 'flour', expiry: '2027-01-31' });
    expect(await store.getStock('DL-1', 'WH')).toBe(25_000n);
  });

  it('rejects an invalid barcode with GS1_INVALID carrying every diagnostic, storing nothing', async () => {
    const { lg, store } = await bakery(new MemoryStore());
    const before = await snapshotStore(store);
    const err = (await lg
      .receive({ scan: '(01)09506000134353(10)X(17)261332', locationId: 'WH' })
      .catch((e) => e)) as LotgraphError;
    expect(err.code).toBe('GS1_INVALID');
    expect(err.details.field).toBe('scan');
    expect((err.details.diagnostics as unknown[]).length).toBeGreaterThanOrEqual(2);
    expect(await snapshotStore(store)).toEqual(before);
  });

  it('rejects mismatches with the product master or the given fields (GS1_MISMATCH)', async () => {
    const { lg, store } = await bakery(new MemoryStore());
    const before = await snapshotStore(store);
    const scan = '(01)09506000134352(10)ABC123(17)261231(3103)012500';
    await expect(lg.receive({ scan, productId: 'salt', locationId: 'WH' })).rejects.toMatchObject({
      code: 'GS1_MISMATCH',
      details: { field: 'productId' },
    });
    await expect(lg.receive({ scan, quantity: '12.4', locationId: 'WH' })).rejects.toMatchObject({
      code: 'GS1_MISMATCH',
      details: { field: 'quantity' },
    });
    await expect(lg.receive({ scan, expiry: '2026-12-30', locationId: 'WH' })).rejects.toMatchObject({
      code: 'GS1_MISMATCH',
      details: { field: 'expiry' },
    });
    await expect(
      lg.receive({ scan: '(01)04012345000009(10)Z(3103)001000', locationId: 'WH' }),
    ).rejects.toMatchObject({ code: 'PRODUCT_NOT_FOUND', details: { field: 'scan' } });
    expect(await snapshotStore(store)).toEqual(before);
    // agreeing fields are fine
    await lg.receive({
      scan,
      productId: 'flour',
      quantity: '0.5',
      unit: 'bag',
      expiry: '2026-12-31',
      locationId: 'WH',
    });
  });
});
