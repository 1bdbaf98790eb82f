import type { EventPayloads, Json } from '../ledger/events.js';
import type { AuxRecord, ReservationRecord } from '../store/port.js';

export const POLICY = 'customerPolicy';

/** A reservation record as JSON (quantities as steps strings), for event payloads. */
export function reservationJson(
  r: ReservationRecord,
): EventPayloads['reservationReleased']['reservations'][number] {
  const { quantity, ...rest } = r;
  return {
    ...rest,
    quantitySteps: quantity.toString(),
  } as EventPayloads['reservationReleased']['reservations'][number];
}

/** Inverse of {@link reservationJson}. */
export function reservationFromJson(
  j: EventPayloads['reservationReleased']['reservations'][number],
): ReservationRecord {
  const { quantitySteps, ...rest } = j as { quantitySteps: string } & Omit<ReservationRecord, 'quantity'>;
  return { ...rest, quantity: BigInt(quantitySteps) };
}

/** Projection helper: the customer policy record. */
export function policyRecord(p: EventPayloads['customerPolicyDefined'], seq: number): AuxRecord {
  return {
    collection: POLICY,
    id: p.customerId,
    value: { minShelfLife: p.minShelfLife } as unknown as Json,
    seq,
  };
}
