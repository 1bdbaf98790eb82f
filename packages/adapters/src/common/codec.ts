/**
 * Row codecs shared by the SQL adapters: records are kept as JSON text next to the indexed columns the
 * queries need. `bigint` values are written as `{"$bigint":"123"}` so they round-trip exactly, and
 * `Uint8Array`s are never put in JSON (documents keep their bytes in a separate column).
 *
 * @module
 */
import { ErrorCodes, LotgraphError } from '@lotgraph/sdk';

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

/** The `STORE_CLOSED` error every adapter throws after `close()`. */
export function closedError(name: string): LotgraphError {
  return new LotgraphError(ErrorCodes.STORE_CLOSED, `the store ${name} is closed`, { store: name });
}

/** `CONFLICT` for a stale `expectedSeq`. */
export function staleSeqError(expectedSeq: number, headSeq: number): LotgraphError {
  return new LotgraphError(
    ErrorCodes.CONFLICT,
    `expectedSeq ${expectedSeq} does not match the store head ${headSeq}`,
    { expectedSeq, headSeq },
  );
}

/** `CONFLICT` for an event whose seq is not the next one. */
export function badSeqError(index: number, seq: number, expected: number): LotgraphError {
  return new LotgraphError(ErrorCodes.CONFLICT, `events[${index}].seq is ${seq}, expected ${expected}`, {
    field: `events[${index}].seq`,
    value: seq,
  });
}

/** `CONFLICT` for a reused idempotency key. */
export function duplicateKeyError(key: string): LotgraphError {
  return new LotgraphError(ErrorCodes.CONFLICT, `idempotency key "${key}" is already used`, {
    idempotencyKey: key,
  });
}

/** `VALIDATION_FAILED` for an empty batch. */
export function emptyBatchError(): LotgraphError {
  return new LotgraphError(ErrorCodes.VALIDATION_FAILED, 'events: a batch must carry at least one event', {
    field: 'events',
  });
}

/** `INSUFFICIENT_STOCK` for a stock change that would go negative. */
export function negativeStockError(
  lotId: string,
  locationId: string,
  onHand: bigint,
  delta: bigint,
  change: number,
): LotgraphError {
  return new LotgraphError(
    ErrorCodes.INSUFFICIENT_STOCK,
    `lot "${lotId}" at location "${locationId}": on hand ${onHand} steps, change ${delta} would go negative`,
    { lotId, locationId, onHand: String(onHand), delta: String(delta), change },
  );
}

/** `INSUFFICIENT_STOCK` for reservations exceeding on-hand stock. */
export function overReservedError(
  reservationId: string,
  lotId: string,
  locationId: string,
  onHand: bigint,
  reserved: bigint,
  change: number,
): LotgraphError {
  return new LotgraphError(
    ErrorCodes.INSUFFICIENT_STOCK,
    `reservation "${reservationId}": lot "${lotId}" at "${locationId}" has ${onHand} steps on hand, ${reserved} would be reserved`,
    { lotId, locationId, onHand: String(onHand), reserved: String(reserved), change },
  );
}

/** `CONFLICT` for `addNodes.firstId` not equal to the node count. */
export function firstIdError(change: number, firstId: number, expected: number): LotgraphError {
  return new LotgraphError(ErrorCodes.CONFLICT, `addNodes.firstId is ${firstId}, expected ${expected}`, {
    change,
    firstId,
    expected,
  });
}

/** `CONFLICT` for a duplicate `(kind, ref)` node. */
export function duplicateNodeError(change: number, kind: number, ref: string): LotgraphError {
  return new LotgraphError(ErrorCodes.CONFLICT, `genealogy node (${kind}, "${ref}") already exists`, {
    change,
    kind,
    ref,
  });
}

/** `VALIDATION_FAILED` for an edge to a node that does not exist. */
export function danglingEdgeError(change: number, src: number, dst: number, count: number): LotgraphError {
  return new LotgraphError(
    ErrorCodes.VALIDATION_FAILED,
    `edge ${src} → ${dst} references a node that does not exist (node count ${count})`,
    { change, src, dst },
  );
}

/** `VALIDATION_FAILED` for a quantity that does not fit the database's 64-bit integer column. */
export function quantityRangeError(field: string, value: bigint): LotgraphError {
  return new LotgraphError(
    ErrorCodes.VALIDATION_FAILED,
    `${field}: ${value} does not fit a signed 64-bit integer (the store's quantity column)`,
    { field, value: String(value) },
  );
}

const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
/** Throw {@link quantityRangeError} unless `v` fits a signed 64-bit integer. */
export function checkI64(field: string, v: bigint): bigint {
  if (v < I64_MIN || v > I64_MAX) throw quantityRangeError(field, v);
  return v;
}
