import { fromSteps, Lotgraph, MemoryStore, NodeKind, type Store } from '@lotgraph/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { traceBackward, traceForward, traceOneStep } from '../src/genealogy/trace.js';
import { dayNumber, dayString } from '../src/genealogy/trace-catalogue.js';
import { computeScope } from '../src/recall/scope.js';
import { bakery, countingStore, testClock } from './helpers.js';
import { applyMovement, indexOf, type Movement, movements } from './random-ledger.js';

type Cmd =
  | {
      t: 'receive';
      product: 'flour' | 'salt';
      steps: number;
      supplier: 'mill' | 'saltco' | null;
      supplierLot: string | null;
      expiry: string | null;
    }
  | Movement
  | { t: 'correct'; pick: number; expiry: string | null; supplierLot: string | null }
  | { t: 'rename'; party: 'shop1' | 'shop2' | 'mill' }
  | { t: 'check'; pick: number };

const day = fc
  .integer({ min: dayNumber('2027-01-01')!, max: dayNumber('2028-12-31')! })
  .map((n) => dayString(n));
const lotNo = fc.stringMatching(/^[A-Z0-9]{1,8}$/);
/** Each command is run by the first or the second instance (two processes sharing one store). */
const step = fc.tuple(
  fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({
        t: fc.constant('receive' as const),
        product: fc.constantFrom('flour' as const, 'salt' as const),
        steps: fc.integer({ min: 1000, max: 900_000 }),
        supplier: fc.constantFrom('mill' as const, 'saltco' as const, null),
        supplierLot: fc.option(lotNo),
        expiry: fc.option(day),
      }),
    },
    ...movements,
    {
      weight: 2,
      arbitrary: fc.record({
        t: fc.constant('correct' as const),
        pick: fc.nat(),
        expiry: fc.option(day),
        supplierLot: fc.option(lotNo),
      }),
    },
    {
      weight: 1,
      arbitrary: fc.record({
        t: fc.constant('rename' as const),
        party: fc.constantFrom('shop1' as const, 'shop2' as const, 'mill' as const),
      }),
    },
    { weight: 2, arbitrary: fc.record({ t: fc.constant('check' as const), pick: fc.nat() }) },
  ),
  fc.boolean(),
);

/**
 * The catalogue-based traces (forward, backward, one step) equal the store-based ones for this lot (and the
 * facade's, whichever it used).
 */
async function expectSameTraces(lg: Lotgraph, store: Store, lotId: string) {
  const fwd = await lg.trace.forward(lotId);
  const bwd = await lg.trace.backward(lotId);
  const index = indexOf(lg);
  expect(fwd).toEqual(await traceForward(store, index, lotId, 'store'));
  expect(bwd).toEqual(await traceBackward(store, index, lotId, 'store'));
  expect(await traceForward(store, index, lotId, 'catalogue')).toEqual(fwd);
  expect(await traceBackward(store, index, lotId, 'catalogue')).toEqual(bwd);
  // The refs-only closure reaches the same nodes as the full trace.
  const refs = await lg.trace.forwardRefs(lotId);
  const ofKind = (k: string) => fwd.graph.nodes.filter((x) => x.kind === k).map((x) => x.ref);
  expect([...refs.lots].sort()).toEqual(ofKind('lot').sort());
  expect([...refs.deliveries].sort()).toEqual(ofKind('delivery').sort());
  expect([...refs.customers].sort()).toEqual(ofKind('customer').sort());
  const one = await lg.trace.oneStep(lotId);
  expect(one).toEqual(await traceOneStep(store, index, lotId, 'store'));
  expect(await traceOneStep(store, index, lotId, 'catalogue')).toEqual(one);
  await expectSameScope(lg, store, [lotId]);
}

/** The recall scope from the catalogue and its per-lot totals equals the one from store reads. */
async function expectSameScope(lg: Lotgraph, store: Store, lotIds: string[]) {
  const index = indexOf(lg);
  const fromStore = await computeScope(store, index, lotIds, { via: 'store' });
  expect(await computeScope(store, index, lotIds, { via: 'catalogue' })).toEqual(fromStore);
  // Each lot's path: the shortest of the suspect lots' shortest chains (the first suspect lot on a tie).
  const roots = lotIds.map((id) => index.registry.id(NodeKind.LOT, id)!);
  for (const l of fromStore.lots) {
    const n = index.registry.id(NodeKind.LOT, l.lotId)!;
    let best: Int32Array | null = null;
    for (const r of roots) {
      const p = r === n ? Int32Array.of(n) : index.graph.path(r, n);
      if (p && (!best || p.length < best.length)) best = p;
    }
    expect(l.path).toEqual(best ? [...best].map((x) => index.registry.refs[x]) : undefined);
  }
}

async function expectAllSame(lg: Lotgraph, store: Store) {
  const lots = await store.listLots();
  for (const l of lots) await expectSameTraces(lg, store, l.id);
  const received = lots.filter((l) => l.origin === 'received').map((l) => l.id);
  if (received.length) await expectSameScope(lg, store, received.slice(0, 3));
}

/** Run the steps, alternating instances as drawn; `check` steps compare traces mid-way. */
async function run(steps: [Cmd, boolean][]) {
  const { lg, store } = await bakery(new MemoryStore());
  const lg2 = await Lotgraph.open({
    store,
    clock: testClock(Date.parse('2026-03-01T09:00:00Z')),
    actor: 'other',
  });
  let n = 0;
  for (const [c, second] of steps) {
    const who = second ? lg2 : lg;
    n++;
    switch (c.t) {
      case 'receive':
        await who.receive({
          lotId: `R${n}`,
          productId: c.product,
          locationId: 'WH',
          quantity: fromSteps(BigInt(c.steps), 3),
          ...(c.supplier ? { supplierId: c.supplier } : {}),
          ...(c.supplierLot ? { supplierLotNumber: c.supplierLot } : {}),
          ...(c.expiry ? { expiry: c.expiry } : {}),
        });
        break;
      case 'produce':
      case 'ship':
      case 'split':
      case 'return':
        await applyMovement(who, store, c, n, (e, t) => {
          // More than the customer still holds of the lot: a refused return, nothing written.
          if (t !== 'return' || e.code !== 'VALIDATION_FAILED') throw e;
        });
        break;
      case 'correct': {
        const lots = await store.listLots();
        if (!lots.length || (c.expiry === null && c.supplierLot === null)) break;
        const lot = lots[c.pick % lots.length]!;
        await who.correct({
          correctsSeq: lot.createdSeq,
          reason: 'typo',
          lot: {
            id: lot.id,
            ...(c.expiry ? { expiry: c.expiry } : {}),
            ...(c.supplierLot ? { supplierLotNumber: c.supplierLot } : {}),
          },
        });
        break;
      }
      case 'rename':
        // Master data changes: traces must not show a name the catalogue's cache kept from before.
        await who.defineParty({
          id: c.party,
          name: `${c.party} renamed ${n}`,
          roles: [c.party === 'mill' ? 'supplier' : 'customer'],
          ...(c.party === 'mill' ? { gln: '9506000000001' } : {}),
        });
        break;
      case 'check': {
        const lots = await store.listLots();
        if (lots.length) await expectSameTraces(lg, store, lots[c.pick % lots.length]!.id);
        break;
      }
    }
  }
  return { lg, lg2, store };
}

describe('trace catalogue', () => {
  it('day numbers round-trip calendar dates', () => {
    fc.assert(
      fc.property(fc.integer({ min: dayNumber('0001-01-01')!, max: dayNumber('9999-12-31')! }), (n) => {
        expect(dayNumber(dayString(n))).toBe(n);
      }),
    );
    expect(dayNumber('2026-02-30')).toBeUndefined();
    expect(dayString(0)).toBe('1970-01-01');
  });

  it('catalogue-based traces (forward, backward, one step) equal store-based traces: two instances on one store, then after reopen', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 30 }), async (steps) => {
        const { lg, lg2, store } = await run(steps);
        await expectAllSame(lg, store);
        await expectAllSame(lg2, store);
        const reopened = await Lotgraph.open({ store, clock: testClock(), actor: 'again' });
        await expectAllSame(reopened, store);
        // The catalogue holds every edge the store holds, in the store's order.
        const cat = indexOf(reopened).catalogue;
        await cat.ready(store);
        const all = await store.listEdges({});
        expect(Array.from({ length: cat.edgeCount }, (_, i) => cat.edge(i))).toEqual(all);
        for (const x of [lg, lg2, reopened]) await x.close();
      }),
      { numRuns: 100 },
    );
  });

  it('reads no lot, line or edge rows once filled; a failed catch-up read changes nothing and is retried', async () => {
    let failListEdges = false;
    const { inner, store, calls } = countingStore((m) =>
      m === 'listEdges' && failListEdges ? new Error('connection lost') : undefined,
    );
    const { lg } = await bakery(store);
    const lg2 = await Lotgraph.open({ store: inner, clock: testClock(), actor: 'other' });
    await lg.receive({
      lotId: 'F1',
      productId: 'flour',
      locationId: 'WH',
      quantity: '50',
      supplierId: 'mill',
    });
    await lg.produce({
      orderId: 'O1',
      inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '20' }],
      outputs: [{ lotId: 'B1', productId: 'bread', locationId: 'WH', quantity: '40' }],
    });
    await lg.trace.forward('F1'); // the store path; starts filling the catalogue in the background
    await indexOf(lg).catalogue.ready(store);
    calls.clear();
    await lg.ship({
      shipmentId: 'S1',
      customerId: 'shop1',
      lines: [{ lotId: 'B1', locationId: 'WH', quantity: '10' }],
    });
    calls.clear();
    const fwd = await lg.trace.forward('F1');
    expect(fwd.customers.map((c) => c.customerId)).toEqual(['shop1']);
    for (const m of ['getLots', 'listLots', 'listEdges', 'listShipmentLines'])
      expect(calls.get(m) ?? 0, m).toBeLessThanOrEqual(m === 'getLots' || m === 'listShipmentLines' ? 1 : 0);
    // The ship was this process's own: noted at commit, not read back for the catch-up.
    expect(calls.get('readEvents') ?? 0, 'readEvents').toBe(0);
    // Another instance appends: the catch-up must read those edges; make that read fail once.
    await lg2.ship({
      shipmentId: 'S2',
      customerId: 'shop2',
      lines: [{ lotId: 'B1', locationId: 'WH', quantity: '5' }],
    });
    failListEdges = true;
    calls.clear();
    await expect(lg.trace.forward('F1')).rejects.toThrow('connection lost');
    // Another process's event in the range: the catch-up reads the store.
    expect(calls.get('readEvents') ?? 0).toBeGreaterThan(0);
    failListEdges = false;
    const after = await lg.trace.forward('F1');
    expect(after.customers.map((c) => c.customerId)).toEqual(['shop1', 'shop2']);
    expect(after).toEqual(await traceForward(store, indexOf(lg), 'F1', 'store'));
    calls.clear();
    await lg.trace.forward('F1');
    await lg.trace.backward('B1');
    const one = await lg.trace.oneStep('B1');
    expect(one.inputs.map((i) => i.lotId)).toEqual(['F1']);
    expect(one.customers.map((c) => c.shipmentId)).toEqual(['S1', 'S2']);
    expect(calls.get('listEdges') ?? 0).toBe(0);
    expect(calls.get('getLots') ?? 0).toBe(0);
    expect(calls.get('listShipmentLines') ?? 0).toBe(0);
    // Products and parties come from the catalogue's cache (nothing was redefined since they were read).
    for (const m of ['getProduct', 'getParty', 'listProducts', 'listParties'])
      expect(calls.get(m) ?? 0, m).toBe(0);
    // The recall scope: once the per-lot totals are filled (one pass over the ledger), no ledger scan and
    // no lot, line or edge reads; the same scope as from store reads.
    await indexOf(lg).catalogue.totalsReady(store);
    calls.clear();
    const scope = await computeScope(store, indexOf(lg), ['F1']);
    for (const m of ['readEvents', 'getLots', 'listLots', 'listEdges', 'listShipmentLines'])
      expect(calls.get(m) ?? 0, m).toBe(0);
    expect(scope.customers.map((c) => c.customerId)).toEqual(['shop1', 'shop2']);
    expect(scope).toEqual(await computeScope(store, indexOf(lg), ['F1'], { via: 'store' }));
  });

  it('fills edges from streamEdges pages; a page that fails takes back the edges added before it', async () => {
    const inner = new MemoryStore();
    const { lg } = await bakery(inner);
    for (const n of [1, 2, 3]) {
      await lg.receive({ lotId: `F${n}`, productId: 'flour', locationId: 'WH', quantity: '5' });
      await lg.produce({
        orderId: `P${n}`,
        inputs: [{ lotId: `F${n}`, locationId: 'WH', quantity: '2' }],
        outputs: [{ lotId: `B${n}`, productId: 'bread', locationId: 'WH', quantity: '4' }],
      });
    }
    let pages = 0;
    let failAfter = 2;
    const store = new Proxy(inner, {
      get(target, prop, receiver) {
        if (prop === 'listEdges') throw new Error('the fill must not list every edge as objects');
        if (prop !== 'streamEdges') return Reflect.get(target, prop, receiver);
        return async function* (o: { untilSeq: number }) {
          for await (const c of target.streamEdges({ ...o, batchSize: 1 })) {
            if (++pages > failAfter) throw new Error('connection lost');
            yield c;
          }
        };
      },
    }) as Store;
    const again = await Lotgraph.open({ store, clock: testClock(), actor: 'again' });
    const cat = indexOf(again).catalogue;
    await expect(cat.ready(store)).rejects.toThrow('connection lost');
    expect(cat.isReady).toBe(false);
    expect(cat.edgeCount).toBe(0);
    failAfter = Number.POSITIVE_INFINITY;
    await cat.ready(store);
    const all = await inner.listEdges({});
    expect(all.length).toBe(3);
    expect(Array.from({ length: cat.edgeCount }, (_, i) => cat.edge(i))).toEqual(all);
    expect(await traceForward(store, indexOf(again), 'F2', 'catalogue')).toEqual(
      await traceForward(inner, indexOf(again), 'F2', 'store'),
    );
  });

  it('an unknown lot is LOT_NOT_FOUND on both paths', async () => {
    const { lg, store } = await bakery(new MemoryStore());
    for (const via of ['catalogue', 'store'] as const) {
      const err = await traceForward(store, indexOf(lg), 'nope', via).catch((e: unknown) => e);
      expect(err).toMatchObject({ code: 'LOT_NOT_FOUND', details: { field: 'lotId' } });
    }
  });
});

describe('trace tree on demand', () => {
  /** F1 (flour, expiring 2027-01-31) → D1 (dough) → shipped to shop1. */
  const flourToShop = async () => {
    const b = await bakery();
    await b.lg.receive({
      lotId: 'F1',
      productId: 'flour',
      locationId: 'WH',
      quantity: '10',
      expiry: '2027-01-31',
    });
    await b.lg.produce({
      orderId: 'P1',
      inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '4' }],
      outputs: [{ lotId: 'D1', productId: 'dough', locationId: 'WH', quantity: '4' }],
    });
    await b.lg.ship({
      shipmentId: 'S1',
      customerId: 'shop1',
      lines: [{ lotId: 'D1', locationId: 'WH', quantity: '1' }],
    });
    return b;
  };

  it('builds the tree on first read, like an ordinary enumerable property to every reader', async () => {
    const { lg } = await flourToShop();
    const { buildTree } = await import('../src/genealogy/trace-build.js');
    for (const t of [await lg.trace.forward('F1'), await lg.trace.backward('D1')]) {
      expect(Object.keys(t)).toContain('tree');
      const tree = buildTree(t.graph);
      expect(t.tree).toEqual(tree);
      expect(t.tree).toBe(t.tree); // built once
      expect(JSON.parse(JSON.stringify(t)).tree).toEqual(JSON.parse(JSON.stringify(tree)));
      expect({ ...t }.tree).toEqual(tree);
      expect(structuredClone(t).tree).toEqual(tree);
      const replaced = { node: t.tree.node, children: [] };
      t.tree = replaced;
      expect(t.tree).toBe(replaced);
    }
    expect((await lg.trace.forward('F1')).tree.children[0]?.node.ref).toBe('D1');
  });

  it('builds the graph of a catalogue trace on first read, from what the trace saw', async () => {
    const { lg, store } = await flourToShop();
    const index = indexOf(lg);
    await index.catalogue.ready(store);
    const t = await traceForward(store, index, 'F1', 'catalogue');
    const then = await traceForward(store, index, 'F1', 'store');
    expect(Object.keys(t)).toEqual(Object.keys(then));
    // After the trace: a second link between the same lots, a corrected expiry, a renamed customer.
    await lg.produce({
      orderId: 'P2',
      inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '1' }],
      outputs: [{ lotId: 'D1', productId: 'dough', locationId: 'WH', quantity: '1' }],
    });
    const f1 = (await store.getLot('F1'))!;
    await lg.correct({ correctsSeq: f1.createdSeq, reason: 'typo', lot: { id: 'F1', expiry: '2027-02-28' } });
    await lg.defineParty({ id: 'shop1', name: 'Shop One, renamed', roles: ['customer'] });
    // The catalogue catches up with all of it (a catalogue trace does).
    const now = await traceForward(store, index, 'F1', 'catalogue');
    expect(now).toEqual(await traceForward(store, index, 'F1', 'store'));
    expect(now.graph.edges.length).toBe(then.graph.edges.length + 1);
    expect(now).not.toEqual(then);
    // Read only now, the graph is the one of the moment of the trace.
    expect(t.graph).toEqual(then.graph);
    expect(t).toEqual(then);
    expect(JSON.stringify(t)).toBe(JSON.stringify(then));
  });
});
