/**
 * Allocation: which lots to pick for an order line — FEFO (first expired, first out), FIFO (first received)
 * or one named lot — excluding held, expired, short-shelf-life and already reserved stock, with a stable
 * reason code for every lot considered. Reservations persist an allocation atomically (the store refuses
 * any batch that would reserve more than is on hand, so concurrent callers can never reserve the same
 * units); `confirmPick` checks the scanned label of what was actually picked.
 *
 * @module
 */
import { z } from 'zod';
import { baseQuantity, requireParty, requireProduct } from '../commands/lookups.js';
import { readScan } from '../commands/scan.js';
import { CommandMeta } from '../commands/schemas.js';
import { IsoDate, isExpiredOn } from '../domain/dates.js';
import { fromSteps } from '../domain/quantity.js';
import type { Lot, Product } from '../domain/schemas.js';
import { Code, Id, Name, Note, PositiveDecimal } from '../domain/schemas.js';
import { ErrorCodes, fieldError, LotgraphError, notFound } from '../errors.js';
import type { CommandSpec } from '../ledger/command.js';
import type { EventPayloads, Json } from '../ledger/events.js';
import type { AuxRecord, ReservationRecord, Store } from '../store/port.js';

const Meta = CommandMeta.shape;

/** Minimum remaining shelf life: whole days, or a percentage of the product's total shelf life. */
export const ShelfLifeRule = z
  .strictObject({
    minDays: z.number().int().min(0).max(100_000).optional(),
    minPercent: z.number().min(0).max(100).optional(),
  })
  .refine((v) => v.minDays !== undefined || v.minPercent !== undefined, {
    message: 'give minDays or minPercent',
  });

export const AllocateInput = z.strictObject({
  productId: Id,
  quantity: PositiveDecimal,
  unit: Code.optional(),
  strategy: z.enum(['FEFO', 'FIFO', 'LOT']).default('FEFO'),
  customerId: Id.optional(),
  /** With strategy LOT: the lot to pick from. */
  lotId: Id.optional(),
  locationId: Id.optional(),
  /** The pick / delivery day for expiry and shelf-life checks (default: today, UTC). */
  date: IsoDate.optional(),
  /** Per-order shelf-life rule (overrides the customer's). */
  minShelfLife: ShelfLifeRule.optional(),
});
export type AllocateInput = z.input<typeof AllocateInput>;

/** Stable reason codes of an allocation decision. */
export const AllocationReason = {
  PICKED: 'PICKED',
  NOT_NEEDED: 'NOT_NEEDED',
  ON_HOLD: 'ON_HOLD',
  EXPIRED: 'EXPIRED',
  SHORT_SHELF_LIFE: 'SHORT_SHELF_LIFE',
  FULLY_RESERVED: 'FULLY_RESERVED',
  OTHER_LOT: 'OTHER_LOT',
} as const;
export type AllocationReason = (typeof AllocationReason)[keyof typeof AllocationReason];

/** One lot × location looked at, and what was decided. */
export interface AllocationCandidate {
  lotId: string;
  locationId: string;
  expiry?: string;
  onHand: string;
  reserved: string;
  available: string;
  picked: string;
  reason: AllocationReason;
  /** Remaining shelf life on the date, in days (lots with an expiry). */
  remainingDays?: number;
}

/** The proposal: picks, shortfall, and every candidate with its reason. */
export interface Allocation {
  productId: string;
  unit: string;
  quantity: string;
  strategy: 'FEFO' | 'FIFO' | 'LOT';
  date: string;
  picks: { lotId: string; locationId: string; quantity: string; expiry?: string }[];
  allocated: string;
  short: string;
  considered: AllocationCandidate[];
}

export const POLICY = 'customerPolicy';

const dayNumber = (d: string) => Date.parse(`${d}T00:00:00Z`) / 86_400_000;

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

export const ReserveInput = AllocateInput.extend({
  orderId: Id,
  orderLine: Name.optional(),
  /** Refuse (INSUFFICIENT_STOCK) unless the whole quantity can be reserved (default true). */
  all: z.boolean().default(true),
  ...Meta,
});
export type ReserveInput = z.input<typeof ReserveInput>;

/** `reserve`: allocate and persist the picks as reservations, atomically. */
export const reserveCommand: CommandSpec<typeof ReserveInput, 'reserved'> = {
  name: 'reserve',
  type: 'reserved',
  schema: ReserveInput,
  async decide(input, { store, day, head }) {
    const { allocation, product } = await allocate(store, input, day);
    if (input.all && allocation.short !== fromSteps(0n, product.decimals)) {
      throw new LotgraphError(
        ErrorCodes.INSUFFICIENT_STOCK,
        `quantity: only ${allocation.allocated} of ${allocation.quantity} ${product.unit} of "${product.id}" can be reserved`,
        {
          field: 'quantity',
          productId: product.id,
          short: allocation.short,
          allocation: allocation as unknown as Json,
        },
      );
    }
    if (allocation.picks.length === 0)
      throw new LotgraphError(
        ErrorCodes.INSUFFICIENT_STOCK,
        `quantity: nothing of "${product.id}" can be reserved`,
        {
          field: 'quantity',
          productId: product.id,
        },
      );
    const seq = head.seq + 1;
    return {
      orderId: input.orderId,
      ...(input.orderLine !== undefined ? { orderLine: input.orderLine } : {}),
      ...(input.customerId !== undefined ? { customerId: input.customerId } : {}),
      productId: product.id,
      strategy: input.strategy,
      reservations: allocation.picks.map((p, i) => ({
        reservationId: `${input.orderId}/${input.orderLine ?? '1'}/${seq}/${i + 1}`,
        lotId: p.lotId,
        locationId: p.locationId,
        quantity: p.quantity,
      })),
    };
  },
};

export const ReleaseReservationInput = z
  .strictObject({
    reservationId: Id.optional(),
    orderId: Id.optional(),
    reason: Note.optional(),
    ...Meta,
  })
  .refine((v) => (v.reservationId === undefined) !== (v.orderId === undefined), {
    path: ['reservationId'],
    message: 'give exactly one of reservationId or orderId',
  });
export type ReleaseReservationInput = z.input<typeof ReleaseReservationInput>;

/** `releaseReservation`: cancel one reservation, or every active one of an order. */
export const releaseReservationCommand: CommandSpec<typeof ReleaseReservationInput, 'reservationReleased'> = {
  name: 'releaseReservation',
  type: 'reservationReleased',
  schema: ReleaseReservationInput,
  async decide(input, { store }) {
    let list: ReservationRecord[];
    if (input.reservationId !== undefined) {
      const r = await store.getReservation(input.reservationId);
      if (!r) throw notFound('reservation', ['reservationId'], input.reservationId);
      if (r.status !== 'active')
        throw fieldError(
          ['reservationId'],
          `reservation "${input.reservationId}" is ${r.status}`,
          input.reservationId,
        );
      list = [r];
    } else {
      list = await store.listReservations({ orderId: input.orderId!, status: 'active' });
      if (list.length === 0)
        throw fieldError(['orderId'], `order "${input.orderId}" has no active reservation`, input.orderId);
    }
    return {
      reservations: list.map(reservationJson),
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
    };
  },
};

export const ConfirmPickInput = z.strictObject({
  reservationId: Id,
  /** The GS1 string scanned from what was actually picked (bracketed, element string, scanner data or Digital Link). */
  scan: Name,
  ...Meta,
});
export type ConfirmPickInput = z.input<typeof ConfirmPickInput>;

/** `confirmPick`: the scanned label must be the reserved lot: same GTIN, same batch, same expiry. */
export const confirmPickCommand: CommandSpec<typeof ConfirmPickInput, 'pickConfirmed'> = {
  name: 'confirmPick',
  type: 'pickConfirmed',
  schema: ConfirmPickInput,
  async decide(input, { store, day }) {
    const r = await store.getReservation(input.reservationId);
    if (!r) throw notFound('reservation', ['reservationId'], input.reservationId);
    if (r.status !== 'active')
      throw fieldError(
        ['reservationId'],
        `reservation "${input.reservationId}" is ${r.status}`,
        input.reservationId,
      );
    const lot = await store.getLot(r.lotId);
    const product = await store.getProduct(r.productId);
    const facts = readScan(input.scan, day);
    const mismatch = (field: string, expected: string | undefined, got: string | undefined) =>
      new LotgraphError(
        ErrorCodes.GS1_MISMATCH,
        `scan: ${field} is ${got ?? '(absent)'}, the reservation expects ${expected ?? '(none)'}`,
        { field: 'scan', element: field, expected, got, reservationId: r.id, lotId: r.lotId },
      );
    if (product?.gtin !== undefined && facts.gtin !== product.gtin.padStart(14, '0'))
      throw mismatch('GTIN (01)', product.gtin.padStart(14, '0'), facts.gtin);
    const batchOk =
      facts.batch === lot?.id ||
      (lot?.supplierLotNumber !== undefined && facts.batch === lot.supplierLotNumber);
    if (!batchOk) throw mismatch('batch/lot (10)', lot?.supplierLotNumber ?? lot?.id, facts.batch);
    if (facts.expiry !== undefined && lot?.expiry !== undefined && facts.expiry !== lot.expiry)
      throw mismatch('expiry (17)', lot.expiry, facts.expiry);
    return { reservationId: r.id, lotId: r.lotId, locationId: r.locationId, scan: input.scan };
  },
};

export const DefineCustomerPolicyInput = z.strictObject({
  customerId: Id,
  minShelfLife: ShelfLifeRule,
  ...Meta,
});
export type DefineCustomerPolicyInput = z.input<typeof DefineCustomerPolicyInput>;

/** `defineCustomerPolicy`: a customer's minimum remaining shelf life at delivery. */
export const defineCustomerPolicyCommand: CommandSpec<
  typeof DefineCustomerPolicyInput,
  'customerPolicyDefined'
> = {
  name: 'defineCustomerPolicy',
  type: 'customerPolicyDefined',
  schema: DefineCustomerPolicyInput,
  async decide(input, { store }) {
    await requireParty(store, input.customerId, ['customerId'], 'customer');
    return { customerId: input.customerId, minShelfLife: { ...input.minShelfLife } };
  },
};

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
