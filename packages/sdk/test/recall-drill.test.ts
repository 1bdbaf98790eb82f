import { fromSteps, Lotgraph, MemoryStore, massBalances, type Store } from '@lotgraph/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { recallMassBalances } from '../src/recall/balances.js';
import { recallEvidence } from '../src/recall/queries.js';
import { computeScope } from '../src/recall/scope.js';
import { bakery, countingStore, testClock } from './helpers.js';
import { applyMovement, dec, frac, indexOf, type Movement, movements, part, picks } from './random-ledger.js';
import { oracleScope } from './recall-scope-oracle.js';

/**
 * Recall drills answered from the trace catalogue (scope, per-lot totals for the mass balances, stock of all
 * affected lots in one read) equal the answers computed the old way: scope from store reads, mass balances
 * from one pass over the ledger — on random ledgers with every movement the mass balance counts (receipts,
 * production, splits, shipments, returns, adjustments, stock corrections, serials leaving stock), written by
 * two instances on one store, and after reopen.
 */
type Cmd =
  | { t: 'receive'; product: 'flour' | 'salt'; steps: number }
  | Movement
  | { t: 'adjust'; pick: number; frac: number; up: boolean }
  | { t: 'correct'; pick: number; frac: number; up: boolean }
  | { t: 'serials'; pick: number; count: number; state: 'destroyed' | 'sample' }
  | { t: 'drill'; picks: number[]; real: boolean };

const step = fc.tuple(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        t: fc.constant('receive' as const),
        product: fc.constantFrom('flour' as const, 'salt' as const),
        steps: fc.integer({ min: 5000, max: 900_000 }),
      }),
    },
    ...movements,
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('adjust' as const), pick: fc.nat(), frac, up: fc.boolean() }),
    },
    {
      weight: 1,
      arbitrary: fc.record({ t: fc.constant('correct' as const), pick: fc.nat(), frac, up: fc.boolean() }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('serials' as const),
        pick: fc.nat(),
        count: fc.integer({ min: 1, max: 3 }),
        state: fc.constantFrom('destroyed' as const, 'sample' as const),
      }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('drill' as const), picks, real: fc.boolean() }) },
  ),
  fc.boolean(),
);

/**
 * Every lot's mass balance from the catalogue's totals equals the ledger pass; a case's evidence from the
 * totals equals the one from the ledger pass; its recorded scope equals the scope from store reads now.
 */
/** Flour lot F1 (50 kg from the mill), `batches` bread lots B1… each made from `consumed` kg of it, 10 of B1 shipped. */
async function flourToBread(lg: Lotgraph, { batches, consumed }: { batches: number; consumed: string }) {
  await lg.receive({ lotId: 'F1', productId: 'flour', locationId: 'WH', quantity: '50', supplierId: 'mill' });
  for (let i = 1; i <= batches; i++)
    await lg.produce({
      orderId: `O${i}`,
      inputs: [{ lotId: 'F1', locationId: 'WH', quantity: consumed }],
      outputs: [{ lotId: `B${i}`, productId: 'bread', locationId: 'WH', quantity: '40' }],
    });
  await lg.ship({
    shipmentId: 'S1',
    customerId: 'shop1',
    lines: [{ lotId: 'B1', locationId: 'WH', quantity: '10' }],
  });
}

async function expectSameAnswers(lg: Lotgraph, store: Store, recallIds: string[]) {
  const index = indexOf(lg);
  const lots = (await store.listLots()).map((l) => l.id);
  const fromLedger = await massBalances(store, lots);
  expect(await recallMassBalances(store, index, lots, 'catalogue')).toEqual(fromLedger);
  // A lot listed twice and unknown ids: the same rows as the ledger pass.
  const odd = [...lots.slice(0, 2), 'nope', ...lots.slice(0, 1)];
  expect(await recallMassBalances(store, index, odd, 'catalogue')).toEqual(await massBalances(store, odd));
  await index.catalogue.totalsReady(store);
  for (const id of recallIds) {
    const ev = await lg.recall.evidence(id);
    expect(ev).toEqual(await recallEvidence(store, id));
  }
}

async function run(steps: [Cmd, boolean][]) {
  const { lg, store } = await bakery(new MemoryStore());
  const lg2 = await Lotgraph.open({
    store,
    clock: testClock(Date.parse('2026-03-01T09:00:00Z')),
    actor: 'other',
  });
  const recallIds: string[] = [];
  let n = 0;
  let serialNo = 0;
  const refused = (e: { code?: string }) => {
    // A command the ledger refuses (more than on hand, a hold, …) writes nothing.
    if (!['VALIDATION_FAILED', 'INSUFFICIENT_STOCK', 'LOT_ON_HOLD'].includes(e.code ?? '')) throw e;
  };
  for (const [c, second] of steps) {
    const who = second ? lg2 : lg;
    n++;
    const rows = await store.listStock();
    const pick = (i: number) => rows[i % rows.length]!;
    switch (c.t) {
      case 'receive':
        await who.receive({
          lotId: `R${n}`,
          productId: c.product,
          locationId: 'WH',
          quantity: fromSteps(BigInt(c.steps), 3),
          supplierId: c.product === 'flour' ? 'mill' : 'saltco',
        });
        break;
      case 'produce':
      case 'ship':
      case 'split':
      case 'return':
        await applyMovement(who, store, c, n, refused);
        break;
      case 'adjust':
      case 'correct': {
        if (!rows.length) break;
        const r = pick(c.pick);
        const q = fromSteps(part(r.quantity, c.frac), dec(r.productId));
        const delta = c.up ? q : `-${q}`;
        if (c.t === 'adjust')
          await who
            .adjust({ lotId: r.lotId, locationId: r.locationId, delta, reasonCode: 'COUNT' })
            .catch(refused);
        else {
          const lot = await store.getLot(r.lotId);
          await who
            .correct({
              correctsSeq: lot!.createdSeq,
              reason: 'miscount',
              stock: [{ lotId: r.lotId, locationId: r.locationId, delta }],
            })
            .catch(refused);
        }
        break;
      }
      case 'serials': {
        // Flour has a GTIN: serials of a flour lot, then some leave stock (adjusted in the mass balance).
        const r = rows.filter((x) => x.productId === 'flour')[c.pick % Math.max(1, rows.length)];
        if (!r || r.quantity < 3000n) break;
        const serials = Array.from({ length: c.count }, () => `N${++serialNo}`);
        const ok = await who.serials
          .commission({ lotId: r.lotId, locationId: r.locationId, serials })
          .then(() => true)
          .catch((e: { code?: string }) => {
            refused(e);
            return false;
          });
        if (!ok) break;
        await who.serials
          .setState({
            serials: serials
              .slice(0, 1 + (c.count >> 1))
              .map((serial) => ({ gtin: '09506000134352', serial })),
            state: c.state,
            reason: 'lab',
          })
          .catch(refused);
        break;
      }
      case 'drill': {
        const lots = (await store.listLots()).map((l) => l.id);
        if (!lots.length) break;
        const suspects = [...new Set(c.picks.map((p) => lots[p % lots.length]!))];
        const recallId = `RC${n}`;
        const ev = await who.recall.open({
          recallId,
          drill: !c.real,
          reason: 'property',
          classification: 'II',
          lots: suspects,
        });
        recallIds.push(recallId);
        // The case's scope is what store reads give now (holds change no quantity); its evidence is the
        // ledger pass's.
        expect(ev.scope).toEqual(await computeScope(store, indexOf(who), suspects, { via: 'store' }));
        // The same answers as the computation before the columnar rewrite, from the store and the catalogue.
        expect(ev.scope).toEqual(await oracleScope(store, indexOf(who), suspects, { via: 'store' }));
        await indexOf(who).catalogue.totalsReady(store);
        const oracle = await oracleScope(store, indexOf(who), suspects, { via: 'catalogue', maxPaths: 2 });
        expect(await computeScope(store, indexOf(who), suspects, { via: 'catalogue', maxPaths: 2 })).toEqual(
          oracle,
        );
        expect(ev).toEqual(await recallEvidence(store, recallId));
        break;
      }
    }
  }
  return { lg, lg2, store, recallIds };
}

describe('recall drills from the trace catalogue', () => {
  it('mass balances from per-lot totals and drill answers equal the ledger pass and store reads: two instances, then after reopen', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const { lg, lg2, store, recallIds } = await run(steps);
        await expectSameAnswers(lg, store, recallIds);
        await expectSameAnswers(lg2, store, recallIds);
        const reopened = await Lotgraph.open({ store, clock: testClock(), actor: 'again' });
        await expectSameAnswers(reopened, store, recallIds);
        for (const x of [lg, lg2, reopened]) await x.close();
      }),
      { numRuns: 60 },
    );
  }, 120_000);

  it('once the catalogue and its totals are filled, a drill scans no ledger and reads the stock of all affected lots at once', async () => {
    const { inner, store, calls, reads } = countingStore();
    const { lg } = await bakery(store);
    await flourToBread(lg, { batches: 5, consumed: '2' });
    const index = indexOf(lg);
    await index.catalogue.totalsReady(store);
    await index.catalogue.catchUp(store, index.seq);
    calls.clear();
    reads.events = 0;
    const ev = await lg.recall.open({
      recallId: 'D1',
      drill: true,
      reason: 'drill',
      classification: 'II',
      lots: ['F1'],
    });
    expect(ev.scope.counts.lots).toBe(6);
    // No event is read: not even the case's own, which the catalogue noted when it committed.
    expect(reads.events).toBe(0);
    // Never lot by lot: the scope (decided in the command's batch view) reads the stock of all affected lots
    // at once, and the mass balances take it from the scope (the case event changed no stock).
    expect(calls.get('listStock')).toBeUndefined();
    expect(calls.get('listStockOfLots')).toBe(1);
    // The case is not read back for its evidence, and the command's check that it does not exist yet comes
    // with its prefetch. The evidence is the one as of the opening (the index is still at the case's event):
    // no steps to read (a step comes after the case it names) and no head to catch up with.
    expect(Object.fromEntries(calls)).toEqual({ prefetch: 1, listStockOfLots: 1, append: 1 });
    expect(ev.massBalance.map((m) => [m.lotId, m.balance]).sort()).toEqual([
      ...[1, 2, 3, 4, 5].map((i) => [`B${i}`, '0']),
      ['F1', '0.000'],
    ]);
    expect(ev).toEqual(await recallEvidence(inner, 'D1'));
  });
});

describe('lg.recall.open answers from the case event it appended', () => {
  it('equals the evidence read back: a drill, a replayed open after other writes, a real recall with holds', async () => {
    const { inner, store, calls } = countingStore();
    const { lg } = await bakery(store);
    await flourToBread(lg, { batches: 1, consumed: '2' });
    await indexOf(lg).catalogue.totalsReady(store);
    const input = {
      recallId: 'D1',
      drill: true,
      reason: 'drill',
      classification: 'II' as const,
      lots: ['F1'],
      idempotencyKey: 'open-D1',
    };
    const first = await lg.recall.open(input);
    expect(first).toEqual(await recallEvidence(inner, 'D1'));
    expect(await lg.recall.get('D1')).toEqual(first);
    // Stock moves after the case: a replayed open returns the first event, whose recorded stock is no
    // longer current, so the mass balances read the stock again.
    await lg.ship({
      shipmentId: 'S2',
      customerId: 'shop1',
      lines: [{ lotId: 'B1', locationId: 'WH', quantity: '5' }],
    });
    calls.clear();
    const replayed = await lg.recall.open(input);
    expect(calls.get('listStockOfLots')).toBe(1);
    expect(replayed).toEqual(await recallEvidence(inner, 'D1'));
    expect(replayed.massBalance.find((m) => m.lotId === 'B1')?.onHand).toBe('25');
    expect(replayed.scope).toEqual(first.scope);
    // A real recall appends holds after its case event: its stock is read again, and equals.
    calls.clear();
    const real = await lg.recall.open({
      recallId: 'R1',
      drill: false,
      reason: 'real',
      classification: 'I',
      lots: ['F1'],
    });
    expect(calls.get('listStockOfLots')).toBe(2);
    expect(real).toEqual(await recallEvidence(inner, 'R1'));
    await lg.close();
  });
});

describe('the recall commands read their case with the prefetch', () => {
  it('in one batch: open then notify sees the staged case, a second open of it is refused; later commands read it', async () => {
    const { store, calls } = countingStore();
    const { lg } = await bakery(store);
    await flourToBread(lg, { batches: 1, consumed: '2' });
    const open = {
      recallId: 'D1',
      drill: true,
      reason: 'drill',
      classification: 'II' as const,
      lots: ['F1'],
    };
    calls.clear();
    const [opened, notified] = await lg.batch([
      { command: 'recallOpen', input: open },
      { command: 'recallNotify', input: { recallId: 'D1', customerId: 'shop1', channel: 'email' } },
    ]);
    expect([opened?.type, notified?.type]).toEqual(['recallOpened', 'recallNotified']);
    // The case was looked up once, with the batch's prefetch (absent then), never with getRecord.
    expect(calls.get('getRecord')).toBeUndefined();
    await expect(
      lg.batch([
        { command: 'recallOpen', input: { ...open, recallId: 'D2' } },
        { command: 'recallOpen', input: { ...open, recallId: 'D2' } },
      ]),
    ).rejects.toMatchObject({ code: 'VALIDATION_FAILED', details: { batchIndex: 1 } });
    await expect(lg.recall.open(open)).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    await expect(
      lg.recall.notify({ recallId: 'nope', customerId: 'shop1', channel: 'email' }),
    ).rejects.toMatchObject({ code: 'RECALL_NOT_FOUND', details: { field: 'recallId' } });
    calls.clear();
    await lg.recall.close({ recallId: 'D1', summary: 'done' });
    expect(calls.get('getRecord')).toBeUndefined();
    await expect(lg.recall.close({ recallId: 'D1', summary: 'again' })).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    expect((await lg.recall.get('D1')).status).toBe('closed');
    await lg.close();
  });
});

describe('listStockOfLots in a batch', () => {
  it('the batch view answers with its staged stock exactly like a store holding those changes (property)', async () => {
    const { OverlayStore } = await import('../src/store/overlay-store.js');
    const { makeTestEvent } = await import('@lotgraph/sdk/testing');
    const lotArb = fc.constantFrom('L1', 'L2', 'L3', 'L4');
    const delta = fc.record({
      lotId: lotArb,
      locationId: fc.constantFrom('WH', 'DOCK'),
      delta: fc.bigInt({ min: -5n, max: 9n }),
    });
    await fc.assert(
      fc.asyncProperty(
        fc.array(delta, { maxLength: 8 }),
        fc.array(delta, { minLength: 1, maxLength: 8 }),
        fc.uniqueArray(fc.oneof(lotArb, fc.constant('nope')), { maxLength: 5 }),
        async (stored, staged, ids) => {
          const base = new MemoryStore();
          const all = new MemoryStore();
          const put = async (s: MemoryStore, d: { lotId: string; locationId: string; delta: bigint }) => {
            const h = await s.head();
            const ev = await makeTestEvent(h.seq + 1, h.hash, `k${h.seq + 1}`);
            const change = { type: 'stockDelta' as const, productId: 'P', ...d };
            return s.append({ expectedSeq: h.seq, events: [ev], changes: [change] }).then(
              () => true,
              () => false,
            );
          };
          for (const d of stored) {
            await put(base, d);
            await put(all, d);
          }
          const overlay = new OverlayStore(base, await base.head());
          for (const [i, d] of staged.entries()) {
            const ok = await put(all, d);
            const ev = await makeTestEvent(1000 + i, 'x'.repeat(64), `s${i}`);
            const change = { type: 'stockDelta' as const, productId: 'P', ...d };
            expect(
              await overlay.stage(ev, [change]).then(
                () => true,
                () => false,
              ),
            ).toBe(ok);
          }
          expect(await overlay.listStockOfLots(ids)).toEqual(await all.listStockOfLots!(ids));
        },
      ),
    );
  });
});

describe('lg.stock.massBalance from the per-lot totals', () => {
  it('answers as the ledger pass does, and once the totals are filled reads no events', async () => {
    const { inner, store, reads } = countingStore();
    const { lg } = await bakery(store);
    await flourToBread(lg, { batches: 1, consumed: '12.5' });
    await lg.stock.reconcile({ lotId: 'F1', locationId: 'WH', counted: '37' });
    const ledger = await massBalances(inner, ['F1', 'B1']);
    expect([await lg.stock.massBalance('F1'), await lg.stock.massBalance('B1')]).toEqual(ledger);
    const index = indexOf(lg);
    await index.catalogue.totalsReady(store);
    reads.events = 0;
    expect([await lg.stock.massBalance('F1'), await lg.stock.massBalance('B1')]).toEqual(ledger);
    expect(reads.events).toBe(0);
    await expect(lg.stock.massBalance('nope')).rejects.toMatchObject({ code: 'LOT_NOT_FOUND' });
  });
});
