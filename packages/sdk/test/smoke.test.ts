import { describe, expect, it } from 'vitest';
import { bakery } from './helpers.js';

describe('smoke', () => {
  it('receive → produce → ship → trace', async () => {
    const { lg } = await bakery();
    await lg.receive({
      lotId: 'F1',
      productId: 'flour',
      supplierId: 'mill',
      supplierLotNumber: 'M-77',
      locationId: 'WH',
      quantity: '40',
      unit: 'bag',
      expiry: '2026-12-31',
    });
    await lg.receive({
      lotId: 'S1',
      productId: 'salt',
      supplierId: 'saltco',
      locationId: 'WH',
      quantity: '10.5',
    });
    await lg.produce({
      orderId: 'PO1',
      inputs: [
        { lotId: 'F1', locationId: 'WH', quantity: '100' },
        { lotId: 'S1', locationId: 'WH', quantity: '2.250' },
      ],
      outputs: [
        { lotId: 'B1', productId: 'bread', locationId: 'WH', quantity: '200' },
        { lotId: 'C1', productId: 'crumbs', locationId: 'WH', quantity: '1.5', byProduct: true },
      ],
    });
    await lg.ship({
      shipmentId: 'SH1',
      customerId: 'shop1',
      lines: [{ lotId: 'B1', locationId: 'WH', quantity: '50' }],
    });
    await lg.ship({
      shipmentId: 'SH2',
      customerId: 'shop2',
      lines: [{ productId: 'bread', quantity: '20' }],
    });
    const f = await lg.trace.forward('F1');
    expect(f.customers.map((c) => [c.customerId, c.quantities])).toEqual([
      ['shop1', [{ productId: 'bread', quantity: '50', unit: 'pc' }]],
      ['shop2', [{ productId: 'bread', quantity: '20', unit: 'pc' }]],
    ]);
    const b = await lg.trace.backward('B1');
    expect(b.supplierLots.map((l) => l.lotId)).toEqual(['F1', 'S1']);
    expect(b.productionOrders.map((o) => o.orderId)).toEqual(['PO1']);
    const one = await lg.trace.oneStep('F1');
    expect(one.suppliers[0]?.name).toBe('Mill & Co');
    expect(await lg.stock.onHand({ lotId: 'F1' })).toEqual([
      { lotId: 'F1', locationId: 'WH', productId: 'flour', quantity: '900.000', unit: 'kg' },
    ]);
    expect(await lg.verifyLedger()).toEqual({ ok: true, events: 17 });
    console.log(JSON.stringify(b.tree, null, 1).slice(0, 600));
  });
});
