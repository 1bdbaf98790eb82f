import { ErrorCodes, fieldError, LotgraphError } from '../errors.js';

/** A decimal number written as a string, e.g. `"12.500"` or `"-3"`. Never a float. */
export type Decimal = string;

const DECIMAL_RE = /^-?\d+(\.\d+)?$/;
const RATIONAL_RE = /^\d+(\.\d+)?(\/\d+(\.\d+)?)?$/;

/** True when `s` is a plain decimal string (`-?digits[.digits]`). */
export function isDecimal(s: string): boolean {
  return DECIMAL_RE.test(s);
}

/** An exact rational number `num / den` (den > 0). */
export interface Rational {
  num: bigint;
  den: bigint;
}

function gcd(a: bigint, b: bigint): bigint {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y) [x, y] = [y, x % y];
  return x === 0n ? 1n : x;
}

function norm(r: Rational): Rational {
  const g = gcd(r.num, r.den);
  return r.den < 0n ? { num: -r.num / g, den: -r.den / g } : { num: r.num / g, den: r.den / g };
}

/** Parse a decimal string into an exact rational. */
export function decimalToRational(s: string): Rational {
  const neg = s.startsWith('-');
  const body = neg ? s.slice(1) : s;
  const [int = '0', frac = ''] = body.split('.');
  const num = BigInt(int + frac) * (neg ? -1n : 1n);
  return norm({ num, den: 10n ** BigInt(frac.length) });
}

/** Parse a conversion factor: a positive decimal (`"25"`, `"0.454"`) or a fraction of decimals (`"1/3"`). */
export function parseFactor(s: string): Rational {
  if (!RATIONAL_RE.test(s)) throw fieldError(['factor'], 'must be a positive decimal or a fraction "a/b"', s);
  const [a = '0', b] = s.split('/');
  const ra = decimalToRational(a);
  const rb = b === undefined ? { num: 1n, den: 1n } : decimalToRational(b);
  if (ra.num === 0n || rb.num === 0n) throw fieldError(['factor'], 'must be greater than zero', s);
  return norm({ num: ra.num * rb.den, den: ra.den * rb.num });
}

/**
 * Convert a decimal string into an integer count of the smallest step (10^-decimals of the base unit).
 * Throws a VALIDATION_FAILED error naming `path` when the value has more precision than the unit allows.
 */
export function toSteps(value: string, decimals: number, path: (string | number)[] = ['quantity']): bigint {
  if (typeof value !== 'string' || value.length > 40 || !DECIMAL_RE.test(value)) {
    throw fieldError(path, 'must be a decimal string such as "12.500"', value);
  }
  // value = digits / 10^f with digits = int + frac: a whole number of 10^-decimals steps exactly when the
  // fraction digits past `decimals` are zeros, and then the steps are the digits up to `decimals`
  // (the same as scaling the exact rational, without building one).
  const neg = value.charCodeAt(0) === 45; // '-'
  const dot = value.indexOf('.');
  const int = value.slice(neg ? 1 : 0, dot < 0 ? value.length : dot);
  const frac = dot < 0 ? '' : value.slice(dot + 1);
  for (let i = decimals; i < frac.length; i++) {
    if (frac.charCodeAt(i) !== 48) {
      throw fieldError(path, `has more than ${decimals} decimal places allowed by the unit`, value);
    }
  }
  const digits =
    frac.length >= decimals ? int + frac.slice(0, decimals) : int + frac + '0'.repeat(decimals - frac.length);
  const steps = BigInt(digits);
  return bounded(neg ? -steps : steps, value, path);
}

/** Largest step count of one quantity: the same bound on every store (see `LIMITS.maxSteps`). */
export const MAX_STEPS = 999_999_999_999_999n;

function bounded(steps: bigint, value: string, path: (string | number)[]): bigint {
  if (steps > MAX_STEPS || steps < -MAX_STEPS) {
    throw fieldError(path, `is too large (at most ${MAX_STEPS} steps of the unit)`, value);
  }
  return steps;
}

/** Format an integer count of steps as a decimal string with exactly `decimals` fraction digits. */
export function fromSteps(steps: bigint, decimals: number): Decimal {
  const neg = steps < 0n;
  const abs = neg ? -steps : steps;
  const s = abs.toString().padStart(decimals + 1, '0');
  const int = decimals ? s.slice(0, s.length - decimals) : s;
  const frac = decimals ? `.${s.slice(s.length - decimals)}` : '';
  return `${neg ? '-' : ''}${int}${frac}`;
}

/** Approximate float value of a step count (for attribution estimates and the genealogy index only). */
export function stepsToNumber(steps: bigint, decimals: number): number {
  return Number(steps) / 10 ** decimals;
}

/** The unit facts of a product needed to convert quantities. */
export interface UnitSpec {
  id?: string;
  unit: string;
  decimals: number;
  conversions?: { unit: string; factor: string }[];
}

/**
 * Convert `value` expressed in `unit` into steps of the product's base unit, using the product's declared
 * factors (1 `unit` = factor base units). Unknown unit → UNIT_MISMATCH; a result finer than the base
 * unit's step → VALIDATION_FAILED.
 */
export function convertToSteps(
  value: string,
  unit: string | undefined,
  product: UnitSpec,
  path: (string | number)[] = ['quantity'],
): bigint {
  if (unit === undefined || unit === product.unit) return toSteps(value, product.decimals, path);
  const conv = product.conversions?.find((c) => c.unit === unit);
  if (!conv) {
    throw new LotgraphError(
      ErrorCodes.UNIT_MISMATCH,
      `${path.join('.')}: unit "${unit}" is not declared for product "${product.id ?? '?'}" (base unit "${product.unit}")`,
      { field: path.join('.'), unit, productId: product.id, baseUnit: product.unit },
    );
  }
  if (value.length > 40 || !DECIMAL_RE.test(value))
    throw fieldError(path, 'must be a decimal string such as "12.500"', value);
  const v = decimalToRational(value);
  const f = parseFactor(conv.factor);
  const num = v.num * f.num * 10n ** BigInt(product.decimals);
  const den = v.den * f.den;
  if (num % den !== 0n) {
    throw fieldError(
      path,
      `${value} ${unit} is not a whole number of ${product.unit} steps (${product.decimals} decimals)`,
      value,
    );
  }
  return bounded(num / den, value, path);
}
