/**
 * Projectors of the serial and logistic-unit events: serial rows, unit rows and the stock they move. The
 * serials a `shipped` event carries are projected by the shipment's own projector (`commands/projector.ts`
 * calls {@link projectShippedSerials}).
 *
 * @module
 */
import { toSteps } from '../domain/quantity.js';
import type { EventPayloads, StoredEvent } from '../ledger/events.js';
import { decimalsOf } from '../projection/decimals.js';
import type { Projection, ProjectionContext, Projectors } from '../projection/types.js';
import type { LogisticUnitRecord, SerialPatch, UnitState } from '../store/serial-port.js';
import { expandRange, inCustody } from './commands.js';
import type { SerialGroup, UnitSnapshot } from './serial-types.js';

async function unitRecord(
  ctx: ProjectionContext,
  s: UnitSnapshot,
  state: UnitState,
  createdSeq: number,
  seq: number,
): Promise<LogisticUnitRecord> {
  const lots: LogisticUnitRecord['lots'] = [];
  for (const l of s.lots)
    lots.push({ lotId: l.lotId, quantity: toSteps(l.quantity, await decimalsOf(ctx, l.productId)) });
  const u: LogisticUnitRecord = { id: s.id, kind: s.kind, state, lots, createdSeq, seq };
  if (state === 'active') u.locationId = s.locationId;
  if (s.parentId !== undefined) u.parentId = s.parentId;
  return u;
}

function patchGroups(out: Projection, groups: readonly SerialGroup[], patch: SerialPatch, seq: number): void {
  for (const g of groups)
    out.changes.push({ type: 'updateSerials', gtin: g.gtin, serials: g.serials, patch, seq });
}

/** The serial and unit changes of a `shipped` event (units and serials shipped by SSCC or serial scan). */
export function projectShippedSerials(e: StoredEvent, out: Projection): void {
  const r = e.payload as unknown as EventPayloads['shipped'];
  const shipped: SerialPatch = { state: 'shipped', locationId: null, shipmentId: r.shipmentId };
  for (const l of r.lines)
    if (l.serials && l.gtin !== undefined)
      out.changes.push({
        type: 'updateSerials',
        gtin: l.gtin,
        serials: l.serials,
        patch: shipped,
        seq: e.seq,
      });
  for (const g of r.pickedSerials ?? [])
    out.changes.push({
      type: 'updateSerials',
      gtin: g.gtin,
      serials: g.serials,
      patch: { unitId: null },
      seq: e.seq,
    });
  const units = [...(r.units ?? []), ...(r.nestedUnits ?? [])];
  if (units.length > 0)
    out.changes.push({
      type: 'updateUnits',
      ids: units,
      patch: { state: 'shipped', locationId: null, shipmentId: r.shipmentId },
      seq: e.seq,
    });
  if (r.detached?.length)
    out.changes.push({ type: 'updateUnits', ids: r.detached, patch: { parentId: null }, seq: e.seq });
}

/** Projectors of the serial and unit events. */
export const serialProjectors: Projectors = {
  async serialsCommissioned(e, ctx, out) {
    const r = e.payload as unknown as EventPayloads['serialsCommissioned'];
    // The lot is serialised from now on: lot-level commands leave its serialised items alone.
    const lot = await ctx.lot(r.lotId);
    if (lot && !lot.serialised) out.changes.push({ type: 'putLot', lot: { ...lot, serialised: true } });
    const serials = r.serials ?? (r.range ? expandRange(r.range) : []);
    out.changes.push({
      type: 'addSerials',
      gtin: r.gtin,
      lotId: r.lotId,
      locationId: r.locationId,
      ...(r.unitId !== undefined ? { unitId: r.unitId } : {}),
      serials,
      seq: e.seq,
    });
  },
  async serialsStateChanged(e, ctx, out) {
    const r = e.payload as unknown as EventPayloads['serialsStateChanged'];
    for (const g of r.groups) {
      const leaving = inCustody(g.from) && !inCustody(r.state);
      const patch: SerialPatch = { state: r.state };
      if (leaving) {
        patch.locationId = null;
        patch.unitId = null;
      }
      if (r.state === 'returned') {
        patch.locationId = r.locationId ?? null;
        patch.unitId = null;
      }
      if (r.reason !== undefined) patch.reason = r.reason;
      out.changes.push({ type: 'updateSerials', gtin: g.gtin, serials: g.serials, patch, seq: e.seq });
    }
    for (const s of r.stock) {
      out.changes.push({
        type: 'stockDelta',
        lotId: s.lotId,
        locationId: s.locationId,
        productId: s.productId,
        delta: toSteps(s.delta, await decimalsOf(ctx, s.productId)),
      });
    }
  },
  async unitPacked(e, ctx, out) {
    const r = e.payload as unknown as EventPayloads['unitPacked'];
    const createdSeq = r.created ? e.seq : r.unit.createdSeq;
    out.changes.push({ type: 'putUnit', unit: await unitRecord(ctx, r.unit, 'active', createdSeq, e.seq) });
    patchGroups(out, r.serials, { unitId: r.unitId }, e.seq);
    if (r.units.length > 0)
      out.changes.push({ type: 'updateUnits', ids: r.units, patch: { parentId: r.unitId }, seq: e.seq });
  },
  async unitUnpacked(e, ctx, out) {
    const r = e.payload as unknown as EventPayloads['unitUnpacked'];
    const unit = await unitRecord(ctx, r.unit, r.all ? 'retired' : 'active', r.unit.createdSeq, e.seq);
    out.changes.push({ type: 'putUnit', unit });
    patchGroups(out, r.serials, { unitId: null }, e.seq);
    if (r.units.length > 0)
      out.changes.push({ type: 'updateUnits', ids: r.units, patch: { parentId: null }, seq: e.seq });
  },
  async unitMoved(e, ctx, out) {
    const r = e.payload as unknown as EventPayloads['unitMoved'];
    for (const l of r.lines) {
      const q = toSteps(l.quantity, await decimalsOf(ctx, l.productId));
      const base = { type: 'stockDelta' as const, lotId: l.lotId, productId: l.productId };
      out.changes.push({ ...base, locationId: r.fromLocationId, delta: -q });
      out.changes.push({ ...base, locationId: r.toLocationId, delta: q });
    }
    out.changes.push({
      type: 'updateUnits',
      ids: r.units,
      patch: { locationId: r.toLocationId },
      seq: e.seq,
    });
    if (r.detachedFrom !== undefined)
      out.changes.push({ type: 'updateUnits', ids: [r.unitId], patch: { parentId: null }, seq: e.seq });
    patchGroups(out, r.serials, { locationId: r.toLocationId }, e.seq);
  },
};
