/**
 * Argument checks of the outbox capability, shared by every store (one place, the sdk's schema kit).
 *
 * @module
 */
import * as z from 'zod';
import { checkArgs } from '../domain/args.js';
import { Id, Text } from '../domain/schemas.js';
import { EVENT_TYPES } from '../ledger/events.js';
import type { OutboxFilter, OutboxOutcome } from './outbox-port.js';

const Seq = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const Millis = z.number().int().min(0).max(8.64e15);
const Status = z.enum(['pending', 'delivered', 'dead']);
/** Longest text kept of a failure. */
export const OUTBOX_ERROR_MAX = 2000;

/** A subscription name: an id (printable, bounded). */
export function checkOutboxName(name: unknown): string {
  return checkArgs('outbox', { subscription: Id }, { subscription: name }).subscription;
}

/** Event types (`'*'` for all): at least one, deduplicated and sorted. */
export function checkOutboxTypes(types: unknown): string[] {
  const { types: list } = checkArgs(
    'outbox.register',
    {
      types: z
        .array(z.enum(['*', ...EVENT_TYPES]))
        .min(1)
        .max(EVENT_TYPES.length + 1),
    },
    { types },
  );
  return [...new Set(list)].sort();
}

const ClaimShape = z.strictObject({
  owner: Id,
  now: Millis,
  leaseMs: z.number().int().min(1).max(86_400_000),
  limit: z.number().int().min(1).max(10_000),
});

export function checkOutboxClaim(opts: unknown): z.output<typeof ClaimShape> {
  return checkArgs('outbox.claim', { opts: ClaimShape }, { opts }).opts;
}

const FilterShape = z.strictObject({
  status: Status.optional(),
  seqs: z.array(Seq).max(10_000).optional(),
  afterSeq: Seq.optional(),
  limit: z.number().int().min(1).max(100_000).optional(),
});

export function checkOutboxFilter(filter: unknown): OutboxFilter {
  return checkArgs('outbox', { filter: FilterShape }, { filter }).filter;
}

const OutcomeShape = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('delivered'), at: Millis }),
  z.strictObject({ status: z.literal('pending'), nextAt: Millis, error: Text(OUTBOX_ERROR_MAX, 0) }),
  z.strictObject({ status: z.literal('dead'), error: Text(OUTBOX_ERROR_MAX, 0) }),
]);

/** A settle call's arguments. */
export function checkOutboxSettle(seq: unknown, owner: unknown, outcome: unknown): OutboxOutcome {
  return checkArgs('outbox.settle', { seq: Seq, owner: Id, outcome: OutcomeShape }, { seq, owner, outcome })
    .outcome as OutboxOutcome;
}

/** `now` of a replay. */
export function checkOutboxNow(now: unknown): number {
  return checkArgs('outbox.replay', { now: Millis }, { now }).now;
}
