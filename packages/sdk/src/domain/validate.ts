import type { z } from 'zod';
import { safeShow, ValidationError, type ValidationIssue, type ValidationIssueCode } from '../errors.js';
import { isWellFormedText, LIMITS } from './schemas.js';

type Path = (string | number)[];

function valueAt(input: unknown, path: Path): { found: boolean; value?: unknown } {
  let cur: unknown = input;
  for (const k of path) {
    if (cur === null || typeof cur !== 'object' || !Object.hasOwn(cur as object, k)) return { found: false };
    cur = (cur as Record<string | number, unknown>)[k];
  }
  return { found: true, value: cur };
}

/**
 * The checks every input gets before its schema sees it, whatever the schema says: nesting at most
 * {@link LIMITS}.depth deep, and every string (values and keys) well-formed Unicode without NUL — what
 * every store keeps byte-for-byte. Iterative, so hostile nesting cannot exhaust the stack.
 */
function structuralIssue(input: unknown): ValidationIssue | undefined {
  // Each entry remembers its parent entry and key; a path is built only for the issue reported (this
  // walk runs over every command input, so it allocates nothing per value).
  const values: unknown[] = [input];
  const parents: number[] = [-1];
  const keys: (string | number)[] = [''];
  const depths: number[] = [0];
  const pathOf = (at: number): Path => {
    const path: Path = [];
    for (let i = at; i > 0; i = parents[i] as number) path.push(keys[i] as string | number);
    return path.reverse();
  };
  const stack: number[] = [0];
  while (stack.length > 0) {
    const at = stack.pop() as number;
    const value = values[at];
    if (typeof value === 'string') {
      const bad = checkText(value);
      if (bad) return { code: 'invalid_string', path: pathOf(at), message: bad };
      continue;
    }
    if (value === null || typeof value !== 'object' || ArrayBuffer.isView(value)) continue;
    const depth = depths[at] as number;
    if (depth >= LIMITS.depth) {
      return { code: 'too_deep', path: pathOf(at), message: `is nested deeper than ${LIMITS.depth} levels` };
    }
    const push = (v: unknown, key: string | number) => {
      // Scalars other than strings need no visit.
      if (v === null || (typeof v !== 'object' && typeof v !== 'string')) return;
      stack.push(values.length);
      values.push(v);
      parents.push(at);
      keys.push(key);
      depths.push(depth + 1);
    };
    if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) push(value[i], i);
      continue;
    }
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) continue; // Dates, Maps…: the schema refuses them
    for (const key of Object.keys(value)) {
      const bad = checkText(key);
      if (bad) return { code: 'invalid_key', path: [...pathOf(at), key], message: `key ${bad}` };
      push((value as Record<string, unknown>)[key], key);
    }
  }
  return undefined;
}

function checkText(s: string): string | undefined {
  if (!isWellFormedText(s)) return 'must be well-formed Unicode (no lone surrogates)';
  if (s.includes('\u0000')) return 'must not contain NUL characters';
  return undefined;
}

/** Known keys of the object schema at `path` inside `schema` (for "did you mean" hints), if any. */
function keysAt(schema: z.ZodType, path: Path): string[] | undefined {
  let cur: unknown = schema;
  const unwrap = () => {
    for (let guard = 0; guard < 20; guard++) {
      const def = (cur as { _zod?: { def?: Record<string, unknown> } })._zod?.def;
      if (!def) return undefined;
      if (def.innerType) cur = def.innerType;
      else if (def.type === 'pipe') cur = def.in;
      else return def;
    }
    return undefined;
  };
  for (const step of path) {
    const def = unwrap();
    if (!def) return undefined;
    if (def.type === 'object' && typeof step === 'string') cur = (def.shape as Record<string, unknown>)[step];
    else if (def.type === 'array' && typeof step === 'number') cur = def.element;
    else return undefined;
  }
  const def = unwrap();
  return def?.type === 'object' ? Object.keys(def.shape as object) : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cur = row[j] as number;
      row[j] = Math.min(cur + 1, (row[j - 1] as number) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = cur;
    }
  }
  return row[b.length] as number;
}

const commonPrefix = (a: string, b: string) => {
  let i = 0;
  while (i < a.length && i < b.length && a[i] === b[i]) i++;
  return i;
};

/** `short` is an abbreviation of `long`: same first letter, its letters appear in order (`qty` → `quantity`). */
function abbreviates(short: string, long: string): boolean {
  if (short.length < 2 || short.length >= long.length || short[0] !== long[0]) return false;
  let j = 0;
  for (const c of long) if (c === short[j]) j++;
  return j === short.length;
}

/**
 * The known key a caller most likely meant by `key`: an abbreviation (`qty` → `quantity`), a small edit
 * distance, or a long shared prefix (`expiryDate` → `expiry`); ties go to the longer shared prefix.
 */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const k = key.toLowerCase();
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    const c = candidate.toLowerCase();
    const d = distance(k, c);
    const prefix = commonPrefix(k, c);
    const plausible = abbreviates(k, c) || d <= Math.max(2, Math.floor(c.length / 3)) || prefix >= 4;
    if (!plausible) continue;
    const score = abbreviates(k, c) ? -100 + d : d - prefix / 2;
    if (score < bestScore) [best, bestScore] = [candidate, score];
  }
  return best;
}

function unknownKeyIssues(schema: z.ZodType, path: Path, keys: readonly string[]): ValidationIssue[] {
  const known = keysAt(schema, path) ?? [];
  return keys.map((key) => {
    const hint = closestKey(key, known);
    return {
      code: 'unrecognized_keys',
      path: [...path, key],
      message: `unknown key "${key}"${hint ? ` (did you mean "${hint}"?)` : ''}`,
    };
  });
}

/**
 * Parse `input` with a zod schema; on failure throw a {@link ValidationError} listing every issue, each
 * message naming the offending value when there is one. Before the schema, every input is checked for
 * depth and for strings no store could keep unchanged (lone surrogates, NUL); unknown keys are reported
 * one issue per key, with a "did you mean" hint when a known key is close.
 *
 * `options.structural: false` skips that walk, for a shell whose own strings the schema checks and whose
 * nested values are each parsed again by `parseInput` (a batch: its command inputs are parsed one by one,
 * and walking them twice cost a tenth of a batch's validation).
 */
export function parseInput<S extends z.ZodType>(
  schema: S,
  input: unknown,
  context: string,
  options: { structural?: boolean } = {},
): z.output<S> {
  const structural = options.structural === false ? undefined : structuralIssue(input);
  if (structural) {
    const at = structural.path.length ? valueAt(input, structural.path) : { found: false };
    const shown = at.found && typeof at.value === 'string' ? ` (got ${safeShow(at.value.slice(0, 40))})` : '';
    throw new ValidationError([{ ...structural, message: `${structural.message}${shown}` }], context);
  }
  const r = schema.safeParse(input);
  if (r.success) return r.data;
  const issues: ValidationIssue[] = r.error.issues.flatMap((i) => {
    const path = i.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (i.code === 'unrecognized_keys') return unknownKeyIssues(schema, path, i.keys);
    const at = path.length ? valueAt(input, path) : { found: false };
    const shown = at.found && at.value !== undefined ? ` (got ${safeShow(at.value)})` : '';
    return [{ code: i.code as ValidationIssueCode, path, message: `${i.message}${shown}` }];
  });
  throw new ValidationError(issues, context);
}
