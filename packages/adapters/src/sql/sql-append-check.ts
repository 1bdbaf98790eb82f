/**
 * The reads behind an append's checks ({@link planAppend}): from the rows the sdk's prefetch read under the
 * write lock when they cover the batch, else from one script of indexed reads.
 *
 * @module
 */
import type {
  AppendBatch,
  AppendKeys,
  AppendState,
  Prefetched,
  ReservationRecord,
  StoreHead,
} from '@lotgraph/sdk';
import { decodeRecord } from './codec.js';
import type { SqlDialect } from './dialect.js';
import type { Row, Statement } from './driver.js';
import { rowToSerial, serialKeyStatements } from './sql-serials.js';

/** Rows read by a prefetch under the write lock: complete for `lots` (stock rows, every reservation). */
export interface Known {
  lots: ReadonlySet<string>;
  stock: Prefetched['stock'];
  reservations: Prefetched['reservations'];
  takenKeys: string[];
}

/**
 * The checks' state from `known` when it covers every row {@link planAppend} reads for `batch` (stock and
 * reservations of known lots only); idempotency keys and nodes it does not know are assumed free — the
 * unique indexes catch them. Undefined when a lot is not covered.
 */
export function coveredState(known: Known, head: StoreHead, batch: AppendBatch): AppendState | undefined {
  for (const c of batch.changes) {
    if (c.type === 'stockDelta' && !known.lots.has(c.lotId)) return undefined;
    if (c.type === 'putReservation' && !known.lots.has(c.reservation.lotId)) return undefined;
  }
  return {
    head,
    takenKeys: known.takenKeys,
    stock: known.stock,
    reservations: known.reservations,
    nodes: [],
  };
}

/** The reads of {@link planAppend}'s checks, sent as one script (each served by an index). */
export function checkStatements(d: SqlDialect, k: AppendKeys): { statements: Statement[]; parts: string[] } {
  const list = (v: string[]) => d.listParam(v);
  const statements: Statement[] = [];
  const parts: string[] = [];
  const add = (part: string, s: Statement) => {
    parts.push(part);
    statements.push(s);
  };
  add('keys', {
    sql: `SELECT idempotency_key FROM ${d.table('events')} WHERE ${d.inList('idempotency_key')}`,
    params: [list(k.idempotencyKeys)],
  });
  if (k.stockLots.length > 0)
    add('stock', {
      sql: `SELECT lot_id, location_id, product_id, quantity FROM ${d.table('stock')} WHERE ${d.inList('lot_id')}`,
      params: [list(k.stockLots)],
    });
  if (k.reservationIds.length > 0)
    add('reservations', {
      sql: `SELECT data FROM ${d.table('reservations')} WHERE ${d.inList('id')}`,
      params: [list(k.reservationIds)],
    });
  if (k.reservationLots.length > 0)
    add('reservations', {
      sql: `SELECT data FROM ${d.table('reservations')} WHERE ${d.inList('lot_id')} AND status = 'active'`,
      params: [list(k.reservationLots)],
    });
  for (const { kind, refs } of k.nodeRefs)
    add('nodes', {
      sql: `SELECT kind, ref FROM ${d.table('nodes')} WHERE kind = ? AND ${d.inList('ref')}`,
      params: [kind, list(refs)],
    });
  for (const s of serialKeyStatements(d, k.serialKeys)) add('serials', s);
  return { statements, parts };
}

export function appendState(head: StoreHead, parts: string[], found: Row[][]): AppendState {
  const of = (part: string) => parts.flatMap((p, i) => (p === part ? (found[i] ?? []) : []));
  return {
    head,
    takenKeys: of('keys').map((r) => r.idempotency_key as string),
    stock: of('stock').map((r) => ({
      lotId: r.lot_id as string,
      locationId: r.location_id as string,
      productId: r.product_id as string,
      quantity: BigInt(r.quantity as string),
    })),
    reservations: of('reservations').map((r) => decodeRecord<ReservationRecord>(r.data as string)),
    nodes: of('nodes').map((r) => ({ kind: Number(r.kind), ref: r.ref as string })),
    serials: of('serials').map(rowToSerial),
  };
}
