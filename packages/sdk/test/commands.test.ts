import { type Lotgraph, LotgraphError, MemoryStore, Shipment, ValidationError } from '@lotgraph/sdk';
import { beforeEach, describe, expect, it } from 'vitest';
import { bakery, snapshotStore } from './helpers.js';

let lg: Lotgraph;
let store: MemoryStore;

beforeEach(async () => {
  ({ lg, store } = await bakery(new MemoryStore()));
  await lg.receive({
    lotId: 'F1',
    productId: 'flour',
    supplierId: 'mill',
    locationId: 'WH',
    quantity: '100',
    expiry: '2026-12-31',
  });
  await lg.receive({
    lotId: 'OLD',
    productId: 'flour',
    supplierId: 'mill',
    locationId: 'WH',
    quantity: '10',
    expiry: '2026-01-31',
  });
  await lg.receive({ lotId: 'S1', productId: 'salt', locationId: 'WH', quantity: '5' });
  await lg.produce({
    orderId: 'PO1',
    inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '50' }],
    outputs: [{ lotId: 'B1', productId: 'bread', locationId: 'WH', quantity: '100' }],
  });
  await lg.ship({
    shipmentId: 'SH1',
    customerId: 'shop1',
    lines: [{ lotId: 'B1', locationId: 'WH', quantity: '10' }],
  });
});

type Case = [name: string, run: () => Promise<unknown>, code: string, field: string];

const cases: Case[] = [
  [
    'receive: float quantity',
    () =>
      lg.receive({ lotId: 'X', productId: 'flour', locationId: 'WH', quantity: 12.5 as unknown as string }),
    'VALIDATION_FAILED',
    'quantity',
  ],
  [
    'receive: too many decimals',
    () => lg.receive({ lotId: 'X', productId: 'flour', locationId: 'WH', quantity: '1.0001' }),
    'VALIDATION_FAILED',
    'quantity',
  ],
  [
    'receive: unknown unit',
    () => lg.receive({ lotId: 'X', productId: 'flour', locationId: 'WH', quantity: '1', unit: 'lb' }),
    'UNIT_MISMATCH',
    'quantity',
  ],
  [
    'receive: bad expiry date',
    () =>
      lg.receive({ lotId: 'X', productId: 'flour', locationId: 'WH', quantity: '1', expiry: '2026-02-30' }),
    'VALIDATION_FAILED',
    'expiry',
  ],
  [
    'receive: missing lotId',
    () => lg.receive({ productId: 'flour', locationId: 'WH', quantity: '1' }),
    'VALIDATION_FAILED',
    'lotId',
  ],
  [
    'receive: unknown product',
    () => lg.receive({ lotId: 'X', productId: 'nope', locationId: 'WH', quantity: '1' }),
    'PRODUCT_NOT_FOUND',
    'productId',
  ],
  [
    'receive: unknown location',
    () => lg.receive({ lotId: 'X', productId: 'flour', locationId: 'nope', quantity: '1' }),
    'LOCATION_NOT_FOUND',
    'locationId',
  ],
  [
    'receive: unknown supplier',
    () => lg.receive({ lotId: 'X', productId: 'flour', supplierId: 'nope', locationId: 'WH', quantity: '1' }),
    'PARTY_NOT_FOUND',
    'supplierId',
  ],
  [
    'receive: customer as supplier',
    () =>
      lg.receive({ lotId: 'X', productId: 'flour', supplierId: 'shop1', locationId: 'WH', quantity: '1' }),
    'VALIDATION_FAILED',
    'supplierId',
  ],
  [
    'receive: lot of another product',
    () => lg.receive({ lotId: 'S1', productId: 'flour', locationId: 'WH', quantity: '1' }),
    'VALIDATION_FAILED',
    'lotId',
  ],
  [
    'receive: more of a lot with another expiry',
    () =>
      lg.receive({ lotId: 'F1', productId: 'flour', locationId: 'WH', quantity: '1', expiry: '2026-12-30' }),
    'VALIDATION_FAILED',
    'expiry',
  ],
  [
    'receive: bad eventTime',
    () =>
      lg.receive({
        lotId: 'X',
        productId: 'flour',
        locationId: 'WH',
        quantity: '1',
        eventTime: '2026-03-01 08:00',
      }),
    'VALIDATION_FAILED',
    'eventTime',
  ],
  [
    'produce: no inputs',
    () =>
      lg.produce({
        orderId: 'P',
        inputs: [],
        outputs: [{ lotId: 'D', productId: 'dough', locationId: 'WH', quantity: '1' }],
      }),
    'VALIDATION_FAILED',
    'inputs',
  ],
  [
    'produce: over-consumption',
    () =>
      lg.produce({
        orderId: 'P',
        inputs: [
          { lotId: 'F1', locationId: 'WH', quantity: '30' },
          { lotId: 'F1', locationId: 'WH', quantity: '30' },
        ],
        outputs: [{ lotId: 'D', productId: 'dough', locationId: 'WH', quantity: '1' }],
      }),
    'INSUFFICIENT_STOCK',
    'inputs.1.quantity',
  ],
  [
    'produce: expired input',
    () =>
      lg.produce({
        orderId: 'P',
        inputs: [{ lotId: 'OLD', locationId: 'WH', quantity: '1' }],
        outputs: [{ lotId: 'D', productId: 'dough', locationId: 'WH', quantity: '1' }],
      }),
    'LOT_EXPIRED',
    'inputs.0.lotId',
  ],
  [
    'produce: unknown input lot',
    () =>
      lg.produce({
        orderId: 'P',
        inputs: [{ lotId: 'nope', locationId: 'WH', quantity: '1' }],
        outputs: [{ lotId: 'D', productId: 'dough', locationId: 'WH', quantity: '1' }],
      }),
    'LOT_NOT_FOUND',
    'inputs.0.lotId',
  ],
  [
    'produce: output unknown product',
    () =>
      lg.produce({
        orderId: 'P',
        inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '1' }],
        outputs: [{ lotId: 'D', productId: 'nope', locationId: 'WH', quantity: '1' }],
      }),
    'PRODUCT_NOT_FOUND',
    'outputs.0.productId',
  ],
  [
    'produce: fractional pieces',
    () =>
      lg.produce({
        orderId: 'P',
        inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '1' }],
        outputs: [{ lotId: 'D', productId: 'bread', locationId: 'WH', quantity: '1.5' }],
      }),
    'VALIDATION_FAILED',
    'outputs.0.quantity',
  ],
  [
    'move: same location',
    () => lg.move({ lotId: 'F1', fromLocationId: 'WH', toLocationId: 'WH', quantity: '1' }),
    'VALIDATION_FAILED',
    'toLocationId',
  ],
  [
    'move: more than on hand',
    () => lg.move({ lotId: 'F1', fromLocationId: 'WH', toLocationId: 'LINE', quantity: '50.001' }),
    'INSUFFICIENT_STOCK',
    'quantity',
  ],
  [
    'move: unknown location',
    () => lg.move({ lotId: 'F1', fromLocationId: 'WH', toLocationId: 'nope', quantity: '1' }),
    'LOCATION_NOT_FOUND',
    'toLocationId',
  ],
  [
    'adjust: zero delta',
    () => lg.adjust({ lotId: 'F1', locationId: 'WH', delta: '0.000', reasonCode: 'COUNT' }),
    'VALIDATION_FAILED',
    'delta',
  ],
  [
    'adjust: missing reason',
    () => lg.adjust({ lotId: 'F1', locationId: 'WH', delta: '-1' } as never),
    'VALIDATION_FAILED',
    'reasonCode',
  ],
  [
    'adjust: write-off below zero',
    () => lg.adjust({ lotId: 'F1', locationId: 'WH', delta: '-51', reasonCode: 'DAMAGE' }),
    'INSUFFICIENT_STOCK',
    'delta',
  ],
  [
    'split: into itself',
    () => lg.split({ lotId: 'F1', locationId: 'WH', outputs: [{ lotId: 'F1', quantity: '1' }] }),
    'VALIDATION_FAILED',
    'outputs.0.lotId',
  ],
  [
    'split: more than on hand',
    () =>
      lg.split({
        lotId: 'F1',
        locationId: 'WH',
        outputs: [
          { lotId: 'F1a', quantity: '30' },
          { lotId: 'F1b', quantity: '30' },
        ],
      }),
    'INSUFFICIENT_STOCK',
    'outputs',
  ],
  [
    'merge: one input',
    () =>
      lg.merge({
        inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '1' }],
        output: { lotId: 'M', locationId: 'WH' },
      }),
    'VALIDATION_FAILED',
    'inputs',
  ],
  [
    'merge: mixed products',
    () =>
      lg.merge({
        inputs: [
          { lotId: 'F1', locationId: 'WH', quantity: '1' },
          { lotId: 'S1', locationId: 'WH', quantity: '1' },
        ],
        output: { lotId: 'M', locationId: 'WH' },
      }),
    'VALIDATION_FAILED',
    'inputs.1.lotId',
  ],
  [
    'repack: unit mismatch',
    () =>
      lg.repack({
        input: { lotId: 'F1', locationId: 'WH', quantity: '1', unit: 'crate' },
        output: { lotId: 'R', locationId: 'WH', quantity: '1' },
      }),
    'UNIT_MISMATCH',
    'input.quantity',
  ],
  [
    'ship: unknown customer',
    () =>
      lg.ship({
        shipmentId: 'S',
        customerId: 'nope',
        lines: [{ lotId: 'B1', locationId: 'WH', quantity: '1' }],
      }),
    'PARTY_NOT_FOUND',
    'customerId',
  ],
  [
    'ship: supplier as customer',
    () =>
      lg.ship({
        shipmentId: 'S',
        customerId: 'mill',
        lines: [{ lotId: 'B1', locationId: 'WH', quantity: '1' }],
      }),
    'VALIDATION_FAILED',
    'customerId',
  ],
  [
    'ship: duplicate shipment id',
    () =>
      lg.ship({
        shipmentId: 'SH1',
        customerId: 'shop1',
        lines: [{ lotId: 'B1', locationId: 'WH', quantity: '1' }],
      }),
    'VALIDATION_FAILED',
    'shipmentId',
  ],
  [
    'ship: lot without location',
    () => lg.ship({ shipmentId: 'S', customerId: 'shop1', lines: [{ lotId: 'B1', quantity: '1' }] }),
    'VALIDATION_FAILED',
    'lines.0.locationId',
  ],
  [
    'ship: expired lot',
    () =>
      lg.ship({
        shipmentId: 'S',
        customerId: 'shop1',
        lines: [{ lotId: 'OLD', locationId: 'WH', quantity: '1' }],
      }),
    'LOT_EXPIRED',
    'lines.0.lotId',
  ],
  [
    'ship: FEFO short',
    () => lg.ship({ shipmentId: 'S', customerId: 'shop1', lines: [{ productId: 'bread', quantity: '91' }] }),
    'INSUFFICIENT_STOCK',
    'lines.0.quantity',
  ],
  [
    'return: more than shipped',
    () => lg.return({ returnId: 'R', customerId: 'shop1', lotId: 'B1', locationId: 'WH', quantity: '11' }),
    'VALIDATION_FAILED',
    'quantity',
  ],
  [
    'return: quarantine to a normal location',
    () =>
      lg.return({
        returnId: 'R',
        customerId: 'shop1',
        lotId: 'B1',
        locationId: 'WH',
        quantity: '1',
        disposition: 'quarantine',
      }),
    'VALIDATION_FAILED',
    'locationId',
  ],
  [
    'correct: unknown event',
    () => lg.correct({ correctsSeq: 999, reason: 'typo', lot: { id: 'F1', expiry: '2026-11-30' } }),
    'EVENT_NOT_FOUND',
    'correctsSeq',
  ],
  [
    'correct: nothing to correct',
    () => lg.correct({ correctsSeq: 1, reason: 'typo' }),
    'VALIDATION_FAILED',
    'stock',
  ],
  [
    'defineProduct: decimals change',
    () => lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 2 }),
    'VALIDATION_FAILED',
    'decimals',
  ],
  [
    'defineProduct: bad GTIN',
    () => lg.defineProduct({ id: 'x', name: 'X', unit: 'kg', decimals: 0, gtin: '123' }),
    'VALIDATION_FAILED',
    'gtin',
  ],
  [
    'defineProduct: zero factor',
    () =>
      lg.defineProduct({
        id: 'x',
        name: 'X',
        unit: 'kg',
        decimals: 0,
        conversions: [{ unit: 'box', factor: '0' }],
      }),
    'VALIDATION_FAILED',
    'conversions.0.factor',
  ],
  [
    'defineParty: no roles',
    () => lg.defineParty({ id: 'p', name: 'P', roles: [] }),
    'VALIDATION_FAILED',
    'roles',
  ],
  [
    'defineLocation: bad GLN',
    () => lg.defineLocation({ id: 'L', site: 'S', gln: '12' }),
    'VALIDATION_FAILED',
    'gln',
  ],
  [
    'reconcile: negative count',
    () => lg.stock.reconcile({ lotId: 'F1', locationId: 'WH', counted: '-1' }),
    'VALIDATION_FAILED',
    'counted',
  ],
];

describe('bad input to each command', () => {
  it.each(cases)('%s → %s naming %s, store unchanged', async (_name, run, code, field) => {
    const before = await snapshotStore(store);
    let err: unknown;
    try {
      await run();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LotgraphError);
    const e = err as LotgraphError;
    expect(e.code).toBe(code);
    if (e instanceof ValidationError) {
      expect(e.issues.map((i) => i.path.join('.'))).toContain(field);
    } else {
      expect(e.details.field).toBe(field);
    }
    expect(e.message).toContain(field);
    expect(await snapshotStore(store)).toEqual(before);
  });
});

describe('commands', () => {
  it('validation messages name the field and the value', async () => {
    const err = (await lg
      .receive({ lotId: 'X', productId: 'flour', locationId: 'WH', quantity: '12,5' })
      .catch((e) => e)) as ValidationError;
    expect(err).toBeInstanceOf(ValidationError);
    expect(err.message).toBe(
      'receive: invalid quantity: must be a decimal string such as "12.500" (got "12,5")',
    );
    expect(err.issues).toEqual([
      {
        code: 'custom',
        path: ['quantity'],
        message: 'must be a decimal string such as "12.500" (got "12,5")',
      },
    ]);
    const many = (await lg
      .produce({ orderId: '', inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '-1' }], outputs: [] })
      .catch((e) => e)) as ValidationError;
    expect(many.issues.map((i) => i.path.join('.'))).toEqual(['orderId', 'inputs.0.quantity', 'outputs']);
  });

  it('reads a lot and a shipment back in their public (decimal) shape', async () => {
    expect(await lg.lot('F1')).toMatchObject({
      id: 'F1',
      productId: 'flour',
      supplierId: 'mill',
      expiry: '2026-12-31',
      origin: 'received',
    });
    expect(await lg.lot('nope')).toBeUndefined();
    const sh = await lg.shipment('SH1');
    expect(Shipment.parse(sh)).toEqual(sh);
    expect(sh).toMatchObject({
      id: 'SH1',
      customerId: 'shop1',
      lines: [{ lineNo: 1, lotId: 'B1', productId: 'bread', locationId: 'WH', quantity: '10' }],
    });
    expect(await lg.shipment('nope')).toBeUndefined();
  });

  it('converts units exactly by declared factors (including fractions)', async () => {
    await lg.receive({ lotId: 'F2', productId: 'flour', locationId: 'WH', quantity: '2', unit: 'bag' });
    await lg.receive({ lotId: 'F3', productId: 'flour', locationId: 'WH', quantity: '1250', unit: 'g' });
    const rows = await lg.stock.onHand({ productId: 'flour' });
    expect(rows.find((r) => r.lotId === 'F2')?.quantity).toBe('50.000');
    expect(rows.find((r) => r.lotId === 'F3')?.quantity).toBe('1.250');
  });

  it('produce with partial consumption and by-products; outputs get expiry from shelf life', async () => {
    const e = await lg.produce({
      orderId: 'PO2',
      eventTime: '2026-03-02T06:00:00+01:00',
      inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '20.5' }],
      outputs: [
        { lotId: 'D1', productId: 'dough', locationId: 'LINE', quantity: '19' },
        { lotId: 'C1', productId: 'crumbs', locationId: 'LINE', quantity: '1.5', byProduct: true },
      ],
    });
    expect(e.eventTime).toBe('2026-03-02T05:00:00.000Z');
    expect(e.payload.outputs[1]?.byProduct).toBe(true);
    const d1 = await store.getLot('D1');
    expect(d1).toMatchObject({ origin: 'produced', productionDate: '2026-03-02', expiry: '2026-03-04' });
    expect(await store.getStock('F1', 'WH')).toBe(29_500n);
    const back = await lg.trace.backward('C1');
    expect(back.consumed).toMatchObject([
      { fromLotId: 'F1', intoLotId: 'C1', quantity: '20.500', unit: 'kg', orderId: 'PO2' },
    ]);
  });

  it('split, merge and repack keep lineage and inherit supplier facts', async () => {
    await lg.split({
      lotId: 'F1',
      locationId: 'WH',
      outputs: [
        { lotId: 'F1-a', quantity: '10' },
        { lotId: 'F1-b', quantity: '5', locationId: 'LINE' },
      ],
    });
    expect(await store.getLot('F1-a')).toMatchObject({
      supplierId: 'mill',
      expiry: '2026-12-31',
      origin: 'transformed',
    });
    await lg.merge({
      inputs: [
        { lotId: 'F1-a', locationId: 'WH', quantity: '10' },
        { lotId: 'F1-b', locationId: 'LINE', quantity: '5' },
      ],
      output: { lotId: 'F-M', locationId: 'WH' },
    });
    expect(await store.getStock('F-M', 'WH')).toBe(15_000n);
    await lg.repack({
      input: { lotId: 'F-M', locationId: 'WH', quantity: '0.5', unit: 'bag' },
      output: { lotId: 'F-BAGS', locationId: 'WH', quantity: '12.5' },
    });
    const back = await lg.trace.backward('F-BAGS');
    expect(back.lots.map((l) => l.lotId).sort()).toEqual(['F-BAGS', 'F-M', 'F1', 'F1-a', 'F1-b']);
    expect(back.supplierLots.map((l) => l.lotId)).toEqual(['F1']);
    expect(back.productionOrders.map((o) => o.transformation)).toEqual(['split', 'merge', 'repack']);
    const fwd = await lg.trace.forward('F1');
    expect(fwd.lots.map((l) => l.lotId)).toContain('F-BAGS');
  });

  it('ship picks FEFO across lots (earliest expiry first), one shipment line per lot', async () => {
    await lg.produce({
      orderId: 'PO3',
      eventTime: '2026-03-01T09:00:00Z',
      inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '1' }],
      outputs: [{ lotId: 'B0', productId: 'bread', locationId: 'WH', quantity: '5', expiry: '2026-03-03' }],
    });
    const e = await lg.ship({
      shipmentId: 'SH2',
      customerId: 'shop2',
      lines: [{ productId: 'bread', quantity: '8', orderLine: 'L1' }],
    });
    expect(e.payload.lines.map((l) => [l.lotId, l.quantity, l.orderLine])).toEqual([
      ['B0', '5', 'L1'],
      ['B1', '3', 'L1'],
    ]);
  });

  it('return into quarantine, then correct a wrong expiry and a stock error by reference', async () => {
    const r = await lg.return({
      returnId: 'R1',
      customerId: 'shop1',
      shipmentId: 'SH1',
      lotId: 'B1',
      locationId: 'QUAR',
      quantity: '4',
    });
    expect(r.payload.disposition).toBe('quarantine');
    expect(await store.getStock('B1', 'QUAR')).toBe(4n);
    const recv = (await store.readEvents(1)).find((e) => e.type === 'received')!;
    const c = await lg.correct({
      correctsSeq: recv.seq,
      reason: 'expiry typed wrong',
      lot: { id: 'F1', expiry: '2026-11-30' },
      stock: [{ lotId: 'F1', locationId: 'WH', delta: '-0.5' }],
    });
    expect(c.payload.correctsSeq).toBe(recv.seq);
    expect((await store.getLot('F1'))?.expiry).toBe('2026-11-30');
    expect(await store.getStock('F1', 'WH')).toBe(49_500n);
    // the original event is untouched
    expect(await store.getEvent(recv.seq)).toEqual(recv);
    expect((await lg.verifyLedger()).ok).toBe(true);
  });

  it('mass balance of a lot closes to zero and shows each flow', async () => {
    await lg.return({ returnId: 'R1', customerId: 'shop1', lotId: 'B1', locationId: 'QUAR', quantity: '2' });
    await lg.adjust({ lotId: 'B1', locationId: 'WH', delta: '-3', reasonCode: 'DAMAGE' });
    expect(await lg.stock.massBalance('B1')).toEqual({
      lotId: 'B1',
      productId: 'bread',
      unit: 'pc',
      received: '0',
      produced: '100',
      returned: '2',
      consumed: '0',
      shipped: '10',
      adjusted: '-3',
      onHand: '89',
      balance: '0',
    });
    expect((await lg.stock.massBalance('F1')).balance).toBe('0.000');
  });

  it('reconciles a count into an adjustment carrying the variance', async () => {
    const e = await lg.stock.reconcile({ lotId: 'F1', locationId: 'WH', counted: '48.75' });
    expect(e.type).toBe('adjusted');
    expect(e.payload).toMatchObject({
      delta: '-1.250',
      counted: '48.750',
      expected: '50.000',
      reasonCode: 'COUNT',
    });
    expect(await store.getStock('F1', 'WH')).toBe(48_750n);
  });

  it('answers stock as of a past instant by replaying the ledger', async () => {
    const t0 = '2026-03-01T12:00:00Z';
    await lg.move({
      lotId: 'F1',
      fromLocationId: 'WH',
      toLocationId: 'LINE',
      quantity: '20',
      eventTime: '2026-03-02T08:00:00Z',
    });
    const then = await lg.stock.onHand({ lotId: 'F1', asOf: t0 });
    expect(then).toEqual([
      { lotId: 'F1', locationId: 'WH', productId: 'flour', quantity: '50.000', unit: 'kg' },
    ]);
    const now = await lg.stock.onHand({ lotId: 'F1' });
    expect(now.map((r) => [r.locationId, r.quantity])).toEqual([
      ['LINE', '20.000'],
      ['WH', '30.000'],
    ]);
    const before = await lg.stock.onHand({ lotId: 'F1', asOf: '2026-02-01T00:00:00Z' });
    expect(before).toEqual([]);
    expect((await lg.stock.ofProduct('flour')).quantity).toBe('60.000');
  });

  it('one step back and forward with dates (EU 178/2002)', async () => {
    const one = await lg.trace.oneStep('B1');
    expect(one.inputs).toMatchObject([
      { lotId: 'F1', productId: 'flour', quantity: '50.000', unit: 'kg', orderId: 'PO1' },
    ]);
    expect(one.customers).toMatchObject([
      { customerId: 'shop1', name: 'Shop One', shipmentId: 'SH1', quantity: '10', unit: 'pc' },
    ]);
    const f1 = await lg.trace.oneStep('F1');
    expect(f1.suppliers).toMatchObject([
      { supplierId: 'mill', name: 'Mill & Co', gln: '9506000000001', quantity: '100.000', unit: 'kg' },
    ]);
    expect(f1.suppliers[0]?.receivedAt).toMatch(/^2026-03-01T/);
    expect(f1.outputs).toMatchObject([{ lotId: 'B1', productId: 'bread', quantity: '50.000', unit: 'kg' }]);
    await expect(lg.trace.oneStep('nope')).rejects.toMatchObject({ code: 'LOT_NOT_FOUND' });
  });

  it('forward trace gives a graph, a tree and flat lists', async () => {
    const t = await lg.trace.forward('F1');
    expect(t.graph.nodes.map((n) => [n.kind, n.ref, n.depth])).toEqual(
      expect.arrayContaining([
        ['lot', 'F1', 0],
        ['lot', 'B1', 1],
        ['delivery', 'SH1/1', 2],
        ['customer', 'shop1', 3],
      ]),
    );
    expect(t.tree.node.ref).toBe('F1');
    expect(t.tree.children[0]?.node.ref).toBe('B1');
    expect(t.tree.children[0]?.children[0]?.children[0]?.node.customer?.name).toBe('Shop One');
    expect(t.deliveries).toMatchObject([
      { shipmentId: 'SH1', lineNo: 1, lotId: 'B1', customerId: 'shop1', quantity: '10', unit: 'pc' },
    ]);
    expect(t.customers).toMatchObject([
      { customerId: 'shop1', deliveries: 1, quantities: [{ productId: 'bread', quantity: '10' }] },
    ]);
  });

  it('terminates on cycles (rework) and reports each lot once', async () => {
    // B1 reworked into dough D9, dough D9 back into B1 → a cycle B1 → D9 → B1.
    await lg.produce({
      orderId: 'RW1',
      inputs: [{ lotId: 'B1', locationId: 'WH', quantity: '5' }],
      outputs: [{ lotId: 'D9', productId: 'dough', locationId: 'WH', quantity: '1' }],
    });
    await lg.produce({
      orderId: 'RW2',
      inputs: [{ lotId: 'D9', locationId: 'WH', quantity: '1' }],
      outputs: [{ lotId: 'B1', productId: 'bread', locationId: 'WH', quantity: '4' }],
    });
    const f = await lg.trace.forward('F1');
    expect(f.lots.map((l) => l.lotId).sort()).toEqual(['B1', 'D9', 'F1']);
    const b = await lg.trace.backward('B1');
    expect(b.lots.map((l) => l.lotId).sort()).toEqual(['B1', 'D9', 'F1']);
    expect(JSON.stringify(b.tree)).toContain('"repeated":true');
  });

  it('hold blocks consumption and shipping (lot-wide or at one location); release lifts it', async () => {
    await lg.hold({ holdId: 'H1', lotId: 'F1', reasonCode: 'QC', note: 'aflatoxin suspected' });
    await expect(
      lg.produce({
        orderId: 'P',
        inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '1' }],
        outputs: [{ lotId: 'D', productId: 'dough', locationId: 'WH', quantity: '1' }],
      }),
    ).rejects.toMatchObject({
      code: 'LOT_ON_HOLD',
      details: { field: 'inputs.0.lotId', holdId: 'H1', reasonCode: 'QC' },
    });
    // held stock may still move (e.g. to quarantine)
    await lg.move({ lotId: 'F1', fromLocationId: 'WH', toLocationId: 'QUAR', quantity: '5' });
    await lg.hold({ holdId: 'H2', lotId: 'B1', locationId: 'LINE', reasonCode: 'DAMAGE' });
    await lg.ship({
      shipmentId: 'SH5',
      customerId: 'shop1',
      lines: [{ lotId: 'B1', locationId: 'WH', quantity: '1' }],
    });
    await expect(lg.hold({ holdId: 'H1', lotId: 'B1', reasonCode: 'X' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'holdId' },
    });
    await lg.release({ holdId: 'H1' });
    await expect(lg.release({ holdId: 'H1' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'holdId' },
    });
    expect(await store.getHold('H1')).toMatchObject({
      status: 'released',
      note: 'aflatoxin suspected',
      reasonCode: 'QC',
    });
    await lg.produce({
      orderId: 'P',
      inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '1' }],
      outputs: [{ lotId: 'D', productId: 'dough', locationId: 'WH', quantity: '1' }],
    });
    const target = new MemoryStore();
    await lg.rebuildProjections(target);
    expect(await target.listHolds()).toEqual(await store.listHolds());
  });

  it('assertLedgerIntact throws LEDGER_TAMPERED at the altered event', async () => {
    await lg.assertLedgerIntact();
    store.tamperForTesting(14, (e) => {
      e.actor = 'mallory';
    });
    await expect(lg.assertLedgerIntact()).rejects.toMatchObject({
      code: 'LEDGER_TAMPERED',
      details: { seq: 14 },
    });
  });
});
