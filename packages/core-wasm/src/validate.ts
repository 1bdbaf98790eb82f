// Input checks. They all run before anything is written to wasm memory, so a rejected call leaves the
// graph exactly as it was.
import { GenealogyError } from './errors.js';

/** Largest node count (ids must fit an int32). */
export const MAX_NODES = 0x7fffffff;

export function checkArrayLike(value: unknown, name: string): asserts value is ArrayLike<number> {
  const ok =
    value !== null &&
    typeof value === 'object' &&
    typeof (value as { length?: unknown }).length === 'number' &&
    Number.isInteger((value as { length: number }).length) &&
    (value as { length: number }).length >= 0;
  if (!ok) throw new GenealogyError('INVALID_ARGUMENT', `${name} must be an array or typed array`, name);
}

/** Every element an integer id in `[0, n)`. */
export function checkIds(ids: ArrayLike<number>, n: number, name: string): void {
  for (let i = 0, len = ids.length; i < len; i++) {
    const v = ids[i]!;
    if (v >= 0 && v < n && (v | 0) === v) continue;
    checkId(v, n, `${name}[${i}]`);
  }
}

/** One node id in `[0, n)`. */
export function checkId(v: unknown, n: number, name: string): asserts v is number {
  if (typeof v !== 'number' || !Number.isInteger(v)) {
    throw new GenealogyError(
      'INVALID_ARGUMENT',
      `${name} must be an integer node id, got ${String(v)}`,
      name,
    );
  }
  if (v < 0 || v >= n) {
    throw new GenealogyError('OUT_OF_RANGE', `${name} = ${v} is not a node id (node count ${n})`, name);
  }
}

/** Every element a finite quantity `>= 0`. */
export function checkQuantities(qty: ArrayLike<number>, name: string): void {
  for (let i = 0, len = qty.length; i < len; i++) {
    const q = qty[i]!;
    if (q >= 0 && q < Infinity) continue;
    throw new GenealogyError(
      'INVALID_QUANTITY',
      `${name}[${i}] = ${String(q)}: quantities must be finite and >= 0 (omit qty when unknown)`,
      `${name}[${i}]`,
    );
  }
}

/** Every element a kind code, an integer in `[0, 255]`. */
export function checkKinds(kinds: ArrayLike<number>, name: string): void {
  if (kinds instanceof Uint8Array) return;
  for (let i = 0, len = kinds.length; i < len; i++) {
    const k = kinds[i]!;
    if (k >= 0 && k <= 255 && (k | 0) === k) continue;
    throw new GenealogyError(
      'INVALID_ARGUMENT',
      `${name}[${i}] = ${String(k)}: kind codes are integers 0..255`,
      `${name}[${i}]`,
    );
  }
}

export function checkSameLength(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  aName: string,
  bName: string,
): void {
  if (a.length !== b.length) {
    throw new GenealogyError(
      'LENGTH_MISMATCH',
      `${bName} has ${b.length} elements but ${aName} has ${a.length}`,
      bName,
    );
  }
}

/** maxDepth as an int32 for the core (unlimited = int32 max). */
export function depthLimit(maxDepth: unknown): number {
  if (maxDepth === undefined || maxDepth === Infinity) return MAX_NODES;
  if (typeof maxDepth !== 'number' || !Number.isInteger(maxDepth) || maxDepth < 0) {
    throw new GenealogyError(
      'INVALID_ARGUMENT',
      `opts.maxDepth must be a non-negative integer or Infinity, got ${String(maxDepth)}`,
      'opts.maxDepth',
    );
  }
  return Math.min(maxDepth, MAX_NODES);
}

/** A 256-entry mask of the kinds to report, or null for all kinds. */
export function kindMask(kinds: unknown): Uint8Array | null {
  if (kinds === undefined) return null;
  checkArrayLike(kinds, 'opts.kinds');
  checkKinds(kinds, 'opts.kinds');
  const mask = new Uint8Array(256);
  for (let i = 0; i < kinds.length; i++) mask[kinds[i]!] = 1;
  return mask;
}

export function checkThreshold(value: unknown): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new GenealogyError(
      'INVALID_ARGUMENT',
      `options.compactThreshold must be a positive integer, got ${String(value)}`,
      'options.compactThreshold',
    );
  }
  return value;
}
