import * as z from 'zod';
import { Instant, IsoDate } from '../domain/dates.js';
import {
  Code,
  DecimalString,
  Gln,
  Gtin,
  Id,
  LIMITS,
  Location,
  LotAttributes,
  Name,
  NonNegativeDecimal,
  Note,
  Party,
  PositiveDecimal,
  Product,
  SerialNumber,
  SerialRef,
  Sscc,
  Text,
} from '../domain/schemas.js';

/** Fields every command accepts: idempotency key, event time (default: now) and actor. */
export const CommandMeta = z.strictObject({
  /** A retry with the same key and the same input appends nothing and returns the first result. */
  idempotencyKey: Id.optional(),
  /** When it happened (ISO-8601 instant with offset); default: the clock's now. */
  eventTime: Instant.optional(),
  /** Who did it; default: the `actor` given to `Lotgraph.open`. */
  actor: Id.optional(),
});
/** Fields every command accepts. */
export type CommandMeta = z.infer<typeof CommandMeta>;

const unit = Code.optional();
const list = <T extends z.ZodType>(item: T) => z.array(item).max(LIMITS.items);

/**
 * Input of `defineProduct`. A definition replaces the whole product, except that an identifier already
 * set (the GTIN) is never dropped by leaving it out: omitting it is refused; `gtin: null` removes it.
 */
export const DefineProductInput = Product.extend({ ...CommandMeta.shape, gtin: Gtin.nullable().optional() });
/** Input of `defineProduct`. */
export type DefineProductInput = z.input<typeof DefineProductInput>;
/** Input of `defineParty` (a redefinition keeps the GLN unless `gln: null`; see `DefineProductInput`). */
export const DefinePartyInput = Party.extend({ ...CommandMeta.shape, gln: Gln.nullable().optional() });
/** Input of `defineParty`. */
export type DefinePartyInput = z.input<typeof DefinePartyInput>;
/** Input of `defineLocation` (a redefinition keeps the GLN unless `gln: null`; see `DefineProductInput`). */
export const DefineLocationInput = Location.extend({ ...CommandMeta.shape, gln: Gln.nullable().optional() });
/** Input of `defineLocation`. */
export type DefineLocationInput = z.input<typeof DefineLocationInput>;

const LotAttrs = LotAttributes.shape;

/**
 * Input of `receive`: a supplier lot into a location, from fields or from a GS1 scan string (GTIN, batch,
 * dates and net weight taken from the barcode; fields given as well must agree with it).
 */
export const ReceiveInput = CommandMeta.extend({
  /** Internal lot id; default: the supplier lot number (GS1 AI 10) when scanning. */
  lotId: Id.optional(),
  /** Product; default: the product whose GTIN the scan carries. */
  productId: Id.optional(),
  supplierId: Id.optional(),
  locationId: Id,
  /** Quantity in `unit` (default: the product's base unit); default when scanning: the net weight / count. */
  quantity: PositiveDecimal.optional(),
  unit,
  /** A GS1 element string or Digital Link (e.g. `(01)09506000134352(10)ABC(17)261231(3103)012500`). */
  scan: Text(LIMITS.name).optional(),
  receiptId: Id.optional(),
  /**
   * Serial numbers of the received items (one base unit each; a scan with (21) gives one), commissioned
   * in the same append. Their count must equal the quantity.
   */
  serials: z.array(SerialNumber).min(1).max(100_000).optional(),
  /** Pack what is received into this logistic unit (SSCC; default: a scanned (00)), created when new. */
  unitId: Sscc.optional(),
  /** Kind of a new logistic unit (default `pallet`). */
  unitKind: Code.optional(),
  ...LotAttrs,
}).superRefine((v, ctx) => {
  if (v.scan === undefined) {
    if (v.lotId === undefined)
      ctx.addIssue({ code: 'custom', path: ['lotId'], message: 'is required without a scan' });
    if (v.productId === undefined)
      ctx.addIssue({ code: 'custom', path: ['productId'], message: 'is required without a scan' });
    if (v.quantity === undefined)
      ctx.addIssue({ code: 'custom', path: ['quantity'], message: 'is required without a scan' });
  }
});
/** Input of `receive`. */
export type ReceiveInput = z.input<typeof ReceiveInput>;

/** One consumed input: a quantity of a lot taken from a location. */
export const ConsumeLine = z.strictObject({
  lotId: Id,
  locationId: Id,
  quantity: PositiveDecimal,
  unit,
});
/** One consumed input. */
export type ConsumeLine = z.infer<typeof ConsumeLine>;

/** One produced output lot (new, or more of an existing lot of the same product). */
export const OutputInput = z.strictObject({
  lotId: Id,
  productId: Id,
  locationId: Id,
  quantity: PositiveDecimal,
  unit,
  byProduct: z.boolean().optional(),
  ...LotAttrs,
});
/** One produced output lot. */
export type OutputInput = z.infer<typeof OutputInput>;

/** Input of `produce`: a production order consuming input lots (partially) into one or more outputs. */
export const ProduceInput = CommandMeta.extend({
  orderId: Id,
  inputs: list(ConsumeLine).min(1),
  outputs: list(OutputInput).min(1),
});
/** Input of `produce`. */
export type ProduceInput = z.input<typeof ProduceInput>;

/** Input of `move`: a quantity of a lot from one location to another. */
export const MoveInput = CommandMeta.extend({
  lotId: Id,
  fromLocationId: Id,
  toLocationId: Id,
  quantity: PositiveDecimal,
  unit,
}).refine((v) => v.fromLocationId !== v.toLocationId, {
  path: ['toLocationId'],
  message: 'must differ from fromLocationId',
});
/** Input of `move`. */
export type MoveInput = z.input<typeof MoveInput>;

/** Input of `adjust`: a signed correction of on-hand stock (count correction, write-off) with a reason. */
export const AdjustInput = CommandMeta.extend({
  lotId: Id,
  locationId: Id,
  /** Signed change, e.g. `"-2.500"` for a write-off. */
  delta: DecimalString.refine((s) => /[1-9]/.test(s), { message: 'must not be zero' }),
  unit,
  reasonCode: Code,
  note: Note.optional(),
});
/** Input of `adjust`. */
export type AdjustInput = z.input<typeof AdjustInput>;

/** Input of `split`: part (or all) of a lot at a location becomes new lots of the same product. */
export const SplitInput = CommandMeta.extend({
  orderId: Id.optional(),
  lotId: Id,
  locationId: Id,
  outputs: list(
    z.strictObject({
      lotId: Id,
      quantity: PositiveDecimal,
      unit,
      /** Default: the source location. */
      locationId: Id.optional(),
      ...LotAttrs,
    }),
  ).min(1),
});
/** Input of `split`. */
export type SplitInput = z.input<typeof SplitInput>;

/** Input of `merge`: several lots of one product become one lot (quantity = the sum). */
export const MergeInput = CommandMeta.extend({
  orderId: Id.optional(),
  inputs: list(ConsumeLine).min(2),
  output: z.strictObject({ lotId: Id, locationId: Id, ...LotAttrs }),
});
/** Input of `merge`. */
export type MergeInput = z.input<typeof MergeInput>;

/** Input of `repack`: a quantity of a lot becomes a lot of a (possibly different) packaged product. */
export const RepackInput = CommandMeta.extend({
  orderId: Id.optional(),
  input: ConsumeLine,
  output: z.strictObject({
    lotId: Id,
    /** Default: the input's product. */
    productId: Id.optional(),
    locationId: Id,
    quantity: PositiveDecimal,
    unit,
    ...LotAttrs,
  }),
});
/** Input of `repack`. */
export type RepackInput = z.input<typeof RepackInput>;

/**
 * One order line of a shipment: either an explicit lot (+ location), or a product whose stock is picked
 * first-expired-first-out across lots and locations (skipping held, expired and reserved stock).
 */
export const ShipLineInput = z
  .strictObject({
    lotId: Id.optional(),
    productId: Id.optional(),
    locationId: Id.optional(),
    quantity: PositiveDecimal,
    unit,
    orderLine: Name.optional(),
    /** Ship (part of) this reservation: its lot and location; the reservation is consumed. */
    reservationId: Id.optional(),
  })
  .superRefine((v, ctx) => {
    if (v.reservationId !== undefined) return;
    if (v.lotId === undefined && v.productId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['lotId'], message: 'lotId or productId is required' });
    }
    if (v.lotId !== undefined && v.locationId === undefined) {
      ctx.addIssue({ code: 'custom', path: ['locationId'], message: 'is required with lotId' });
    }
  });
/** One order line of a shipment. */
export type ShipLineInput = z.input<typeof ShipLineInput>;

/** Input of `ship`: order lines → lots and quantities → a customer delivery. */
export const ShipInput = CommandMeta.extend({
  shipmentId: Id,
  customerId: Id,
  orderRef: Name.optional(),
  lines: list(ShipLineInput).optional(),
  /** Logistic units (SSCC scans) shipped whole, with every lot and serial nested in them. */
  units: list(Sscc).optional(),
  /** Serialised items shipped on their own (picked out of their case if packed). */
  serials: z.array(SerialRef).max(100_000).optional(),
}).superRefine((v, ctx) => {
  if ((v.lines?.length ?? 0) + (v.units?.length ?? 0) + (v.serials?.length ?? 0) === 0)
    ctx.addIssue({ code: 'custom', path: ['lines'], message: 'give at least one line, unit or serial' });
});
/** Input of `ship`. */
export type ShipInput = z.input<typeof ShipInput>;

/** Input of `return`: goods of a lot coming back from a customer, into stock or quarantine. */
export const ReturnInput = CommandMeta.extend({
  returnId: Id,
  customerId: Id,
  shipmentId: Id.optional(),
  lotId: Id,
  locationId: Id,
  quantity: PositiveDecimal,
  unit,
  /** Default: `quarantine` when the location is a quarantine location, else `stock`. */
  disposition: z.enum(['stock', 'quarantine']).optional(),
  reasonCode: Code.optional(),
});
/** Input of `return`. */
export type ReturnInput = z.input<typeof ReturnInput>;

/** Input of `correct`: a correction event referencing the event it corrects (nothing is edited). */
export const CorrectInput = CommandMeta.extend({
  correctsSeq: z.number().int().positive(),
  reason: Text(LIMITS.text),
  stock: list(
    z.strictObject({
      lotId: Id,
      locationId: Id,
      delta: DecimalString.refine((s) => /[1-9]/.test(s), { message: 'must not be zero' }),
      unit,
    }),
  ).default([]),
  lot: z
    .strictObject({
      id: Id,
      supplierLotNumber: Name.optional(),
      originCountry: z
        .string()
        .regex(/^[A-Z]{2}$/)
        .optional(),
      productionDate: IsoDate.optional(),
      expiry: IsoDate.optional(),
      bestBefore: IsoDate.optional(),
    })
    .optional(),
}).refine((v) => v.stock.length > 0 || v.lot !== undefined, {
  path: ['stock'],
  message: 'a correction needs stock changes or lot fields',
});
/** Input of `correct`. */
export type CorrectInput = z.input<typeof CorrectInput>;

/** Input of `stock.reconcile`: a physical count of a lot at a location. */
export const ReconcileInput = CommandMeta.extend({
  lotId: Id,
  locationId: Id,
  /** The counted quantity (zero allowed). */
  counted: NonNegativeDecimal,
  unit,
  reasonCode: Code.default('COUNT'),
  note: Note.optional(),
});
/** Input of `stock.reconcile`. */
export type ReconcileInput = z.input<typeof ReconcileInput>;

/** Input of `hold`: block a lot (everywhere, or at one location) from use, with a reason code. */
export const HoldInput = CommandMeta.extend({
  holdId: Id,
  lotId: Id,
  /** Default: the hold applies at every location. */
  locationId: Id.optional(),
  reasonCode: Code,
  note: Note.optional(),
  /**
   * Active reservations of the held stock: `flag` (default) keeps them — they cannot be picked or shipped
   * while the hold stands, and the event lists them in `affectedReservations`; `cancel` releases them in
   * the same event (`cancelledReservations`).
   */
  onReservations: z.enum(['flag', 'cancel']).default('flag'),
});
/** Input of `hold`. */
export type HoldInput = z.input<typeof HoldInput>;

/** Input of `release`: lift an active hold. */
export const ReleaseInput = CommandMeta.extend({
  holdId: Id,
  note: Note.optional(),
});
/** Input of `release`. */
export type ReleaseInput = z.input<typeof ReleaseInput>;
