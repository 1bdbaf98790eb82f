import { LotgraphError, MemoryStore } from '@lotgraph/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bakery } from './helpers.js';

const GTIN = '09506000134352'; // flour's GTIN in the bakery helper

/** Flour lots with different expiries in WH: A (Mar 10), B (Mar 5), C (Apr 30), D (no expiry), E (expired Feb 20). */
async function stocked() {
  const { lg, store } = await bakery();
  const r = (lotId: string, quantity: string, expiry?: string, supplierLotNumber?: string) =>
    lg.receive({
      lotId,
      productId: 'flour',
      supplierId: 'mill',
      locationId: 'WH',
      quantity,
      ...(expiry ? { expiry } : {}),
      ...(supplierLotNumber ? { supplierLotNumber } : {}),
    });
  await r('A', '10', '2026-03-10', 'SUP-A');
  await r('B', '10', '2026-03-05');
  await r('C', '10', '2026-04-30');
  await r('D', '10');
  await r('E', '10', '2026-02-20');
  return { lg, store };
}

describe('allocate', () => {
  it('FEFO: earliest expiry first, skipping expired lots, explaining every lot', async () => {
    const { lg } = await stocked();
    const a = await lg.allocation.allocate({
      productId: 'flour',
      quantity: '15',
      strategy: 'FEFO',
      date: '2026-03-02',
    });
    expect(a.picks).toEqual([
      { lotId: 'B', locationId: 'WH', quantity: '10.000', expiry: '2026-03-05' },
      { lotId: 'A', locationId: 'WH', quantity: '5.000', expiry: '2026-03-10' },
    ]);
    expect(a.short).toBe('0.000');
    expect(Object.fromEntries(a.considered.map((c) => [c.lotId, c.reason]))).toEqual({
      E: 'EXPIRED',
      B: 'PICKED',
      A: 'PICKED',
      C: 'NOT_NEEDED',
      D: 'NOT_NEEDED',
    });
  });

  it('FIFO: receipt order; LOT: only the named lot; held lots are skipped with a reason', async () => {
    const { lg } = await stocked();
    const fifo = await lg.allocation.allocate({
      productId: 'flour',
      quantity: '12',
      strategy: 'FIFO',
      date: '2026-03-02',
    });
    expect(fifo.picks.map((p) => p.lotId)).toEqual(['A', 'B']);
    await lg.hold({ holdId: 'H1', lotId: 'B', reasonCode: 'pending_lab_result' });
    const held = await lg.allocation.allocate({ productId: 'flour', quantity: '12', date: '2026-03-02' });
    expect(held.considered.find((c) => c.lotId === 'B')?.reason).toBe('ON_HOLD');
    expect(held.picks.map((p) => p.lotId)).toEqual(['A', 'C']);
    const lot = await lg.allocation.allocate({
      productId: 'flour',
      quantity: '20',
      strategy: 'LOT',
      lotId: 'C',
      date: '2026-03-02',
    });
    expect(lot.picks).toEqual([{ lotId: 'C', locationId: 'WH', quantity: '10.000', expiry: '2026-04-30' }]);
    expect(lot.short).toBe('10.000');
  });

  it('respects a customer minimum remaining shelf life (days, or % of shelf life), per customer or per order', async () => {
    const { lg } = await stocked();
    await lg.allocation.defineCustomerPolicy({ customerId: 'shop1', minShelfLife: { minDays: 10 } });
    const a = await lg.allocation.allocate({
      productId: 'flour',
      quantity: '5',
      customerId: 'shop1',
      date: '2026-03-02',
    });
    expect(a.considered.filter((c) => c.reason === 'SHORT_SHELF_LIFE').map((c) => c.lotId)).toEqual([
      'B',
      'A',
    ]);
    expect(a.picks[0]?.lotId).toBe('C');
    const perOrder = await lg.allocation.allocate({
      productId: 'flour',
      quantity: '5',
      customerId: 'shop1',
      date: '2026-03-02',
      minShelfLife: { minDays: 1 },
    });
    expect(perOrder.picks[0]?.lotId).toBe('B');
  });

  it('rejects bad input with typed errors naming the field', async () => {
    const { lg } = await stocked();
    const e1 = await lg.allocation.allocate({ productId: 'flour', quantity: '-1' }).catch((e) => e);
    expect([e1.code, e1.details.field]).toEqual(['VALIDATION_FAILED', 'quantity']);
    const e2 = await lg.allocation.allocate({ productId: 'nope', quantity: '1' }).catch((e) => e);
    expect(e2.code).toBe('PRODUCT_NOT_FOUND');
    const e3 = await lg.allocation
      .allocate({ productId: 'flour', quantity: '1', strategy: 'LOT' })
      .catch((e) => e);
    expect(e3.details.field).toBe('lotId');
  });

  it('never picks held, expired, short-dated or reserved stock, never more than available, in FEFO order (property)', async () => {
    const lotArb = fc.record({
      qty: fc.integer({ min: 1, max: 50 }),
      expiryDay: fc.option(fc.integer({ min: 1, max: 28 }), { nil: undefined }),
      held: fc.boolean(),
      reserve: fc.integer({ min: 0, max: 60 }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(lotArb, { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 0, max: 10 }),
        async (lots, want, minDays) => {
          const { lg } = await bakery(new MemoryStore());
          for (const [i, l] of lots.entries()) {
            await lg.receive({
              lotId: `L${i}`,
              productId: 'flour',
              locationId: 'WH',
              quantity: String(l.qty),
              ...(l.expiryDay ? { expiry: `2026-03-${String(l.expiryDay).padStart(2, '0')}` } : {}),
            });
            if (l.reserve > 0 && l.reserve <= l.qty)
              await lg.allocation.reserve({
                orderId: `O${i}`,
                productId: 'flour',
                quantity: String(l.reserve),
                strategy: 'LOT',
                lotId: `L${i}`,
                date: '2026-03-01',
              });
            if (l.held) await lg.hold({ holdId: `H${i}`, lotId: `L${i}`, reasonCode: 'qc' });
          }
          const a = await lg.allocation.allocate({
            productId: 'flour',
            quantity: String(want),
            date: '2026-03-10',
            minShelfLife: { minDays },
          });
          let total = 0;
          for (const p of a.picks) {
            const i = Number(p.lotId.slice(1));
            const l = lots[i]!;
            expect(l.held).toBe(false);
            if (l.expiryDay !== undefined) expect(l.expiryDay - 10).toBeGreaterThanOrEqual(minDays);
            const reserved = l.reserve > 0 && l.reserve <= l.qty ? l.reserve : 0;
            expect(Number(p.quantity)).toBeLessThanOrEqual(l.qty - reserved);
            total += Number(p.quantity);
          }
          expect(total).toBeLessThanOrEqual(want);
          expect(Number(a.allocated) + Number(a.short)).toBe(want);
          // FEFO: expiries of picks never decrease; a lot left NOT_NEEDED never expires before a picked one.
          const exp = a.picks.map((p) => p.expiry ?? '9999');
          expect([...exp].sort()).toEqual(exp);
          const lastPicked = exp[exp.length - 1] ?? '0000';
          for (const c of a.considered)
            if (c.reason === 'NOT_NEEDED') expect((c.expiry ?? '9999') >= lastPicked).toBe(true);
        },
      ),
      { numRuns: 40 },
    );
  });
});

describe('reserve, confirm, ship, release', () => {
  it('reserves atomically, blocks double reservation, confirms the pick by scan, ships the reservation', async () => {
    const { lg, store } = await stocked();
    const ev = await lg.allocation.reserve({
      orderId: 'SO-1',
      productId: 'flour',
      quantity: '15',
      date: '2026-03-02',
    });
    expect(ev.payload.reservations.map((r) => [r.lotId, r.quantity])).toEqual([
      ['B', '10.000'],
      ['A', '5.000'],
    ]);
    const again = await lg.allocation.allocate({ productId: 'flour', quantity: '10', date: '2026-03-02' });
    expect(again.considered.find((c) => c.lotId === 'B')?.reason).toBe('FULLY_RESERVED');
    expect(again.picks).toEqual([
      { lotId: 'A', locationId: 'WH', quantity: '5.000', expiry: '2026-03-10' },
      { lotId: 'C', locationId: 'WH', quantity: '5.000', expiry: '2026-04-30' },
    ]);
    const resA = ev.payload.reservations[1]!.reservationId;
    // A label of another lot (or another expiry) is refused, naming what differs.
    const wrong = await lg.allocation
      .confirmPick({ reservationId: resA, scan: `(01)${GTIN}(17)260305(10)OTHER` })
      .catch((e) => e);
    expect(wrong).toBeInstanceOf(LotgraphError);
    expect([wrong.code, wrong.details.field, wrong.details.element]).toEqual([
      'GS1_MISMATCH',
      'scan',
      'batch/lot (10)',
    ]);
    const badExpiry = await lg.allocation
      .confirmPick({ reservationId: resA, scan: `(01)${GTIN}(17)260311(10)SUP-A` })
      .catch((e) => e);
    expect(badExpiry.details.element).toBe('expiry (17)');
    await lg.allocation.confirmPick({ reservationId: resA, scan: `(01)${GTIN}(17)260310(10)SUP-A` });
    // Shipping A explicitly, without its reservation, cannot eat into it.
    const steal = await lg
      .ship({
        shipmentId: 'X',
        customerId: 'shop2',
        lines: [{ lotId: 'A', locationId: 'WH', quantity: '6' }],
      })
      .catch((e) => e);
    expect(steal.code).toBe('INSUFFICIENT_STOCK');
    await lg.ship({ shipmentId: 'S1', customerId: 'shop1', lines: [{ reservationId: resA, quantity: '5' }] });
    expect((await store.getReservation(resA))?.status).toBe('consumed');
    expect(await store.getStock('A', 'WH')).toBe(5000n);
    expect((await lg.trace.forward('A')).customers.map((c) => c.customerId)).toEqual(['shop1']);
    await lg.allocation.release({ orderId: 'SO-1' });
    expect((await store.listReservations({ status: 'active' })).length).toBe(0);
    const none = await lg.allocation.release({ orderId: 'SO-1' }).catch((e) => e);
    expect(none.details.field).toBe('orderId');
  });

  it('refuses to reserve more than is available (all-or-nothing by default)', async () => {
    const { lg, store } = await stocked();
    const err = await lg.allocation
      .reserve({ orderId: 'SO-2', productId: 'flour', quantity: '100', date: '2026-03-02' })
      .catch((e) => e);
    expect([err.code, err.details.field]).toEqual(['INSUFFICIENT_STOCK', 'quantity']);
    expect(await store.listReservations()).toEqual([]);
    const part = await lg.allocation.reserve({
      orderId: 'SO-3',
      productId: 'flour',
      quantity: '100',
      all: false,
      date: '2026-03-02',
    });
    expect(part.payload.reservations).toHaveLength(4);
  });

  it('a hold flags or cancels existing reservations, as asked, and says which', async () => {
    const { lg, store } = await stocked();
    const r = await lg.allocation.reserve({
      orderId: 'SO-4',
      productId: 'flour',
      quantity: '4',
      strategy: 'LOT',
      lotId: 'C',
      date: '2026-03-02',
    });
    const id = r.payload.reservations[0]!.reservationId;
    const flag = await lg.hold({ holdId: 'H-flag', lotId: 'C', reasonCode: 'complaint' });
    expect(flag.payload.affectedReservations).toEqual([id]);
    expect((await store.getReservation(id))?.status).toBe('active');
    const ship = await lg
      .ship({ shipmentId: 'S9', customerId: 'shop1', lines: [{ reservationId: id, quantity: '1' }] })
      .catch((e) => e);
    expect(ship.code).toBe('LOT_ON_HOLD');
    await lg.release({ holdId: 'H-flag' });
    const cancel = await lg.hold({
      holdId: 'H-cancel',
      lotId: 'C',
      reasonCode: 'recall',
      onReservations: 'cancel',
    });
    expect(cancel.payload.cancelledReservations?.map((x) => x.id)).toEqual([id]);
    expect((await store.getReservation(id))?.status).toBe('released');
  });

  it('concurrent reservations on one store never oversell', async () => {
    const { lg, store } = await stocked();
    const results = await Promise.allSettled(
      Array.from({ length: 30 }, (_, i) =>
        lg.allocation.reserve({
          orderId: `C${i}`,
          productId: 'flour',
          quantity: '3',
          strategy: 'LOT',
          lotId: 'C',
          date: '2026-03-02',
        }),
      ),
    );
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(3);
    const reserved = (await store.listReservations({ lotId: 'C', status: 'active' })).reduce(
      (a, r) => a + r.quantity,
      0n,
    );
    expect(reserved).toBe(9000n);
    expect(reserved <= (await store.getStock('C', 'WH'))).toBe(true);
  });
});
