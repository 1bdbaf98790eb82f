/** The in-memory tables of `MemoryStore` and how one projection change applies to them. */
import type { Location, Lot, Party, Product } from '../domain/schemas.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import {
  checkI64,
  danglingEdgeError,
  duplicateNodeError,
  duplicateSerialError,
  firstIdError,
  negativeStockError,
  overReservedError,
} from './contract-errors.js';
import { SerialTable } from './memory-serials.js';
import type {
  AuxRecord,
  AvailableStockRow,
  DocumentRecord,
  GenealogyEdge,
  HoldRecord,
  ProjectionChange,
  ReservationRecord,
  ShipmentLineRecord,
  ShipmentRecord,
  StockBalance,
  Store,
  TestResultRecord,
} from './port.js';
import {
  commissionedRows,
  type LogisticUnitRecord,
  patchSerial,
  patchUnit,
  serialKey,
} from './serial-port.js';

/**
 * A deep copy of a store row or batch: plain objects, arrays, bigints, strings, numbers, booleans, null and
 * `Uint8Array`s (everything the port's records hold). Several times faster than `structuredClone` on the
 * many small objects of a batch; anything else falls back to `structuredClone`.
 */
export function clone<T>(v: T): T {
  if (v === null || typeof v !== 'object') return v;
  if (Array.isArray(v)) {
    const out = new Array(v.length);
    for (let i = 0; i < v.length; i++) out[i] = clone(v[i]);
    return out as T;
  }
  if (v instanceof Uint8Array) return v.slice() as T;
  const proto = Object.getPrototypeOf(v);
  if (proto !== Object.prototype && proto !== null) return structuredClone(v);
  const out: Record<string, unknown> = {};
  for (const k in v as Record<string, unknown>) {
    const x = (v as Record<string, unknown>)[k];
    if (x === undefined) continue;
    // A data key named "__proto__" (from JSON) must stay a key, not become the prototype.
    if (k === '__proto__')
      Object.defineProperty(out, k, {
        value: clone(x),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    else out[k] = clone(x);
  }
  return out as T;
}
export const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
export const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
export const stockKey = (lotId: string, locationId: string) => `${lotId}\u0000${locationId}`;
export const nodeKey = (kind: number, ref: string) => `${kind}\u0000${ref}`;

/**
 * A table whose rows name a lot (stock, holds, reservations): a `Map` by row key that keeps the keys of
 * each lot's rows current on every `set`/`delete` (so an undo log replaying them stays consistent), for
 * reads by lot that do not scan the table.
 */
export class ByLotTable<V extends { lotId: string }> extends Map<string, V> {
  private readonly lots = new Map<string, Set<string>>();

  override set(key: string, row: V): this {
    const old = super.get(key);
    if (old && old.lotId !== row.lotId) this.unlink(old.lotId, key);
    super.set(key, row);
    // Map's constructor calls set before the fields exist.
    if (this.lots) {
      const keys = this.lots.get(row.lotId);
      if (keys) keys.add(key);
      else this.lots.set(row.lotId, new Set([key]));
    }
    return this;
  }

  override delete(key: string): boolean {
    const old = super.get(key);
    if (old) this.unlink(old.lotId, key);
    return super.delete(key);
  }

  override clear(): void {
    super.clear();
    this.lots.clear();
  }

  /** The rows of one lot, in the order their keys were first set. */
  ofLot(lotId: string): V[] {
    const out: V[] = [];
    for (const k of this.lots.get(lotId) ?? []) out.push(super.get(k) as V);
    return out;
  }

  private unlink(lotId: string, key: string): void {
    const keys = this.lots.get(lotId);
    if (!keys) return;
    keys.delete(key);
    if (keys.size === 0) this.lots.delete(lotId);
  }
}

export interface Tables {
  products: Map<string, Product>;
  parties: Map<string, Party>;
  locations: Map<string, Location>;
  lots: Map<string, Lot>;
  stock: ByLotTable<StockBalance>;
  shipments: Map<string, ShipmentRecord>;
  shipmentLines: Map<string, ShipmentLineRecord>;
  holds: ByLotTable<HoldRecord>;
  reservations: ByLotTable<ReservationRecord>;
  tests: Map<string, TestResultRecord>;
  documents: Map<string, DocumentRecord>;
  records: Map<string, AuxRecord>;
  /** By {@link serialKey}, indexed by lot, unit and shipment. */
  serials: SerialTable;
  units: Map<string, LogisticUnitRecord>;
}

export function emptyTables(): Tables {
  return {
    products: new Map(),
    parties: new Map(),
    locations: new Map(),
    lots: new Map(),
    stock: new ByLotTable(),
    shipments: new Map(),
    shipmentLines: new Map(),
    holds: new ByLotTable(),
    reservations: new ByLotTable(),
    tests: new Map(),
    documents: new Map(),
    records: new Map(),
    serials: new SerialTable(),
    units: new Map(),
  };
}

/** The stock rows of a product (at one location, if given) with what is reserved and whether a hold applies. */
export function availableStock(t: Tables, productId: string, locationId?: string): AvailableStockRow[] {
  const rows: AvailableStockRow[] = [];
  for (const s of t.stock.values()) {
    if (s.productId !== productId || s.quantity === 0n) continue;
    if (locationId !== undefined && s.locationId !== locationId) continue;
    const lot = t.lots.get(s.lotId);
    if (!lot) continue;
    let reserved = 0n;
    for (const r of t.reservations.ofLot(s.lotId))
      if (r.status === 'active' && r.locationId === s.locationId) reserved += r.quantity;
    const onHold = t.holds
      .ofLot(s.lotId)
      .some((h) => h.status === 'active' && (h.locationId === undefined || h.locationId === s.locationId));
    rows.push({ lot, locationId: s.locationId, onHand: s.quantity, reserved, onHold });
  }
  return rows;
}

/** What restores the rows a batch touched: per write, the table, the key and the row before (if any). */
export class UndoLog {
  private readonly maps: Map<string, unknown>[] = [];
  private readonly keys: string[] = [];
  private readonly olds: unknown[] = [];
  private readonly had: boolean[] = [];

  note(map: Map<string, unknown>, key: string): void {
    this.maps.push(map);
    this.keys.push(key);
    this.had.push(map.has(key));
    this.olds.push(map.get(key));
  }

  /** Put every noted row back, newest first. */
  rollback(): void {
    for (let i = this.maps.length - 1; i >= 0; i--) {
      const map = this.maps[i] as Map<string, unknown>;
      const key = this.keys[i] as string;
      if (this.had[i]) map.set(key, this.olds[i]);
      else map.delete(key);
    }
  }
}

/**
 * Access to `t` for one batch: every `set`/`delete` first notes in `undo` what restores the row (the
 * batch's transaction: `undo.rollback()` costs O(changes), not O(table)).
 */
export function loggedTables(t: Tables, undo: UndoLog): <K extends keyof Tables>(k: K) => Tables[K] {
  const views = new Map<keyof Tables, unknown>();
  return <K extends keyof Tables>(k: K): Tables[K] => {
    let view = views.get(k);
    if (view === undefined) {
      const base = t[k] as unknown as Map<string, unknown> & { ofLot?: (lotId: string) => unknown[] };
      view = {
        get: (key: string) => base.get(key),
        values: () => base.values(),
        ofLot: (lotId: string) => base.ofLot?.(lotId),
        set(key: string, value: unknown) {
          undo.note(base, key);
          base.set(key, value);
          return this;
        },
        delete(key: string) {
          undo.note(base, key);
          return base.delete(key);
        },
      };
      views.set(k, view);
    }
    return view as Tables[K];
  };
}

/**
 * The in-memory {@link Store}: the reference implementation of the port and the default for tests and
 * browser use. Everything lives in JS maps; nothing survives the process. A batch is applied in place with
 * an undo log and rolled back row by row if any check fails — that is its transaction.
 *
 * @example
 * ```ts
 * const lg = await Lotgraph.open({ store: new MemoryStore() });
 * ```
 */

export function applyChange(
  c: ProjectionChange,
  i: number,
  table: <K extends keyof Tables>(k: K) => Tables[K],
  g: {
    newKinds: number[];
    newRefs: string[];
    newSeqs: number[];
    newNodeKeys: Map<string, number>;
    newEdges: GenealogyEdge[];
  },
  nodes: { has(key: string): boolean; count: number },
): void {
  switch (c.type) {
    case 'putProduct':
      table('products').set(c.product.id, c.product);
      return;
    case 'putParty':
      table('parties').set(c.party.id, c.party);
      return;
    case 'putLocation':
      table('locations').set(c.location.id, c.location);
      return;
    case 'putLot':
      table('lots').set(c.lot.id, c.lot);
      return;
    case 'stockDelta': {
      const stock = table('stock');
      const k = stockKey(c.lotId, c.locationId);
      const cur = stock.get(k)?.quantity ?? 0n;
      const field = `changes[${i}].delta`;
      checkI64(field, c.delta);
      const next = checkI64(field, cur + c.delta);
      if (next < 0n) throw negativeStockError(c.lotId, c.locationId, cur, c.delta, i);
      if (next === 0n) stock.delete(k);
      else stock.set(k, { lotId: c.lotId, locationId: c.locationId, productId: c.productId, quantity: next });
      return;
    }
    case 'addNodes': {
      const expected = nodes.count + g.newKinds.length;
      if (c.firstId !== expected) throw firstIdError(i, c.firstId, expected);
      for (const n of c.nodes) {
        const k = nodeKey(n.kind, n.ref);
        if (nodes.has(k) || g.newNodeKeys.has(k)) throw duplicateNodeError(i, n.kind, n.ref);
        g.newNodeKeys.set(k, nodes.count + g.newKinds.length);
        g.newKinds.push(n.kind);
        g.newRefs.push(n.ref);
        g.newSeqs.push(c.seq);
      }
      return;
    }
    case 'addEdges': {
      const count = nodes.count + g.newKinds.length;
      for (let j = 0; j < c.edges.length; j++) {
        const e = c.edges[j] as GenealogyEdge;
        if (!(e.src >= 0 && e.src < count && e.dst >= 0 && e.dst < count))
          throw danglingEdgeError(i, e.src, e.dst, count);
        checkI64(`changes[${i}].edges[${j}].quantity`, e.quantity);
        g.newEdges.push(e);
      }
      return;
    }
    case 'putShipment':
      table('shipments').set(c.shipment.id, c.shipment);
      return;
    case 'addShipmentLines': {
      const lines = table('shipmentLines');
      for (let j = 0; j < c.lines.length; j++) {
        const l = c.lines[j] as ShipmentLineRecord;
        checkI64(`changes[${i}].lines[${j}].quantity`, l.quantity);
        lines.set(`${l.shipmentId}\u0000${l.lineNo}`, l);
      }
      return;
    }
    case 'putHold':
      table('holds').set(c.hold.id, c.hold);
      return;
    case 'putReservation': {
      const r = c.reservation;
      checkI64(`changes[${i}].reservation.quantity`, r.quantity);
      const res = table('reservations');
      res.set(r.id, r);
      if (r.status === 'active') {
        let reserved = 0n;
        for (const x of res.ofLot(r.lotId)) {
          if (x.status === 'active' && x.locationId === r.locationId) reserved += x.quantity;
        }
        const onHand = table('stock').get(stockKey(r.lotId, r.locationId))?.quantity ?? 0n;
        if (reserved > onHand) throw overReservedError(r.id, r.lotId, r.locationId, onHand, reserved, i);
      }
      return;
    }
    case 'putTestResult':
      table('tests').set(c.result.id, c.result);
      return;
    case 'putDocument':
      table('documents').set(c.document.id, c.document);
      return;
    case 'putRecord':
      table('records').set(`${c.record.collection}\u0000${c.record.id}`, c.record);
      return;
    case 'addSerials': {
      const serials = table('serials');
      for (const row of commissionedRows(c)) {
        const k = serialKey(row.gtin, row.serial);
        if (serials.get(k)) throw duplicateSerialError(i, row.gtin, row.serial);
        serials.set(k, row);
      }
      return;
    }
    case 'updateSerials': {
      const serials = table('serials');
      for (const serial of c.serials) {
        const k = serialKey(c.gtin, serial);
        const row = serials.get(k);
        if (row) serials.set(k, patchSerial(row, c.patch, c.seq));
      }
      return;
    }
    case 'putUnit':
      for (const [j, l] of c.unit.lots.entries())
        checkI64(`changes[${i}].unit.lots[${j}].quantity`, l.quantity);
      table('units').set(c.unit.id, c.unit);
      return;
    case 'updateUnits': {
      const units = table('units');
      for (const id of c.ids) {
        const row = units.get(id);
        if (row) units.set(id, patchUnit(row, c.patch, c.seq));
      }
      return;
    }
    default: {
      const never: never = c;
      throw new LotgraphError(
        ErrorCodes.VALIDATION_FAILED,
        `changes[${i}].type: unknown change type ${(never as { type: string }).type}`,
        { field: `changes[${i}].type` },
      );
    }
  }
}
