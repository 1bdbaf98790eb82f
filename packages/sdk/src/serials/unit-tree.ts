/**
 * Reading serials and logistic units for commands and queries: serials named by the caller (each must
 * exist), a unit with everything nested in it, and the stock a set of serials and loose quantities stands
 * for, per lot.
 *
 * @module
 */
import { normaliseGtin } from '../domain/schemas.js';
import { fieldError, LotgraphError, notFound } from '../errors.js';
import type { Store } from '../store/port.js';
import type { LogisticUnitRecord, SerialRecord } from '../store/serial-port.js';
import type { SerialGroup } from './serial-types.js';

type Path = (string | number)[];

/** The stored serials the caller named, in input order; SERIAL_NOT_FOUND / a repeated one → errors. */
export async function requireSerials(
  store: Store,
  refs: readonly { gtin: string; serial: string }[],
  path: Path,
): Promise<SerialRecord[]> {
  const keys = refs.map((r) => ({ gtin: normaliseGtin(r.gtin), serial: r.serial }));
  const seen = new Set<string>();
  keys.forEach((k, i) => {
    const key = `${k.gtin}\u0000${k.serial}`;
    if (seen.has(key))
      throw fieldError([...path, i], `serial "${k.serial}" of GTIN ${k.gtin} is named twice`, k.serial);
    seen.add(key);
  });
  const rows = new Map((await store.getSerials(keys)).map((r) => [`${r.gtin}\u0000${r.serial}`, r] as const));
  return keys.map((k, i) => {
    const row = rows.get(`${k.gtin}\u0000${k.serial}`);
    if (!row) {
      const e = notFound('serial', [...path, i, 'serial'], k.serial);
      throw new LotgraphError(e.code, `${e.message} (GTIN ${k.gtin})`, {
        ...(e.details as object),
        gtin: k.gtin,
      });
    }
    return row;
  });
}

/** The stored unit, or UNIT_NOT_FOUND naming the field. */
export async function requireUnit(store: Store, id: string, path: Path): Promise<LogisticUnitRecord> {
  const [u] = await store.getUnits([id]);
  if (!u) throw notFound('unit', path, id);
  return u;
}

/**
 * `unitId` and the units it is nested in, innermost first (pallet last); finite even on a cycle. Each
 * parent is read from the store, or from `parentOf` when the caller already holds the units.
 */
export async function unitAncestors(
  store: Store,
  unitId: string | undefined,
  parentOf: (id: string) => Promise<string | undefined> | string | undefined = async (id) =>
    (await store.getUnits([id]))[0]?.parentId,
): Promise<string[]> {
  const out: string[] = [];
  let cur = unitId;
  while (cur !== undefined && !out.includes(cur)) {
    out.push(cur);
    cur = await parentOf(cur);
  }
  return out;
}

/** A unit with everything nested in it. */
export interface UnitTree {
  /** The root first, then nested units breadth-first. */
  units: LogisticUnitRecord[];
  /** Serials directly in any of the units. */
  serials: SerialRecord[];
}

/** The unit `root` and everything in it (units breadth-first, then their serials). */
export async function unitTree(store: Store, root: LogisticUnitRecord): Promise<UnitTree> {
  const units = [root];
  const seen = new Set([root.id]);
  let frontier = [root.id];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const u of await store.listUnits({ parentIds: frontier })) {
      if (seen.has(u.id)) continue; // a cycle cannot be packed; stay finite anyway
      seen.add(u.id);
      units.push(u);
      next.push(u.id);
    }
    frontier = next;
  }
  const serials = await store.listSerials({ unitIds: units.map((u) => u.id) });
  return { units, serials };
}

/** Group serials by GTIN and lot (first-seen order), with each lot's product. */
export async function groupSerials(store: Store, rows: readonly SerialRecord[]): Promise<SerialGroup[]> {
  const groups = new Map<string, SerialGroup>();
  for (const r of rows) {
    const k = `${r.gtin}\u0000${r.lotId}`;
    let g = groups.get(k);
    if (!g) {
      const lot = await store.getLot(r.lotId);
      g = { gtin: r.gtin, lotId: r.lotId, productId: lot?.productId ?? '', serials: [] };
      groups.set(k, g);
    }
    g.serials.push(r.serial);
  }
  return [...groups.values()];
}
