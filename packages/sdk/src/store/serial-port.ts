/**
 * The Store port's part for item-level serialisation and logistic units — a leaf module (types, the one
 * sort order, and the patch rules every store applies the same way).
 *
 * A **serial** is one saleable item: GTIN + serial number (GS1 AI 01 + AI 21), always of one lot, standing
 * for one base unit of the lot's product. A **logistic unit** is an SSCC container (pallet, case …) holding
 * serials, loose lot quantities and other units. The genealogy index stays lot-level: serials and units live
 * in their own tables, looked up by key, by lot, by unit or by shipment.
 *
 * Store rows only ever change through four projection changes — `addSerials`, `updateSerials`, `putUnit`,
 * `updateUnits` — applied in batch order in the append's transaction. An update names its rows explicitly
 * (no "every serial of unit X" selector), so the event that caused it lists exactly what changed.
 *
 * @module
 */

/**
 * Where a serialised item is in its life. In our custody (countable stock): `active`, `returned`.
 * Out of it: `shipped` (to a customer), `dispensed` (to a patient/consumer, as reported), `destroyed`,
 * `sample`, `decommissioned` (with a reason).
 */
export type SerialState =
  | 'active'
  | 'shipped'
  | 'returned'
  | 'dispensed'
  | 'destroyed'
  | 'sample'
  | 'decommissioned';

/** Every {@link SerialState}, in lifecycle order. */
export const SERIAL_STATES: readonly SerialState[] = [
  'active',
  'shipped',
  'returned',
  'dispensed',
  'destroyed',
  'sample',
  'decommissioned',
];

/** The identity of a serialised item. */
export interface SerialKey {
  /** GTIN-14 (14 digits). */
  gtin: string;
  /** Serial number (GS1 AI 21: 1–20 characters of GS1 CSET 82). */
  serial: string;
}

/** A serialised item as stored. */
export interface SerialRecord extends SerialKey {
  lotId: string;
  state: SerialState;
  /** Where it is, while in our custody. */
  locationId?: string;
  /** SSCC of the logistic unit that directly contains it. */
  unitId?: string;
  /** The shipment that took it (set when shipped, kept after). */
  shipmentId?: string;
  /** Why it was decommissioned/destroyed, when told. */
  reason?: string;
  /** Seq of the last change. */
  seq: number;
  /** Every state it has had, oldest first, with the seq of the event that set it (the first: commissioning). */
  history: { state: SerialState; seq: number }[];
}

/**
 * A change to stored serials. A field set to `null` is cleared; an absent field is kept. A `state` also
 * appends `{ state, seq }` to the history.
 */
export interface SerialPatch {
  state?: SerialState;
  locationId?: string | null;
  unitId?: string | null;
  shipmentId?: string | null;
  reason?: string | null;
}

/** Filter of `Store.listSerials` / `countSerials` (every given field must match). */
export interface SerialFilter {
  gtin?: string;
  lotId?: string;
  locationId?: string;
  state?: SerialState;
  /** Serials directly in any of these units. */
  unitIds?: readonly string[];
  /** Serials taken by any of these shipments. */
  shipmentIds?: readonly string[];
  /** Keyset paging: only keys after this one (in {@link compareSerials} order). */
  after?: SerialKey;
  /** At most this many rows (listSerials only). */
  limit?: number;
}

/** Lifecycle of a logistic unit: with us, shipped to a customer, or emptied and retired. */
export type UnitState = 'active' | 'shipped' | 'retired';

/** A logistic unit (SSCC) as stored. */
export interface LogisticUnitRecord {
  /** The SSCC (18 digits, valid check digit). */
  id: string;
  /** Kind code, e.g. `pallet`, `case`. */
  kind: string;
  state: UnitState;
  /** The unit it is packed in, if any. */
  parentId?: string;
  /** Where it is, while with us. */
  locationId?: string;
  /** The shipment that took it (set when shipped, kept after). */
  shipmentId?: string;
  /** Loose (not serialised) lot quantities packed directly in it, in steps; no zero entries. */
  lots: { lotId: string; quantity: bigint }[];
  createdSeq: number;
  /** Seq of the last change. */
  seq: number;
}

/** A change to stored units (same `null` / absent rules as {@link SerialPatch}). */
export interface UnitPatch {
  state?: UnitState;
  parentId?: string | null;
  locationId?: string | null;
  shipmentId?: string | null;
}

/** Filter of `Store.listUnits` (every given field must match). */
export interface UnitFilter {
  /** Units directly inside any of these. */
  parentIds?: readonly string[];
  shipmentId?: string;
  locationId?: string;
  state?: UnitState;
}

const cmpUtf16 = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** The order of serial listings: GTIN, then serial (UTF-16 code units). */
export const compareSerials = (a: SerialKey, b: SerialKey): number =>
  cmpUtf16(a.gtin, b.gtin) || cmpUtf16(a.serial, b.serial);

/** The map key of a serial (also the order of {@link compareSerials} within one GTIN). */
export const serialKey = (gtin: string, serial: string) => `${gtin}\u0000${serial}`;

/** The rows an `addSerials` change commissions: `active` at its location (and unit), history started. */
export function commissionedRows(c: {
  gtin: string;
  lotId: string;
  locationId: string;
  unitId?: string;
  serials: readonly string[];
  seq: number;
}): SerialRecord[] {
  return c.serials.map((serial) => {
    const row: SerialRecord = {
      gtin: c.gtin,
      serial,
      lotId: c.lotId,
      state: 'active',
      locationId: c.locationId,
      seq: c.seq,
      history: [{ state: 'active', seq: c.seq }],
    };
    if (c.unitId !== undefined) row.unitId = c.unitId;
    return row;
  });
}

/** A serial row with `patch` applied at `seq` (a new object; the input is not changed). */
export function patchSerial(row: SerialRecord, patch: SerialPatch, seq: number): SerialRecord {
  const out: SerialRecord = { ...row, seq, history: row.history.slice() };
  if (patch.state !== undefined) {
    out.state = patch.state;
    out.history.push({ state: patch.state, seq });
  }
  for (const k of ['locationId', 'unitId', 'shipmentId', 'reason'] as const) {
    const v = patch[k];
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

/** A unit row with `patch` applied at `seq` (a new object). */
export function patchUnit(row: LogisticUnitRecord, patch: UnitPatch, seq: number): LogisticUnitRecord {
  const out: LogisticUnitRecord = { ...row, seq, lots: row.lots.map((l) => ({ ...l })) };
  if (patch.state !== undefined) out.state = patch.state;
  for (const k of ['parentId', 'locationId', 'shipmentId'] as const) {
    const v = patch[k];
    if (v === null) delete out[k];
    else if (v !== undefined) out[k] = v;
  }
  return out;
}

/** True when `s` matches every field of `f` (paging fields ignored). */
export function serialMatches(s: SerialRecord, f: SerialFilter): boolean {
  return (
    (f.gtin === undefined || s.gtin === f.gtin) &&
    (f.lotId === undefined || s.lotId === f.lotId) &&
    (f.locationId === undefined || s.locationId === f.locationId) &&
    (f.state === undefined || s.state === f.state) &&
    (f.unitIds === undefined || (s.unitId !== undefined && f.unitIds.includes(s.unitId))) &&
    (f.shipmentIds === undefined || (s.shipmentId !== undefined && f.shipmentIds.includes(s.shipmentId)))
  );
}

/** True when `u` matches every field of `f`. */
export function unitMatches(u: LogisticUnitRecord, f: UnitFilter): boolean {
  return (
    (f.parentIds === undefined || (u.parentId !== undefined && f.parentIds.includes(u.parentId))) &&
    (f.shipmentId === undefined || u.shipmentId === f.shipmentId) &&
    (f.locationId === undefined || u.locationId === f.locationId) &&
    (f.state === undefined || u.state === f.state)
  );
}

/**
 * Sort, page (`after`, `limit`) a list of serials the way every store answers `listSerials` — for stores
 * that filter in memory (MemoryStore, the batch overlay).
 */
export function pageSerials(rows: SerialRecord[], f: SerialFilter): SerialRecord[] {
  rows.sort(compareSerials);
  const after = f.after;
  const from = after ? rows.findIndex((r) => compareSerials(r, after) > 0) : 0;
  const start = from < 0 ? rows.length : from;
  return rows.slice(start, f.limit === undefined ? undefined : start + f.limit);
}
