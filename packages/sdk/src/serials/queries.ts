/**
 * Serial and logistic-unit queries: one serial with its lot, history and where it is; a unit with
 * everything nested in it; the serials of deliveries (for traces and recall documents); what a GS1 scan
 * names.
 *
 * @module
 */
import { readScan } from '../commands/scan.js';
import { fromSteps } from '../domain/quantity.js';
import { type Lot, normaliseGtin } from '../domain/schemas.js';
import { fieldError } from '../errors.js';
import type { EventType } from '../ledger/events.js';
import type { ShipmentRecord, Store } from '../store/port.js';
import type { LogisticUnitRecord, SerialRecord, SerialState } from '../store/serial-port.js';
import { requireSerials, requireUnit, unitAncestors, unitTree } from './unit-tree.js';

/** One serial with its lot, where it is, and its history with event times. */
export interface SerialInfo extends Omit<SerialRecord, 'history'> {
  productId: string;
  /** The units it is in, innermost first (case, then pallet …). */
  unitPath: string[];
  /** The customer of `shipmentId`. */
  customerId?: string;
  history: { state: SerialState; seq: number; eventType: EventType; eventTime: string }[];
}

/** A serial with its lot, product, place, units and history. */
export async function serialInfo(store: Store, gtin: string, serial: string): Promise<SerialInfo> {
  const trail = store.describeSerial ? await store.describeSerial({ gtin, serial }) : undefined;
  const r =
    trail?.serial ?? ((await requireSerials(store, [{ gtin, serial }], ['serial']))[0] as SerialRecord);
  let lot: Lot | undefined;
  let unitPath: string[];
  let events: ({ type: EventType; eventTime: string } | undefined)[];
  let shipment: ShipmentRecord | undefined;
  if (trail) {
    lot = trail.lot;
    const units = new Map(trail.units.map((u) => [u.id, u]));
    unitPath = await unitAncestors(store, r.unitId, (id) => units.get(id)?.parentId);
    const bySeq = new Map(trail.events.map((e) => [e.seq, e]));
    events = r.history.map((h) => bySeq.get(h.seq));
    shipment = trail.shipment;
  } else {
    // Independent reads at once: on a network store they overlap (one round trip's latency, not six).
    [lot, unitPath, events, shipment] = await Promise.all([
      store.getLot(r.lotId),
      unitAncestors(store, r.unitId),
      Promise.all(r.history.map((h) => store.getEvent(h.seq))),
      r.shipmentId !== undefined ? store.getShipment(r.shipmentId) : undefined,
    ]);
  }
  const history: SerialInfo['history'] = r.history.map((h, i) => ({
    ...h,
    eventType: events[i]?.type as EventType,
    eventTime: events[i]?.eventTime ?? '',
  }));
  const { history: _h, ...rest } = r;
  const out: SerialInfo = { ...rest, productId: lot?.productId ?? '', unitPath, history };
  if (shipment) out.customerId = shipment.customerId;
  return out;
}

/** A logistic unit and everything in it, nested. */
export interface UnitContents {
  unit: LogisticUnitRecord;
  /** Units directly inside, each with its own contents. */
  units: UnitContents[];
  /** Serials directly inside. */
  serials: SerialRecord[];
  /** Loose lot quantities directly inside, as decimals in the product's unit. */
  lots: { lotId: string; productId: string; quantity: string; unit: string }[];
  /** Everything inside, nested included, per lot: loose quantity + one base unit per serial in custody. */
  totals: { lotId: string; productId: string; quantity: string; unit: string; serials: number }[];
}

/** The unit `id` with everything nested in it. */
export async function unitContents(store: Store, id: string): Promise<UnitContents> {
  const root = await requireUnit(store, id, ['unitId']);
  const tree = await unitTree(store, root);
  const products = new Map<string, { productId: string; decimals: number; unit: string }>();
  const productOf = async (lotId: string) => {
    let p = products.get(lotId);
    if (!p) {
      const lot = await store.getLot(lotId);
      const product = lot ? await store.getProduct(lot.productId) : undefined;
      p = { productId: lot?.productId ?? '', decimals: product?.decimals ?? 0, unit: product?.unit ?? '' };
      products.set(lotId, p);
    }
    return p;
  };
  const totals = new Map<string, { steps: bigint; serials: number }>();
  const node = async (u: LogisticUnitRecord): Promise<UnitContents> => {
    const lots: UnitContents['lots'] = [];
    for (const l of u.lots) {
      const p = await productOf(l.lotId);
      lots.push({
        lotId: l.lotId,
        productId: p.productId,
        quantity: fromSteps(l.quantity, p.decimals),
        unit: p.unit,
      });
      const t = totals.get(l.lotId) ?? { steps: 0n, serials: 0 };
      t.steps += l.quantity;
      totals.set(l.lotId, t);
    }
    const serials = tree.serials.filter((s) => s.unitId === u.id);
    for (const s of serials) {
      if (s.state !== 'active' && s.state !== 'returned' && s.state !== 'shipped') continue;
      const p = await productOf(s.lotId);
      const t = totals.get(s.lotId) ?? { steps: 0n, serials: 0 };
      t.steps += 10n ** BigInt(p.decimals);
      t.serials++;
      totals.set(s.lotId, t);
    }
    const units: UnitContents[] = [];
    for (const c of tree.units) if (c.parentId === u.id && c.id !== u.id) units.push(await node(c));
    return { unit: u, units, serials, lots, totals: [] };
  };
  const out = await node(root);
  for (const [lotId, t] of totals) {
    const p = await productOf(lotId);
    out.totals.push({
      lotId,
      productId: p.productId,
      quantity: fromSteps(t.steps, p.decimals),
      unit: p.unit,
      serials: t.serials,
    });
  }
  return out;
}

/**
 * The serials shipped on deliveries, per shipment and lot (`${shipmentId}\0${lotId}` → GTIN + serials),
 * from the serials' stored shipment (a serial returned and shipped again is listed under its last
 * shipment).
 */
export async function shippedSerials(
  store: Store,
  shipmentIds: readonly string[],
): Promise<Map<string, { gtin: string; serials: string[] }>> {
  const out = new Map<string, { gtin: string; serials: string[] }>();
  if (shipmentIds.length === 0) return out;
  const ids = [...new Set(shipmentIds)];
  for (let i = 0; i < ids.length; i += 1000) {
    for (const s of await store.listSerials({ shipmentIds: ids.slice(i, i + 1000) })) {
      const k = `${s.shipmentId}\u0000${s.lotId}`;
      const g = out.get(k) ?? { gtin: s.gtin, serials: [] };
      out.set(k, g);
      g.serials.push(s.serial);
    }
  }
  return out;
}

/** What a scanned GS1 barcode names: a serialised item (01 + 21), a logistic unit (00), or a lot (01 + 10). */
export type ScanTarget =
  | { kind: 'serial'; serial: SerialInfo }
  | { kind: 'unit'; unit: UnitContents }
  | { kind: 'lot'; gtin: string; batch: string };

/** Resolve a scan to the serial, unit or lot it names (SERIAL_NOT_FOUND / UNIT_NOT_FOUND when unknown). */
export async function resolveScan(store: Store, scan: string, day: string): Promise<ScanTarget> {
  const f = readScan(scan, day);
  if (f.sscc !== undefined) return { kind: 'unit', unit: await unitContents(store, f.sscc) };
  if (f.gtin !== undefined && f.serial !== undefined)
    return { kind: 'serial', serial: await serialInfo(store, normaliseGtin(f.gtin), f.serial) };
  if (f.gtin !== undefined && f.batch !== undefined)
    return { kind: 'lot', gtin: normaliseGtin(f.gtin), batch: f.batch };
  throw fieldError(['scan'], 'names no SSCC (00), serialised item (01)+(21) or lot (01)+(10)', scan);
}

/** The serialised items a delivery carried (only where serials were recorded). */
export interface DeliverySerials {
  /** GTIN-14 of the serials. */
  gtin?: string;
  /** Serial numbers shipped on this delivery (under the shipment's lot). */
  serials?: string[];
}

/**
 * The deliveries with the serials each carried — per shipment and lot, from the serial table (one query per
 * 1,000 shipments). A delivery without recorded serials is returned as it is.
 */
export async function withSerials<D extends { shipmentId: string; lotId: string }>(
  store: Store,
  deliveries: readonly D[],
): Promise<(D & DeliverySerials)[]> {
  const found = await shippedSerials(
    store,
    deliveries.map((d) => d.shipmentId),
  );
  // Two lines of one lot in one shipment (from two locations) share the lot's serials: list them once.
  const used = new Set<string>();
  return deliveries.map((d) => {
    const k = `${d.shipmentId}\u0000${d.lotId}`;
    const g = found.get(k);
    if (!g || used.has(k)) return { ...d };
    used.add(k);
    return { ...d, gtin: g.gtin, serials: g.serials };
  });
}
