import { hasValidCheckDigit } from '@lotgraph/gs1';
import * as z from 'zod';
import { Instant, IsoDate } from './dates.js';
import { isDecimal, MAX_STEPS } from './quantity.js';

/**
 * Bounds of every string and quantity that reaches a store — the same on every store, checked once when a
 * command or query argument is parsed. Longer input is `VALIDATION_FAILED` naming the field.
 */
export const LIMITS = {
  /** Identifiers (lots, products, locations, parties, orders, idempotency keys, actors): characters. */
  id: 200,
  /** Codes (units, reason codes, test codes, classifications): characters. */
  code: 100,
  /** Names, titles, addresses, contacts, lot numbers: characters. */
  name: 500,
  /** Free text (notes, reasons, summaries): characters. */
  text: 10_000,
  /** A decimal quantity string: characters (sign, digits and point). */
  quantity: 40,
  /** Largest step count of one quantity (10^15 − 1 steps, e.g. 999,999,999,999.999 kg at 3 decimals). */
  maxSteps: MAX_STEPS,
  /** Bytes of a document stored in the ledger (`documents.attach` content). */
  documentBytes: 1_048_576,
  /** Nesting depth of any input value (objects and arrays). */
  depth: 32,
  /** Items of one list (lines, inputs, outputs, allergens, attributes…). */
  items: 10_000,
} as const;

/** True when `s` is well-formed UTF-16 (no lone surrogates): what every store keeps unchanged. */
export function isWellFormedText(s: string): boolean {
  const f = (s as { isWellFormed?: () => boolean }).isWellFormed;
  if (f) return f.call(s);
  return !/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);
}

/**
 * Text of at most `max` characters that every store keeps unchanged: well-formed Unicode (no lone
 * surrogates) and no NUL. `min` defaults to 1 (empty strings are refused unless `min` is 0).
 */
export function Text(max: number, min = 1) {
  return z
    .string()
    .min(min, { message: 'must not be empty' })
    .max(max, { message: `must be at most ${max} characters` })
    .refine(isWellFormedText, { message: 'must be well-formed Unicode (no lone surrogates)' })
    .refine((s) => !s.includes('\u0000'), { message: 'must not contain NUL characters' });
}

/** An identifier chosen by the caller: 1–200 characters, no control characters, well-formed Unicode. */
export const Id = Text(LIMITS.id)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'must not contain control characters' });

/** A short code (unit, reason code, test code): 1–100 characters, no control characters. */
export const Code = Text(LIMITS.code)
  // biome-ignore lint/suspicious/noControlCharactersInRegex: rejecting control characters is the point
  .refine((s) => !/[\u0000-\u001f\u007f]/.test(s), { message: 'must not contain control characters' });

/** A name, title, address line or lot number: 1–500 characters. */
export const Name = Text(LIMITS.name);

/** Free text (note, reason, summary): 0–10,000 characters. */
export const Note = Text(LIMITS.text, 0);

/** Free attributes: up to 10,000 string values keyed by names of up to 100 characters. */
export const Attributes = z
  .record(Code, Text(LIMITS.text, 0))
  .refine((r) => Object.keys(r).length <= LIMITS.items, {
    message: `must have at most ${LIMITS.items} entries`,
  });

/** An exact decimal quantity as a string, e.g. `"12.500"`. Floats are rejected. */
export const DecimalString = z
  .string()
  .max(LIMITS.quantity, { message: `must be at most ${LIMITS.quantity} characters` })
  .refine(isDecimal, { message: 'must be a decimal string such as "12.500"' });

/** A strictly positive exact decimal quantity. */
export const PositiveDecimal = DecimalString.refine((s) => !s.startsWith('-') && /[1-9]/.test(s), {
  message: 'must be greater than zero',
});

/** A non-negative exact decimal quantity (zero allowed). */
export const NonNegativeDecimal = DecimalString.refine((s) => !s.startsWith('-'), {
  message: 'must not be negative',
});

/** A quantity as given by a caller: a decimal string with an optional unit (default: the product's base unit). */
export const QuantityInput = z.strictObject({
  value: PositiveDecimal,
  unit: Code.optional(),
});
/** A quantity as given by a caller. */
export type QuantityInput = z.infer<typeof QuantityInput>;

/** GTIN-8/12/13/14 digits (normalised to 14 digits when stored). */
export const Gtin = z
  .string()
  .regex(/^(\d{8}|\d{12}|\d{13}|\d{14})$/, { message: 'must be a GTIN of 8, 12, 13 or 14 digits' });
/** A serial number: 1–20 characters of GS1 character set 82 (AI 21). */
export const SerialNumber = z
  .string()
  .regex(/^[!"%-?A-Z_a-z]{1,20}$/, { message: 'must be 1–20 characters of GS1 character set 82 (AI 21)' });
/** An SSCC: 18 digits with a valid GS1 check digit (AI 00). */
export const Sscc = z
  .string()
  .regex(/^\d{18}$/, { message: 'must be an SSCC of 18 digits' })
  .refine(hasValidCheckDigit, { message: 'has a wrong check digit' });
/** One serialised item: GTIN (8/12/13/14 digits) + serial number. */
export const SerialRef = z.strictObject({ gtin: Gtin, serial: SerialNumber });
/** One serialised item. */
export type SerialRef = z.input<typeof SerialRef>;

/** GLN: 13 digits. */
export const Gln = z.string().regex(/^\d{13}$/, { message: 'must be a GLN of 13 digits' });

/** A declared unit conversion: 1 `unit` = `factor` base units (decimal or fraction `"a/b"`). */
export const UnitConversion = z.strictObject({
  unit: Code,
  factor: z
    .string()
    .max(LIMITS.quantity)
    .regex(/^\d+(\.\d+)?(\/\d+(\.\d+)?)?$/, { message: 'must be a positive decimal or "a/b"' }),
});
/** A declared unit conversion. */
export type UnitConversion = z.infer<typeof UnitConversion>;

/** A product (item master): base unit with its decimal places, declared conversions, shelf life, allergens. */
export const Product = z.strictObject({
  id: Id,
  gtin: Gtin.optional(),
  name: Name,
  unit: Code,
  decimals: z.number().int().min(0).max(9),
  conversions: z.array(UnitConversion).max(LIMITS.items).default([]),
  shelfLifeDays: z.number().int().positive().optional(),
  allergens: z.array(Name).max(LIMITS.items).default([]),
  attributes: Attributes.default({}),
});
/** A product (item master). */
export type Product = z.infer<typeof Product>;

/** A contact person of a party. */
export const Contact = z.strictObject({
  name: Text(LIMITS.name, 0).optional(),
  role: Text(LIMITS.name, 0).optional(),
  email: Text(LIMITS.name, 0).optional(),
  phone: Text(LIMITS.name, 0).optional(),
});
/** A contact person of a party. */
export type Contact = z.infer<typeof Contact>;

/** Roles a party plays. */
export const PartyRole = z.enum(['supplier', 'customer', 'site']);
/** Roles a party plays. */
export type PartyRole = z.infer<typeof PartyRole>;

/** A trading partner or own site: supplier, customer and/or own site; GLN optional. */
export const Party = z.strictObject({
  id: Id,
  name: Name,
  roles: z.array(PartyRole).min(1),
  gln: Gln.optional(),
  address: Text(LIMITS.text, 0).optional(),
  contacts: z.array(Contact).max(LIMITS.items).default([]),
});
/** A trading partner or own site. */
export type Party = z.infer<typeof Party>;

/** A storage location: site / zone / bin, GLN optional; `quarantine` marks quarantine areas. */
export const Location = z.strictObject({
  id: Id,
  name: Text(LIMITS.name, 0).optional(),
  site: Name,
  zone: Text(LIMITS.name, 0).optional(),
  bin: Text(LIMITS.name, 0).optional(),
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
  supplierLotNumber: Name.optional(),
  originCountry: z
    .string()
    .regex(/^[A-Z]{2}$/, { message: 'must be an ISO 3166-1 alpha-2 code' })
    .optional(),
  productionDate: IsoDate.optional(),
  expiry: IsoDate.optional(),
  bestBefore: IsoDate.optional(),
  certifications: z.array(Name).max(LIMITS.items).default([]),
  attributes: Attributes.default({}),
  origin: LotOrigin,
  /** Event time of the event that created the lot (receipt / production). */
  createdAt: Instant,
  /** Sequence number of the event that created the lot. */
  createdSeq: z.number().int().positive(),
  /**
   * Set once serials were commissioned for the lot: its stock in our custody then includes serialised
   * items, which only serial-aware commands (by serial or SSCC) may take.
   */
  serialised: z.literal(true).optional(),
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
  orderLine: Text(LIMITS.name, 0).optional(),
});
/** One line of a shipment. */
export type ShipmentLine = z.infer<typeof ShipmentLine>;

/** A shipment (delivery) to a customer. */
export const Shipment = z.object({
  id: Id,
  customerId: Id,
  orderRef: Text(LIMITS.name, 0).optional(),
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
