/**
 * Option checks shared by the SQL stores' entry points: one error shape naming the option, unknown options
 * refused, positive integers.
 *
 * @module
 */
import { ErrorCodes, LotgraphError } from '@lotgraph/sdk';

/** `VALIDATION_FAILED` naming an option. */
export function invalidOption(field: string, message: string, value?: unknown): LotgraphError {
  return new LotgraphError(ErrorCodes.VALIDATION_FAILED, `${field}: ${message}`, { field, value });
}

/** Refuse a non-object, and any key not in `known` (named, with the store's `open`). */
export function checkOptionKeys(options: unknown, known: ReadonlySet<string>, store: string): void {
  if (options === null || typeof options !== 'object')
    throw invalidOption('options', `expected an object of ${store} options`);
  for (const k of Object.keys(options))
    if (!known.has(k)) throw invalidOption(k, `unknown option of ${store}.open`);
}

/** `v` when it is a positive integer, else {@link invalidOption}. */
export function positiveOption(field: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw invalidOption(field, 'expected a positive integer', v);
  return v;
}
