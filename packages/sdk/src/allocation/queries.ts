import type { z } from 'zod';
import { baseQuantity, requireParty, requireProduct } from '../commands/lookups.js';
import { isExpiredOn } from '../domain/dates.js';
import { fromSteps } from '../domain/quantity.js';
import type { Lot, Product } from '../domain/schemas.js';
import { fieldError } from '../errors.js';
import type { Store } from '../store/port.js';
import { POLICY } from './records.js';
import {
  type AllocateInput,
  type Allocation,
  type AllocationCandidate,
  AllocationReason,
} from './schemas.js';

export const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

/** Propose picks (reads only). */
export async function allocate(
  store: Store,
  raw: z.output<typeof AllocateInput>,
  today: string,
  extraReserved: Map<string, bigint> = new Map(),
): Promise<{
  allocation: Allocation;
  product: Product;
  steps: { lot: Lot; locationId: string; steps: bigint }[];
}> {
  const product = await requireProduct(store, raw.productId, ['productId']);
  if (raw.customerId !== undefined) await requireParty(store, raw.customerId, ['customerId'], 'customer');
  if (raw.strategy === 'LOT' && raw.lotId === undefined)
    throw fieldError(['lotId'], 'is required with strategy LOT');
  const date = raw.date ?? today;
  const want = baseQuantity(raw.quantity, raw.unit, product, ['quantity']).steps;
  if (want <= 0n) throw fieldError(['quantity'], 'must be greater than zero', raw.quantity);
  let rule = raw.minShelfLife;
  if (!rule && raw.customerId !== undefined) {
    const pol = await store.getRecord(POLICY, raw.customerId);
    rule = (pol?.value as { minShelfLife?: typeof rule } | undefined)?.minShelfLife;
  }
  const rows = await store.listAvailableStock(
    product.id,
    raw.locationId !== undefined ? { locationId: raw.locationId } : {},
  );
  if (raw.strategy === 'FIFO') {
    rows.sort(
      (a, b) =>
        a.lot.createdSeq - b.lot.createdSeq ||
        (a.lot.id < b.lot.id ? -1 : a.lot.id > b.lot.id ? 1 : 0) ||
        (a.locationId < b.locationId ? -1 : a.locationId > b.locationId ? 1 : 0),
    );
  }
  let need = want;
  const considered: AllocationCandidate[] = [];
  const picks: Allocation['picks'] = [];
  const steps: { lot: Lot; locationId: string; steps: bigint }[] = [];
  const f = (x: bigint) => fromSteps(x, product.decimals);
  for (const r of rows) {
    const extra = extraReserved.get(`${r.lot.id}\u0000${r.locationId}`) ?? 0n;
    const reserved = r.reserved + extra;
    const free = r.onHand - reserved > 0n ? r.onHand - reserved : 0n;
    const c: AllocationCandidate = {
      lotId: r.lot.id,
      locationId: r.locationId,
      onHand: f(r.onHand),
      reserved: f(reserved),
      available: f(free),
      picked: f(0n),
      reason: AllocationReason.PICKED,
    };
    if (r.lot.expiry !== undefined) {
      c.expiry = r.lot.expiry;
      c.remainingDays = dayNumber(r.lot.expiry) - dayNumber(date);
    }
    const shortShelf =
      rule !== undefined &&
      r.lot.expiry !== undefined &&
      ((rule.minDays !== undefined && (c.remainingDays ?? 0) < rule.minDays) ||
        (rule.minPercent !== undefined &&
          product.shelfLifeDays !== undefined &&
          ((c.remainingDays ?? 0) / product.shelfLifeDays) * 100 < rule.minPercent));
    if (raw.strategy === 'LOT' && r.lot.id !== raw.lotId) c.reason = AllocationReason.OTHER_LOT;
    else if (r.onHold) c.reason = AllocationReason.ON_HOLD;
    else if (isExpiredOn(r.lot.expiry, date)) c.reason = AllocationReason.EXPIRED;
    else if (shortShelf) c.reason = AllocationReason.SHORT_SHELF_LIFE;
    else if (free === 0n) c.reason = AllocationReason.FULLY_RESERVED;
    else if (need === 0n) c.reason = AllocationReason.NOT_NEEDED;
    else {
      const take = free < need ? free : need;
      need -= take;
      c.picked = f(take);
      c.reason = AllocationReason.PICKED;
      picks.push({
        lotId: r.lot.id,
        locationId: r.locationId,
        quantity: f(take),
        ...(r.lot.expiry ? { expiry: r.lot.expiry } : {}),
      });
      steps.push({ lot: r.lot, locationId: r.locationId, steps: take });
    }
    if (raw.strategy === 'LOT' && c.reason === AllocationReason.OTHER_LOT) continue;
    considered.push(c);
  }
  return {
    allocation: {
      productId: product.id,
      unit: product.unit,
      quantity: f(want),
      strategy: raw.strategy,
      date,
      picks,
      allocated: f(want - need),
      short: f(need),
      considered,
    },
    product,
    steps,
  };
}
