import * as z from 'zod';
import { CommandMeta } from '../commands/schemas.js';
import { IsoDate } from '../domain/dates.js';
import { Code, Id, Name, Note, PositiveDecimal } from '../domain/schemas.js';

export const Meta = CommandMeta.shape;

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

export const ReserveInput = AllocateInput.extend({
  orderId: Id,
  orderLine: Name.optional(),
  /** Refuse (INSUFFICIENT_STOCK) unless the whole quantity can be reserved (default true). */
  all: z.boolean().default(true),
  ...Meta,
});

export type ReserveInput = z.input<typeof ReserveInput>;

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

export const ConfirmPickInput = z.strictObject({
  reservationId: Id,
  /** The GS1 string scanned from what was actually picked (bracketed, element string, scanner data or Digital Link). */
  scan: Name,
  ...Meta,
});

export type ConfirmPickInput = z.input<typeof ConfirmPickInput>;

export const DefineCustomerPolicyInput = z.strictObject({
  customerId: Id,
  minShelfLife: ShelfLifeRule,
  ...Meta,
});

export type DefineCustomerPolicyInput = z.input<typeof DefineCustomerPolicyInput>;
