/**
 * The despatch advice as data: what {@link writeDesadv} writes and {@link readDespatchAdvices} returns.
 *
 * @module
 */
import { hasValidCheckDigit } from '@lotgraph/gs1';
import { z } from 'zod';
import { MESSAGE_FUNCTIONS, PACKAGE_TYPES } from './code-lists.js';

const Gln = z
  .string()
  .regex(/^\d{13}$/, { message: 'must be a GLN of 13 digits' })
  .refine(hasValidCheckDigit, { message: 'has a wrong GS1 check digit' });
const Gtin = z
  .string()
  .regex(/^\d{14}$/, { message: 'must be a GTIN-14 (14 digits; pad shorter GTINs with zeros)' })
  .refine(hasValidCheckDigit, { message: 'has a wrong GS1 check digit' });
const Day = z
  .string()
  .regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/, { message: 'expected YYYY-MM-DD' });
// UNOC is ISO 8859-1: printable Latin-1 only, no control characters.
const Latin1 = (max: number) =>
  z
    .string()
    .min(1)
    .max(max)
    .regex(/^[\u0020-\u007e\u00a0-\u00ff]+$/, { message: 'must be printable ISO 8859-1 (UNOC) text' });
const Ref = z.string().regex(/^[A-Za-z0-9]{1,14}$/, { message: 'must be 1-14 letters or digits' });

/** One line of a despatch advice: a quantity of one batch of one trade item. */
export const DespatchLine = z.strictObject({
  /** LIN line number, 1… (unique in the message). */
  lineNo: z.number().int().min(1).max(999_999),
  gtin: Gtin,
  /** The batch number (PIA NB and/or GIN BX). */
  batch: Latin1(35),
  /** Best-before / expiry (DTM+36). */
  expiry: Day.optional(),
  /** Quantity as a decimal string with `.` (QTY 6060, at most 15 digits). */
  quantity: z
    .string()
    .regex(/^(?=[\d.]{1,16}$)\d+(\.\d+)?$/, { message: 'must be a decimal like 12 or 12.5' }),
  /** UN/ECE Rec. 20 unit code (QTY 6411), e.g. KGM, PCE; omitted: the trade item's own unit. */
  unitCode: z
    .string()
    .regex(/^[A-Z0-9]{1,3}$/, { message: 'must be a UN/ECE Rec. 20 code' })
    .optional(),
});
/** One line of a despatch advice. */
export type DespatchLine = z.infer<typeof DespatchLine>;

/** A despatch advice (DESADV) or a receiving advice (RECADV) for one delivery. */
export const DespatchAdvice = z
  .strictObject({
    kind: z.enum(['DESADV', 'RECADV']).default('DESADV'),
    /** UNB: sender and recipient GLN, interchange control reference, preparation time (UTC instant). */
    sender: Gln,
    recipient: Gln,
    controlRef: Ref,
    preparedAt: z.string().regex(/^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T([01]\d|2[0-3]):[0-5]\dZ$/, {
      message: 'expected a UTC instant to the minute, YYYY-MM-DDTHH:MMZ',
    }),
    /** UNB test indicator. */
    test: z.boolean().default(false),
    /** UNH message reference. */
    messageRef: Ref,
    /** BGM document number (the shipment / delivery note number). */
    documentNumber: Latin1(35),
    function: z.enum(MESSAGE_FUNCTIONS).default('9'),
    /** DTM+11 despatch date (DESADV) or DTM+50 goods receipt date (RECADV). */
    date: Day,
    /** DTM+17 estimated delivery date (DESADV). */
    deliveryDate: Day.optional(),
    /** RFF+ON buyer's order number. */
    orderRef: Latin1(35).optional(),
    /** RFF+DQ despatch advice / delivery note the RECADV answers. */
    despatchRef: Latin1(35).optional(),
    buyer: Gln,
    supplier: Gln,
    deliveryParty: Gln,
    shipFrom: Gln.optional(),
    /** PAC: number and type of packages of the consignment (CPS+1). */
    packages: z
      .strictObject({ count: z.number().int().min(1).max(99_999_999), type: z.enum(PACKAGE_TYPES) })
      .optional(),
    lines: z.array(DespatchLine).min(1).max(9_999),
  })
  .superRefine((v, ctx) => {
    const seen = new Set<number>();
    v.lines.forEach((l, i) => {
      if (seen.has(l.lineNo))
        ctx.addIssue({
          code: 'custom',
          path: ['lines', i, 'lineNo'],
          message: `line number ${l.lineNo} is repeated`,
        });
      seen.add(l.lineNo);
    });
  });
/** A despatch or receiving advice (input: defaults not yet applied). */
export type DespatchAdviceInput = z.input<typeof DespatchAdvice>;
/** A despatch or receiving advice. */
export type DespatchAdvice = z.output<typeof DespatchAdvice>;
