import { z } from 'zod';
import type { Store } from '../store/port.js';
import { IsoDate } from './dates.js';
import { Id, LIMITS } from './schemas.js';
import { parseInput } from './validate.js';

/**
 * Check the positional arguments of a public function against a schema per argument: a bad one is a
 * `VALIDATION_FAILED` whose path names the argument (e.g. `lotId`), never a TypeError from deeper down.
 *
 * @example
 * ```ts
 * const { lotId } = checkArgs('trace.forward', { lotId: Id }, { lotId: input });
 * ```
 */
export function checkArgs<S extends z.ZodRawShape>(
  context: string,
  shape: S,
  values: { [K in keyof S]: unknown },
): z.output<z.ZodObject<S>> {
  return parseInput(z.strictObject(shape), values, context);
}

/** One id or a non-empty list of ids (trace refs, recall roots). */
export const IdList = z.union([Id, z.array(Id).min(1).max(LIMITS.items)]);

/** A calendar day argument `YYYY-MM-DD`. */
export const DayArg = IsoDate;

/** A function argument (handlers, progress callbacks). */
export const FunctionArg = z.custom<(...args: never[]) => unknown>((v) => typeof v === 'function', {
  message: 'must be a function',
});

/** A Store argument (checked by shape: an object with the port's `append` and `readEvents`). */
export const StoreArg = z.custom<Store>(
  (v) =>
    typeof v === 'object' &&
    v !== null &&
    typeof (v as Store).append === 'function' &&
    typeof (v as Store).readEvents === 'function',
  { message: 'must be a Store' },
);
