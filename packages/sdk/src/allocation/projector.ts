/** Projectors of the allocation events: reservations, their release, pick confirmations, customer policies. */
import { toSteps } from '../domain/quantity.js';
import type { EventPayloads } from '../ledger/events.js';
import { decimalsOf } from '../projection/decimals.js';
import type { Projectors } from '../projection/types.js';
import type { ReservationRecord } from '../store/port.js';
import { policyRecord, reservationFromJson } from './records.js';

/** The allocation feature's projectors. */
export const allocationProjectors: Projectors = {
  async reserved(e, ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['reserved'];
    const d = await decimalsOf(ctx, r.productId);
    for (const x of r.reservations) {
      const rec: ReservationRecord = {
        id: x.reservationId,
        lotId: x.lotId,
        locationId: x.locationId,
        productId: r.productId,
        quantity: toSteps(x.quantity, d),
        orderId: r.orderId,
        status: 'active',
        createdSeq: e.seq,
        updatedSeq: e.seq,
      };
      if (r.orderLine !== undefined) rec.orderLine = r.orderLine;
      out.changes.push({ type: 'putReservation', reservation: rec });
    }
  },
  async reservationReleased(e, _ctx, out) {
    const p = e.payload as unknown;
    for (const x of (p as EventPayloads['reservationReleased']).reservations)
      out.changes.push({
        type: 'putReservation',
        reservation: { ...reservationFromJson(x as never), status: 'released', updatedSeq: e.seq },
      });
  },
  async pickConfirmed(e, _ctx, out) {
    const p = e.payload as unknown;
    const r = p as EventPayloads['pickConfirmed'];
    out.changes.push({
      type: 'putRecord',
      record: {
        collection: 'pick',
        id: r.reservationId,
        key: r.lotId,
        value: { ...r, at: e.eventTime },
        seq: e.seq,
      },
    });
  },
  async customerPolicyDefined(e, _ctx, out) {
    const p = e.payload as unknown;
    out.changes.push({
      type: 'putRecord',
      record: policyRecord(p as EventPayloads['customerPolicyDefined'], e.seq),
    });
  },
};
