import { type Lotgraph, LotgraphError, MemoryStore } from '@lotgraph/sdk';
import fc from 'fast-check';
import { beforeEach, describe, expect, it } from 'vitest';
import { snapshotStore } from './helpers.js';
import { CASE_A, CASE_B, GTIN, GTIN2, master, PALLET, sscc } from './serials-fixture.js';

async function pharma(store = new MemoryStore()) {
  const lg = await master(store);
  await lg.defineProduct({ id: 'bulk', name: 'Bulk powder', unit: 'kg', decimals: 3 });
  await lg.receive({
    lotId: 'A1',
    productId: 'amox',
    supplierId: 'maker',
    locationId: 'WH',
    quantity: '100',
    expiry: '2028-01-31',
  });
  await lg.receive({ lotId: 'I1', productId: 'ibu', supplierId: 'maker', locationId: 'WH', quantity: '50' });
  return { lg, store };
}

const code = async (p: Promise<unknown>) => {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(LotgraphError);
    return { code: (e as LotgraphError).code, details: (e as LotgraphError).details };
  }
  throw new Error('expected a LotgraphError');
};

describe('serials', () => {
  let lg: Lotgraph;
  let store: MemoryStore;
  beforeEach(async () => {
    ({ lg, store } = await pharma());
  });

  it('commissions a list, a range and generated serials, and looks one up with its history', async () => {
    await lg.serials.commission({ lotId: 'A1', locationId: 'WH', serials: ['S1', 'S2'] });
    const e = await lg.serials.commission({
      lotId: 'A1',
      locationId: 'WH',
      range: { prefix: 'R', start: 9, count: 3, width: 3 },
    });
    expect(e.payload).toMatchObject({
      gtin: GTIN,
      count: 3,
      range: { prefix: 'R', start: 9, count: 3, width: 3 },
    });
    const g = await lg.serials.commission({ lotId: 'A1', locationId: 'WH', generate: { count: 5 } });
    expect(g.payload.serials).toHaveLength(5);
    for (const s of g.payload.serials ?? []) expect(s).toMatch(/^[A-HJ-NP-Z2-9]{12}$/);
    const listed = (await lg.serials.list({ lotId: 'A1', limit: 100 })).map((s) => s.serial);
    expect(listed).toHaveLength(10);
    const given = ['R009', 'R010', 'R011', 'S1', 'S2'];
    expect(listed.filter((s) => given.includes(s))).toEqual(given);
    expect(listed.filter((s) => !given.includes(s)).sort()).toEqual([...(g.payload.serials ?? [])].sort());
    expect(listed).toEqual([...listed].sort());
    const info = await lg.serials.get('9506000134352', 'R010');
    expect(info).toMatchObject({
      gtin: GTIN,
      serial: 'R010',
      lotId: 'A1',
      productId: 'amox',
      state: 'active',
      locationId: 'WH',
      unitPath: [],
    });
    expect(info.history).toEqual([
      { state: 'active', seq: e.seq, eventType: 'serialsCommissioned', eventTime: e.eventTime },
    ]);
  });

  it('refuses bad input with typed errors naming the field, and writes nothing', async () => {
    await lg.serials.commission({ lotId: 'A1', locationId: 'WH', serials: ['S1'] });
    const before = await snapshotStore(store);
    expect(
      await code(lg.serials.commission({ lotId: 'A1', locationId: 'WH', serials: ['S1'] })),
    ).toMatchObject({
      code: 'SERIAL_EXISTS',
      details: { field: 'serials', serial: 'S1' },
    });
    expect(
      await code(lg.serials.commission({ lotId: 'A1', locationId: 'WH', serials: ['S2', 'S2'] })),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(
      await code(lg.serials.commission({ lotId: 'A1', locationId: 'WH', serials: ['bad space'] })),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(
      await code(
        lg.serials.commission({
          lotId: 'A1',
          locationId: 'WH',
          serials: ['X'],
          range: { start: 1, count: 1 },
        }),
      ),
    ).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(
      await code(lg.serials.commission({ lotId: 'A1', locationId: 'WH', serials: ['X'], extra: 1 } as never)),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    // More serials than stock: 100 packs on hand, 1 serial already.
    expect(
      await code(lg.serials.commission({ lotId: 'A1', locationId: 'WH', range: { start: 1, count: 100 } })),
    ).toMatchObject({
      code: 'INSUFFICIENT_STOCK',
      details: { lotId: 'A1', serialsInCustody: 1, requested: 100 },
    });
    await lg.receive({ lotId: 'B1', productId: 'bulk', locationId: 'WH', quantity: '5' });
    expect(
      await code(lg.serials.commission({ lotId: 'B1', locationId: 'WH', serials: ['X'] })),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'lotId' },
    });
    const before2 = await snapshotStore(store);
    expect(
      await code(lg.units.pack({ unitId: '106141411234567898', kind: 'pallet', locationId: 'WH' })),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await code(lg.serials.get(GTIN, 'nope'))).toMatchObject({ code: 'SERIAL_NOT_FOUND' });
    expect(await code(lg.units.get(PALLET))).toMatchObject({ code: 'UNIT_NOT_FOUND' });
    expect(await snapshotStore(store)).toEqual(before2);
    expect((before as { events: unknown[] }).events.length).toBe(
      (before2 as { events: unknown[] }).events.length - 1,
    );
  });

  it('packs serials and cases onto a pallet, moves it by one scan, ships it whole to a pharmacy', async () => {
    await lg.serials.commission({
      lotId: 'A1',
      locationId: 'WH',
      range: { prefix: 'A', start: 1, count: 20, width: 2 },
    });
    await lg.serials.commission({
      lotId: 'I1',
      locationId: 'WH',
      range: { prefix: 'I', start: 1, count: 10, width: 2 },
    });
    const a = (n: number) => ({ gtin: GTIN, serial: `A${String(n).padStart(2, '0')}` });
    const i = (n: number) => ({ gtin: GTIN2, serial: `I${String(n).padStart(2, '0')}` });
    await lg.units.pack({ unitId: CASE_A, kind: 'case', locationId: 'WH', serials: [1, 2, 3, 4, 5].map(a) });
    await lg.units.pack({ unitId: CASE_B, kind: 'case', serials: [...[6, 7].map(a), ...[1, 2].map(i)] });
    await lg.units.pack({
      unitId: PALLET,
      kind: 'pallet',
      units: [CASE_A, CASE_B],
      lots: [{ lotId: 'A1', quantity: '3' }],
    });
    // The pallet holds 7 + 3 packs of A1 and 2 of I1.
    const inside = await lg.units.get(PALLET);
    expect(inside.totals).toEqual([
      { lotId: 'A1', productId: 'amox', quantity: '10', unit: 'pack', serials: 7 },
      { lotId: 'I1', productId: 'ibu', quantity: '2', unit: 'pack', serials: 2 },
    ]);
    expect(inside.units.map((u) => u.unit.id)).toEqual([CASE_A, CASE_B]);
    expect((await lg.serials.get(GTIN, 'A03')).unitPath).toEqual([CASE_A, PALLET]);
    // A unit cannot go inside itself.
    expect(await code(lg.units.pack({ unitId: CASE_A, units: [PALLET] }))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });

    await lg.units.move({ unitId: PALLET, toLocationId: 'DOCK' });
    expect(await store.getStock('A1', 'DOCK')).toBe(10n);
    expect(await store.getStock('A1', 'WH')).toBe(90n);
    expect(await store.getStock('I1', 'DOCK')).toBe(2n);
    expect((await lg.serials.get(GTIN2, 'I02')).locationId).toBe('DOCK');
    expect((await store.getUnits([CASE_B]))[0]?.locationId).toBe('DOCK');

    const shipped = await lg.ship({ shipmentId: 'SH1', customerId: 'ph1', units: [PALLET] });
    expect(shipped.payload.units).toEqual([PALLET]);
    expect(shipped.payload.nestedUnits).toEqual([CASE_A, CASE_B]);
    expect(shipped.payload.lines).toEqual([
      {
        lineNo: 1,
        lotId: 'A1',
        productId: 'amox',
        locationId: 'DOCK',
        quantity: '10',
        gtin: GTIN,
        serials: ['A01', 'A02', 'A03', 'A04', 'A05', 'A06', 'A07'],
      },
      {
        lineNo: 2,
        lotId: 'I1',
        productId: 'ibu',
        locationId: 'DOCK',
        quantity: '2',
        gtin: GTIN2,
        serials: ['I01', 'I02'],
      },
    ]);
    expect(await store.getStock('A1', 'DOCK')).toBe(0n);
    const s = await lg.serials.get(GTIN, 'A06');
    expect(s).toMatchObject({
      state: 'shipped',
      shipmentId: 'SH1',
      customerId: 'ph1',
      unitPath: [CASE_B, PALLET],
    });
    expect(s.locationId).toBeUndefined();
    expect((await store.getUnits([PALLET, CASE_A])).map((u) => u.state)).toEqual(['shipped', 'shipped']);
    expect(await code(lg.units.move({ unitId: PALLET, toLocationId: 'WH' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await lg.stock.massBalance('A1')).balance).toBe('0');
  });

  it('picks a case off a pallet and a serial out of a case', async () => {
    await lg.serials.commission({
      lotId: 'A1',
      locationId: 'WH',
      range: { prefix: 'A', start: 1, count: 6, width: 1 },
    });
    const a = (n: number) => ({ gtin: GTIN, serial: `A${n}` });
    await lg.units.pack({ unitId: CASE_A, kind: 'case', locationId: 'WH', serials: [1, 2, 3].map(a) });
    await lg.units.pack({ unitId: CASE_B, kind: 'case', locationId: 'WH', serials: [4, 5].map(a) });
    await lg.units.pack({ unitId: PALLET, kind: 'pallet', units: [CASE_A, CASE_B] });
    const e = await lg.ship({ shipmentId: 'SH1', customerId: 'ph1', units: [CASE_A], serials: [a(4)] });
    expect(e.payload.detached).toEqual([CASE_A]);
    expect(e.payload.pickedSerials).toEqual([{ gtin: GTIN, serials: ['A4'] }]);
    expect(e.payload.lines).toEqual([
      {
        lineNo: 1,
        lotId: 'A1',
        productId: 'amox',
        locationId: 'WH',
        quantity: '4',
        gtin: GTIN,
        serials: ['A1', 'A2', 'A3', 'A4'],
      },
    ]);
    const pallet = await lg.units.get(PALLET);
    expect(pallet.units.map((u) => u.unit.id)).toEqual([CASE_B]);
    expect(pallet.totals).toEqual([
      { lotId: 'A1', productId: 'amox', quantity: '1', unit: 'pack', serials: 1 },
    ]);
    expect((await lg.serials.get(GTIN, 'A4')).unitId).toBeUndefined();
    expect((await lg.serials.get(GTIN, 'A1')).unitPath).toEqual([CASE_A]);
    expect(await store.getStock('A1', 'WH')).toBe(96n);
    // Serials shipped cannot ship again; a serial in a unit shipped whole cannot be named too.
    expect(await code(lg.ship({ shipmentId: 'SH2', customerId: 'ph1', serials: [a(4)] }))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(
      await code(lg.ship({ shipmentId: 'SH2', customerId: 'ph1', units: [CASE_B], serials: [a(5)] })),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });

  it('unpacks contents and empties a unit; destroyed, returned and dispensed serials keep the books exact', async () => {
    await lg.serials.commission({ lotId: 'A1', locationId: 'WH', serials: ['X1', 'X2', 'X3', 'X4'] });
    const x = (s: string) => ({ gtin: GTIN, serial: s });
    await lg.units.pack({
      unitId: CASE_A,
      kind: 'case',
      locationId: 'WH',
      serials: ['X1', 'X2'].map(x),
      lots: [{ lotId: 'A1', quantity: '5' }],
    });
    await lg.units.unpack({ unitId: CASE_A, serials: [x('X1')], lots: [{ lotId: 'A1', quantity: '2' }] });
    expect((await lg.units.get(CASE_A)).totals).toEqual([
      { lotId: 'A1', productId: 'amox', quantity: '4', unit: 'pack', serials: 1 },
    ]);
    expect(
      await code(lg.units.unpack({ unitId: CASE_A, lots: [{ lotId: 'A1', quantity: '4' }] })),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    await lg.units.unpack({ unitId: CASE_A, all: true });
    expect((await store.getUnits([CASE_A]))[0]).toMatchObject({ state: 'retired', lots: [] });
    expect((await lg.serials.get(GTIN, 'X2')).unitId).toBeUndefined();

    await lg.serials.setState({ serials: [x('X3')], state: 'destroyed', reason: 'broken blister' });
    expect(await store.getStock('A1', 'WH')).toBe(99n);
    expect(await code(lg.serials.setState({ serials: [x('X3')], state: 'dispensed' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await code(lg.serials.setState({ serials: [x('X4')], state: 'decommissioned' }))).toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'reason' },
    });
    await lg.ship({ shipmentId: 'SH1', customerId: 'ph2', serials: [x('X4'), x('X1')] });
    await lg.serials.setState({ serials: [x('X1')], state: 'dispensed' });
    await lg.serials.setState({ serials: [x('X4')], state: 'returned', locationId: 'DOCK' });
    expect(await store.getStock('A1', 'DOCK')).toBe(1n);
    await lg.serials.setState({ serials: [x('X4')], state: 'active' });
    const info = await lg.serials.get(GTIN, 'X4');
    expect(info.history.map((h) => h.state)).toEqual(['active', 'shipped', 'returned', 'active']);
    expect(info.locationId).toBe('DOCK');
    const mb = await lg.stock.massBalance('A1');
    expect(mb).toMatchObject({
      received: '100',
      shipped: '2',
      returned: '1',
      adjusted: '-1',
      onHand: '98',
      balance: '0',
    });
  });

  it('receives serialised items and logistic units from GS1 scans', async () => {
    const e = await lg.receive({ scan: `(01)${GTIN}(21)SCAN1(10)A1(17)280131`, locationId: 'WH' });
    expect(e.payload).toMatchObject({ quantity: '1', serials: ['SCAN1'] });
    expect(await lg.serials.get(GTIN, 'SCAN1')).toMatchObject({
      lotId: 'A1',
      state: 'active',
      locationId: 'WH',
    });
    expect(await store.getStock('A1', 'WH')).toBe(101n);
    // A pallet label: SSCC, content GTIN, count, batch.
    await lg.receive({
      scan: `(00)${PALLET}(02)${GTIN2}(37)24(10)I2`,
      locationId: 'DOCK',
      supplierId: 'maker',
    });
    expect((await lg.units.get(PALLET)).totals).toEqual([
      { lotId: 'I2', productId: 'ibu', quantity: '24', unit: 'pack', serials: 0 },
    ]);
    const found = await lg.serials.scan(`(00)${PALLET}`);
    expect(found.kind).toBe('unit');
    const item = await lg.serials.scan(`(01)${GTIN}(21)SCAN1`);
    expect(item).toMatchObject({ kind: 'serial', serial: { lotId: 'A1' } });
    expect(await code(lg.receive({ scan: `(01)${GTIN}(21)SCAN1(10)A1`, locationId: 'WH' }))).toMatchObject({
      code: 'SERIAL_EXISTS',
    });
    // A serialised scan with a count other than one is refused.
    expect(
      await code(lg.receive({ scan: `(01)${GTIN}(21)SCAN2(10)A1`, locationId: 'WH', quantity: '2' })),
    ).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect(await store.getStock('A1', 'WH')).toBe(101n);
  });

  it('a batch sees its own serials and units, and rebuilding the projections gives identical rows', async () => {
    await lg.batch([
      { command: 'commissionSerials', input: { lotId: 'A1', locationId: 'WH', serials: ['B1', 'B2'] } },
      {
        command: 'pack',
        input: { unitId: CASE_A, kind: 'case', locationId: 'WH', serials: [{ gtin: GTIN, serial: 'B1' }] },
      },
      { command: 'moveUnit', input: { unitId: CASE_A, toLocationId: 'DOCK' } },
      { command: 'ship', input: { shipmentId: 'SHB', customerId: 'ph1', units: [CASE_A] } },
    ]);
    expect((await lg.serials.get(GTIN, 'B1')).state).toBe('shipped');
    expect((await lg.serials.get(GTIN, 'B2')).state).toBe('active');
    const target = new MemoryStore();
    await lg.rebuildProjections(target);
    expect(await target.listSerials({})).toEqual(await store.listSerials({}));
    expect(await target.listUnits({})).toEqual(await store.listUnits({}));
    expect(await target.listStock()).toEqual(await store.listStock());
  });
});

describe('serials at the pick face', () => {
  it('a pick confirmation accepts a serialised pack of the reserved lot and refuses others', async () => {
    const { lg } = await pharma();
    await lg.receive({
      lotId: 'A2',
      productId: 'amox',
      locationId: 'WH',
      quantity: '10',
      expiry: '2029-01-31',
    });
    await lg.serials.commission({ lotId: 'A1', locationId: 'WH', serials: ['P1'] });
    await lg.serials.commission({ lotId: 'A2', locationId: 'WH', serials: ['Q1'] });
    const res = await lg.allocation.reserve({
      orderId: 'O1',
      productId: 'amox',
      quantity: '1',
      date: '2026-03-01',
    });
    const r = res.payload.reservations[0] as { reservationId: string; lotId: string };
    expect(r.lotId).toBe('A1');
    const ok = await lg.allocation.confirmPick({ reservationId: r.reservationId, scan: `(01)${GTIN}(21)P1` });
    expect(ok.payload.serial).toEqual({ gtin: GTIN, serial: 'P1' });
    expect(
      await code(lg.allocation.confirmPick({ reservationId: r.reservationId, scan: `(01)${GTIN}(21)Q1` })),
    ).toMatchObject({
      code: 'GS1_MISMATCH',
      details: { element: 'serial (21)' },
    });
    expect(
      await code(lg.allocation.confirmPick({ reservationId: r.reservationId, scan: `(01)${GTIN}(21)NOPE` })),
    ).toMatchObject({
      code: 'SERIAL_NOT_FOUND',
    });
  });
});

describe('serials in traces', () => {
  it('a forward trace lists the serials each delivery carried; backward from a serial gives its lot genealogy', async () => {
    const { lg } = await pharma();
    await lg.serials.commission({ lotId: 'A1', locationId: 'WH', serials: ['T1', 'T2', 'T3'] });
    await lg.ship({
      shipmentId: 'S1',
      customerId: 'ph1',
      serials: [
        { gtin: GTIN, serial: 'T2' },
        { gtin: GTIN, serial: 'T1' },
      ],
    });
    await lg.ship({
      shipmentId: 'S2',
      customerId: 'ph2',
      lines: [{ lotId: 'A1', locationId: 'WH', quantity: '4' }],
    });
    const plain = await lg.trace.forward('A1');
    expect(plain.deliveries.every((d) => !('serials' in d))).toBe(true);
    const t = await lg.trace.forward('A1', { serials: true });
    expect(t.deliveries.map((d) => [d.customerId, d.quantity, d.serials])).toEqual([
      ['ph1', '2', ['T1', 'T2']],
      ['ph2', '4', undefined],
    ]);
    const back = await lg.trace.fromSerial(GTIN, 'T2');
    expect(back.serial).toMatchObject({ lotId: 'A1', state: 'shipped', customerId: 'ph1' });
    expect(back.lot.lotId).toBe('A1');
    expect(back.lot.supplierLots.map((l) => l.lotId)).toEqual(['A1']);
    expect(await code(lg.trace.forward('A1', { serials: 'yes' } as never))).toMatchObject({
      code: 'VALIDATION_FAILED',
    });
  });
});

describe('serials in recalls', () => {
  it('the notification list, its CSV and the letters name the serials each pharmacy received', async () => {
    const { lg, store } = await pharma();
    await lg.serials.commission({ lotId: 'A1', locationId: 'WH', serials: ['N1', 'N2', 'N3', 'N4'] });
    await lg.serials.commission({ lotId: 'I1', locationId: 'WH', serials: ['M1'] });
    const x = (serial: string, gtin = GTIN) => ({ gtin, serial });
    await lg.units.pack({ unitId: CASE_A, kind: 'case', locationId: 'WH', serials: [x('N1'), x('N2')] });
    await lg.ship({ shipmentId: 'S1', customerId: 'ph1', units: [CASE_A] });
    await lg.ship({ shipmentId: 'S2', customerId: 'ph2', serials: [x('N3'), x('M1', GTIN2)] });
    await lg.ship({
      shipmentId: 'S3',
      customerId: 'ph2',
      lines: [{ lotId: 'A1', locationId: 'WH', quantity: '5' }],
    });
    const ev = await lg.recall.open({
      recallId: 'R1',
      lots: ['A1'],
      reason: 'sterility',
      classification: 'I',
    });
    const { letterContent } = await import('@lotgraph/sdk/reports');
    const { notificationList, recallMasterData } = await import('../src/recall/queries.js');
    const master = await recallMasterData(store, ev);
    const rows = notificationList(ev, master);
    expect(rows.map((r) => [r.customerId, r.quantity, r.serials])).toEqual([
      ['ph1', '2', [{ lotId: 'A1', gtin: GTIN, serials: ['N1', 'N2'] }]],
      ['ph2', '6', [{ lotId: 'A1', gtin: GTIN, serials: ['N3'] }]],
    ]);
    const csv = await lg.recall.notificationCsv('R1');
    expect(csv.split('\r\n')[0]?.endsWith(',serials')).toBe(true);
    expect(csv).toContain(`${GTIN}/N1 ${GTIN}/N2`);
    expect(csv).not.toContain('M1');
    const letter = letterContent(ev, 'ph2', { master });
    expect(letter.paragraphs.map((p) => p.text)).toContain(`Serial numbers of lot A1 (GTIN ${GTIN}): N3`);
  });
});

describe('serials: properties', () => {
  it('random serial and unit operations never let serials in custody exceed stock, and the books close (property)', async () => {
    type Op =
      | { op: 'commission'; n: number }
      | { op: 'pack'; serials: number[]; unit: number }
      | { op: 'nest'; child: number; parent: number }
      | { op: 'move'; unit: number }
      | { op: 'ship'; units: number[]; serials: number[] }
      | { op: 'destroy'; serials: number[] }
      | { op: 'unpackAll'; unit: number }
      | { op: 'shipLot'; qty: number; lot: 'A1' | 'I1'; fefo: boolean }
      | { op: 'moveLot'; qty: number };
    const idx = fc.integer({ min: 0, max: 14 });
    const unit = fc.integer({ min: 1, max: 4 });
    const op: fc.Arbitrary<Op> = fc.oneof(
      fc.record({ op: fc.constant('commission' as const), n: fc.integer({ min: 1, max: 5 }) }),
      fc.record({ op: fc.constant('pack' as const), serials: fc.uniqueArray(idx, { maxLength: 3 }), unit }),
      fc.record({ op: fc.constant('nest' as const), child: unit, parent: unit }),
      fc.record({ op: fc.constant('move' as const), unit }),
      fc.record({
        op: fc.constant('ship' as const),
        units: fc.uniqueArray(unit, { maxLength: 2 }),
        serials: fc.uniqueArray(idx, { maxLength: 2 }),
      }),
      fc.record({
        op: fc.constant('destroy' as const),
        serials: fc.uniqueArray(idx, { minLength: 1, maxLength: 2 }),
      }),
      fc.record({ op: fc.constant('unpackAll' as const), unit }),
      fc.record({
        op: fc.constant('shipLot' as const),
        qty: fc.integer({ min: 1, max: 100 }),
        lot: fc.constantFrom('A1' as const, 'I1' as const),
        fefo: fc.boolean(),
      }),
      fc.record({ op: fc.constant('moveLot' as const), qty: fc.integer({ min: 80, max: 100 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 25 }), async (ops) => {
        const { lg, store } = await pharma();
        let next = 0;
        let ship = 0;
        const ref = (i: number) => ({ gtin: GTIN, serial: `P${i}` });
        for (const o of ops) {
          const where = async (u: number) => (await store.getUnits([sscc(u)]))[0]?.locationId ?? 'WH';
          const run = async () => {
            switch (o.op) {
              case 'commission': {
                const serials = Array.from({ length: o.n }, (_, k) => `P${next + k}`);
                await lg.serials.commission({ lotId: 'A1', locationId: 'WH', serials });
                next += o.n;
                return;
              }
              case 'pack':
                return lg.units.pack({
                  unitId: sscc(o.unit),
                  kind: 'case',
                  locationId: await where(o.unit),
                  serials: o.serials.map(ref),
                });
              case 'nest':
                return lg.units.pack({ unitId: sscc(o.parent), kind: 'pallet', units: [sscc(o.child)] });
              case 'move': {
                const at = await where(o.unit);
                return lg.units.move({ unitId: sscc(o.unit), toLocationId: at === 'WH' ? 'DOCK' : 'WH' });
              }
              case 'ship':
                return lg.ship({
                  shipmentId: `S${ship++}`,
                  customerId: 'ph1',
                  units: o.units.map(sscc),
                  serials: o.serials.map(ref),
                });
              case 'destroy':
                return lg.serials.setState({
                  serials: o.serials.map(ref),
                  state: 'destroyed',
                  reason: 'test',
                });
              case 'unpackAll':
                return lg.units.unpack({ unitId: sscc(o.unit), all: true });
              case 'shipLot':
                // By lot quantity (or FEFO by product): only stock that is not serialised may go.
                return lg.ship({
                  shipmentId: `S${ship++}`,
                  customerId: 'ph2',
                  lines: [
                    o.fefo
                      ? { productId: o.lot === 'A1' ? 'amox' : 'ibu', quantity: String(o.qty) }
                      : { lotId: o.lot, locationId: 'WH', quantity: String(o.qty) },
                  ],
                });
              case 'moveLot':
                return lg.move({
                  lotId: 'A1',
                  fromLocationId: 'WH',
                  toLocationId: 'DOCK',
                  quantity: String(o.qty),
                });
            }
          };
          const before = await snapshotStore(store);
          try {
            await run();
          } catch (e) {
            // A refused command is a typed error and changes nothing.
            expect(e).toBeInstanceOf(LotgraphError);
            expect(await snapshotStore(store)).toEqual(before);
          }
          for (const loc of ['WH', 'DOCK']) {
            const custody =
              (await store.countSerials({ lotId: 'A1', locationId: loc, state: 'active' })) +
              (await store.countSerials({ lotId: 'A1', locationId: loc, state: 'returned' }));
            expect(BigInt(custody)).toBeLessThanOrEqual(await store.getStock('A1', loc));
          }
          // A serial has a place exactly while it is in our custody (what custody counts rely on).
          for (const x of await store.listSerials({}))
            expect(x.locationId !== undefined, `${x.serial} ${x.state}`).toBe(
              x.state === 'active' || x.state === 'returned',
            );
          for (const u of await store.listUnits({ state: 'active' })) {
            for (const s of await store.listSerials({ unitIds: [u.id] }))
              expect(s.locationId).toBe(u.locationId);
            for (const c of await store.listUnits({ parentIds: [u.id] }))
              expect(c.locationId).toBe(u.locationId);
          }
        }
        expect((await lg.stock.massBalance('A1')).balance).toBe('0');
        expect((await lg.stock.massBalance('I1')).balance).toBe('0');
        const target = new MemoryStore();
        await lg.rebuildProjections(target);
        expect(await target.listSerials({})).toEqual(await store.listSerials({}));
        expect(await target.listUnits({})).toEqual(await store.listUnits({}));
      }),
      { numRuns: 40 },
    );
  });
});

describe('MemoryStore serial table indexes', () => {
  it('answers every filter from its indexes exactly as a full scan does, through sets, deletes and undo (property)', async () => {
    const { SerialTable, serialsMatching, countMatching } = await import('../src/store/memory-serials.js');
    const row = fc.record({
      serial: fc.constantFrom('1', '2', '3', '4', '5'),
      lotId: fc.constantFrom('L1', 'L2'),
      unitId: fc.option(fc.constantFrom('U1', 'U2'), { nil: undefined }),
      shipmentId: fc.option(fc.constantFrom('S1', 'S2'), { nil: undefined }),
      state: fc.constantFrom('active' as const, 'shipped' as const),
    });
    const action = fc.oneof(
      fc.record({ kind: fc.constant('set' as const), row }),
      fc.record({ kind: fc.constant('delete' as const), serial: fc.constantFrom('1', '2', '3', '4', '5') }),
    );
    const filter = fc.record(
      {
        lotId: fc.constantFrom('L1', 'L2'),
        unitIds: fc.uniqueArray(fc.constantFrom('U1', 'U2', 'U3'), { maxLength: 2 }),
        shipmentIds: fc.uniqueArray(fc.constantFrom('S1', 'S2'), { maxLength: 2 }),
        state: fc.constantFrom('active' as const, 'shipped' as const),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(
        fc.array(action, { maxLength: 30 }),
        fc.array(filter, { minLength: 1, maxLength: 5 }),
        (actions, filters) => {
          const t = new SerialTable();
          const undo: (() => void)[] = [];
          for (const a of actions) {
            const key = `${GTIN}\u0000${a.kind === 'set' ? a.row.serial : a.serial}`;
            const had = t.has(key);
            const old = t.get(key);
            undo.push(() => (had ? t.set(key, old!) : t.delete(key)));
            if (a.kind === 'delete') t.delete(key);
            else {
              const { unitId, shipmentId, ...rest } = a.row;
              t.set(key, {
                gtin: GTIN,
                ...rest,
                ...(unitId !== undefined ? { unitId } : {}),
                ...(shipmentId !== undefined ? { shipmentId } : {}),
                seq: 1,
                history: [],
              });
            }
          }
          const check = () => {
            for (const f of filters) {
              const all = [...t.values()];
              expect(serialsMatching(t, f)).toEqual(serialsMatching(all, f));
              expect(countMatching(t, f)).toBe(countMatching(all, f));
            }
          };
          check();
          // Roll half of it back, the way MemoryStore's undo log does, and check again.
          for (const u of undo.slice(undo.length >> 1).reverse()) u();
          check();
        },
      ),
    );
  });
});

describe('batch overlay over serials', () => {
  it('answers list, count and paging like a store holding the staged changes (property)', async () => {
    const { OverlayStore } = await import('../src/store/overlay-store.js');
    const { makeTestEvent } = await import('@lotgraph/sdk/testing');
    const serial = fc.constantFrom('1', '2', '3', '4', '5', '6');
    const change = fc.oneof(
      fc.record({
        kind: fc.constant('add' as const),
        serials: fc.uniqueArray(serial, { minLength: 1, maxLength: 3 }),
        lotId: fc.constantFrom('L1', 'L2'),
      }),
      fc.record({
        kind: fc.constant('update' as const),
        serials: fc.uniqueArray(serial, { minLength: 1, maxLength: 3 }),
        state: fc.constantFrom('active' as const, 'shipped' as const),
        unitId: fc.option(fc.constantFrom('U1', 'U2'), { nil: null }),
      }),
    );
    const filter = fc.record(
      {
        lotId: fc.constantFrom('L1', 'L2'),
        state: fc.constantFrom('active' as const, 'shipped' as const),
        unitIds: fc.uniqueArray(fc.constantFrom('U1', 'U2'), { maxLength: 2 }),
        after: fc.record({ gtin: fc.constant(GTIN), serial }),
        limit: fc.integer({ min: 1, max: 4 }),
      },
      { requiredKeys: [] },
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(change, { maxLength: 6 }),
        fc.array(change, { maxLength: 6 }),
        fc.array(filter, { minLength: 1, maxLength: 4 }),
        async (stored, staged, filters) => {
          const asChange = (c: (typeof stored)[number], seq: number) =>
            c.kind === 'add'
              ? {
                  type: 'addSerials' as const,
                  gtin: GTIN,
                  lotId: c.lotId,
                  locationId: 'WH',
                  serials: c.serials,
                  seq,
                }
              : {
                  type: 'updateSerials' as const,
                  gtin: GTIN,
                  serials: c.serials,
                  patch: { state: c.state, unitId: c.unitId },
                  seq,
                };
          const base = new MemoryStore();
          const all = new MemoryStore();
          const append = async (store: MemoryStore, changes: ReturnType<typeof asChange>[]) => {
            const h = await store.head();
            const ev = await makeTestEvent(h.seq + 1, h.hash, `k${h.seq + 1}`);
            return store.append({ expectedSeq: h.seq, events: [ev], changes }).then(
              () => true,
              () => false,
            );
          };
          for (const [i, c] of stored.entries()) {
            await append(base, [asChange(c, i + 1)]);
            await append(all, [asChange(c, i + 1)]);
          }
          const overlay = new OverlayStore(base, await base.head());
          for (const [i, c] of staged.entries()) {
            const ch = asChange(c, 100 + i);
            const ok = await append(all, [ch]);
            const ev = await makeTestEvent(1000 + i, 'x'.repeat(64), `s${i}`);
            const staged = await overlay.stage(ev, [ch]).then(
              () => true,
              () => false,
            );
            expect(staged).toBe(ok);
          }
          for (const f of filters) {
            expect(await overlay.listSerials(f)).toEqual(await all.listSerials(f));
            expect(await overlay.countSerials(f)).toBe(await all.countSerials(f));
          }
        },
      ),
    );
  });
});
