/**
 * Building blocks of the trace catalogue: growable typed-array columns, a string interner and day numbers.
 *
 * @module
 */

/** "No value" in an int column. */
export const NONE = -1;
/** Sentinel of the expiry column: no expiry. */
export const NO_DAY = -2147483648;
/** Sentinel of the expiry column: an expiry that is not a plain day number (kept in `expiryOdd`). */
export const ODD_DAY = -2147483647;
export const DAY_MS = 86_400_000;
export const I64_MIN = -(2n ** 63n);
export const I64_MAX = 2n ** 63n - 1n;

/** Strings stored once, referred to by a dense int. */
export class Interner {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [];
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.ids.set(s, i);
      this.strings.push(s);
    }
    return i;
  }
  opt(s: string | undefined): number {
    return s === undefined ? NONE : this.id(s);
  }
  at(i: number): string {
    return this.strings[i]!;
  }
}

export type IntArray = Int32Array | Uint32Array | Uint8Array;

/** A growable typed-array column. */
export class Col<T extends IntArray | BigInt64Array> {
  buf: T;
  length = 0;
  constructor(
    private readonly make: (n: number) => T,
    private readonly fill: number | bigint,
  ) {
    this.buf = make(256);
    this.buf.fill(fill as never);
  }
  /** Make index `n - 1` addressable (new cells hold the fill value). */
  ensure(n: number): void {
    if (n > this.buf.length) {
      const next = this.make(Math.max(n, this.buf.length * 2));
      next.fill(this.fill as never);
      next.set(this.buf as never);
      this.buf = next;
    }
    if (n > this.length) this.length = n;
  }
  push(v: number | bigint): number {
    const i = this.length;
    this.ensure(i + 1);
    this.buf[i] = v as never;
    return i;
  }
  /** Drop the spare capacity (after a bulk fill). */
  trim(): void {
    if (this.buf.length > this.length) this.buf = this.buf.slice(0, Math.max(1, this.length)) as T;
  }
  get bytes(): number {
    return this.buf.byteLength;
  }
}

export const int32 = () => new Col((n) => new Int32Array(n), NONE);

/** `YYYY-MM-DD` → days since 1970-01-01, or undefined when the string does not round-trip exactly. */
export function dayNumber(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const n = Math.round(d.getTime() / DAY_MS);
  return dayString(n) === s ? n : undefined;
}

/** Days since 1970-01-01 → `YYYY-MM-DD` (years 0000–9999). */
export function dayString(n: number): string {
  const d = new Date(n * DAY_MS);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth() + 1;
  const da = d.getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(da).padStart(2, '0')}`;
}
