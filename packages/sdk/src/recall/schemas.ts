import * as z from 'zod';
import { CommandMeta } from '../commands/schemas.js';
import { Id, LIMITS, Name, NonNegativeDecimal, Note, Text } from '../domain/schemas.js';
import type { RecallScope } from './scope.js';

export const Decimal = NonNegativeDecimal;

export const Meta = CommandMeta.shape;

/** Recall classification (FDA: I most serious … III least) and the effectiveness-check level (A–E). */
export const RecallOpenInput = z
  .strictObject({
    recallId: Id,
    lots: z.array(Id).min(1).max(LIMITS.items).optional(),
    supplierLotNumbers: z.array(Name).min(1).max(LIMITS.items).optional(),
    reason: Text(LIMITS.text),
    classification: z.enum(['I', 'II', 'III']),
    /** A drill (mock recall): same scope and evidence, no holds, no stock change, nothing sent. */
    drill: z.boolean().default(false),
    /** Effectiveness-check depth per 21 CFR 7.42: A = 100 % of consignees … E = none. */
    effectivenessLevel: z.enum(['A', 'B', 'C', 'D', 'E']).default('A'),
    /** Share of consignees to reach at level B (between C's 10 % and A's 100 %). Default 0.5. */
    levelBShare: z.number().min(0.1).max(1).default(0.5),
    /** Target time from opening to the customer list, in hours (default 4: BRCGS / IFS). */
    targetHours: z.number().positive().default(4),
    /** Mass-balance tolerance, as a fraction of the quantity in (default 0.005 = 0.5 %). */
    tolerance: z.number().min(0).max(1).default(0.005),
    ...Meta,
  })
  .refine((v) => (v.lots === undefined) !== (v.supplierLotNumbers === undefined), {
    path: ['lots'],
    message: 'give exactly one of lots or supplierLotNumbers',
  });

export type RecallOpenInput = z.input<typeof RecallOpenInput>;

export const RecallNotifyInput = z.strictObject({
  recallId: Id,
  customerId: Id,
  channel: z.enum(['email', 'phone', 'letter', 'edi', 'visit', 'other']),
  contact: Text(LIMITS.name, 0).optional(),
  note: Note.optional(),
  ...Meta,
});

export type RecallNotifyInput = z.input<typeof RecallNotifyInput>;

export const RecallAcknowledgeInput = z.strictObject({
  recallId: Id,
  customerId: Id,
  /** Per product: quantities (in the product's unit) the customer returned, destroyed, or still holds / sold. */
  quantities: z
    .array(
      z.strictObject({
        productId: Id,
        returned: Decimal.default('0'),
        destroyed: Decimal.default('0'),
        corrected: Decimal.default('0'),
      }),
    )
    .max(LIMITS.items)
    .default([]),
  note: Note.optional(),
  ...Meta,
});

export type RecallAcknowledgeInput = z.input<typeof RecallAcknowledgeInput>;

export const RecallCloseInput = z.strictObject({ recallId: Id, summary: Text(LIMITS.text), ...Meta });

export type RecallCloseInput = z.input<typeof RecallCloseInput>;

/** The stored header of a recall case (collection `recall`). */
export interface RecallCase {
  recallId: string;
  drill: boolean;
  reason: string;
  classification: 'I' | 'II' | 'III';
  effectivenessLevel: 'A' | 'B' | 'C' | 'D' | 'E';
  levelBShare: number;
  targetHours: number;
  tolerance: number;
  openedAt: string;
  openedSeq: number;
  scopeComputedAt: string;
  scopeMs: number;
  scope: RecallScope;
}

/** One step of a case (collection `recallStep`, key = recallId). */
export interface RecallStep {
  type: 'notified' | 'acknowledged' | 'closed';
  recallId: string;
  customerId?: string;
  channel?: string;
  contact?: string;
  note?: string;
  quantities?: { productId: string; returned: string; destroyed: string; corrected: string }[];
  summary?: string;
  at: string;
  seq: number;
}

export const RECALL = 'recall';

export const RECALL_STEP = 'recallStep';
