/**
 * The errors of the Store contract, built in one place: MemoryStore, OverlayStore and every SQL store
 * (`@lotgraph/adapters`) throw exactly these, so a caller sees the same code, message and details from
 * whichever store it runs on (the conformance suite compares them).
 *
 * @module
 */
import { ErrorCodes, LotgraphError } from '../errors.js';

/** `STORE_CLOSED`: a call after `close()`. */
export function closedError(name: string): LotgraphError {
  return new LotgraphError(ErrorCodes.STORE_CLOSED, `the store ${name} is closed`, { store: name });
}

/** `CONFLICT`: `expectedSeq` is not the head (another writer committed first). */
export function staleSeqError(expectedSeq: number, headSeq: number): LotgraphError {
  return new LotgraphError(
    ErrorCodes.CONFLICT,
    `expectedSeq ${expectedSeq} does not match the store head ${headSeq}`,
    { expectedSeq, headSeq },
  );
}

/** `CONFLICT`: an event's seq is not the next one. */
export function badSeqError(index: number, seq: number, expected: number): LotgraphError {
  return new LotgraphError(ErrorCodes.CONFLICT, `events[${index}].seq is ${seq}, expected ${expected}`, {
    field: `events[${index}].seq`,
    value: seq,
  });
}

/** `CONFLICT`: an idempotency key already stored (or twice in one batch). */
export function duplicateKeyError(key: string): LotgraphError {
  return new LotgraphError(ErrorCodes.CONFLICT, `idempotency key "${key}" is already used`, {
    idempotencyKey: key,
  });
}

/** `VALIDATION_FAILED`: a batch without events. */
export function emptyBatchError(): LotgraphError {
  return new LotgraphError(ErrorCodes.VALIDATION_FAILED, 'events: a batch must carry at least one event', {
    field: 'events',
  });
}

/** `INSUFFICIENT_STOCK`: a stock change that would take a balance below zero. */
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

/** `INSUFFICIENT_STOCK`: active reservations of a lot × location would exceed its stock. */
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

/** `CONFLICT`: `addNodes.firstId` is not the node count. */
export function firstIdError(change: number, firstId: number, expected: number): LotgraphError {
  return new LotgraphError(ErrorCodes.CONFLICT, `addNodes.firstId is ${firstId}, expected ${expected}`, {
    change,
    firstId,
    expected,
  });
}

/** `CONFLICT`: a genealogy node `(kind, ref)` that already exists. */
export function duplicateNodeError(change: number, kind: number, ref: string): LotgraphError {
  return new LotgraphError(ErrorCodes.CONFLICT, `genealogy node (${kind}, "${ref}") already exists`, {
    change,
    kind,
    ref,
  });
}

/** `VALIDATION_FAILED`: an edge to a node that does not exist. */
export function danglingEdgeError(change: number, src: number, dst: number, count: number): LotgraphError {
  return new LotgraphError(
    ErrorCodes.VALIDATION_FAILED,
    `edge ${src} → ${dst} references a node that does not exist (node count ${count})`,
    { change, src, dst },
  );
}

/** `VALIDATION_FAILED`: a quantity or balance that does not fit the stores' signed 64-bit columns. */
export function quantityRangeError(field: string, value: bigint): LotgraphError {
  return new LotgraphError(
    ErrorCodes.VALIDATION_FAILED,
    `${field}: ${value} does not fit a signed 64-bit integer (the store's quantity column)`,
    { field, value: String(value) },
  );
}

const I64_MIN = -(2n ** 63n);
/** The largest quantity any store keeps (a signed 64-bit column). */
export const I64_MAX = 2n ** 63n - 1n;

/** Throw {@link quantityRangeError} unless `v` fits a signed 64-bit integer; returns `v`. */
export function checkI64(field: string, v: bigint): bigint {
  if (v < I64_MIN || v > I64_MAX) throw quantityRangeError(field, v);
  return v;
}

/** `CONFLICT`: a serial (GTIN + serial number) commissioned twice. */
export function duplicateSerialError(index: number, gtin: string, serial: string): LotgraphError {
  return new LotgraphError(
    ErrorCodes.CONFLICT,
    `changes[${index}]: serial "${serial}" of GTIN ${gtin} already exists`,
    { field: `changes[${index}].serials`, gtin, serial },
  );
}
