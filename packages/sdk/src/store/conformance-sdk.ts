import { describe, expect, it } from 'vitest';
import { LotgraphError } from '../errors.js';
import { Lotgraph } from '../lotgraph.js';
import type { ConformanceFactory, ConformanceFixture } from './conformance-types.js';
import type { Store } from './port.js';

/** A deterministic clock for the sdk scenarios: one second per call from 2026-03-01T08:00:00Z. */
export function clock() {
  let t = Date.parse('2026-03-01T08:00:00Z');
  return () => {
    const d = new Date(t);
    t += 1000;
    return d;
  };
}

async function seed(lg: Lotgraph): Promise<void> {
  await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3, gtin: '09506000134352' });
  await lg.defineProduct({ id: 'bread', name: 'Bread', unit: 'pc', decimals: 0 });
  await lg.defineParty({ id: 'mill', name: 'Mill', roles: ['supplier'] });
  await lg.defineParty({ id: 'shop', name: 'Shop', roles: ['customer'] });
  await lg.defineLocation({ id: 'WH', site: 'S' });
  await lg.receive({
    lotId: 'F1',
    productId: 'flour',
    supplierId: 'mill',
    locationId: 'WH',
    quantity: '100.250',
    expiry: '2027-01-31',
  });
  await lg.produce({
    orderId: 'PO1',
    inputs: [{ lotId: 'F1', locationId: 'WH', quantity: '60' }],
    outputs: [{ lotId: 'B1', productId: 'bread', locationId: 'WH', quantity: '120' }],
  });
  await lg.ship({
    shipmentId: 'SH1',
    customerId: 'shop',
    lines: [{ lotId: 'B1', locationId: 'WH', quantity: '100' }],
  });
}

async function projections(store: Store): Promise<unknown> {
  const h = await store.head();
  const chunks = [];
  for await (const c of store.streamGenealogy()) {
    chunks.push(
      c.type === 'nodes'
        ? { ...c, kinds: [...c.kinds] }
        : { src: [...c.src], dst: [...c.dst], qty: [...c.qty] },
    );
  }
  return {
    head: h,
    products: await store.listProducts(),
    parties: await store.listParties(),
    locations: await store.listLocations(),
    lots: await store.listLots(),
    stock: await store.listStock(),
    shipments: await store.listShipments(),
    lines: await store.listShipmentLines(),
    edges: await store.listEdges({}),
    receipts: await store.listRecords('receipt'),
    chunks,
  };
}

/**
 * End-to-end scenarios of the sdk over a store (run by the conformance suite): the same commands, traces,
 * replay and tamper detection must behave identically on every store.
 */
export function sdkScenarios(factory: ConformanceFactory): void {
  describe('sdk over the store', () => {
    async function withStore<R>(fn: (fx: ConformanceFixture) => Promise<R>): Promise<R> {
      const fx = await factory();
      try {
        return await fn(fx);
      } finally {
        await fx.cleanup?.();
      }
    }

    it('runs receive → produce → ship, traces forward and backward, keeps exact stock and a valid ledger', () =>
      withStore(async ({ store }) => {
        const lg = await Lotgraph.open({ store, clock: clock() });
        await seed(lg);
        const fwd = await lg.trace.forward('F1');
        expect(fwd.lots.map((l) => l.lotId)).toEqual(['F1', 'B1']);
        expect(fwd.customers.map((c) => [c.customerId, c.quantities[0]?.quantity])).toEqual([
          ['shop', '100'],
        ]);
        const back = await lg.trace.backward('B1');
        expect(back.supplierLots.map((l) => [l.lotId, l.supplierId])).toEqual([['F1', 'mill']]);
        expect(back.consumed).toMatchObject([
          { fromLotId: 'F1', intoLotId: 'B1', quantity: '60.000', unit: 'kg', orderId: 'PO1' },
        ]);
        expect(await lg.stock.onHand()).toEqual([
          { lotId: 'B1', locationId: 'WH', productId: 'bread', quantity: '20', unit: 'pc' },
          { lotId: 'F1', locationId: 'WH', productId: 'flour', quantity: '40.250', unit: 'kg' },
        ]);
        expect(await lg.verifyLedger()).toEqual({ ok: true, events: 8 });
        await lg.close();
      }));

    it('reopens from the store (index loaded by streaming) and a second instance catches up by seq', () =>
      withStore(async ({ store }) => {
        const a = await Lotgraph.open({ store, clock: clock() });
        await seed(a);
        const progress: number[] = [];
        const b = await Lotgraph.open({ store, onProgress: (p) => progress.push(p.nodesLoaded) });
        expect(progress.at(-1)).toBe((await store.head()).nodeCount);
        expect((await b.trace.forward('F1')).customers).toHaveLength(1);
        await a.receive({ lotId: 'F2', productId: 'flour', locationId: 'WH', quantity: '5' });
        await a.produce({
          orderId: 'PO2',
          inputs: [{ lotId: 'F2', locationId: 'WH', quantity: '5' }],
          outputs: [{ lotId: 'B1', productId: 'bread', locationId: 'WH', quantity: '10' }],
        });
        // b never saw these events: its trace catches up from the store
        const back = await b.trace.backward('B1');
        expect(back.supplierLots.map((l) => l.lotId)).toEqual(['F1', 'F2']);
        // and b can write after a without conflict errors surfacing (CONFLICT is retried)
        await b.ship({
          shipmentId: 'SH2',
          customerId: 'shop',
          lines: [{ lotId: 'B1', locationId: 'WH', quantity: '30' }],
        });
        // lot-level genealogy: F2 went into B1, so every delivery of B1 is exposed
        expect((await a.trace.forward('F2')).deliveries.map((d) => d.shipmentId).sort()).toEqual([
          'SH1',
          'SH2',
        ]);
        await a.close();
        await b.close();
      }));

    it('lets two instances write concurrently: CONFLICTs are retried, nothing is lost, both indexes agree', () =>
      withStore(async ({ store }) => {
        const a = await Lotgraph.open({ store, clock: clock() });
        await seed(a);
        const b = await Lotgraph.open({ store, clock: clock() });
        const writes: Promise<unknown>[] = [];
        for (let i = 0; i < 10; i++) {
          writes.push(a.receive({ lotId: `A${i}`, productId: 'flour', locationId: 'WH', quantity: '1' }));
          writes.push(b.receive({ lotId: `Y${i}`, productId: 'flour', locationId: 'WH', quantity: '2' }));
          writes.push(
            (i % 2 ? a : b).ship({
              shipmentId: `S${i}`,
              customerId: 'shop',
              lines: [{ lotId: 'B1', locationId: 'WH', quantity: '1' }],
            }),
          );
        }
        await Promise.all(writes);
        expect((await store.head()).seq).toBe(8 + 30);
        expect(await store.getStock('B1', 'WH')).toBe(10n);
        expect((await a.verifyLedger()).ok).toBe(true);
        const fa = await a.trace.forward('F1');
        const fb = await b.trace.forward('F1');
        expect(fa.deliveries).toHaveLength(11);
        expect(fb).toEqual(fa);
        await a.close();
        await b.close();
      }));

    it('appends a batch of dependent commands in one transaction, all or nothing', () =>
      withStore(async ({ store }) => {
        const lg = await Lotgraph.open({ store, clock: clock() });
        await seed(lg);
        const head = await store.head();
        const failed = await lg
          .batch([
            {
              command: 'receive',
              input: { lotId: 'F5', productId: 'flour', locationId: 'WH', quantity: '10' },
            },
            {
              command: 'ship',
              input: {
                shipmentId: 'SH5',
                customerId: 'shop',
                lines: [{ lotId: 'B1', locationId: 'WH', quantity: '999' }],
              },
            },
          ])
          .catch((e: unknown) => e);
        expect((failed as LotgraphError).code).toBe('INSUFFICIENT_STOCK');
        expect(await store.head()).toEqual(head);
        await lg.batch([
          {
            command: 'receive',
            input: { lotId: 'F5', productId: 'flour', locationId: 'WH', quantity: '10' },
          },
          {
            command: 'produce',
            input: {
              orderId: 'PO5',
              inputs: [{ lotId: 'F5', locationId: 'WH', quantity: '10' }],
              outputs: [{ lotId: 'B5', productId: 'bread', locationId: 'WH', quantity: '20' }],
            },
          },
          {
            command: 'ship',
            input: {
              shipmentId: 'SH5',
              customerId: 'shop',
              lines: [{ lotId: 'B5', locationId: 'WH', quantity: '20' }],
            },
          },
        ]);
        expect(await store.head()).toMatchObject({ seq: head.seq + 3, nodeCount: head.nodeCount + 3 });
        const reopened = await Lotgraph.open({ store });
        expect((await reopened.trace.forward('F5')).deliveries.map((d) => d.shipmentId)).toEqual(['SH5']);
        expect((await reopened.verifyLedger()).ok).toBe(true);
      }));

    it('is idempotent by key and rejects a reused key with another input', () =>
      withStore(async ({ store }) => {
        const lg = await Lotgraph.open({ store, clock: clock() });
        await seed(lg);
        const input = {
          idempotencyKey: 'k-1',
          lotId: 'F9',
          productId: 'flour',
          locationId: 'WH',
          quantity: '1',
        };
        const first = await lg.receive(input);
        const head = await store.head();
        const again = await lg.receive({ ...input });
        expect(again).toEqual(first);
        expect(await store.head()).toEqual(head);
        await expect(lg.receive({ ...input, quantity: '2' })).rejects.toMatchObject({
          code: 'IDEMPOTENCY_MISMATCH',
        });
        expect(await store.head()).toEqual(head);
      }));

    it('stores nothing when a command would drive stock below zero', () =>
      withStore(async ({ store }) => {
        const lg = await Lotgraph.open({ store, clock: clock() });
        await seed(lg);
        const before = await projections(store);
        const err = await lg
          .ship({
            shipmentId: 'SH9',
            customerId: 'shop',
            lines: [{ lotId: 'B1', locationId: 'WH', quantity: '21' }],
          })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LotgraphError);
        expect((err as LotgraphError).code).toBe('INSUFFICIENT_STOCK');
        expect(await projections(store)).toEqual(before);
      }));

    it('rebuilds identical projections by replaying the ledger into an empty store', () =>
      withStore(async ({ store }) => {
        const lg = await Lotgraph.open({ store, clock: clock() });
        await seed(lg);
        await lg.return({ returnId: 'R1', customerId: 'shop', lotId: 'B1', locationId: 'WH', quantity: '3' });
        const target = await factory();
        try {
          await lg.rebuildProjections(target.store);
          expect(await projections(target.store)).toEqual(await projections(store));
          expect(await target.store.readEvents(1)).toEqual(await store.readEvents(1));
        } finally {
          await target.cleanup?.();
        }
      }));

    it('keeps every accepted string and the largest quantity byte-for-byte', () =>
      withStore(async ({ store }) => {
        const lg = await Lotgraph.open({ store, clock: clock() });
        await seed(lg);
        const ids = ['😀-lot', 'e\u0301', '\u00e9', 'Ab', 'aB', 'ℵ-עברית', 'L'.repeat(200)];
        for (const [i, lotId] of ids.entries()) {
          await lg.receive({
            lotId,
            productId: 'flour',
            locationId: 'WH',
            quantity: i === 0 ? '999999999999.999' : '1',
            supplierLotNumber: `𝔸\t${lotId}`,
            attributes: { 'note 📝': 'line 1\nline 2', k: '' },
            actor: `zoë-${i}`,
          });
        }
        for (const lotId of ids) {
          const lot = await lg.lot(lotId);
          expect(lot?.id).toBe(lotId);
          expect(lot?.supplierLotNumber).toBe(`𝔸\t${lotId}`);
          expect(lot?.attributes).toEqual({ 'note 📝': 'line 1\nline 2', k: '' });
        }
        // Lots that differ only by case or by Unicode normalisation stay apart.
        const onHand = await lg.stock.onHand({ productId: 'flour' });
        expect(onHand.filter((l) => ids.includes(l.lotId)).map((l) => [l.lotId, l.quantity])).toEqual(
          [...ids]
            .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))
            .map((id) => [id, id === ids[0] ? '999999999999.999' : '1.000']),
        );
        const events = await store.readEvents(1);
        expect(events.slice(-ids.length).map((e) => e.actor)).toEqual(ids.map((_, i) => `zoë-${i}`));
        expect((await lg.verifyLedger()).ok).toBe(true);
      }));

    it('reports an unreadable row and a deleted newest event at their seq', async (ctx) => {
      for (const kind of ['payload-not-json', 'delete-newest-event'] as const) {
        const fx = await factory();
        try {
          if (!fx.corrupt) {
            ctx.skip();
            return;
          }
          const lg = await Lotgraph.open({ store: fx.store, clock: clock() });
          await seed(lg);
          const head = (await fx.store.head()).seq;
          const seq = kind === 'payload-not-json' ? 6 : head;
          await fx.corrupt(kind, seq);
          const v = await lg.verifyLedger();
          expect(v).toMatchObject({ ok: false, seq });
          await expect(lg.assertLedgerIntact()).rejects.toMatchObject({ code: 'LEDGER_TAMPERED' });
        } finally {
          await fx.cleanup?.();
        }
      }
    });

    it('detects a tampered event row with verifyLedger()', async (ctx) => {
      const fx = await factory();
      try {
        if (!fx.tamper) {
          ctx.skip();
          return;
        }
        const lg = await Lotgraph.open({ store: fx.store, clock: clock() });
        await seed(lg);
        expect((await lg.verifyLedger()).ok).toBe(true);
        await fx.tamper(6, (e) => {
          (e.payload as { quantity: string }).quantity = '1000.250';
        });
        expect(await lg.verifyLedger()).toEqual({
          ok: false,
          seq: 6,
          reason: 'stored content does not match its hash',
        });
      } finally {
        await fx.cleanup?.();
      }
    });
  });
}
