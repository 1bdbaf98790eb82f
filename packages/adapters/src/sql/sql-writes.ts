/**
 * From a checked {@link AppendPlan} to statements: one multi-row statement per table (split only below
 * the dialect's parameter limit), the head update and the change notification. No reads, no per-row round
 * trips.
 *
 * @module
 */
import type { AppendPlan, StoredEvent } from '@lotgraph/sdk';
import { encodeRecord, gtin14 } from './codec.js';
import type { SqlDialect, TableName } from './dialect.js';
import type { Statement } from './driver.js';
import { outboxRecordStatement } from './sql-outbox.js';

const blob = (u: Uint8Array | undefined) =>
  u === undefined ? null : Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/** The columns of the events table, in the order of {@link eventValues}. */
export const EVENT_COLUMNS = [
  'seq',
  'type',
  'event_time',
  'record_time',
  'actor',
  'idempotency_key',
  'request_hash',
  'payload',
  'prev_hash',
  'hash',
] as const;

/** An event's row values, in {@link EVENT_COLUMNS} order. */
export const eventValues = (e: StoredEvent): unknown[] => [
  e.seq,
  e.type,
  e.eventTime,
  e.recordTime,
  e.actor,
  e.idempotencyKey,
  e.requestHash,
  JSON.stringify(e.payload),
  e.prevHash,
  e.hash,
];

/**
 * The text of each multi-row INSERT shape (dialect, table, columns, conflict, row count) — built once and
 * then the same string: the PostgreSQL driver looks each text up to find its prepared statement, and a
 * string seen before hashes for free.
 */
const shapes = new WeakMap<SqlDialect, Map<string, string>>();

/** Multi-row INSERTs of `rows` into `table` (split so no statement exceeds the parameter limit). */
export function insertRows(
  d: SqlDialect,
  table: TableName,
  columns: readonly string[],
  rows: readonly unknown[][],
  conflict?: { key: readonly string[]; update?: readonly string[] } | 'ignore',
): Statement[] {
  if (rows.length === 0) return [];
  const per = Math.max(1, Math.floor(d.maxParams / columns.length));
  let cache = shapes.get(d);
  if (!cache) {
    cache = new Map();
    shapes.set(d, cache);
  }
  const conflictKey =
    conflict === undefined ? '' : conflict === 'ignore' ? '!' : `${conflict.key}/${conflict.update ?? ''}`;
  const text = (n: number): string => {
    const key = `${table}|${columns}|${conflictKey}|${n}`;
    let sql = cache.get(key);
    if (sql === undefined) {
      const tuple = `(${columns.map(() => '?').join(', ')})`;
      const head = conflict === 'ignore' ? d.insertIgnore.head : 'INSERT INTO';
      const tail =
        conflict === undefined
          ? ''
          : conflict === 'ignore'
            ? d.insertIgnore.tail
            : ` ${d.upsert(conflict.key, conflict.update ?? columns.filter((c) => !conflict.key.includes(c)))}`;
      sql = `${head} ${d.table(table)} (${columns.join(', ')}) VALUES ${Array(n).fill(tuple).join(', ')}${tail}`;
      if (cache.size >= 2048) cache.clear();
      cache.set(key, sql);
    }
    return sql;
  };
  const out: Statement[] = [];
  for (let i = 0; i < rows.length; i += per) {
    const part = rows.slice(i, i + per);
    out.push({ sql: text(part.length), params: part.flat() });
  }
  return out;
}

/**
 * The write statements of a plan, in dependency-free order, then `more` (the serial and unit statements,
 * see `sql-serials.ts`), ending with the head update (and notify). `outbox` false (read under the lock:
 * no subscription has event types, see `sql-head.ts`) leaves out the outbox's statement.
 */
export function planStatements(
  d: SqlDialect,
  plan: AppendPlan,
  edgeBase: number,
  more: readonly Statement[] = [],
  outbox = true,
): Statement[] {
  const id = ['id'];
  const s: Statement[] = [];
  s.push(...insertRows(d, 'events', EVENT_COLUMNS, plan.events.map(eventValues)));
  const first = plan.events[0];
  // The outbox's messages for these events, in the same transaction (see `sql-outbox.ts`).
  if (first && outbox) s.push(outboxRecordStatement(d, first.seq - 1, plan.head.seq));
  s.push(
    ...insertRows(
      d,
      'products',
      ['id', 'gtin14', 'data'],
      plan.products.map((p) => [p.id, gtin14(p.gtin), encodeRecord(p)]),
      { key: id },
    ),
    ...insertRows(
      d,
      'parties',
      ['id', 'data'],
      plan.parties.map((p) => [p.id, encodeRecord(p)]),
      { key: id },
    ),
    ...insertRows(
      d,
      'locations',
      ['id', 'data'],
      plan.locations.map((p) => [p.id, encodeRecord(p)]),
      { key: id },
    ),
    ...insertRows(
      d,
      'lots',
      ['id', 'product_id', 'supplier_id', 'supplier_lot_number', 'expiry', 'created_seq', 'data'],
      plan.lots.map((l) => [
        l.id,
        l.productId,
        l.supplierId ?? null,
        l.supplierLotNumber ?? null,
        l.expiry ?? null,
        l.createdSeq,
        encodeRecord(l),
      ]),
      { key: id },
    ),
    ...insertRows(
      d,
      'stock',
      ['lot_id', 'location_id', 'product_id', 'quantity'],
      plan.stock.map((b) => [b.lotId, b.locationId, b.productId, b.quantity]),
      { key: ['lot_id', 'location_id'] },
    ),
  );
  for (const x of plan.stockDeleted) {
    s.push({
      sql: `DELETE FROM ${d.table('stock')} WHERE lot_id = ? AND location_id = ?`,
      params: [x.lotId, x.locationId],
    });
  }
  s.push(
    ...insertRows(
      d,
      'nodes',
      ['id', 'kind', 'ref', 'seq'],
      plan.nodes.map((n) => [n.id, n.kind, n.ref, n.seq]),
    ),
    ...insertRows(
      d,
      'edges',
      ['id', 'src', 'dst', 'quantity', 'scale', 'seq'],
      plan.edges.map((e, j) => [edgeBase + 1 + j, e.src, e.dst, e.quantity, e.scale, e.seq]),
    ),
    ...insertRows(
      d,
      'shipments',
      ['id', 'customer_id', 'seq', 'data'],
      plan.shipments.map((x) => [x.id, x.customerId, x.seq, encodeRecord(x)]),
      { key: id },
    ),
    ...insertRows(
      d,
      'shipment_lines',
      ['shipment_id', 'line_no', 'lot_id', 'customer_id', 'seq', 'quantity', 'data'],
      plan.shipmentLines.map(({ quantity, ...rest }) => [
        rest.shipmentId,
        rest.lineNo,
        rest.lotId,
        rest.customerId,
        rest.seq,
        quantity,
        encodeRecord(rest),
      ]),
      { key: ['shipment_id', 'line_no'] },
    ),
    ...insertRows(
      d,
      'holds',
      ['id', 'lot_id', 'location_id', 'status', 'placed_seq', 'data'],
      plan.holds.map((h) => [h.id, h.lotId, h.locationId ?? null, h.status, h.placedSeq, encodeRecord(h)]),
      { key: id },
    ),
    ...insertRows(
      d,
      'reservations',
      ['id', 'lot_id', 'location_id', 'product_id', 'order_id', 'status', 'quantity', 'created_seq', 'data'],
      plan.reservations.map((r) => [
        r.id,
        r.lotId,
        r.locationId,
        r.productId,
        r.orderId,
        r.status,
        r.quantity,
        r.createdSeq,
        encodeRecord(r),
      ]),
      { key: id },
    ),
    ...insertRows(
      d,
      'test_results',
      ['id', 'lot_id', 'seq', 'data'],
      plan.testResults.map((t) => [t.id, t.lotId, t.seq, encodeRecord(t)]),
      { key: id },
    ),
  );
  if (plan.documents.length > 0) {
    const ids = plan.documents.map((x) => x.id);
    s.push(
      ...insertRows(
        d,
        'documents',
        ['id', 'kind', 'seq', 'data', 'content'],
        plan.documents.map(({ content, ...meta }) => [
          meta.id,
          meta.kind,
          meta.seq,
          encodeRecord(meta),
          blob(content),
        ]),
        { key: id },
      ),
      {
        sql: `DELETE FROM ${d.table('document_lots')} WHERE ${d.inList('document_id')}`,
        params: [d.listParam(ids)],
      },
      {
        sql: `DELETE FROM ${d.table('document_shipments')} WHERE ${d.inList('document_id')}`,
        params: [d.listParam(ids)],
      },
      ...insertRows(
        d,
        'document_lots',
        ['document_id', 'lot_id'],
        plan.documents.flatMap((x) => [...new Set(x.lotIds)].map((l) => [x.id, l])),
        'ignore',
      ),
      ...insertRows(
        d,
        'document_shipments',
        ['document_id', 'shipment_id'],
        plan.documents.flatMap((x) => [...new Set(x.shipmentIds)].map((l) => [x.id, l])),
        'ignore',
      ),
    );
  }
  s.push(
    ...insertRows(
      d,
      'records',
      ['collection', 'id', 'record_key', 'seq', 'value'],
      plan.records.map((r) => [r.collection, r.id, r.key ?? null, r.seq, encodeRecord(r)]),
      { key: ['collection', 'id'] },
    ),
  );
  s.push(...more);
  const h = plan.head;
  s.push({
    sql: `UPDATE ${d.table('head')} SET seq = ?, hash = ?, node_count = ?, edge_count = ?, master_seq = ? WHERE id = 1`,
    params: [h.seq, h.hash, h.nodeCount, h.edgeCount, h.masterSeq ?? 0],
  });
  const n = d.notify?.(h.seq);
  if (n) s.push(n);
  return s;
}
