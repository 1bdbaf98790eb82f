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

/** Rows matching `filter`, sorted and paged. */
export function serialsMatching(rows: Iterable<SerialRecord>, filter: SerialFilter): SerialRecord[] {
  const out: SerialRecord[] = [];
  for (const r of rows) if (serialMatches(r, filter)) out.push(r);
  return pageSerials(out, filter);
}

/** How many rows match `filter`. */
export function countMatching(rows: Iterable<SerialRecord>, filter: SerialFilter): number {
  let n = 0;
  for (const r of rows) if (serialMatches(r, filter)) n++;
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
