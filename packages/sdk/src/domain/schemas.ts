import { z } from 'zod';
import { Instant, IsoDate } from './dates.js';
import { isDecimal } from './quantity.js';

/** An identifier chosen by the caller: 1–200 printable characters. */
export const Id = z
  .string()
  .min(1, { message: 'must not be empty' })
  .max(200)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'must not contain control characters' });

/** An exact decimal quantity as a string, e.g. `"12.500"`. Floats are rejected. */
export const DecimalString = z
  .string()
  .refine(isDecimal, { message: 'must be a decimal string such as "12.500"' });

/** A strictly positive exact decimal quantity. */
export const PositiveDecimal = DecimalString.refine((s) => !s.startsWith('-') && /[1-9]/.test(s), {
  message: 'must be greater than zero',
});

/** A quantity as given by a caller: a decimal string with an optional unit (default: the product's base unit). */
export const QuantityInput = z.object({
  value: PositiveDecimal,
  unit: z.string().min(1).optional(),
});
/** A quantity as given by a caller. */
export type QuantityInput = z.infer<typeof QuantityInput>;

/** GTIN-8/12/13/14 digits (normalised to 14 digits when stored). */
export const Gtin = z
  .string()
  .regex(/^(\d{8}|\d{12}|\d{13}|\d{14})$/, { message: 'must be a GTIN of 8, 12, 13 or 14 digits' });
/** GLN: 13 digits. */
export const Gln = z.string().regex(/^\d{13}$/, { message: 'must be a GLN of 13 digits' });

/** A declared unit conversion: 1 `unit` = `factor` base units (decimal or fraction `"a/b"`). */
export const UnitConversion = z.object({
  unit: z.string().min(1),
  factor: z
    .string()
    .regex(/^\d+(\.\d+)?(\/\d+(\.\d+)?)?$/, { message: 'must be a positive decimal or "a/b"' }),
});
/** A declared unit conversion. */
export type UnitConversion = z.infer<typeof UnitConversion>;

/** A product (item master): base unit with its decimal places, declared conversions, shelf life, allergens. */
export const Product = z.object({
  id: Id,
  gtin: Gtin.optional(),
  name: z.string().min(1),
  unit: z.string().min(1),
  decimals: z.number().int().min(0).max(9),
  conversions: z.array(UnitConversion).default([]),
  shelfLifeDays: z.number().int().positive().optional(),
  allergens: z.array(z.string().min(1)).default([]),
  attributes: z.record(z.string(), z.string()).default({}),
});
/** A product (item master). */
export type Product = z.infer<typeof Product>;

/** A contact person of a party. */
export const Contact = z.object({
  name: z.string().optional(),
  role: z.string().optional(),
  email: z.string().optional(),
  phone: z.string().optional(),
});
/** A contact person of a party. */
export type Contact = z.infer<typeof Contact>;

/** Roles a party plays. */
export const PartyRole = z.enum(['supplier', 'customer', 'site']);
/** Roles a party plays. */
export type PartyRole = z.infer<typeof PartyRole>;

/** A trading partner or own site: supplier, customer and/or own site; GLN optional. */
export const Party = z.object({
  id: Id,
  name: z.string().min(1),
  roles: z.array(PartyRole).min(1),
  gln: Gln.optional(),
  address: z.string().optional(),
  contacts: z.array(Contact).default([]),
});
/** A trading partner or own site. */
export type Party = z.infer<typeof Party>;

/** A storage location: site / zone / bin, GLN optional; `quarantine` marks quarantine areas. */
export const Location = z.object({
  id: Id,
  name: z.string().optional(),
  site: z.string().min(1),
  zone: z.string().optional(),
  bin: z.string().optional(),
  gln: Gln.optional(),
  quarantine: z.boolean().default(false),
});
/** A storage location. */
export type Location = z.infer<typeof Location>;

/** How a lot came into being. */
export const LotOrigin = z.enum(['received', 'produced', 'transformed']);
/** How a lot came into being. */
export type LotOrigin = z.infer<typeof LotOrigin>;

/**
 * A lot (batch): internal id, product, the supplier's own lot number kept next to it, origin country,
 * production / expiry / best-before dates (`YYYY-MM-DD`), certifications and free attributes.
 */
export const Lot = z.object({
  id: Id,
  productId: Id,
  supplierId: Id.optional(),
  supplierLotNumber: z.string().min(1).optional(),
  originCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code' })
    .optional(),
  productionDate: IsoDate.optional(),
  expiry: IsoDate.optional(),
  bestBefore: IsoDate.optional(),
  certifications: z.array(z.string().min(1)).default([]),
  attributes: z.record(z.string(), z.string()).default({}),
  origin: LotOrigin,
  /** Event time of the event that created the lot (receipt / production). */
  createdAt: Instant,
  /** Sequence number of the event that created the lot. */
  createdSeq: z.number().int().positive(),
});
/** A lot (batch). */
export type Lot = z.infer<typeof Lot>;

/** The caller-supplied attributes of a new lot (everything but product, origin and creation facts). */
export const LotAttributes = Lot.pick({
  supplierLotNumber: true,
  originCountry: true,
  productionDate: true,
  expiry: true,
  bestBefore: true,
  certifications: true,
  attributes: true,
}).partial();
/** The caller-supplied attributes of a new lot. */
export type LotAttributes = z.infer<typeof LotAttributes>;

/** One line of a shipment: a quantity of one lot from one location. */
export const ShipmentLine = z.object({
  lineNo: z.number().int().positive(),
  lotId: Id,
  productId: Id,
  locationId: Id,
  quantity: PositiveDecimal,
  orderLine: z.string().optional(),
});
/** One line of a shipment. */
export type ShipmentLine = z.infer<typeof ShipmentLine>;

/** A shipment (delivery) to a customer. */
export const Shipment = z.object({
  id: Id,
  customerId: Id,
  orderRef: z.string().optional(),
  shippedAt: Instant,
  seq: z.number().int().positive(),
  lines: z.array(ShipmentLine).min(1),
});
/** A shipment (delivery) to a customer. */
export type Shipment = z.infer<typeof Shipment>;

/** Normalise a GTIN of 8/12/13/14 digits to 14 digits. */
export function normaliseGtin(gtin: string): string {
  return gtin.padStart(14, '0');
}
