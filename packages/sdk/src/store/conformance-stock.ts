import { beforeEach, describe, expect, it } from 'vitest';
import { bindSuite, expectCode, lot, makeTestEvent, product, type SuiteState } from './conformance-kit.js';
import type { Store } from './port.js';

/** Store conformance: lots and stock. */
export function stockConformance(s: SuiteState): void {
  let store: Store;
  beforeEach(() => {
    store = s.store;
  });
  const { put, snapshot } = bindSuite(() => store);

  describe('lots and stock', () => {
    it('stores lots with supplier lot numbers and dates, and filters them', async () => {
      const l1 = lot('L1', 'P1', 1, {
        supplierId: 'S1',
        supplierLotNumber: 'SUP-9',
        expiry: '2026-12-31',
        bestBefore: '2026-11-30',
        productionDate: '2026-01-02',
        originCountry: 'FR',
        certifications: ['organic'],
        attributes: { brix: '12.5' },
      });
      await put([
        { type: 'putLot', lot: l1 },
        { type: 'putLot', lot: lot('L2', 'P1', 1, { supplierId: 'S2' }) },
        { type: 'putLot', lot: lot('L3', 'P2', 1, { origin: 'produced' }) },
      ]);
      expect(await store.getLot('L1')).toEqual(l1);
      expect((await store.listLots()).map((l) => l.id)).toEqual(['L1', 'L2', 'L3']);
      expect((await store.listLots({ productId: 'P1' })).map((l) => l.id)).toEqual(['L1', 'L2']);
      expect(
        (await store.listLots({ supplierId: 'S1', supplierLotNumber: 'SUP-9' })).map((l) => l.id),
      ).toEqual(['L1']);
      expect(await store.listLots({ supplierLotNumber: 'none' })).toEqual([]);
      expect(await store.getLot('nope')).toBeUndefined();
      expect((await store.getLots(['L3', 'nope', 'L1', 'L1'])).map((l) => l.id)).toEqual(['L1', 'L3']);
      expect(await store.getLots([])).toEqual([]);
    });

    it('applies stock deltas exactly, including values beyond 2^53', async () => {
      const big = 2n ** 60n + 7n;
      await put([
        { type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: 12_500n },
        { type: 'stockDelta', lotId: 'L1', locationId: 'W2', productId: 'P1', delta: big },
        { type: 'stockDelta', lotId: 'L2', locationId: 'W1', productId: 'P2', delta: 1n },
      ]);
      await put([{ type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: -2_500n }]);
      expect(await store.getStock('L1', 'W1')).toBe(10_000n);
      expect(await store.getStock('L1', 'W2')).toBe(big);
      expect(await store.getStock('L9', 'W1')).toBe(0n);
      expect(await store.listStock()).toEqual([
        { lotId: 'L1', locationId: 'W1', productId: 'P1', quantity: 10_000n },
        { lotId: 'L1', locationId: 'W2', productId: 'P1', quantity: big },
        { lotId: 'L2', locationId: 'W1', productId: 'P2', quantity: 1n },
      ]);
      expect((await store.listStock({ productId: 'P1', locationId: 'W2' })).map((s) => s.quantity)).toEqual([
        big,
      ]);
      expect((await store.listStock({ lotId: 'L2' })).map((s) => s.locationId)).toEqual(['W1']);
      await put([{ type: 'stockDelta', lotId: 'L2', locationId: 'W1', productId: 'P2', delta: -1n }]);
      expect(await store.listStock({ lotId: 'L2' })).toEqual([]);
    });

    it('lists the stock of many lots at once, as listStock lot by lot (optional read)', async () => {
      if (!store.listStockOfLots) return;
      const big = 2n ** 60n + 7n;
      await put([
        { type: 'stockDelta', lotId: 'L2', locationId: 'W2', productId: 'P1', delta: 5n },
        { type: 'stockDelta', lotId: 'L2', locationId: 'W1', productId: 'P1', delta: big },
        { type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P2', delta: 3n },
        { type: 'stockDelta', lotId: 'L3', locationId: 'W1', productId: 'P1', delta: 4n },
        { type: 'stockDelta', lotId: 'L10', locationId: 'W1', productId: 'P1', delta: 6n },
      ]);
      // A balance back to zero is not listed.
      await put([{ type: 'stockDelta', lotId: 'L3', locationId: 'W1', productId: 'P1', delta: -4n }]);
      const ids = ['L2', 'nope', 'L10', 'L3', 'L1', 'L2'];
      const oneByOne = (
        await Promise.all([...new Set(ids)].map((lotId) => store.listStock({ lotId })))
      ).flat();
      const expected = oneByOne.sort((a, b) =>
        a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : a.locationId < b.locationId ? -1 : 1,
      );
      expect(await store.listStockOfLots(ids)).toEqual(expected);
      expect((await store.listStockOfLots(ids)).map((s) => `${s.lotId}@${s.locationId}`)).toEqual([
        'L1@W1',
        'L10@W1',
        'L2@W1',
        'L2@W2',
      ]);
      expect(await store.listStockOfLots([])).toEqual([]);
      expect(await store.listStockOfLots(['nope'])).toEqual([]);
      // Tens of thousands of ids in one call.
      const many = Array.from({ length: 20_000 }, (_, i) => `X${i}`);
      expect((await store.listStockOfLots([...many, 'L1'])).map((s) => s.lotId)).toEqual(['L1']);
    });

    it('rejects a delta that would make stock negative with INSUFFICIENT_STOCK and rolls back the whole batch', async () => {
      await put([
        { type: 'putProduct', product: product('P1') },
        { type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: 100n },
      ]);
      const before = await snapshot();
      const h = await store.head();
      const ev = await makeTestEvent(2, h.hash, 'neg');
      const err = await expectCode(
        store.append({
          expectedSeq: 1,
          events: [ev],
          changes: [
            { type: 'putProduct', product: product('P9') },
            { type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: -60n },
            { type: 'stockDelta', lotId: 'L1', locationId: 'W2', productId: 'P1', delta: 60n },
            { type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: -60n },
          ],
        }),
        'INSUFFICIENT_STOCK',
      );
      expect(err.details.lotId).toBe('L1');
      expect(err.details.locationId).toBe('W1');
      expect(await snapshot()).toEqual(before);
      expect(await store.getProduct('P9')).toBeUndefined();
      // The same key can be used after the rollback.
      await store.append({
        expectedSeq: 1,
        events: [ev],
        changes: [{ type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: -100n }],
      });
      expect(await store.getStock('L1', 'W1')).toBe(0n);
    });

    it('refuses a balance beyond a signed 64-bit integer with VALIDATION_FAILED, the same on every store', async () => {
      const max = 2n ** 63n - 1n;
      await put([
        { type: 'putProduct', product: product('P1') },
        { type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: max },
      ]);
      const before = await snapshot();
      const h = await store.head();
      const over = await expectCode(
        store.append({
          expectedSeq: h.seq,
          events: [await makeTestEvent(h.seq + 1, h.hash, 'over')],
          changes: [{ type: 'stockDelta', lotId: 'L1', locationId: 'W1', productId: 'P1', delta: 1n }],
        }),
        'VALIDATION_FAILED',
      );
      expect(over.details.field).toBe('changes[0].delta');
      expect(await snapshot()).toEqual(before);
      expect(await store.getStock('L1', 'W1')).toBe(max);
    });

    it('lists available stock in FEFO order with reservations and holds', async () => {
      await put([
        { type: 'putLot', lot: lot('A-noexp', 'P1', 1) },
        { type: 'putLot', lot: lot('B-late', 'P1', 1, { expiry: '2027-03-01' }) },
        { type: 'putLot', lot: lot('C-early2', 'P1', 3, { expiry: '2026-06-01' }) },
        { type: 'putLot', lot: lot('D-early1', 'P1', 2, { expiry: '2026-06-01' }) },
        { type: 'putLot', lot: lot('E-other', 'P2', 1, { expiry: '2020-01-01' }) },
        { type: 'stockDelta', lotId: 'A-noexp', locationId: 'W1', productId: 'P1', delta: 5n },
        { type: 'stockDelta', lotId: 'B-late', locationId: 'W1', productId: 'P1', delta: 5n },
        { type: 'stockDelta', lotId: 'C-early2', locationId: 'W1', productId: 'P1', delta: 5n },
        { type: 'stockDelta', lotId: 'D-early1', locationId: 'W2', productId: 'P1', delta: 5n },
        { type: 'stockDelta', lotId: 'D-early1', locationId: 'W1', productId: 'P1', delta: 7n },
        { type: 'stockDelta', lotId: 'E-other', locationId: 'W1', productId: 'P2', delta: 5n },
      ]);
      await put([
        {
          type: 'putReservation',
          reservation: {
            id: 'R1',
            lotId: 'D-early1',
            locationId: 'W1',
            productId: 'P1',
            quantity: 3n,
            orderId: 'O1',
            status: 'active',
            createdSeq: 2,
            updatedSeq: 2,
          },
        },
        {
          type: 'putHold',
          hold: {
            id: 'H1',
            lotId: 'B-late',
            reasonCode: 'QC',
            status: 'active',
            placedAt: '2026-01-01T00:00:00.000Z',
            placedSeq: 2,
          },
        },
        {
          type: 'putHold',
          hold: {
            id: 'H2',
            lotId: 'D-early1',
            locationId: 'W2',
            reasonCode: 'DAMAGE',
            status: 'active',
            placedAt: '2026-01-01T00:00:00.000Z',
            placedSeq: 2,
          },
        },
      ]);
      const rows = await store.listAvailableStock('P1');
      expect(rows.map((r) => [r.lot.id, r.locationId, r.onHand, r.reserved, r.onHold])).toEqual([
        ['D-early1', 'W1', 7n, 3n, false],
        ['D-early1', 'W2', 5n, 0n, true],
        ['C-early2', 'W1', 5n, 0n, false],
        ['B-late', 'W1', 5n, 0n, true],
        ['A-noexp', 'W1', 5n, 0n, false],
      ]);
      expect((await store.listAvailableStock('P1', { locationId: 'W2' })).map((r) => r.lot.id)).toEqual([
        'D-early1',
      ]);
      expect(await store.listAvailableStock('P3')).toEqual([]);
    });
  });
}
