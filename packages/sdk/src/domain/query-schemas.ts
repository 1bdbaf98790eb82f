/** The schemas of the facade's non-command arguments (queries, options), checked before anything runs. */
import * as z from 'zod';
import { DayArg, FunctionArg } from './args.js';
import { Instant } from './dates.js';
import { Code, Id, LIMITS, Name, NonNegativeDecimal, Text } from './schemas.js';

/**
 * The arguments of `batch()`: the list and each command's name. Parsed without the structural walk
 * (`parseInput(…, { structural: false })`): the names are checked here as text, and every input is parsed
 * (walk included) by its own command's schema.
 */
export const BatchArgs = z.strictObject({
  commands: z
    .array(z.strictObject({ command: Text(100), input: z.unknown() }))
    .max(100_000, { message: 'must have at most 100000 commands (use imports for more)' }),
});
export const DocumentFilter = z.strictObject({
  lotId: Id.optional(),
  shipmentId: Id.optional(),
  kind: Code.optional(),
});
export const ExpiringQuery = z.strictObject({
  withinDays: z.number().int().min(0).max(100_000),
  date: DayArg,
});
export const LowStockQuery = z.strictObject({
  thresholds: z.record(Id, NonNegativeDecimal).refine((r) => Object.keys(r).length <= LIMITS.items, {
    message: `must have at most ${LIMITS.items} products`,
  }),
  locationId: Id.optional(),
});
export const ImportOptions = z.strictObject({
  chunk: z.number().int().min(1).max(10_000).optional(),
  onProgress: FunctionArg.optional(),
});
export const LetterSender = z.strictObject({ name: Name.optional(), contact: Name.optional() });
export const EpcisOptions = z.strictObject({ creationDate: Instant.optional() });
export const Fsma204Query = z.strictObject({
  productId: Id.optional(),
  lotId: Id.optional(),
  from: DayArg.optional(),
  to: DayArg.optional(),
});
