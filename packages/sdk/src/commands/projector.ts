/**
 * Projectors of the core commands' events: master data, receipts, productions and transformations,
 * movements, adjustments, shipments, returns, holds and corrections.
 *
 * @module
 */
import { reservationFromJson } from '../allocation/records.js';
import { toSteps } from '../domain/quantity.js';
import type { Lot } from '../domain/schemas.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { EventPayloads, InputLine, Json, LotFacts, OutputLine, StoredEvent } from '../ledger/events.js';
import { decimalsOf } from '../projection/decimals.js';
import type { NodeRef, Projection, ProjectionContext, Projectors } from '../projection/types.js';
import { projectShippedSerials } from '../serials/projector.js';
import { type HoldRecord, NodeKind, type ShipmentLineRecord } from '../store/port.js';
import { deliveryRef, RECEIPTS, RETURNS, returnKey } from './records.js';

function lotRecord(facts: LotFacts, origin: Lot['origin'], e: StoredEvent): Lot {
  const lot: Lot = {
    id: facts.id,
    productId: facts.productId,
    certifications: facts.certifications ?? [],
    attributes: facts.attributes ?? {},
    origin,
    createdAt: e.eventTime,
    createdSeq: e.seq,
  };
  if (facts.supplierId !== undefined) lot.supplierId = facts.supplierId;
  if (facts.supplierLotNumber !== undefined) lot.supplierLotNumber = facts.supplierLotNumber;
  if (facts.originCountry !== undefined) lot.originCountry = facts.originCountry;
  if (facts.productionDate !== undefined) lot.productionDate = facts.productionDate;
  if (facts.expiry !== undefined) lot.expiry = facts.expiry;
  if (facts.bestBefore !== undefined) lot.bestBefore = facts.bestBefore;
  return lot;
}

const lotNode = (id: string): NodeRef => ({ kind: NodeKind.LOT, ref: id });

async function projectTransformation(
  ctx: ProjectionContext,
  e: StoredEvent,
  inputs: InputLine[],
  outputs: OutputLine[],
  origin: Lot['origin'],
  out: Projection,
): Promise<void> {
  const consumed = new Map<string, { quantity: bigint; scale: number }>();
  for (const i of inputs) {
    const d = await decimalsOf(ctx, i.productId);
    const q = toSteps(i.quantity, d);
    out.changes.push({
      type: 'stockDelta',
      lotId: i.lotId,
      locationId: i.locationId,
      productId: i.productId,
      delta: -q,
    });
    const c = consumed.get(i.lotId);
    consumed.set(i.lotId, { quantity: (c?.quantity ?? 0n) + q, scale: d });
  }
  for (const o of outputs) {
    if (o.newLot) {
      out.changes.push({ type: 'putLot', lot: lotRecord(o.lot, origin, e) });
    }
    out.nodes.push(lotNode(o.lot.id));
    const d = await decimalsOf(ctx, o.lot.productId);
    out.changes.push({
      type: 'stockDelta',
      lotId: o.lot.id,
      locationId: o.locationId,
      productId: o.lot.productId,
      delta: toSteps(o.quantity, d),
    });
  }
  const outIds = [...new Set(outputs.map((o) => o.lot.id))];
  for (const [inLot, c] of consumed) {
    out.nodes.push(lotNode(inLot));
    for (const outLot of outIds) {
      if (outLot === inLot) continue;
      out.edges.push({ src: lotNode(inLot), dst: lotNode(outLot), quantity: c.quantity, scale: c.scale });
    }
  }
}

/**
 * Project one event into projection changes and genealogy refs. Pure with respect to the event: it reads
 * only product decimals and (for corrections) the current lot, so replaying the ledger in order rebuilds
 * exactly the projections the commands wrote.

/** The core commands' projectors. */
export const coreProjectors: Projectors = {
  async productDefined(e, _ctx, out) {
    const p = e.payload as unknown;
    out.changes.push({ type: 'putProduct', product: (p as EventPayloads['productDefined']).product });
  },
  async partyDefined(e, _ctx, out) {
    const p = e.payload as unknown;
    out.changes.push({ type: 'putParty', party: (p as EventPayloads['partyDefined']).party });
  },
  async locationDefined(e, _ctx, out) {
    const p = e.payload as unknown;
    out.changes.push({ type: 'putLocation', location: (p as EventPayloads['locationDefined']).location });
  },
  async received(e, ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['received'];
    if (r.newLot) out.changes.push({ type: 'putLot', lot: lotRecord(r.lot, 'received', e) });
    out.nodes.push(lotNode(r.lot.id));
    const d = await decimalsOf(ctx, r.lot.productId);
    out.changes.push({
      type: 'stockDelta',
      lotId: r.lot.id,
      locationId: r.locationId,
      productId: r.lot.productId,
      delta: toSteps(r.quantity, d),
    });
    // One-step-back needs every receipt of a lot (a lot may be received more than once).
    const receipt: Json = {
      lotId: r.lot.id,
      productId: r.lot.productId,
      locationId: r.locationId,
      quantity: r.quantity,
      receivedAt: e.eventTime,
      seq: e.seq,
      ...(r.lot.supplierId !== undefined ? { supplierId: r.lot.supplierId } : {}),
      ...(r.lot.supplierLotNumber !== undefined ? { supplierLotNumber: r.lot.supplierLotNumber } : {}),
      ...(r.receiptId !== undefined ? { receiptId: r.receiptId } : {}),
    };
    out.changes.push({
      type: 'putRecord',
      record: {
        collection: RECEIPTS,
        id: String(e.seq).padStart(12, '0'),
        key: r.lot.id,
        value: receipt,
        seq: e.seq,
      },
    });
  },
  async produced(e, ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['produced'];
    await projectTransformation(ctx, e, r.inputs, r.outputs, 'produced', out);
  },
  async transformed(e, ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['transformed'];
    await projectTransformation(ctx, e, r.inputs, r.outputs, 'transformed', out);
  },
  async moved(e, ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['moved'];
    const q = toSteps(r.quantity, await decimalsOf(ctx, r.productId));
    out.changes.push(
      {
        type: 'stockDelta',
        lotId: r.lotId,
        locationId: r.fromLocationId,
        productId: r.productId,
        delta: -q,
      },
      { type: 'stockDelta', lotId: r.lotId, locationId: r.toLocationId, productId: r.productId, delta: q },
    );
  },
  async adjusted(e, ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['adjusted'];
    const q = toSteps(r.delta, await decimalsOf(ctx, r.productId));
    out.changes.push({
      type: 'stockDelta',
      lotId: r.lotId,
      locationId: r.locationId,
      productId: r.productId,
      delta: q,
    });
  },
  async shipped(e, ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['shipped'];
    const shipment: { id: string; customerId: string; shippedAt: string; seq: number; orderRef?: string } = {
      id: r.shipmentId,
      customerId: r.customerId,
      shippedAt: e.eventTime,
      seq: e.seq,
    };
    if (r.orderRef !== undefined) shipment.orderRef = r.orderRef;
    out.changes.push({ type: 'putShipment', shipment });
    const lines: ShipmentLineRecord[] = [];
    const customer: NodeRef = { kind: NodeKind.CUSTOMER, ref: r.customerId };
    for (const l of r.lines) {
      const d = await decimalsOf(ctx, l.productId);
      const q = toSteps(l.quantity, d);
      if (l.reservation !== undefined)
        out.changes.push({
          type: 'putReservation',
          reservation: {
            ...reservationFromJson(l.reservation as never),
            status: 'consumed',
            updatedSeq: e.seq,
          },
        });
      out.changes.push({
        type: 'stockDelta',
        lotId: l.lotId,
        locationId: l.locationId,
        productId: l.productId,
        delta: -q,
      });
      const line: ShipmentLineRecord = {
        shipmentId: r.shipmentId,
        lineNo: l.lineNo,
        customerId: r.customerId,
        lotId: l.lotId,
        productId: l.productId,
        locationId: l.locationId,
        quantity: q,
        shippedAt: e.eventTime,
        seq: e.seq,
      };
      if (l.orderLine !== undefined) line.orderLine = l.orderLine;
      lines.push(line);
      const delivery: NodeRef = { kind: NodeKind.DELIVERY, ref: deliveryRef(r.shipmentId, l.lineNo) };
      out.nodes.push(lotNode(l.lotId), delivery);
      out.edges.push({ src: lotNode(l.lotId), dst: delivery, quantity: q, scale: d });
      out.edges.push({ src: delivery, dst: customer, quantity: q, scale: d });
    }
    out.nodes.push(customer);
    out.changes.push({ type: 'addShipmentLines', lines });
    projectShippedSerials(e, out);
  },
  async returned(e, ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['returned'];
    const q = toSteps(r.quantity, await decimalsOf(ctx, r.productId));
    out.changes.push({
      type: 'stockDelta',
      lotId: r.lotId,
      locationId: r.locationId,
      productId: r.productId,
      delta: q,
    });
    out.changes.push({
      type: 'putRecord',
      record: {
        collection: RETURNS,
        id: String(e.seq).padStart(12, '0'),
        key: returnKey(r.customerId, r.lotId),
        value: {
          returnId: r.returnId,
          quantity: r.quantity,
          steps: String(q),
          locationId: r.locationId,
          disposition: r.disposition,
        },
        seq: e.seq,
      },
    });
  },
  async held(e, _ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['held'];
    const hold: HoldRecord = {
      id: r.holdId,
      lotId: r.lotId,
      reasonCode: r.reasonCode,
      status: 'active',
      placedAt: e.eventTime,
      placedSeq: e.seq,
    };
    if (r.locationId !== undefined) hold.locationId = r.locationId;
    if (r.note !== undefined) hold.note = r.note;
    out.changes.push({ type: 'putHold', hold });
    for (const x of r.cancelledReservations ?? [])
      out.changes.push({
        type: 'putReservation',
        reservation: { ...reservationFromJson(x as never), status: 'released', updatedSeq: e.seq },
      });
  },
  async released(e, _ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['released'];
    const hold: HoldRecord = {
      id: r.holdId,
      lotId: r.lotId,
      reasonCode: r.reasonCode,
      status: 'released',
      placedAt: r.placedAt,
      placedSeq: r.placedSeq,
      releasedAt: e.eventTime,
      releasedSeq: e.seq,
    };
    if (r.locationId !== undefined) hold.locationId = r.locationId;
    if (r.note !== undefined) hold.note = r.note;
    out.changes.push({ type: 'putHold', hold });
  },
  async corrected(e, ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['corrected'];
    for (const s of r.stock) {
      const q = toSteps(s.delta, await decimalsOf(ctx, s.productId));
      out.changes.push({
        type: 'stockDelta',
        lotId: s.lotId,
        locationId: s.locationId,
        productId: s.productId,
        delta: q,
      });
    }
    if (r.lot) {
      const cur = await ctx.lot(r.lot.id);
      if (!cur)
        throw new LotgraphError(ErrorCodes.LOT_NOT_FOUND, `lot "${r.lot.id}" does not exist`, {
          lotId: r.lot.id,
        });
      const { id: _id, ...patch } = r.lot;
      out.changes.push({ type: 'putLot', lot: { ...cur, ...patch } });
    }
  },
};
