import * as z from 'zod';
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
  return parseInput(strictSchema(context, shape), values, context);
}

/** The strict object schema of each call site, built once (not per call: zod schemas are costly to make). */
const strictSchemas = new Map<string, { shape: z.ZodRawShape; schema: z.ZodType }>();

function strictSchema<S extends z.ZodRawShape>(context: string, shape: S): z.ZodObject<S> {
  const hit = strictSchemas.get(context);
  if (hit && sameShape(hit.shape, shape)) return hit.schema as z.ZodObject<S>;
  const schema = z.strictObject(shape);
  // Bounded: contexts are call-site names; a caller inventing them cannot grow this without limit.
  if (strictSchemas.size < 1000 || hit) strictSchemas.set(context, { shape, schema });
  return schema;
}

function sameShape(a: z.ZodRawShape, b: z.ZodRawShape): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) if (a[k] !== b[k]) return false;
  return true;
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
