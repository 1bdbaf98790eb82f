import { Lotgraph, MemoryStore, type Store } from '@lotgraph/sdk';

/** A deterministic clock: each call advances one second from 2026-03-01T08:00:00Z. */
export function testClock(start = Date.parse('2026-03-01T08:00:00Z')) {
  let t = start;
  return () => {
    const d = new Date(t);
    t += 1000;
    return d;
  };
}

/** A lotgraph over a memory store with master data for a small bakery. */
export async function bakery(store = new MemoryStore()) {
  const lg = await Lotgraph.open({ store, clock: testClock(), actor: 'test' });
  await lg.defineProduct({
    id: 'flour',
    name: 'Wheat flour',
    unit: 'kg',
    decimals: 3,
    gtin: '09506000134352',
    conversions: [
      { unit: 'bag', factor: '25' },
      { unit: 'g', factor: '1/1000' },
    ],
  });
  await lg.defineProduct({ id: 'salt', name: 'Salt', unit: 'kg', decimals: 3 });
  await lg.defineProduct({ id: 'dough', name: 'Dough', unit: 'kg', decimals: 3, shelfLifeDays: 2 });
  await lg.defineProduct({ id: 'bread', name: 'Bread', unit: 'pc', decimals: 0, shelfLifeDays: 5 });
  await lg.defineProduct({ id: 'crumbs', name: 'Crumbs', unit: 'kg', decimals: 3 });
  await lg.defineParty({ id: 'mill', name: 'Mill & Co', roles: ['supplier'], gln: '9506000000001' });
  await lg.defineParty({ id: 'saltco', name: 'Salt Co', roles: ['supplier'] });
  await lg.defineParty({ id: 'shop1', name: 'Shop One', roles: ['customer'] });
  await lg.defineParty({ id: 'shop2', name: 'Shop Two', roles: ['customer'] });
  await lg.defineLocation({ id: 'WH', site: 'bakery', zone: 'dry' });
  await lg.defineLocation({ id: 'LINE', site: 'bakery', zone: 'production' });
  await lg.defineLocation({ id: 'QUAR', site: 'bakery', quarantine: true });
  return { lg, store };
}

/** Everything a store holds (head, events, every projection), for before/after and replay comparisons. */
export async function snapshotStore(store: Store): Promise<unknown> {
  const chunks: unknown[] = [];
  for await (const c of store.streamGenealogy()) {
    chunks.push(
      c.type === 'nodes'
        ? { ...c, kinds: [...c.kinds] }
        : { src: [...c.src], dst: [...c.dst], qty: [...c.qty] },
    );
  }
  return {
    head: await store.head(),
    events: await store.readEvents(1),
    products: await store.listProducts(),
    parties: await store.listParties(),
    locations: await store.listLocations(),
    lots: await store.listLots(),
    stock: await store.listStock(),
    shipments: await store.listShipments(),
    lines: await store.listShipmentLines(),
    edges: await store.listEdges({}),
    holds: await store.listHolds(),
    reservations: await store.listReservations(),
    receipts: await store.listRecords('receipt'),
    returns: await store.listRecords('return'),
    serials: await store.listSerials({}),
    units: await store.listUnits({}),
    chunks,
  };
}

/**
 * A MemoryStore behind a proxy that counts the calls of each method and the events `readEvents` returned;
 * a method for which `fail` gives an error rejects with it (counted all the same).
 */
export function countingStore(fail: (method: string) => Error | undefined = () => undefined) {
  const inner = new MemoryStore();
  const calls = new Map<string, number>();
  const reads = { events: 0 };
  const store = new Proxy(inner, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return (...args: unknown[]) => {
        calls.set(String(prop), (calls.get(String(prop)) ?? 0) + 1);
        const error = fail(String(prop));
        if (error) return Promise.reject(error);
        const r = v.apply(target, args);
        if (prop === 'readEvents')
          return (r as Promise<unknown[]>).then((evs) => {
            reads.events += evs.length;
            return evs;
          });
        return r;
      };
    },
  }) as MemoryStore;
  return { inner, store, calls, reads };
}
