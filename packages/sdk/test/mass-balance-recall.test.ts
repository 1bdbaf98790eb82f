import type { Lotgraph } from '@lotgraph/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bakery, snapshotStore } from './helpers.js';

/**
 * Random genealogies over the bakery master data: flour lots received, then production steps that each take
 * a whole-kg part of up to three lots on hand into one or two outputs, then shipments of some outputs.
 * Every movement is recorded, so every lot's mass balance must close to exactly zero.
 */
type Step =
  | { kind: 'produce'; picks: { lot: number; take: number }[]; outputs: number }
  | { kind: 'ship'; lot: number; take: number; customer: 0 | 1 };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    kind: fc.constant('produce' as const),
    picks: fc.array(fc.record({ lot: fc.nat(50), take: fc.integer({ min: 1, max: 100 }) }), {
      minLength: 1,
      maxLength: 3,
    }),
    outputs: fc.integer({ min: 1, max: 2 }),
  }),
  fc.record({
    kind: fc.constant('ship' as const),
    lot: fc.nat(50),
    take: fc.integer({ min: 1, max: 100 }),
    customer: fc.constantFrom(0 as const, 1 as const),
  }),
);

const genealogyArb = fc.record({
  received: fc.array(fc.integer({ min: 1, max: 40 }), { minLength: 1, maxLength: 4 }),
  steps: fc.array(stepArb, { maxLength: 10 }),
  suspect: fc.nat(20),
});

type Genealogy = typeof genealogyArb extends fc.Arbitrary<infer T> ? T : never;

/** Build the genealogy; returns the lot ids in creation order. Quantities are whole kg (dough, 3 decimals). */
async function build(lg: Lotgraph, g: Genealogy) {
  const lots: string[] = [];
  const onHand = new Map<string, { loc: string; kg: number }>();
  for (const [i, kg] of g.received.entries()) {
    const lotId = `R${i}`;
    await lg.receive({
      lotId,
      productId: 'flour',
      supplierId: 'mill',
      locationId: 'WH',
      quantity: String(kg),
    });
    lots.push(lotId);
    onHand.set(lotId, { loc: 'WH', kg });
  }
  let n = 0;
  for (const s of g.steps) {
    if (s.kind === 'produce') {
      const inputs = new Map<string, number>();
      for (const p of s.picks) {
        const lotId = lots[p.lot % lots.length]!;
        const have = onHand.get(lotId)!.kg - (inputs.get(lotId) ?? 0);
        const take = Math.min(have, 1 + (p.take % 10));
        if (take > 0) inputs.set(lotId, (inputs.get(lotId) ?? 0) + take);
      }
      if (inputs.size === 0) continue;
      const total = [...inputs.values()].reduce((a, b) => a + b, 0);
      const outs =
        s.outputs === 2 && total >= 2 ? [total - Math.floor(total / 2), Math.floor(total / 2)] : [total];
      n++;
      const outputs = outs.map((kg, j) => ({
        lotId: `P${n}_${j}`,
        productId: 'dough',
        locationId: 'LINE',
        quantity: String(kg),
      }));
      await lg.produce({
        orderId: `MO-${n}`,
        inputs: [...inputs].map(([lotId, kg]) => ({
          lotId,
          locationId: onHand.get(lotId)!.loc,
          quantity: String(kg),
        })),
        outputs,
      });
      for (const [lotId, kg] of inputs) onHand.get(lotId)!.kg -= kg;
      for (const o of outputs) {
        lots.push(o.lotId);
        onHand.set(o.lotId, { loc: 'LINE', kg: Number(o.quantity) });
      }
    } else {
      const lotId = lots[s.lot % lots.length]!;
      const h = onHand.get(lotId)!;
      const take = Math.min(h.kg, 1 + (s.take % 5));
      if (take === 0) continue;
      n++;
      await lg.ship({
        shipmentId: `SH-${n}`,
        customerId: s.customer === 0 ? 'shop1' : 'shop2',
        lines: [{ lotId, locationId: h.loc, quantity: String(take) }],
      });
      h.kg -= take;
    }
  }
  return lots;
}

/** Forward closure over the ledger's produce events (plain TS: the oracle). */
async function oracleClosure(lg: Lotgraph, root: string) {
  const next = new Map<string, Set<string>>();
  for (const e of await lg.store.readEvents(1)) {
    if (e.type !== 'produced' && e.type !== 'transformed') continue;
    const p = e.payload as unknown as { inputs: { lotId: string }[]; outputs: { lot: { id: string } }[] };
    for (const i of p.inputs)
      for (const o of p.outputs) {
        if (!next.has(i.lotId)) next.set(i.lotId, new Set());
        next.get(i.lotId)!.add(o.lot.id);
      }
  }
  const seen = new Set([root]);
  const queue = [root];
  while (queue.length)
    for (const m of next.get(queue.shift()!) ?? [])
      if (!seen.has(m)) {
        seen.add(m);
        queue.push(m);
      }
  return seen;
}

const EPS = 1e-6;

describe('recall mass balance and attribution (properties)', () => {
  it('scope = reference closure; attribution ≤ what flows in and conserves the suspect mass; books close; a drill changes nothing', async () => {
    await fc.assert(
      fc.asyncProperty(genealogyArb, async (g) => {
        const { lg, store } = await bakery();
        const lots = await build(lg, g);
        const suspect = lots[g.suspect % lots.length]!;
        const before = await snapshotStore(store);
        const beforeEvents = (before as { events: unknown[] }).events.length;

        const ev = await lg.recall.open({
          recallId: 'DRILL-P',
          lots: [suspect],
          reason: 'property',
          classification: 'II',
          drill: true,
        });

        // Drill: stock, holds, reservations, genealogy byte-identical; only recall events were appended.
        const after = (await snapshotStore(store)) as Record<string, unknown>;
        const b = before as Record<string, unknown>;
        for (const k of ['stock', 'holds', 'reservations', 'lots', 'shipments', 'lines', 'edges', 'chunks'])
          expect(after[k], k).toEqual(b[k]);
        const appended = (after.events as { type: string }[]).slice(beforeEvents);
        expect(appended.every((e) => e.type.startsWith('recall'))).toBe(true);
        expect(ev.drill).toBe(true);

        // Scope = the oracle's closure over the ledger.
        const closure = await oracleClosure(lg, suspect);
        expect(ev.scope.lots.map((l) => l.lotId).sort()).toEqual([...closure].sort());

        // Attribution: the suspect lot holds all of it; no lot holds more than was made/received of it,
        // nor more than the suspect quantity; deliveries + on hand of affected lots never exceed the suspect.
        const suspectBalance = await lg.stock.massBalance(suspect);
        const suspectQty = Number(suspectBalance.received) + Number(suspectBalance.produced);
        const attributed = new Map(ev.scope.lots.map((l) => [l.lotId, Number(l.attributed)]));
        expect(Math.abs((attributed.get(suspect) ?? 0) - suspectQty)).toBeLessThan(EPS);
        for (const l of ev.scope.lots) {
          const mb = await lg.stock.massBalance(l.lotId);
          const made = Number(mb.received) + Number(mb.produced);
          expect(Number(l.attributed)).toBeGreaterThanOrEqual(0);
          expect(Number(l.attributed)).toBeLessThanOrEqual(Math.min(made, suspectQty) + EPS);
        }
        const delivered = ev.scope.deliveries.reduce((s, d) => s + Number(d.attributed), 0);
        expect(delivered).toBeLessThanOrEqual(suspectQty + EPS);
        for (const d of ev.scope.deliveries)
          expect(Number(d.attributed)).toBeLessThanOrEqual(Number(d.quantity) + EPS);

        // Mass balance: every movement recorded → every affected lot closes to exactly zero.
        for (const m of ev.massBalance) {
          expect(Number(m.balance), m.lotId).toBe(0);
          expect(m.withinTolerance).toBe(true);
          expect(m.suspect).toBe(m.lotId === suspect);
        }
        expect(ev.massBalance.map((m) => m.lotId).sort()).toEqual([...closure].sort());
      }),
      { numRuns: 100 },
    );
  }, 30_000);

  it('a 10 kg suspect lot split across outputs and customers accounts for exactly 10 kg', async () => {
    const { lg } = await bakery();
    await lg.receive({
      lotId: 'X',
      productId: 'flour',
      supplierId: 'mill',
      locationId: 'WH',
      quantity: '10',
    });
    await lg.receive({
      lotId: 'Y',
      productId: 'flour',
      supplierId: 'mill',
      locationId: 'WH',
      quantity: '30',
    });
    await lg.produce({
      orderId: 'MO-A',
      inputs: [
        { lotId: 'X', locationId: 'WH', quantity: '4' },
        { lotId: 'Y', locationId: 'WH', quantity: '12' },
      ],
      outputs: [{ lotId: 'A', productId: 'dough', locationId: 'LINE', quantity: '16' }],
    });
    await lg.produce({
      orderId: 'MO-B',
      inputs: [{ lotId: 'X', locationId: 'WH', quantity: '6' }],
      outputs: [{ lotId: 'B', productId: 'dough', locationId: 'LINE', quantity: '6' }],
    });
    await lg.ship({
      shipmentId: 'S1',
      customerId: 'shop1',
      lines: [{ lotId: 'A', locationId: 'LINE', quantity: '16' }],
    });
    await lg.ship({
      shipmentId: 'S2',
      customerId: 'shop2',
      lines: [{ lotId: 'B', locationId: 'LINE', quantity: '6' }],
    });
    const ev = await lg.recall.open({
      recallId: 'T',
      lots: ['X'],
      reason: 'ten kg',
      classification: 'I',
      drill: true,
    });
    const byLot = Object.fromEntries(ev.scope.lots.map((l) => [l.lotId, Number(l.attributed)]));
    expect(byLot.X).toBeCloseTo(10, 9);
    expect(byLot.A).toBeCloseTo(4, 9);
    expect(byLot.B).toBeCloseTo(6, 9);
    const total = ev.scope.deliveries.reduce((s, d) => s + Number(d.attributed), 0);
    expect(total).toBeCloseTo(10, 9);
    const byCustomer = Object.fromEntries(
      ev.scope.customers.map((c) => [c.customerId, Number(c.attributed)]),
    );
    expect(byCustomer.shop1).toBeCloseTo(4, 9);
    expect(byCustomer.shop2).toBeCloseTo(6, 9);
  });

  it('one consumption into several outputs is shared in proportion to the outputs', async () => {
    const { lg } = await bakery();
    await lg.receive({ lotId: 'X', productId: 'flour', supplierId: 'mill', locationId: 'WH', quantity: '9' });
    await lg.produce({
      orderId: 'MO-S',
      inputs: [{ lotId: 'X', locationId: 'WH', quantity: '9' }],
      outputs: [
        { lotId: 'BIG', productId: 'dough', locationId: 'LINE', quantity: '6' },
        { lotId: 'SMALL', productId: 'crumbs', locationId: 'LINE', quantity: '3' },
      ],
    });
    const ev = await lg.recall.open({
      recallId: 'S',
      lots: ['X'],
      reason: 'split',
      classification: 'II',
      drill: true,
    });
    const byLot = Object.fromEntries(ev.scope.lots.map((l) => [l.lotId, Number(l.attributed)]));
    expect(byLot.BIG).toBeCloseTo(6, 9);
    expect(byLot.SMALL).toBeCloseTo(3, 9);
  });

  it('every ledger event of a drill is marked as a drill; those of a real recall are not', async () => {
    const { lg } = await bakery();
    await lg.receive({ lotId: 'X', productId: 'flour', supplierId: 'mill', locationId: 'WH', quantity: '5' });
    await lg.ship({
      shipmentId: 'S1',
      customerId: 'shop1',
      lines: [{ lotId: 'X', locationId: 'WH', quantity: '2' }],
    });
    for (const [recallId, drill] of [
      ['DR', true],
      ['RR', false],
    ] as const) {
      await lg.recall.open({ recallId, lots: ['X'], reason: 'r', classification: 'II', drill });
      await lg.recall.notify({ recallId, customerId: 'shop1', channel: 'email' });
      await lg.recall.acknowledge({
        recallId,
        customerId: 'shop1',
        quantities: [{ productId: 'flour', returned: '2', destroyed: '0', corrected: '0' }],
      });
      await lg.recall.close({ recallId, summary: 'done' });
    }
    const events = (await lg.store.readEvents(1)).filter((e) => e.type.startsWith('recall'));
    const marks = events.map((e) => {
      const p = e.payload as unknown as { recallId: string; drill?: boolean };
      return [p.recallId, e.type, p.drill === true];
    });
    expect(marks).toEqual([
      ['DR', 'recallOpened', true],
      ['DR', 'recallNotified', true],
      ['DR', 'recallAcknowledged', true],
      ['DR', 'recallClosed', true],
      ['RR', 'recallOpened', false],
      ['RR', 'recallNotified', false],
      ['RR', 'recallAcknowledged', false],
      ['RR', 'recallClosed', false],
    ]);
    expect((await lg.recall.evidence('DR')).drill).toBe(true);
    expect(await lg.store.listHolds({ status: 'active' })).toHaveLength(1);
  });

  it('a real recall blocks allocation and reservation of every affected lot on hand', async () => {
    const { lg } = await bakery();
    await lg.receive({
      lotId: 'X',
      productId: 'flour',
      supplierId: 'mill',
      locationId: 'WH',
      quantity: '10',
    });
    await lg.receive({
      lotId: 'Z',
      productId: 'flour',
      supplierId: 'mill',
      locationId: 'WH',
      quantity: '10',
    });
    await lg.produce({
      orderId: 'MO-1',
      inputs: [{ lotId: 'X', locationId: 'WH', quantity: '4' }],
      outputs: [{ lotId: 'A', productId: 'dough', locationId: 'LINE', quantity: '4' }],
    });
    await lg.recall.open({ recallId: 'R', lots: ['X'], reason: 'Listeria', classification: 'I' });
    const flour = await lg.allocation.allocate({ productId: 'flour', quantity: '20', date: '2026-03-02' });
    expect(flour.considered.find((c) => c.lotId === 'X')?.reason).toBe('ON_HOLD');
    expect(flour.picks.map((p) => p.lotId)).toEqual(['Z']);
    const dough = await lg.allocation.allocate({ productId: 'dough', quantity: '1', date: '2026-03-02' });
    expect(dough.picks).toEqual([]);
    expect(dough.considered.find((c) => c.lotId === 'A')?.reason).toBe('ON_HOLD');
    const err = await lg.allocation
      .reserve({
        reservationId: 'RES-1',
        orderId: 'O-1',
        productId: 'dough',
        quantity: '1',
        date: '2026-03-02',
      } as never)
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(Error);
    expect(await lg.store.listReservations()).toEqual([]);
  });
});
