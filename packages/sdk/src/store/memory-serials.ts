/**
 * The serial and logistic-unit reads of {@link MemoryStore} (and the batch overlay), over the in-memory
 * tables: filters and order written once, in `serial-port.ts`.
 *
 * @module
 */
import {
  type LogisticUnitRecord,
  pageSerials,
  type SerialFilter,
  type SerialKey,
  type SerialRecord,
  serialKey,
  serialMatches,
  type UnitFilter,
  unitMatches,
} from './serial-port.js';

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

type IndexedField = 'lotId' | 'unitId' | 'shipmentId';
const INDEXED: readonly IndexedField[] = ['lotId', 'unitId', 'shipmentId'];

/**
 * The serials table of the in-memory stores: a `Map` by {@link serialKey} that keeps secondary indexes by
 * lot, unit and shipment current on every `set`/`delete` (so an undo log replaying them stays consistent),
 * and answers filters from the most selective index instead of scanning every serial.
 */
export class SerialTable extends Map<string, SerialRecord> {
  private readonly by: Record<IndexedField, Map<string, Set<string>>> = {
    lotId: new Map(),
    unitId: new Map(),
    shipmentId: new Map(),
  };

  override set(key: string, row: SerialRecord): this {
    const old = super.get(key);
    super.set(key, row);
    // Map's constructor calls set before the fields exist.
    if (!this.by) return this;
    for (const f of INDEXED) {
      if (old && old[f] === row[f]) continue; // most patches leave lot, unit and shipment as they were
      if (old) this.unlink(f, old[f], key);
      this.link(f, row[f], key);
    }
    return this;
  }

  override delete(key: string): boolean {
    const old = super.get(key);
    if (old) this.unindex(key, old);
    return super.delete(key);
  }

  override clear(): void {
    super.clear();
    for (const f of INDEXED) this.by[f].clear();
  }

  /** The rows that may match `f`: those of the most selective indexed field it names, else every row. */
  candidates(f: SerialFilter): Iterable<SerialRecord> {
    const pick = (field: IndexedField, values: readonly string[]) => {
      const keys = new Set<string>();
      for (const v of values) for (const k of this.by[field].get(v) ?? []) keys.add(k);
      return keys;
    };
    let best: Set<string> | undefined;
    const consider = (keys: Set<string>) => {
      if (!best || keys.size < best.size) best = keys;
    };
    if (f.lotId !== undefined) consider(pick('lotId', [f.lotId]));
    if (f.unitIds !== undefined) consider(pick('unitId', f.unitIds));
    if (f.shipmentIds !== undefined) consider(pick('shipmentId', f.shipmentIds));
    const chosen = best;
    if (!chosen) return this.values();
    const rows: SerialRecord[] = [];
    for (const k of chosen) {
      const r = super.get(k);
      if (r) rows.push(r);
    }
    return rows;
  }

  private link(f: IndexedField, value: string | undefined, key: string): void {
    if (value === undefined) return;
    const set = this.by[f].get(value);
    if (set) set.add(key);
    else this.by[f].set(value, new Set([key]));
  }

  private unlink(f: IndexedField, value: string | undefined, key: string): void {
    if (value === undefined) return;
    const set = this.by[f].get(value);
    set?.delete(key);
    if (set?.size === 0) this.by[f].delete(value);
  }

  private unindex(key: string, row: SerialRecord): void {
    for (const f of INDEXED) this.unlink(f, row[f], key);
  }
}

/** Rows of `keys` (each once, missing skipped), ordered by GTIN then serial. */
export function serialsByKey(
  rows: ReadonlyMap<string, SerialRecord>,
  keys: readonly SerialKey[],
): SerialRecord[] {
  const out = new Map<string, SerialRecord>();
  for (const k of keys) {
    const key = serialKey(k.gtin, k.serial);
    const row = rows.get(key);
    if (row) out.set(key, row);
  }
  return pageSerials([...out.values()], {});
}

const candidates = (rows: Iterable<SerialRecord> | SerialTable, filter: SerialFilter) =>
  rows instanceof SerialTable ? rows.candidates(filter) : rows;

/** Rows matching `filter`, sorted and paged (from a {@link SerialTable}'s indexes when given one). */
export function serialsMatching(
  rows: Iterable<SerialRecord> | SerialTable,
  filter: SerialFilter,
): SerialRecord[] {
  const out: SerialRecord[] = [];
  for (const r of candidates(rows, filter)) if (serialMatches(r, filter)) out.push(r);
  return pageSerials(out, filter);
}

/** How many rows match `filter`. */
export function countMatching(rows: Iterable<SerialRecord> | SerialTable, filter: SerialFilter): number {
  let n = 0;
  for (const r of candidates(rows, filter)) if (serialMatches(r, filter)) n++;
  return n;
}

/** Units with these ids (each once, missing skipped), ordered by id. */
export function unitsById(
  rows: ReadonlyMap<string, LogisticUnitRecord>,
  ids: readonly string[],
): LogisticUnitRecord[] {
  const out = new Map<string, LogisticUnitRecord>();
  for (const id of ids) {
    const row = rows.get(id);
    if (row) out.set(id, row);
  }
  return [...out.values()].sort(byId);
}

/** Units matching `filter`, ordered by id. */
export function unitsMatching(rows: Iterable<LogisticUnitRecord>, filter: UnitFilter): LogisticUnitRecord[] {
  const out: LogisticUnitRecord[] = [];
  for (const u of rows) if (unitMatches(u, filter)) out.push(u);
  return out.sort(byId);
}
