/**
 * Set-based reads for command batches. Before deciding, the runner collects what the commands will read
 * — the lots they name (with stock, holds and reservations), shipments, idempotency keys — and asks the
 * store for all of it in one round trip ({@link Store.prefetch}); master data (products, parties,
 * locations) is kept per `Lotgraph` instance in a {@link MasterDataCache} and reloaded only when the head's
 * `masterSeq` moved past it (another process defined something; the instance's own appends keep it
 * current) — on the SQL stores in one more round trip after the head is read. The
 * decide and projection code then reads through {@link prefetchedView}, which answers from those rows and
 * passes anything else to the store.
 *
 * @module
 */
import type { Location, Lot, Party, Product } from '../domain/schemas.js';
import type { StoredEvent } from '../ledger/events.js';
import { jsonCopy } from '../ledger/hashing.js';
import { isMasterDataChange } from './append-check.js';
import { byId, cmp, stockKey } from './memory-tables.js';
import type {
  AuxRecord,
  HoldRecord,
  Prefetched,
  PrefetchKeys,
  ProjectionChange,
  ReservationRecord,
  ShipmentRecord,
  StockBalance,
  Store,
  StoreHead,
} from './port.js';
import { compareHolds, compareReservations } from './port.js';

/** The lots, shipments and keys named anywhere in command inputs (`lotId`, `lotIds`, `shipmentId`). */
export function prefetchKeysOf(
  inputs: readonly unknown[],
  idempotencyKeys: readonly string[],
): Omit<PrefetchKeys, 'master'> {
  const lots = new Set<string>();
  const shipments = new Set<string>();
  const stack: unknown[] = [...inputs];
  while (stack.length > 0) {
    const v = stack.pop();
    if (Array.isArray(v)) {
      for (const x of v) if (x !== null && typeof x === 'object') stack.push(x);
      continue;
    }
    if (v === null || typeof v !== 'object') continue;
    for (const k in v as Record<string, unknown>) {
      if (!Object.hasOwn(v, k)) continue;
      const x = (v as Record<string, unknown>)[k];
      if (typeof x === 'string') {
        if (k === 'lotId') lots.add(x);
        else if (k === 'shipmentId') shipments.add(x);
      } else if (k === 'lotIds' && Array.isArray(x)) {
        for (const id of x) if (typeof id === 'string') lots.add(id);
      } else if (x !== null && typeof x === 'object') stack.push(x);
    }
  }
  return { idempotencyKeys: [...new Set(idempotencyKeys)], lotIds: [...lots], shipmentIds: [...shipments] };
}

/** Products, parties and locations of one `Lotgraph` instance, valid while the head's `masterSeq` stays. */
export class MasterDataCache {
  private masterSeq: number | undefined;
  /** False once the store was seen not to report `masterSeq` (the cache is then never used). */
  supported = true;
  products = new Map<string, Product>();
  parties = new Map<string, Party>();
  locations = new Map<string, Location>();

  /** True when the cache holds the master data of `head`. */
  validFor(head: StoreHead): boolean {
    return head.masterSeq !== undefined && this.masterSeq === head.masterSeq;
  }

  /** Fill from a prefetch made with `master: true` at `head`. */
  fill(head: StoreHead, data: Prefetched): void {
    deepFreeze([data.products, data.parties, data.locations]);
    this.products = new Map((data.products ?? []).map((p) => [p.id, p]));
    this.parties = new Map((data.parties ?? []).map((p) => [p.id, p]));
    this.locations = new Map((data.locations ?? []).map((p) => [p.id, p]));
    this.masterSeq = head.masterSeq;
  }

  /**
   * After this instance appended `changes` (events up to `lastSeq`) on `head`: a copy valid for `head`
   * takes the products, parties and locations they put and moves to the new `masterSeq`, so that its own
   * definitions do not cost the next command a reload. (A copy not valid for `head` stays stale: reloaded.)
   */
  noteAppended(head: StoreHead, changes: readonly ProjectionChange[], lastSeq: number): void {
    if (!this.validFor(head)) return;
    const puts = changes.filter(isMasterDataChange);
    if (puts.length === 0) return;
    // New maps, not edits of ones a view may hold; rows as a store keeps them (JSON values), frozen.
    const products = new Map(this.products);
    const parties = new Map(this.parties);
    const locations = new Map(this.locations);
    const kept = <T>(v: T) => deepFreeze(jsonCopy(v) as T);
    for (const c of puts) {
      if (c.type === 'putProduct') products.set(c.product.id, kept(c.product));
      else if (c.type === 'putParty') parties.set(c.party.id, kept(c.party));
      else if (c.type === 'putLocation') locations.set(c.location.id, kept(c.location));
    }
    this.products = products;
    this.parties = parties;
    this.locations = locations;
    this.masterSeq = lastSeq;
  }

  /** The `masterSeq` this cache holds, if any (for {@link PrefetchKeys.masterUnless}). */
  get seq(): number | undefined {
    return this.masterSeq;
  }

  /** Forget everything (the next command reloads). */
  clear(): void {
    this.masterSeq = undefined;
  }
}

/** Freeze `v` and everything in it (what is frozen already is taken as frozen throughout); returns `v`. */
export function deepFreeze<T>(v: T): T {
  const stack: unknown[] = [v];
  while (stack.length > 0) {
    const x = stack.pop();
    if (x === null || typeof x !== 'object' || Object.isFrozen(x)) continue;
    Object.freeze(x);
    for (const y of Object.values(x)) if (y !== null && typeof y === 'object') stack.push(y);
  }
  return v;
}

/** The method of a store view that fetches more lots in one round trip (see {@link readAhead}). */
export const READ_AHEAD: unique symbol = Symbol('lotgraph.readAhead');

/** A store view that can fetch lots ahead of reading them (a prefetched view, or a batch overlay over one). */
export interface ReadAheadView {
  [READ_AHEAD](lotIds: readonly string[]): Promise<void>;
}

/**
 * Tell the store view a command reads through that it is about to read these lots (rows, stock, holds,
 * reservations), so that a prefetching view fetches the ones it does not hold in ONE round trip instead of
 * four per lot. A no-op on plain stores (MemoryStore reads are local) and for lots already fetched. For
 * commands whose lots are only known once they read something else (the lots inside a scanned SSCC).
 */
export async function readAhead(store: Store, lotIds: readonly string[]): Promise<void> {
  const fn = (store as Partial<ReadAheadView>)[READ_AHEAD];
  if (typeof fn === 'function' && lotIds.length > 0) await fn.call(store, lotIds);
}

/**
 * A view of `store` that answers the reads covered by `keys` from `data` (and master data from `master`,
 * when it is valid), and every other read from `store`. Rows from `data` and `master` are frozen and
 * shared, never copied per read — nothing in the sdk writes to a row it read (a write would
 * throw), and a batch reads the same master data and lots many times; lists are new arrays.
 */
export function prefetchedView(
  store: Store,
  keys: Omit<PrefetchKeys, 'master'>,
  data: Prefetched,
  master: MasterDataCache | undefined,
): Store {
  deepFreeze(data);
  const keySet = new Set(keys.idempotencyKeys);
  const lotSet = new Set(keys.lotIds);
  /** Stock rows of the prefetched lots (extended by {@link readAhead}). */
  let stockRows = data.stock;
  const shipSet = new Set(keys.shipmentIds);
  const events = new Map<string, StoredEvent>(data.events.map((e) => [e.idempotencyKey, e]));
  const lots = new Map<string, Lot>(data.lots.map((l) => [l.id, l]));
  const stock = new Map<string, StockBalance>(data.stock.map((s) => [stockKey(s.lotId, s.locationId), s]));
  const shipments = new Map<string, ShipmentRecord>(data.shipments.map((s) => [s.id, s]));
  let holds = data.holds;
  let reservations = data.reservations;
  // Records the prefetch was asked for, when the store answered them (absent from `data.records`: none).
  const recordKey = (collection: string, id: string) => `${collection}\u0000${id}`;
  const recordSet =
    data.records === undefined
      ? undefined
      : new Set((keys.records ?? []).map((r) => recordKey(r.collection, r.id)));
  const records = new Map((data.records ?? []).map((r) => [recordKey(r.collection, r.id), r]));
  const more = async (lotIds: readonly string[]): Promise<void> => {
    const missing = [...new Set(lotIds)].filter((id) => !lotSet.has(id));
    if (missing.length === 0 || !store.prefetch) return;
    const got = deepFreeze(
      await store.prefetch({ idempotencyKeys: [], lotIds: missing, shipmentIds: [], master: false }),
    );
    for (const id of missing) lotSet.add(id);
    for (const l of got.lots) lots.set(l.id, l);
    for (const s of got.stock) stock.set(stockKey(s.lotId, s.locationId), s);
    stockRows = [...stockRows, ...got.stock];
    holds = [...holds, ...got.holds];
    reservations = [...reservations, ...got.reservations];
  };
  const gtin = (p: Product) => (p.gtin ? p.gtin.padStart(14, '0') : undefined);
  const own: Partial<Store> = {
    findEventByIdempotencyKey: (k) =>
      keySet.has(k) ? Promise.resolve(events.get(k)) : store.findEventByIdempotencyKey(k),
    getLot: (id) => (lotSet.has(id) ? Promise.resolve(lots.get(id)) : store.getLot(id)),
    getLots: (ids) =>
      ids.every((id) => lotSet.has(id))
        ? Promise.resolve([...new Set(ids)].flatMap((id) => lots.get(id) ?? []).sort(byId))
        : store.getLots(ids),
    getStock: (lotId, locationId) =>
      lotSet.has(lotId)
        ? Promise.resolve(stock.get(stockKey(lotId, locationId))?.quantity ?? 0n)
        : store.getStock(lotId, locationId),
    listStock: (f = {}) =>
      f.lotId !== undefined && lotSet.has(f.lotId)
        ? Promise.resolve(
            stockRows
              .filter(
                (s) =>
                  s.lotId === f.lotId &&
                  (f.locationId === undefined || s.locationId === f.locationId) &&
                  (f.productId === undefined || s.productId === f.productId),
              )
              .sort((a, b) => cmp(a.locationId, b.locationId)),
          )
        : store.listStock(f),
    listHolds: (f = {}) =>
      f.lotId !== undefined && lotSet.has(f.lotId)
        ? Promise.resolve(
            holds
              .filter((h) => h.lotId === f.lotId && (f.status === undefined || h.status === f.status))
              .sort(compareHolds),
          )
        : store.listHolds(f),
    listReservations: (f = {}) =>
      f.lotId !== undefined && lotSet.has(f.lotId)
        ? Promise.resolve(
            reservations
              .filter(
                (r: ReservationRecord) =>
                  r.lotId === f.lotId &&
                  (f.productId === undefined || r.productId === f.productId) &&
                  (f.orderId === undefined || r.orderId === f.orderId) &&
                  (f.status === undefined || r.status === f.status),
              )
              .sort(compareReservations),
          )
        : store.listReservations(f),
    getHold: (id) => {
      const h: HoldRecord | undefined = holds.find((x) => x.id === id);
      return h ? Promise.resolve(h) : store.getHold(id);
    },
    getReservation: (id) => {
      const r = reservations.find((x) => x.id === id);
      return r ? Promise.resolve(r) : store.getReservation(id);
    },
    getShipment: (id) => (shipSet.has(id) ? Promise.resolve(shipments.get(id)) : store.getShipment(id)),
    getRecord: (collection, id) => {
      const k = recordKey(collection, id);
      if (!recordSet?.has(k)) return store.getRecord(collection, id);
      // A copy, as `getRecord` gives: the prefetched rows stay frozen.
      const r = records.get(k);
      return Promise.resolve(r === undefined ? undefined : (jsonCopy(r) as AuxRecord));
    },
  };
  if (master) {
    Object.assign(own, {
      getProduct: (id: string) => Promise.resolve(master.products.get(id)),
      findProductByGtin: (g: string) =>
        Promise.resolve([...master.products.values()].filter((p) => gtin(p) === g).sort(byId)[0]),
      listProducts: () => Promise.resolve([...master.products.values()].sort(byId)),
      getParty: (id: string) => Promise.resolve(master.parties.get(id)),
      listParties: () => Promise.resolve([...master.parties.values()].sort(byId)),
      getLocation: (id: string) => Promise.resolve(master.locations.get(id)),
      listLocations: () => Promise.resolve([...master.locations.values()].sort(byId)),
    } satisfies Partial<Store>);
  }
  // The store's own methods, bound once per view (not once per call).
  const bound = new Map<(...args: never[]) => unknown, unknown>();
  return new Proxy(store, {
    get(target, prop) {
      if (prop === READ_AHEAD) return more;
      const mine = typeof prop === 'string' ? (own as Record<string, unknown>)[prop] : undefined;
      if (mine !== undefined) return mine;
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      const method = value as (...args: never[]) => unknown;
      let fn = bound.get(method);
      if (fn === undefined) {
        fn = method.bind(target);
        bound.set(method, fn);
      }
      return fn;
    },
  });
}
