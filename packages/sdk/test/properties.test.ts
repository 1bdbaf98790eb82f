import {
  type BatchCommand,
  type EventPayloads,
  fromSteps,
  LotgraphError,
  MemoryStore,
  replayStock,
  type StoredEvent,
  toSteps,
} from '@lotgraph/sdk';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bakery, snapshotStore } from './helpers.js';

type Cmd =
  | { t: 'receive'; product: 'flour' | 'salt'; steps: number; loc: 'WH' | 'LINE' }
  | {
      t: 'produce';
      picks: number[];
      fracs: number[];
      out: 'dough' | 'bread';
      outQty: number;
      intoExisting: boolean;
    }
  | { t: 'move'; pick: number; frac: number }
  | { t: 'adjust'; pick: number; frac: number; up: boolean }
  | { t: 'ship'; pick: number; frac: number; customer: 'shop1' | 'shop2' }
  | { t: 'split'; pick: number; frac: number }
  | { t: 'return'; pick: number; frac: number }
  | { t: 'over'; pick: number }
  | { t: 'retry'; pick: number };

const frac = fc.integer({ min: 1, max: 100 });
const cmd: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('receive' as const),
      product: fc.constantFrom('flour' as const, 'salt' as const),
      steps: fc.integer({ min: 1, max: 200_000 }),
      loc: fc.constantFrom('WH' as const, 'LINE' as const),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('produce' as const),
      picks: fc.array(fc.nat(), { minLength: 1, maxLength: 3 }),
      fracs: fc.array(frac, { minLength: 3, maxLength: 3 }),
      out: fc.constantFrom('dough' as const, 'bread' as const),
      outQty: fc.integer({ min: 1, max: 5000 }),
      intoExisting: fc.boolean(),
    }),
  },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('move' as const), pick: fc.nat(), frac }) },
  {
    weight: 1,
    arbitrary: fc.record({ t: fc.constant('adjust' as const), pick: fc.nat(), frac, up: fc.boolean() }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      t: fc.constant('ship' as const),
      pick: fc.nat(),
      frac,
      customer: fc.constantFrom('shop1' as const, 'shop2' as const),
    }),
  },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('split' as const), pick: fc.nat(), frac }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('return' as const), pick: fc.nat(), frac }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('over' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('retry' as const), pick: fc.nat() }) },
);

const DECIMALS: Record<string, number> = { flour: 3, salt: 3, dough: 3, bread: 0, crumbs: 3 };
const part = (q: bigint, f: number) => {
  const v = (q * BigInt(f)) / 100n;
  return v < 1n ? 1n : v;
};

/** Run a random command sequence; returns the lotgraph and the successful (input, result) pairs. */
async function runSequence(cmds: Cmd[]) {
  const { lg, store } = await bakery(new MemoryStore());
  const done: { method: string; input: Record<string, unknown>; result: StoredEvent }[] = [];
  let n = 0;
  const call = async (method: string, input: Record<string, unknown>) => {
    const full = { ...input, idempotencyKey: `k${++n}` };
    const result = (await (lg as unknown as Record<string, (i: unknown) => Promise<StoredEvent>>)[method]!(
      full,
    )) as StoredEvent;
    done.push({ method, input: full, result });
  };
  for (const c of cmds) {
    const rows = await store.listStock();
    const row = rows.length ? rows[('pick' in c ? c.pick : 0) % rows.length] : undefined;
    const dec = (productId: string) => DECIMALS[productId] ?? 0;
    switch (c.t) {
      case 'receive':
        await call('receive', {
          lotId: `R${n}`,
          productId: c.product,
          locationId: c.loc,
          quantity: fromSteps(BigInt(c.steps), 3),
        });
        break;
      case 'produce': {
        if (!rows.length) break;
        const picked = [...new Set(c.picks.map((p) => p % rows.length))].map((i) => rows[i]!);
        const existing = (await store.listLots({ productId: c.out }))[0];
        await call('produce', {
          orderId: `PO${n}`,
          inputs: picked.map((r, i) => ({
            lotId: r.lotId,
            locationId: r.locationId,
            quantity: fromSteps(part(r.quantity, c.fracs[i] ?? 50), dec(r.productId)),
          })),
          outputs: [
            {
              lotId: c.intoExisting && existing ? existing.id : `P${n}`,
              productId: c.out,
              locationId: 'LINE',
              quantity: fromSteps(BigInt(c.outQty), dec(c.out)),
            },
            { lotId: `C${n}`, productId: 'crumbs', locationId: 'LINE', quantity: '0.001', byProduct: true },
          ],
        });
        break;
      }
      case 'move':
        if (!row) break;
        await call('move', {
          lotId: row.lotId,
          fromLocationId: row.locationId,
          toLocationId: row.locationId === 'WH' ? 'LINE' : 'WH',
          quantity: fromSteps(part(row.quantity, c.frac), dec(row.productId)),
        });
        break;
      case 'adjust':
        if (!row) break;
        await call('adjust', {
          lotId: row.lotId,
          locationId: row.locationId,
          delta: `${c.up ? '' : '-'}${fromSteps(part(row.quantity, c.frac), dec(row.productId))}`,
          reasonCode: c.up ? 'FOUND' : 'DAMAGE',
        });
        break;
      case 'ship':
        if (!row) break;
        await call('ship', {
          shipmentId: `SH${n}`,
          customerId: c.customer,
          lines: [
            {
              lotId: row.lotId,
              locationId: row.locationId,
              quantity: fromSteps(part(row.quantity, c.frac), dec(row.productId)),
            },
          ],
        });
        break;
      case 'split':
        if (!row) break;
        await call('split', {
          lotId: row.lotId,
          locationId: row.locationId,
          outputs: [{ lotId: `S${n}`, quantity: fromSteps(part(row.quantity, c.frac), dec(row.productId)) }],
        });
        break;
      case 'return': {
        const lines = await store.listShipmentLines();
        const line = lines.length ? lines[c.pick % lines.length] : undefined;
        if (!line) break;
        const returned = (
          await store.listRecords('return', { key: JSON.stringify([line.customerId, line.lotId]) })
        ).reduce((a, r) => a + BigInt((r.value as { steps: string }).steps), 0n);
        const shipped = (
          await store.listShipmentLines({ lotId: line.lotId, customerId: line.customerId })
        ).reduce((a, l) => a + l.quantity, 0n);
        if (shipped - returned <= 0n) break;
        await call('return', {
          returnId: `RT${n}`,
          customerId: line.customerId,
          lotId: line.lotId,
          locationId: 'QUAR',
          quantity: fromSteps(part(shipped - returned, c.frac), dec(line.productId)),
        });
        break;
      }
      case 'over': {
        if (!row) break;
        const before = await snapshotStore(store);
        const err = await lg
          .ship({
            shipmentId: `X${n}`,
            customerId: 'shop1',
            lines: [
              {
                lotId: row.lotId,
                locationId: row.locationId,
                quantity: fromSteps(row.quantity + 1n, dec(row.productId)),
              },
            ],
          })
          .catch((e: unknown) => e);
        expect(err).toBeInstanceOf(LotgraphError);
        expect((err as LotgraphError).code).toBe('INSUFFICIENT_STOCK');
        expect(await snapshotStore(store)).toEqual(before);
        break;
      }
      case 'retry': {
        const d = done.length ? done[c.pick % done.length] : undefined;
        if (!d) break;
        const head = await store.head();
        const again = await (lg as unknown as Record<string, (i: unknown) => Promise<StoredEvent>>)[
          d.method
        ]!(d.input);
        expect(again).toEqual(d.result);
        expect(await store.head()).toEqual(head);
        break;
      }
    }
  }
  return { lg, store, done };
}

/** Plain-TS trace oracle over the events (not the index): node keys `kind:ref`. */
function oracle(events: StoredEvent[]) {
  const fwd = new Map<string, Set<string>>();
  const bwd = new Map<string, Set<string>>();
  const link = (a: string, b: string) => {
    if (a === b) return;
    if (!fwd.has(a)) fwd.set(a, new Set());
    if (!bwd.has(b)) bwd.set(b, new Set());
    fwd.get(a)!.add(b);
    bwd.get(b)!.add(a);
  };
  for (const e of events) {
    if (e.type === 'produced' || e.type === 'transformed') {
      const p = e.payload as unknown as EventPayloads['produced'];
      for (const i of p.inputs) for (const o of p.outputs) link(`lot:${i.lotId}`, `lot:${o.lot.id}`);
    } else if (e.type === 'shipped') {
      const p = e.payload as unknown as EventPayloads['shipped'];
      for (const l of p.lines) {
        link(`lot:${l.lotId}`, `delivery:${p.shipmentId}/${l.lineNo}`);
        link(`delivery:${p.shipmentId}/${l.lineNo}`, `customer:${p.customerId}`);
      }
    }
  }
  const closure = (adj: Map<string, Set<string>>, root: string) => {
    const seen = new Set([root]);
    const stack = [root];
    while (stack.length) {
      for (const n of adj.get(stack.pop()!) ?? []) {
        if (seen.has(n)) continue;
        seen.add(n);
        stack.push(n);
      }
    }
    return [...seen].sort();
  };
  return {
    forward: (lot: string) => closure(fwd, `lot:${lot}`),
    backward: (lot: string) => closure(bwd, `lot:${lot}`),
  };
}

describe('ledger properties over random command sequences', () => {
  it('stock never negative, quantities conserved exactly, replay == projections, trace == oracle, ledger valid', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmd, { minLength: 1, maxLength: 30 }), async (cmds) => {
        const { lg, store } = await runSequence(cmds);
        const stock = await store.listStock();
        // 1. never negative (and zero rows are not listed)
        for (const s of stock) expect(s.quantity > 0n).toBe(true);

        // 2. conservation per product straight from the event payloads:
        //    received + produced + returned + found = on hand + consumed + shipped + written off
        const events = await store.readEvents(1);
        const inflow = new Map<string, bigint>();
        const outflow = new Map<string, bigint>();
        const add = (m: Map<string, bigint>, product: string, q: string) =>
          m.set(product, (m.get(product) ?? 0n) + toSteps(q, DECIMALS[product] ?? 0));
        for (const e of events) {
          const p = e.payload as unknown as Record<string, never>;
          if (e.type === 'received')
            add(
              inflow,
              (p as unknown as EventPayloads['received']).lot.productId,
              (p as unknown as EventPayloads['received']).quantity,
            );
          if (e.type === 'produced' || e.type === 'transformed') {
            const x = p as unknown as EventPayloads['produced'];
            for (const i of x.inputs) add(outflow, i.productId, i.quantity);
            for (const o of x.outputs) add(inflow, o.lot.productId, o.quantity);
          }
          if (e.type === 'shipped')
            for (const l of (p as unknown as EventPayloads['shipped']).lines)
              add(outflow, l.productId, l.quantity);
          if (e.type === 'returned')
            add(
              inflow,
              (p as unknown as EventPayloads['returned']).productId,
              (p as unknown as EventPayloads['returned']).quantity,
            );
          if (e.type === 'adjusted') {
            const a = p as unknown as EventPayloads['adjusted'];
            if (a.delta.startsWith('-')) add(outflow, a.productId, a.delta.slice(1));
            else add(inflow, a.productId, a.delta);
          }
        }
        for (const product of Object.keys(DECIMALS)) {
          const onHand = stock.filter((s) => s.productId === product).reduce((a, s) => a + s.quantity, 0n);
          expect(onHand).toBe((inflow.get(product) ?? 0n) - (outflow.get(product) ?? 0n));
        }

        // 2b. every lot's mass balance closes to exactly zero
        for (const lot of await store.listLots()) {
          const mb = await lg.stock.massBalance(lot.id);
          expect(BigInt(mb.balance.replace('.', ''))).toBe(0n);
        }

        // 3. replaying the ledger gives the projected stock, and a full rebuild gives identical projections
        expect(await replayStock(store)).toEqual(stock);
        const target = new MemoryStore();
        await lg.rebuildProjections(target);
        expect(await snapshotStore(target)).toEqual(await snapshotStore(store));

        // 4. trace == plain-TS oracle over the events
        const o = oracle(events);
        const lots = (await store.listLots()).map((l) => l.id);
        for (const lot of lots.slice(0, 6)) {
          const f = await lg.trace.forward(lot);
          expect(f.graph.nodes.map((x) => `${x.kind}:${x.ref}`).sort()).toEqual(o.forward(lot));
          const refs = await lg.trace.forwardRefs(lot);
          expect(
            [
              ...refs.lots.map((r) => `lot:${r}`),
              ...refs.deliveries.map((r) => `delivery:${r}`),
              ...refs.customers.map((r) => `customer:${r}`),
            ].sort(),
          ).toEqual(o.forward(lot));
          const b = await lg.trace.backward(lot);
          expect((await lg.trace.backwardRefs([lot])).lots.map((r) => `lot:${r}`).sort()).toEqual(
            o.backward(lot),
          );
          expect(b.graph.nodes.map((x) => `${x.kind}:${x.ref}`).sort()).toEqual(o.backward(lot));
        }

        // 5. the hash chain holds
        expect((await lg.verifyLedger()).ok).toBe(true);
        await lg.close();
      }),
      { numRuns: 40 },
    );
  });

  it('the same commands run as batches (of any sizes) give the same projections as one by one', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cmd, { minLength: 1, maxLength: 25 }),
        fc.array(fc.integer({ min: 1, max: 8 }), { minLength: 1, maxLength: 10 }),
        async (cmds, sizes) => {
          const a = await runSequence(cmds);
          const b = await bakery(new MemoryStore());
          const commands = a.done.map((d) => ({
            command: d.method,
            input: { ...d.input, eventTime: d.result.eventTime },
          })) as unknown as BatchCommand[];
          for (let i = 0, k = 0; i < commands.length; k++) {
            const size = sizes[k % sizes.length]!;
            await b.lg.batch(commands.slice(i, i + size));
            i += size;
          }
          const strip = async (store: MemoryStore) => {
            const {
              events: _e,
              head,
              ...rest
            } = (await snapshotStore(store)) as {
              events: unknown;
              head: { seq: number; nodeCount: number; edgeCount: number };
            } & Record<string, unknown>;
            return { ...rest, seq: head.seq, nodeCount: head.nodeCount, edgeCount: head.edgeCount };
          };
          expect(await strip(b.store)).toEqual(await strip(a.store));
          expect((await b.lg.verifyLedger()).ok).toBe(true);
          await a.lg.close();
          await b.lg.close();
        },
      ),
      { numRuns: 30 },
    );
  });

  it('tampering with any stored event is detected at that seq', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(cmd, { minLength: 3, maxLength: 12 }),
        fc.nat(),
        fc.constantFrom('payload', 'eventTime', 'actor', 'prevHash', 'type'),
        async (cmds, pick, field) => {
          const { lg, store } = await runSequence(cmds);
          const head = await store.head();
          const seq = 1 + (pick % head.seq);
          store.tamperForTesting(seq, (e) => {
            if (field === 'payload') (e.payload as Record<string, unknown>).tampered = true;
            else if (field === 'eventTime') e.eventTime = '1999-01-01T00:00:00.000Z';
            else if (field === 'actor') e.actor = 'mallory';
            else if (field === 'prevHash') e.prevHash = 'f'.repeat(64);
            else e.type = e.type === 'adjusted' ? 'moved' : 'adjusted';
          });
          const v = await lg.verifyLedger();
          expect(v.ok).toBe(false);
          if (!v.ok) expect(v.seq).toBe(seq);
          await lg.close();
        },
      ),
      { numRuns: 25 },
    );
  });
});
