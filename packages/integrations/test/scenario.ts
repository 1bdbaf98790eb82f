import { Lotgraph, MemoryStore } from '@lotgraph/sdk';

/** A deterministic clock: each call advances one second from 2026-03-01T08:00:00Z. */
export function testClock(start = Date.parse('2026-03-01T08:00:00Z')) {
  let t = start;
  return () => {
    const d = new Date(t);
    t += 1000;
    return d;
  };
}

/**
 * A small dairy: milk lots received from a farm, yoghurt produced from them, shipped to two shops
 * (shop1 has an e-mail contact, shop2 none).
 */
export async function dairy() {
  const lg = await Lotgraph.open({ store: new MemoryStore(), clock: testClock(), actor: 'test' });
  await lg.defineProduct({ id: 'milk', name: 'Raw milk', unit: 'l', decimals: 1, gtin: '09506000134352' });
  await lg.defineProduct({
    id: 'yog',
    name: 'Yoghurt <500 g>',
    unit: 'pc',
    decimals: 0,
    gtin: '09506000134369',
  });
  await lg.defineParty({ id: 'farm', name: 'Farm & Sons', roles: ['supplier'], gln: '9506000000015' });
  await lg.defineParty({
    id: 'shop1',
    name: 'Shop "One"',
    roles: ['customer'],
    gln: '9506000000022',
    contacts: [{ name: 'Buyer', email: 'buyer@shop1.example' }],
  });
  await lg.defineParty({ id: 'shop2', name: 'Shop Two', roles: ['customer'], gln: '9506000000039' });
  await lg.defineParty({ id: 'us', name: 'Dairy Ltd', roles: ['site'], gln: '9506000000046' });
  await lg.defineLocation({ id: 'WH', site: 'dairy', gln: '9506000000053' });
  await lg.receive({
    lotId: 'M1',
    productId: 'milk',
    supplierId: 'farm',
    locationId: 'WH',
    quantity: '100',
    supplierLotNumber: 'FARM-1',
    expiry: '2026-03-05',
  });
  await lg.produce({
    orderId: 'MO-1',
    inputs: [{ lotId: 'M1', locationId: 'WH', quantity: '60' }],
    outputs: [{ lotId: 'Y1', productId: 'yog', locationId: 'WH', quantity: '100', expiry: '2026-03-20' }],
  });
  await lg.produce({
    orderId: 'MO-2',
    inputs: [{ lotId: 'M1', locationId: 'WH', quantity: '20' }],
    outputs: [{ lotId: 'Y2', productId: 'yog', locationId: 'WH', quantity: '40', expiry: '2026-03-25' }],
  });
  await lg.ship({
    shipmentId: 'SH-1',
    customerId: 'shop1',
    orderRef: 'PO-77',
    lines: [
      { lotId: 'Y1', locationId: 'WH', quantity: '30' },
      { lotId: 'Y2', locationId: 'WH', quantity: '12' },
    ],
  });
  await lg.ship({
    shipmentId: 'SH-2',
    customerId: 'shop2',
    lines: [{ lotId: 'Y1', locationId: 'WH', quantity: '10' }],
  });
  return lg;
}
