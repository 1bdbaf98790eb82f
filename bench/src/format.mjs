// Helpers every benchmark suite shares: order statistics, number and size formatting, an explicit GC
// (with --expose-gc) and a silent progress reporter for runs without one.

/** The `q` quantile of an ascending array (nearest rank, rounded down). */
export const quantile = (sorted, q) => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))];

/** Median, p95 and count of `xs`. */
export function stats(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return { median: quantile(s, 0.5), p95: quantile(s, 0.95), n: s.length };
}

/** Milliseconds for a table: "123 ms", "4.56 ms", "789 µs". */
export const fmtMs = (x) =>
  x >= 100 ? `${x.toFixed(0)} ms` : x >= 1 ? `${x.toFixed(2)} ms` : `${(x * 1000).toFixed(0)} µs`;

/** An integer with thousands separators. */
export const int = (n) => Math.round(n).toLocaleString('en-US');

/** 100000 → "100k", 1000000 → "1M". */
export const sizeLabel = (n) => (n >= 1e6 ? `${n / 1e6}M` : `${n / 1e3}k`);

/** Bytes as MiB with one decimal. */
export const mb = (b) => `${(b / 2 ** 20).toFixed(1)} MB`;

/** A full GC when node runs with --expose-gc (a no-op otherwise). */
export const gc = () => globalThis.gc?.();

/** The progress reporter a suite uses when `run.mjs` passes none: `p(fraction)`, `p.done()` do nothing. */
export function silentProgress() {
  const f = () => {};
  f.done = () => {};
  return f;
}
