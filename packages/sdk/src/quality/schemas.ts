import * as z from 'zod';
import { CommandMeta } from '../commands/schemas.js';
import { IsoDate } from '../domain/dates.js';
import { Code, DecimalString, Id, LIMITS, Name, Note, Text } from '../domain/schemas.js';

export const Num = DecimalString;

export const Meta = CommandMeta.shape;

/** Canonical base64: whole 4-character groups, `=` padding only at the end (what `atob` accepts). */
export const BASE64_RE = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** One line of a product specification: numeric limits, or an expected text (pass/fail tests). */
export const SpecTest = z
  .strictObject({
    code: Code,
    name: Name,
    method: Text(LIMITS.name, 0).optional(),
    unit: Text(LIMITS.code, 0).optional(),
    min: Num.optional(),
    max: Num.optional(),
    target: Num.optional(),
    /** Expected result of a qualitative test, e.g. "absent in 25 g" (compared case-insensitively). */
    expected: Text(LIMITS.name, 0).optional(),
  })
  .refine((t) => t.min !== undefined || t.max !== undefined || t.expected !== undefined, {
    message: 'give min, max or expected',
  });

export const DefineSpecInput = z.strictObject({
  productId: Id,
  tests: z.array(SpecTest).min(1).max(LIMITS.items),
  ...Meta,
});

export type DefineSpecInput = z.input<typeof DefineSpecInput>;

export const RecordTestInput = z.strictObject({
  resultId: Id,
  lotId: Id,
  testCode: Code,
  /** The measured value (decimal string) or the observed text of a qualitative test. */
  value: Name,
  unit: Text(LIMITS.code, 0).optional(),
  method: Text(LIMITS.name, 0).optional(),
  lab: Text(LIMITS.name, 0).optional(),
  sampledAt: IsoDate.optional(),
  documentId: Id.optional(),
  ...Meta,
});

export type RecordTestInput = z.input<typeof RecordTestInput>;

export const QualityDecisionInput = z.strictObject({
  lotId: Id,
  decision: z.enum(['release', 'reject']),
  approver: Id,
  note: Note.optional(),
  /** Release even though the verdict is not `conforming` (a concession; the note is required). */
  override: z.boolean().default(false),
  ...Meta,
});

export type QualityDecisionInput = z.input<typeof QualityDecisionInput>;

export const AttachDocumentInput = z
  .strictObject({
    documentId: Id,
    kind: Code,
    title: Name,
    mediaType: Code,
    /** The bytes (stored in the ledger and the store: keep documents small), base64 or a Uint8Array. */
    content: z
      .union([
        z.instanceof(Uint8Array).refine((b) => b.byteLength <= LIMITS.documentBytes, {
          message: `must be at most ${LIMITS.documentBytes} bytes`,
        }),
        z
          .string()
          .max(Math.ceil(LIMITS.documentBytes / 3) * 4, {
            message: `must be at most ${LIMITS.documentBytes} bytes`,
          })
          .regex(BASE64_RE, 'expected base64 (groups of 4 characters, = padding)'),
      ])
      .optional(),
    /** Or where the document lives (then `sha256` and `byteLength` must be given). */
    uri: z.url().max(LIMITS.text).optional(),
    sha256: z
      .string()
      .regex(/^[0-9a-f]{64}$/)
      .optional(),
    byteLength: z.number().int().min(0).optional(),
    lotIds: z.array(Id).max(LIMITS.items).default([]),
    shipmentIds: z.array(Id).max(LIMITS.items).default([]),
    ...Meta,
  })
  .refine(
    (v) =>
      v.content !== undefined ||
      (v.uri !== undefined && v.sha256 !== undefined && v.byteLength !== undefined),
    {
      path: ['content'],
      message: 'give content, or uri with sha256 and byteLength',
    },
  )
  .refine((v) => v.lotIds.length + v.shipmentIds.length > 0, {
    path: ['lotIds'],
    message: 'attach to a lot or a shipment',
  });

export type AttachDocumentInput = z.input<typeof AttachDocumentInput>;

export const SPEC = 'spec';

/** Hold reason codes that a quality release lifts. */
export const QC_HOLD_REASONS = [
  'qc',
  'incoming_inspection',
  'in_process_failure',
  'pending_lab_result',
] as const;
