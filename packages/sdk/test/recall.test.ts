import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FSMA204_COLUMNS, LotgraphError, MemoryStore } from '@lotgraph/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { toCsv } from '../src/recall/queries.js';
import { bakery } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-recall-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasPoppler = existsSync('/usr/bin/pdftotext') && existsSync('/usr/bin/pdftoppm');

/** Flour lot F1 (50 kg) → dough D1 (30 kg of F1) and D2 (20 kg of F1) → bread → two shops. */
async function scenario(store: MemoryStore = new MemoryStore()) {
  const { lg } = await bakery(store);
  await lg.receive({
    lotId: 'F1',
    productId: 'flour',
    supplierId: 'mill',
    locationId: 'WH',
    quantity: '50',
    supplierLotNumber: 'MILL-77',
  });
  await lg.receive({
    lotId: 'F2',
    productId: 'flour',
    supplierId: 'mill',
    locationId: 'WH',
    quantity: '50',
    supplierLotNumber: 'MILL-78',
  });
  await lg.receive({ lotId: 'S1', productId: 'salt', supplierId: 'saltco', locationId: 'WH', quantity: '5' });
  await lg.produce({
    orderId: 'MO-1',
    inputs: [
      { lotId: 'F1', locationId: 'WH', quantity: '30' },
      { lotId: 'S1', locationId: 'WH', quantity: '1' },
    ],
    outputs: [{ lotId: 'D1', productId: 'dough', locationId: 'LINE', quantity: '31' }],
  });
  await lg.produce({
    orderId: 'MO-2',
    inputs: [
      { lotId: 'F1', locationId: 'WH', quantity: '20' },
      { lotId: 'F2', locationId: 'WH', quantity: '20' },
    ],
    outputs: [{ lotId: 'D2', productId: 'dough', locationId: 'LINE', quantity: '40' }],
  });
  await lg.produce({
    orderId: 'MO-3',
    inputs: [{ lotId: 'D1', locationId: 'LINE', quantity: '31' }],
    outputs: [{ lotId: 'B1', productId: 'bread', locationId: 'WH', quantity: '60' }],
  });
  await lg.ship({
    shipmentId: 'SH-1',
    customerId: 'shop1',
    lines: [{ lotId: 'B1', locationId: 'WH', quantity: '30' }],
  });
  await lg.ship({
    shipmentId: 'SH-2',
    customerId: 'shop2',
    lines: [{ lotId: 'B1', locationId: 'WH', quantity: '10' }],
  });
  return lg;
}

describe('recall scope', () => {
  it('finds every affected lot, delivery and customer, with paths and exact shipped quantities', async () => {
    const lg = await scenario();
    const ev = await lg.recall.open({
      recallId: 'R-1',
      lots: ['F1'],
      reason: 'Salmonella in flour',
      classification: 'I',
      drill: true,
    });
    const s = ev.scope;
    expect(s.lots.map((l) => l.lotId).sort()).toEqual(['B1', 'D1', 'D2', 'F1']);
    expect(s.lots.find((l) => l.lotId === 'B1')?.path).toEqual(['F1', 'D1', 'B1']);
    expect(s.lots.find((l) => l.lotId === 'B1')?.depth).toBe(2);
    expect(s.customers.map((c) => [c.customerId, c.quantities])).toEqual([
      ['shop1', [{ productId: 'bread', quantity: '30', unit: 'pc' }]],
      ['shop2', [{ productId: 'bread', quantity: '10', unit: 'pc' }]],
    ]);
    expect(s.deliveries).toHaveLength(2);
    // Salt S1 and flour F2 are inputs, not descendants: not in scope.
    expect(s.lots.some((l) => l.lotId === 'S1' || l.lotId === 'F2')).toBe(false);
    expect(s.onHand.map((o) => [o.lotId, o.locationId, o.quantity])).toEqual([
      ['B1', 'WH', '20'],
      ['D2', 'LINE', '40.000'],
    ]);
  });

  it('attributes the suspect quantity exactly at the first split and proportionally below', async () => {
    const lg = await scenario();
    const ev = await lg.recall.open({
      recallId: 'R-2',
      lots: ['F1'],
      reason: 'test',
      classification: 'II',
      drill: true,
    });
    const attr = Object.fromEntries(ev.scope.lots.map((l) => [l.lotId, Number(l.attributed)]));
    expect(attr.F1).toBe(50);
    expect(attr.D1).toBe(30);
    expect(attr.D2).toBe(20);
    expect(attr.D1! + attr.D2!).toBe(50); // the 50 kg suspect lot accounts for exactly 50 kg
    expect(attr.B1).toBeCloseTo(30, 9); // D1 went entirely into B1
    const byCustomer = Object.fromEntries(
      ev.scope.customers.map((c) => [c.customerId, Number(c.attributed)]),
    );
    expect(byCustomer.shop1).toBeCloseTo(15, 9); // 30 of the 60 loaves carry half of B1's 30 kg
    expect(byCustomer.shop2).toBeCloseTo(5, 9);
    expect(ev.scope.attributedUnit).toBe('kg');
  });

  it('scope equals a plain traversal of the ledger events (oracle)', async () => {
    const lg = await scenario();
    const events = await lg.store.readEvents(1);
    const next = new Map<string, Set<string>>();
    const link = (a: string, b: string) => {
      if (!next.has(a)) next.set(a, new Set());
      next.get(a)!.add(b);
    };
    const customers = new Map<string, Set<string>>();
    for (const e of events) {
      const p = e.payload as unknown as Record<string, unknown>;
      if (e.type === 'produced' || e.type === 'transformed')
        for (const i of p.inputs as { lotId: string }[])
          for (const o of p.outputs as { lot: { id: string } }[]) link(i.lotId, o.lot.id);
      if (e.type === 'shipped')
        for (const l of p.lines as { lotId: string }[]) {
          if (!customers.has(l.lotId)) customers.set(l.lotId, new Set());
          customers.get(l.lotId)!.add(p.customerId as string);
        }
    }
    for (const root of ['F1', 'F2', 'S1', 'D1']) {
      const seen = new Set([root]);
      const queue = [root];
      while (queue.length)
        for (const n of next.get(queue.shift()!) ?? [])
          if (!seen.has(n)) {
            seen.add(n);
            queue.push(n);
          }
      const cust = new Set([...seen].flatMap((l) => [...(customers.get(l) ?? [])]));
      const ev = await lg.recall.open({
        recallId: `O-${root}`,
        lots: [root],
        reason: 'oracle',
        classification: 'III',
        drill: true,
      });
      expect(ev.scope.lots.map((l) => l.lotId).sort()).toEqual([...seen].sort());
      expect(ev.scope.customers.map((c) => c.customerId).sort()).toEqual([...cust].sort());
    }
  });

  it('opens by supplier lot number, and rejects unknown lots with typed errors naming the field', async () => {
    const lg = await scenario();
    const ev = await lg.recall.open({
      recallId: 'R-3',
      supplierLotNumbers: ['MILL-78'],
      reason: 'x',
      classification: 'II',
      drill: true,
    });
    expect(ev.scope.suspectLots).toEqual(['F2']);
    const err = await lg.recall
      .open({ recallId: 'R-4', lots: ['nope'], reason: 'x', classification: 'II' })
      .catch((e) => e);
    expect(err).toBeInstanceOf(LotgraphError);
    expect([err.code, err.details.field]).toEqual(['LOT_NOT_FOUND', 'lots.0']);
    const bad = await lg.recall
      .open({ recallId: 'R-5', reason: 'x', classification: 'IV' } as never)
      .catch((e) => e);
    expect(bad.code).toBe('VALIDATION_FAILED');
    const dup = await lg.recall
      .open({ recallId: 'R-3', lots: ['F1'], reason: 'x', classification: 'II', drill: true })
      .catch((e) => e);
    expect([dup.code, dup.details.field]).toEqual(['VALIDATION_FAILED', 'recallId']);
  });
});

describe('real recall vs drill', () => {
  it('a drill leaves stock, holds and reservations identical, and is marked as a drill', async () => {
    const lg = await scenario();
    const before = JSON.stringify(
      [await lg.store.listStock(), await lg.store.listHolds(), await lg.store.listReservations()],
      (_k, v) => (typeof v === 'bigint' ? String(v) : v),
    );
    const ev = await lg.recall.open({
      recallId: 'D-1',
      lots: ['F1'],
      reason: 'mock recall',
      classification: 'I',
      drill: true,
    });
    const after = JSON.stringify(
      [await lg.store.listStock(), await lg.store.listHolds(), await lg.store.listReservations()],
      (_k, v) => (typeof v === 'bigint' ? String(v) : v),
    );
    expect(after).toBe(before);
    expect(ev.drill).toBe(true);
    expect(await lg.recall.notificationCsv('D-1')).toContain(',DRILL,');
  });

  it('a real recall holds every affected lot on hand, in the same transaction, and blocks shipping it', async () => {
    const lg = await scenario();
    await lg.recall.open({ recallId: 'R-9', lots: ['F1'], reason: 'Salmonella', classification: 'I' });
    const holds = await lg.store.listHolds({ status: 'active' });
    expect(holds.map((h) => [h.lotId, h.reasonCode]).sort()).toEqual([
      ['B1', 'recall'],
      ['D2', 'recall'],
    ]);
    const err = await lg
      .ship({
        shipmentId: 'SH-9',
        customerId: 'shop1',
        lines: [{ lotId: 'B1', locationId: 'WH', quantity: '1' }],
      })
      .catch((e) => e);
    expect(err.code).toBe('LOT_ON_HOLD');
    const events = await lg.store.readEvents(1);
    const opened = events.find((e) => e.type === 'recallOpened')!;
    expect(events.filter((e) => e.type === 'held').every((e) => e.seq > opened.seq)).toBe(true);
  });
});

describe('notification workflow and evidence', () => {
  it('tracks notifications and answers, computes effectiveness and closes', async () => {
    const lg = await scenario();
    await lg.recall.open({
      recallId: 'R-1',
      lots: ['F1'],
      reason: 'Salmonella',
      classification: 'I',
      effectivenessLevel: 'A',
    });
    await lg.recall.notify({
      recallId: 'R-1',
      customerId: 'shop1',
      channel: 'email',
      contact: 'qa@shop1.example',
    });
    let ev = await lg.recall.evidence('R-1');
    expect(ev.effectiveness).toMatchObject({
      consignees: 2,
      notified: 1,
      consigneesReachedShare: 0.5,
      met: false,
    });
    await lg.recall.notify({ recallId: 'R-1', customerId: 'shop2', channel: 'phone' });
    await lg.recall.acknowledge({
      recallId: 'R-1',
      customerId: 'shop1',
      quantities: [{ productId: 'bread', returned: '20', destroyed: '10' }],
    });
    const tooMuch = await lg.recall
      .acknowledge({
        recallId: 'R-1',
        customerId: 'shop2',
        quantities: [{ productId: 'bread', returned: '11' }],
      })
      .catch((e) => e);
    expect([tooMuch.code, tooMuch.details.field]).toEqual(['VALIDATION_FAILED', 'quantities.0']);
    const stranger = await lg.recall
      .notify({ recallId: 'R-1', customerId: 'mill', channel: 'email' })
      .catch((e) => e);
    expect(stranger.details.field).toBe('customerId');
    await lg.recall.close({ recallId: 'R-1', summary: 'all product recovered or destroyed' });
    ev = await lg.recall.evidence('R-1');
    expect(ev.status).toBe('closed');
    expect(ev.effectiveness).toMatchObject({
      notified: 2,
      acknowledged: 1,
      met: true,
      quantityShipped: [{ productId: 'bread', quantity: '40', unit: 'pc' }],
      quantityAccountedFor: [{ productId: 'bread', quantity: '30', unit: 'pc' }],
      quantityAccountedShare: 0.75,
    });
    expect(ev.timeline.firstNotificationAt! <= ev.timeline.lastNotificationAt!).toBe(true);
    expect(ev.timeline.closedAt).toBeDefined();
    expect(ev.timeline.metTarget).toBe(true);
    // Mass balance closes exactly for every affected lot.
    for (const b of ev.massBalance) expect([b.lotId, Number(b.balance)]).toEqual([b.lotId, 0]);
    expect(ev.massBalance.find((b) => b.suspect)?.lotId).toBe('F1');
    const late = await lg.recall
      .notify({ recallId: 'R-1', customerId: 'shop1', channel: 'email' })
      .catch((e) => e);
    expect(late.code).toBe('VALIDATION_FAILED');
  });

  it.skipIf(!hasPoppler)(
    'renders the recall report PDF with the lots and customers (pdftotext, pdftoppm)',
    async () => {
      const lg = await scenario();
      await lg.recall.open({
        recallId: 'R-PDF',
        lots: ['F1'],
        reason: 'Salmonella',
        classification: 'I',
        drill: true,
      });
      const pdf = await lg.recall.reportPdf('R-PDF');
      const file = path.join(dir, 'recall.pdf');
      writeFileSync(file, pdf);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      for (const s of [
        'Mock recall (drill) R-PDF',
        'MOCK RECALL - DRILL',
        'F1',
        'D1',
        'D2',
        'B1',
        'Shop One',
        'Shop Two',
        'Mass balance',
      ])
        expect(text).toContain(s);
      execFileSync('pdftoppm', ['-png', '-r', '50', '-f', '1', '-l', '1', file, path.join(dir, 'page')]);
      const png = readFileSync(path.join(dir, 'page-1.png'));
      expect(png.subarray(1, 4).toString()).toBe('PNG');
    },
  );
});

describe('customer notification letters', () => {
  it.skipIf(!hasPoppler)('one PDF per customer with their deliveries, lots and quantities', async () => {
    const lg = await scenario();
    await lg.recall.open({
      recallId: 'R-L',
      lots: ['F1'],
      reason: 'Salmonella in flour',
      classification: 'I',
    });
    const letters = await lg.recall.letters('R-L', { name: 'Bakery QA', contact: 'qa@bakery.example' });
    expect(letters.map((l) => l.customerId)).toEqual(['shop1', 'shop2']);
    const file = path.join(dir, 'letter.pdf');
    writeFileSync(file, letters[0]!.pdf);
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const s of [
      'URGENT: PRODUCT RECALL (Class I)',
      'Shop One',
      'SH-1',
      'lot B1',
      'Bread [bread]: 30 pc in 1 delivery',
      'R-L',
      'qa@bakery.example',
    ])
      expect(text).toContain(s);
    expect(text).not.toContain('SH-2');
  });
});

describe('regulatory exports', () => {
  it('FSMA 204: one row per critical tracking event with the KDE columns, filterable and sorted', async () => {
    const lg = await scenario();
    const csv = await lg.exports.fsma204Csv();
    const [header, ...rows] = csv.trimEnd().split('\r\n');
    expect(header!.split(',')).toEqual([...FSMA204_COLUMNS]);
    const ctes = rows.map((r) => r.split(',')[0]);
    expect(ctes.filter((c) => c === 'Receiving')).toHaveLength(3);
    expect(ctes.filter((c) => c === 'Transformation')).toHaveLength(3);
    expect(ctes.filter((c) => c === 'Shipping')).toHaveLength(2);
    const b1 = (await lg.exports.fsma204Csv({ lotId: 'B1' })).trimEnd().split('\r\n').slice(1);
    expect(b1.map((r) => r.split(',')[0])).toEqual(['Transformation', 'Shipping', 'Shipping']);
    expect(b1[0]).toContain('D1');
    expect(b1[1]).toContain('Shop One');
  });

  it('EU 178/2002 one step back and forward as CSV and JSON', async () => {
    const lg = await scenario();
    const csv = await lg.exports.oneStepCsv('D1');
    expect(csv).toContain('back,input lot,D1,dough,Dough,,,,,,F1,Wheat flour,30.000,kg');
    expect(csv).toContain('forward,output lot,D1,dough,Dough,,,,,,B1,Bread,31.000,kg');
    const f1 = await lg.exports.oneStepCsv('F1');
    expect(f1).toContain('back,supplier,F1,flour,Wheat flour,09506000134352,mill,Mill & Co,9506000000001,');
    const json = JSON.parse(await lg.exports.oneStepJson('F1'));
    expect(json.suppliers[0]).toMatchObject({ supplierId: 'mill', supplierLotNumber: 'MILL-77' });
  });

  it('CSV cells are RFC 4180 quoted and guarded against formula injection', () => {
    expect(
      toCsv(
        ['a', 'b'],
        [
          ['=HYPERLINK("x")', 'say "hi", ok'],
          ['-12.5', '@SUM(A1)'],
        ],
      ),
    ).toBe('a,b\r\n"\'=HYPERLINK(""x"")","say ""hi"", ok"\r\n-12.5,\'@SUM(A1)\r\n');
  });
});
