import {
  fromSteps,
  hashEvent,
  Lotgraph,
  MemoryStore,
  type RecallScope,
  type StoredEvent,
} from '@lotgraph/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { projectRecall } from '../src/recall/projector.js';
import { recallEvidence } from '../src/recall/queries.js';
import { computeScope, computeScopeColumns } from '../src/recall/scope.js';
import { isPacked, packScope, unpackScope } from '../src/recall/scope-codec.js';
import { bakery, testClock } from './helpers.js';
import { indexOf } from './random-ledger.js';
import { oracleScope } from './recall-scope-oracle.js';

/**
 * The recall scope computed in columns (positions among the closure's lots, recorded as format 2) gives the
 * answers of the computation it replaced (maps keyed by lot id, objects per row; `recall-scope-oracle.ts`)
 * — from store reads and from the catalogue — on random genealogies with events of several outputs in one or
 * mixed units, production into existing lots (rework cycles), splits and shipments, and several suspects.
 */
type Step =
  | {
      t: 'produce';
      picks: number[];
      frac: number;
      outs: { p: 'dough' | 'bread' | 'crumbs'; q: number }[];
      into: number | null;
    }
  | { t: 'ship'; picks: number[]; frac: number; customer: 'shop1' | 'shop2' }
  | { t: 'split'; pick: number; frac: number; outputs: number };

const picks = fc.array(fc.nat(), { minLength: 1, maxLength: 3 });
const frac = fc.integer({ min: 1, max: 90 });
const stepArb: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('produce' as const),
      picks,
      frac,
      outs: fc.array(
        fc.record({
          p: fc.constantFrom('dough' as const, 'bread' as const, 'crumbs' as const),
          q: fc.integer({ min: 1, max: 9000 }),
        }),
        { minLength: 1, maxLength: 3 },
      ),
      into: fc.option(fc.nat(), { freq: 3 }),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('ship' as const),
      picks,
      frac,
      customer: fc.constantFrom('shop1' as const, 'shop2' as const),
    }),
  },
  {
    weight: 1,
    arbitrary: fc.record({
      t: fc.constant('split' as const),
      pick: fc.nat(),
      frac,
      outputs: fc.integer({ min: 1, max: 3 }),
    }),
  },
);

const DECIMALS: Record<string, number> = { flour: 3, salt: 3, dough: 3, bread: 0, crumbs: 3 };
const part = (q: bigint, f: number) => {
  const v = (q * BigInt(f)) / 100n;
  return v < 1n ? 1n : v;
};

async function build(received: number[], steps: Step[]) {
  const { lg, store } = await bakery(new MemoryStore());
  for (const [i, kg] of received.entries())
    await lg.receive({
      lotId: `R${i}`,
      productId: i % 3 === 2 ? 'salt' : 'flour',
      supplierId: i % 3 === 2 ? 'saltco' : 'mill',
      ...(i % 2 ? { supplierLotNumber: `SL-${i}` } : {}),
      locationId: 'WH',
      quantity: String(kg),
    });
  const refused = (e: { code?: string }) => {
    if (!['VALIDATION_FAILED', 'INSUFFICIENT_STOCK', 'LOT_ON_HOLD'].includes(e.code ?? '')) throw e;
  };
  let n = 0;
  for (const s of steps) {
    n++;
    const rows = await store.listStock();
    if (!rows.length) break;
    const picked = [...new Set((s.t === 'split' ? [s.pick] : s.picks).map((p) => p % rows.length))].map(
      (i) => rows[i]!,
    );
    const qty = (r: (typeof rows)[number]) => fromSteps(part(r.quantity, s.frac), DECIMALS[r.productId] ?? 0);
    if (s.t === 'produce') {
      const lots = await store.listLots();
      const outputs = s.outs.map((o, j) => {
        const existing = s.into === null || j > 0 ? undefined : lots[s.into % lots.length];
        const p = existing?.productId ?? o.p;
        return {
          lotId: existing?.id ?? `P${n}_${j}`,
          productId: p,
          locationId: 'WH',
          quantity: p === 'bread' ? String(1 + (o.q % 40)) : fromSteps(BigInt(o.q), 3),
        };
      });
      // One output lot once per event.
      const seen = new Set<string>();
      await lg
        .produce({
          orderId: `PO${n}`,
          inputs: picked.map((r) => ({ lotId: r.lotId, locationId: r.locationId, quantity: qty(r) })),
          outputs: outputs.filter((o) => !seen.has(o.lotId) && seen.add(o.lotId)),
        })
        .catch(refused);
    } else if (s.t === 'ship')
      await lg
        .ship({
          shipmentId: `SH${n}`,
          customerId: s.customer,
          lines: picked.map((r) => ({ lotId: r.lotId, locationId: r.locationId, quantity: qty(r) })),
        })
        .catch(refused);
    else {
      const r = picked[0]!;
      const each = part(r.quantity, s.frac) / BigInt(s.outputs + 1);
      if (each < 1n) continue;
      await lg
        .split({
          lotId: r.lotId,
          locationId: r.locationId,
          outputs: Array.from({ length: s.outputs }, (_, j) => ({
            lotId: `S${n}_${j}`,
            quantity: fromSteps(each * BigInt(j + 1), DECIMALS[r.productId] ?? 0),
          })),
        })
        .catch(refused);
    }
  }
  return { lg, store };
}

describe('recall scope in columns', () => {
  it('equals the computation it replaced, from the store and from the catalogue (property)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.integer({ min: 1, max: 60 }), { minLength: 1, maxLength: 4 }),
        fc.array(stepArb, { maxLength: 14 }),
        fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
        fc.integer({ min: 0, max: 6 }),
        async (received, steps, suspectPicks, maxPaths) => {
          const { lg, store } = await build(received, steps);
          const index = indexOf(lg);
          const lots = (await store.listLots()).map((l) => l.id);
          const suspects = [...new Set(suspectPicks.map((p) => lots[p % lots.length]!))];
          for (const opts of [{}, { maxPaths }]) {
            const fromStore = await computeScope(store, index, suspects, { ...opts, via: 'store' });
            expect(fromStore).toStrictEqual(
              await oracleScope(store, index, suspects, { ...opts, via: 'store' }),
            );
            await index.catalogue.totalsReady(store);
            await index.catalogue.catchUp(store, index.seq);
            const fromCat = await computeScope(store, index, suspects, { ...opts, via: 'catalogue' });
            expect(fromCat).toStrictEqual(
              await oracleScope(store, index, suspects, { ...opts, via: 'catalogue' }),
            );
            expect(fromCat).toStrictEqual(fromStore);
          }
          await lg.close();
        },
      ),
      { numRuns: 80 },
    );
  }, 120_000);
});

// Strings a column must keep: empty, with newlines, non-ASCII.
const text = fc.oneof(
  { weight: 6, arbitrary: fc.string({ minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom('', '\n', 'a\nb', '\n\n', 'é\u2028', ' ') },
);
const opt = <T>(a: fc.Arbitrary<T>) => fc.option(a, { nil: undefined, freq: 2 });
const lotArb = fc
  .record({
    lotId: text,
    productId: text,
    depth: fc.oneof(fc.nat(40), fc.constantFrom(1.5, -3, 2 ** 60)),
    attributed: text,
    path: opt(fc.array(text, { maxLength: 3 })),
    supplierId: opt(text),
    supplierLotNumber: opt(text),
    expiry: opt(text),
  })
  .map(
    (l) =>
      Object.fromEntries(
        Object.entries(l).filter(([, v]) => v !== undefined),
      ) as unknown as RecallScope['lots'][number],
  );
const deliveryArb = fc.record({
  shipmentId: text,
  lineNo: fc.oneof(fc.nat(9), fc.constant(0.25)),
  lotId: text,
  productId: text,
  customerId: text,
  quantity: text,
  unit: text,
  shippedAt: text,
  attributed: text,
});
const customerArb = fc
  .record({
    customerId: text,
    name: text,
    gln: opt(text),
    contacts: fc.array(fc.record({ name: opt(text), email: opt(text) }, { requiredKeys: [] }), {
      maxLength: 2,
    }),
    deliveries: fc.nat(9),
    lots: fc.array(text, { maxLength: 4 }),
    quantities: fc.array(fc.record({ productId: text, quantity: text, unit: text }), { maxLength: 2 }),
    attributed: text,
    firstShippedAt: text,
    lastShippedAt: text,
  })
  .map((c) => {
    const { gln, ...rest } = c;
    return (gln === undefined ? rest : { ...rest, gln }) as RecallScope['customers'][number];
  });
const onHandArb = fc.record({ lotId: text, productId: text, locationId: text, quantity: text, unit: text });
const scopeArb = fc
  .record({
    suspectLots: fc.array(text, { minLength: 1, maxLength: 3 }),
    attributedUnit: text,
    lots: fc.array(lotArb, { maxLength: 6 }),
    deliveries: fc.array(deliveryArb, { maxLength: 6 }),
    customers: fc.array(customerArb, { maxLength: 3 }),
    onHand: fc.array(onHandArb, { maxLength: 4 }),
  })
  .map(
    (s): RecallScope => ({
      // Plain objects, as JSON gives them (fast-check's records have no prototype).
      ...(JSON.parse(JSON.stringify(s)) as typeof s),
      counts: {
        lots: s.lots.length,
        deliveries: s.deliveries.length,
        customers: s.customers.length,
        onHandBalances: s.onHand.length,
      },
    }),
  );

describe('recorded scope formats', () => {
  it('format 2 reads back as the scope it packs, also through JSON (property)', () => {
    fc.assert(
      fc.property(scopeArb, (s) => {
        const packed = packScope(s);
        expect(isPacked(packed)).toBe(true);
        expect(unpackScope(packed)).toStrictEqual(s);
        expect(unpackScope(JSON.parse(JSON.stringify(packed)))).toStrictEqual(s);
        // Format 1 (the scope object itself) reads back as it is.
        expect(unpackScope(JSON.parse(JSON.stringify(s)))).toStrictEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('a malformed format-2 scope is refused naming the column', () => {
    const s = packScope({
      suspectLots: ['A'],
      attributedUnit: 'kg',
      lots: [{ lotId: 'A', productId: 'p', depth: 0, attributed: '1' }],
      deliveries: [],
      customers: [],
      onHand: [],
      counts: { lots: 1, deliveries: 0, customers: 0, onHandBalances: 0 },
    });
    expect(() => unpackScope({ ...s, lots: { ...s.lots, lotId: 'A\nB' } })).toThrow(
      expect.objectContaining({ details: expect.objectContaining({ field: 'scope.lots.lotId' }) }),
    );
  });

  it('a case recorded in format 1 (before format 2) reads back as recorded, next to a format-2 case of the same scope', async () => {
    const { lg, store } = await bakery(new MemoryStore());
    await lg.receive({
      lotId: 'F1',
      productId: 'flour',
      supplierId: 'mill',
      locationId: 'WH',
      quantity: '50',
    });
    await lg.produce({
      orderId: 'O1',
      inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '20' }],
      outputs: [
        { lotId: 'D1', productId: 'dough', locationId: 'WH', quantity: '30' },
        { lotId: 'D2', productId: 'dough', locationId: 'WH', quantity: '10' },
      ],
    });
    await lg.ship({
      shipmentId: 'S1',
      customerId: 'shop1',
      lines: [{ lotId: 'D1', locationId: 'WH', quantity: '4' }],
    });
    const index = indexOf(lg);
    const v1 = await oracleScope(store, index, ['F1']);
    // Format 1, as `recallOpen` wrote it before: the scope object in the payload and in the case record.
    const head = await store.head();
    const payload = {
      recallId: 'OLD',
      drill: true,
      reason: 'old',
      classification: 'II' as const,
      effectivenessLevel: 'A' as const,
      levelBShare: 0.5,
      targetHours: 4,
      tolerance: 0.005,
      scopeComputedAt: '2026-03-01T09:00:00.000Z',
      scopeMs: 1,
      scope: JSON.parse(JSON.stringify(v1)),
    };
    const body: Omit<StoredEvent, 'hash'> = {
      seq: head.seq + 1,
      type: 'recallOpened',
      eventTime: '2026-03-01T09:00:00.000Z',
      recordTime: '2026-03-01T09:00:00.000Z',
      actor: 'old',
      idempotencyKey: 'old-open',
      requestHash: 'x',
      payload,
      prevHash: head.hash,
    };
    const event = { ...body, hash: await hashEvent(body) } as StoredEvent;
    await store.append({
      expectedSeq: head.seq,
      events: [event],
      changes: [{ type: 'putRecord', record: projectRecall('recallOpened', payload, event) }],
    });
    const reopened = await Lotgraph.open({
      store,
      clock: testClock(Date.parse('2026-03-01T10:00:00Z')),
      actor: 't',
    });
    const old = await reopened.recall.evidence('OLD');
    expect(old.scope).toStrictEqual(v1);
    expect(old).toEqual(await recallEvidence(store, 'OLD'));
    // The same scope opened now is recorded in format 2 and reads back equal.
    const now = await reopened.recall.open({
      recallId: 'NEW',
      drill: true,
      reason: 'new',
      classification: 'II',
      lots: ['F1'],
    });
    const [opened] = await store.readEvents(head.seq + 2, 1);
    expect(isPacked((opened!.payload as { scope: unknown }).scope)).toBe(true);
    // (This instance's index may order the closure differently: compare with the oracle on it.)
    const v1now = await oracleScope(store, indexOf(reopened), ['F1']);
    expect(now.scope).toStrictEqual(v1now);
    const byLot = (m: { lotId: string }[]) => [...m].sort((a, b) => (a.lotId < b.lotId ? -1 : 1));
    expect(byLot(now.massBalance)).toEqual(byLot(old.massBalance));
    const listed = (await reopened.recall.list()) as unknown as { recallId: string; scope: RecallScope }[];
    expect(listed.map((c) => [c.recallId, c.scope])).toEqual([
      ['OLD', v1],
      ['NEW', v1now],
    ]);
    expect(await reopened.recall.evidence('NEW')).toEqual(now);
    // What the command records equals the packed form of the scope it computes.
    expect(unpackScope(await computeScopeColumns(store, indexOf(reopened), ['F1']))).toStrictEqual(v1now);
    await reopened.close();
    await lg.close();
  });
});
