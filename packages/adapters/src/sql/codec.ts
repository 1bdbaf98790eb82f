/**
 * Row codecs shared by the SQL adapters: records are kept as JSON text next to the indexed columns the
 * queries need. `bigint` values are written as `{"$bigint":"123"}` so they round-trip exactly, and
 * `Uint8Array`s are never put in JSON (documents keep their bytes in a separate column).
 *
 * @module
 */
const BIGINT_TAG = '$bigint';

/** JSON text of a record; bigints become `{"$bigint":"…"}`, `undefined` fields are dropped. */
export function encodeRecord(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) =>
    typeof v === 'bigint' ? { [BIGINT_TAG]: v.toString() } : v,
  );
}

/** Inverse of {@link encodeRecord}. */
export function decodeRecord<T>(text: string): T {
  // Fast path: most records carry no bigint, and JSON.parse without a reviver is several times faster.
  if (!text.includes(`"${BIGINT_TAG}"`)) return JSON.parse(text) as T;
  return JSON.parse(text, (_k, v: unknown) => {
    if (v !== null && typeof v === 'object' && !Array.isArray(v)) {
      const o = v as Record<string, unknown>;
      const tag = o[BIGINT_TAG];
      if (typeof tag === 'string' && Object.keys(o).length === 1) return BigInt(tag);
    }
    return v;
  }) as T;
}

/** Compare strings by UTF-16 code units, like JavaScript's `<` (the port's "ordered by id"). */
export const cmpStr = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Sort records by `id` (UTF-16 code units) in place and return them. */
export function sortById<T extends { id: string }>(rows: T[]): T[] {
  return rows.sort((a, b) => cmpStr(a.id, b.id));
}

/** GTIN normalised to 14 digits (the key of `findProductByGtin`). */
export const gtin14 = (gtin: string | undefined): string | null => (gtin ? gtin.padStart(14, '0') : null);

/** Split a list into chunks of at most `size` (for `IN (…)` lists). */
export function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}
