import type { z } from 'zod';
import { safeShow, ValidationError, type ValidationIssue } from '../errors.js';

function valueAt(input: unknown, path: (string | number)[]): { found: boolean; value?: unknown } {
  let cur: unknown = input;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || !(k in (cur as object))) return { found: false };
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return { found: true, value: cur };
}

/**
 * Parse `input` with a zod schema; on failure throw a {@link ValidationError} listing every issue, each
 * message naming the offending value when there is one.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown, context: string): z.output<S> {
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues: ValidationIssue[] = r.error.issues.map((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    const at = path.length ? valueAt(input, path) : { found: false };
    const shown = at.found && at.value !== undefined ? ` (got ${safeShow(at.value)})` : '';
    return { code: i.code, path, message: `${i.message}${shown}` };
  });
  throw new ValidationError(issues, context);
}
