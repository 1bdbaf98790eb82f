/**
 * Serials and logistic units in the SQL stores, written once for every dialect: the compact row codec, the
 * reads of the Store port, and the statements of an append's serial and unit changes (run in batch order).
 *
 * A serial row holds only columns — no JSON per serial: the state as one letter, and the history as text
 * `a12 s40` (state letter + seq per entry, appended with the dialect's string concatenation). Units keep
 * their loose lot quantities as JSON text `[["lot", "steps"], …]`.
 *
 * @module
 */
import {
  compareSerials,
  type LogisticUnitRecord,
  type Lot,
  type SerialFilter,
  type SerialKey,
  type SerialPatch,
  type SerialRecord,
  type SerialState,
  type SerialTrail,
  type SerialUnitChange,
  type ShipmentRecord,
  type UnitFilter,
  type UnitPatch,
} from '@lotgraph/sdk';
import { decodeRecord, sortById } from './codec.js';
import type { SqlDialect } from './dialect.js';
import type { Row, Statement } from './driver.js';
import { SqlReads, where } from './sql-reads.js';
import { insertRows } from './sql-writes.js';

const CODE: Record<SerialState, string> = {
  active: 'a',
  shipped: 's',
  returned: 'r',
  dispensed: 'd',
  destroyed: 'x',
  sample: 'p',
  decommissioned: 'c',
};
const STATE = new Map(Object.entries(CODE).map(([s, c]) => [c, s as SerialState]));

/** Columns of the serials table, in insert order. */
export const SERIAL_COLS =
  'gtin, serial, lot_id, state, location_id, unit_id, shipment_id, reason, seq, history' as const;
const UNIT_COLS = 'id, kind, state, parent_id, location_id, shipment_id, created_seq, seq, lots';

const opt = <K extends string>(k: K, v: unknown): Partial<Record<K, string>> =>
  v === null || v === undefined ? {} : ({ [k]: String(v) } as Record<K, string>);

/** A serial from its row. */
export function rowToSerial(r: Row): SerialRecord {
  const history = String(r.history)
    .split(' ')
    .filter(Boolean)
    .map((h) => ({ state: STATE.get(h[0] as string) as SerialState, seq: Number(h.slice(1)) }));
  return {
    gtin: r.gtin as string,
    serial: r.serial as string,
    lotId: r.lot_id as string,
    state: STATE.get(r.state as string) as SerialState,
    ...opt('locationId', r.location_id),
    ...opt('unitId', r.unit_id),
    ...opt('shipmentId', r.shipment_id),
    ...opt('reason', r.reason),
    seq: Number(r.seq),
    history,
  };
}

function rowToUnit(r: Row): LogisticUnitRecord {
  const lots = (JSON.parse(r.lots as string) as [string, string][]).map(([lotId, q]) => ({
    lotId,
    quantity: BigInt(q),
  }));
  return {
    id: r.id as string,
    kind: r.kind as string,
    state: r.state as LogisticUnitRecord['state'],
    ...opt('parentId', r.parent_id),
    ...opt('locationId', r.location_id),
    ...opt('shipmentId', r.shipment_id),
    lots,
    createdSeq: Number(r.created_seq),
    seq: Number(r.seq),
  };
}

/** One statement per GTIN reading the stored rows of `keys` (for reads and the append's re-check). */
export function serialKeyStatements(d: SqlDialect, keys: readonly SerialKey[]): Statement[] {
  const byGtin = new Map<string, string[]>();
  for (const k of keys) {
    const list = byGtin.get(k.gtin) ?? [];
    byGtin.set(k.gtin, list);
    list.push(k.serial);
  }
  return [...byGtin].map(([gtin, serials]) => ({
    sql: `SELECT ${SERIAL_COLS} FROM ${d.table('serials')} WHERE gtin = ? AND ${d.inList('serial')}`,
    params: [gtin, d.listParam([...new Set(serials)])],
  }));
}

/** `col = ?` for every field of `patch` given (`null` clears), after `seq = ?`. */
function setClause(
  patch: { readonly [k: string]: string | null | undefined },
  columns: readonly (readonly [string, string])[],
  seq: number,
): { sets: string[]; params: unknown[] } {
  const sets = ['seq = ?'];
  const params: unknown[] = [seq];
  for (const [k, col] of columns) {
    const v = patch[k];
    if (v === undefined) continue;
    sets.push(`${col} = ?`);
    params.push(v);
  }
  return { sets, params };
}

function serialSet(d: SqlDialect, p: SerialPatch, seq: number): { sql: string; params: unknown[] } {
  const { state, ...rest } = p;
  const { sets, params } = setClause(
    rest,
    [
      ['locationId', 'location_id'],
      ['unitId', 'unit_id'],
      ['shipmentId', 'shipment_id'],
      ['reason', 'reason'],
    ],
    seq,
  );
  if (state !== undefined) {
    sets.push('state = ?', `history = ${d.concat(['history', '?'])}`);
    params.push(CODE[state], ` ${CODE[state]}${seq}`);
  }
  return { sql: sets.join(', '), params };
}

function unitSet(p: UnitPatch, seq: number): { sql: string; params: unknown[] } {
  const { sets, params } = setClause(
    { ...p },
    [
      ['state', 'state'],
      ['parentId', 'parent_id'],
      ['locationId', 'location_id'],
      ['shipmentId', 'shipment_id'],
    ],
    seq,
  );
  return { sql: sets.join(', '), params };
}

const unitValues = (u: LogisticUnitRecord): unknown[] => [
  u.id,
  u.kind,
  u.state,
  u.parentId ?? null,
  u.locationId ?? null,
  u.shipmentId ?? null,
  u.createdSeq,
  u.seq,
  JSON.stringify(u.lots.map((l) => [l.lotId, l.quantity.toString()])),
];

const samePatch = (a: SerialPatch, b: SerialPatch) =>
  a.state === b.state &&
  a.locationId === b.locationId &&
  a.unitId === b.unitId &&
  a.shipmentId === b.shipmentId &&
  a.reason === b.reason &&
  Object.keys(a).length === Object.keys(b).length;

/**
 * Consecutive `updateSerials` of one event, GTIN and patch as one change (a shipment's per-lot updates of
 * a pallet): one statement to plan instead of one per lot. Only neighbours merge, so batch order is kept.
 */
function coalesce(changes: readonly SerialUnitChange[]): SerialUnitChange[] {
  const out: SerialUnitChange[] = [];
  /** The serials of the last output change, when it is an update. */
  let seen = new Set<string>();
  for (const c of changes) {
    const last = out[out.length - 1];
    if (
      c.type === 'updateSerials' &&
      last?.type === 'updateSerials' &&
      last.gtin === c.gtin &&
      last.seq === c.seq &&
      samePatch(last.patch, c.patch) &&
      // A serial named twice is updated twice (its history grows twice): those stay apart.
      !c.serials.some((x) => seen.has(x))
    ) {
      out[out.length - 1] = { ...last, serials: [...last.serials, ...c.serials] };
      for (const x of c.serials) seen.add(x);
    } else {
      out.push(c);
      seen = new Set(c.type === 'updateSerials' ? c.serials : []);
    }
  }
  return out;
}

/** Deepest nesting `describeSerial` follows outwards (units cannot be packed in a cycle; this bounds a damaged store). */
const MAX_UNIT_DEPTH = 64;

/** The statements of an append's serial and unit changes, in batch order (no reads). */
export function serialStatements(d: SqlDialect, changes: readonly SerialUnitChange[]): Statement[] {
  const out: Statement[] = [];
  for (const c of coalesce(changes)) {
    if (c.type === 'addSerials') {
      const rows = c.serials.map((serial) => [
        c.gtin,
        serial,
        c.lotId,
        CODE.active,
        c.locationId,
        c.unitId ?? null,
        null,
        null,
        c.seq,
        `${CODE.active}${c.seq}`,
      ]);
      out.push(...insertRows(d, 'serials', SERIAL_COLS.split(', '), rows));
    } else if (c.type === 'updateSerials') {
      if (c.serials.length === 0) continue;
      const set = serialSet(d, c.patch, c.seq);
      out.push({
        sql: `UPDATE ${d.table('serials')} SET ${set.sql} WHERE gtin = ? AND ${d.inList('serial')}`,
        params: [...set.params, c.gtin, d.listParam(c.serials)],
      });
    } else if (c.type === 'putUnit') {
      out.push(
        ...insertRows(d, 'logistic_units', UNIT_COLS.split(', '), [unitValues(c.unit)], { key: ['id'] }),
      );
    } else {
      if (c.ids.length === 0) continue;
      const set = unitSet(c.patch, c.seq);
      out.push({
        sql: `UPDATE ${d.table('logistic_units')} SET ${set.sql} WHERE ${d.inList('id')}`,
        params: [...set.params, d.listParam(c.ids)],
      });
    }
  }
  return out;
}

function serialWhere(d: SqlDialect, f: SerialFilter) {
  const w = where([
    ['gtin = ?', f.gtin],
    ['lot_id = ?', f.lotId],
    ['location_id = ?', f.locationId],
    ['state = ?', f.state === undefined ? undefined : CODE[f.state]],
    [d.inList('unit_id'), f.unitIds === undefined ? undefined : d.listParam(f.unitIds)],
    [d.inList('shipment_id'), f.shipmentIds === undefined ? undefined : d.listParam(f.shipmentIds)],
  ]);
  return w;
}

/** The serial and unit reads of the Store port; {@link SqlStore} extends this. */
export abstract class SqlSerialReads extends SqlReads {
  async getSerials(keys: readonly SerialKey[]): Promise<SerialRecord[]> {
    if (keys.length === 0) return [];
    const statements = serialKeyStatements(this.d, keys);
    const found =
      statements.length === 1
        ? [await this.q(statements[0]!.sql, statements[0]!.params)]
        : await this.script(statements);
    return found.flat().map(rowToSerial).sort(compareSerials);
  }

  async listSerials(filter: SerialFilter): Promise<SerialRecord[]> {
    if (filter.unitIds?.length === 0 || filter.shipmentIds?.length === 0 || filter.limit === 0) return [];
    const w = serialWhere(this.d, filter);
    let sql = `SELECT ${SERIAL_COLS} FROM ${this.t('serials')}${w.sql}`;
    const params = [...w.params];
    if (filter.after) {
      sql += `${w.sql ? ' AND' : ' WHERE'} (gtin > ? OR (gtin = ? AND serial > ?))`;
      params.push(filter.after.gtin, filter.after.gtin, filter.after.serial);
    }
    // GTINs are digits and serials GS1 character set 82 (ASCII): byte order is UTF-16 order in every
    // collation the schemas use (binary, "C").
    sql += ' ORDER BY gtin, serial';
    if (filter.limit !== undefined) {
      sql += ' LIMIT ?';
      params.push(Math.max(0, Math.floor(filter.limit)));
    }
    return (await this.q(sql, params)).map(rowToSerial).sort(compareSerials);
  }

  async countSerials(filter: SerialFilter): Promise<number> {
    if (filter.unitIds?.length === 0 || filter.shipmentIds?.length === 0) return 0;
    const w = serialWhere(this.d, filter);
    const [r] = await this.q(`SELECT COUNT(*) AS n FROM ${this.t('serials')}${w.sql}`, w.params);
    return Number(r?.n ?? 0);
  }

  /**
   * The serial, its lot, its units outwards (a recursive query), its shipment and — where the dialect can
   * split the history text — its events, in one script; otherwise the events in a second round trip.
   */
  async describeSerial(key: SerialKey): Promise<SerialTrail | undefined> {
    const k = [key.gtin, key.serial];
    const serials = this.t('serials');
    const unitCols = UNIT_COLS.split(', ')
      .map((c) => `u.${c}`)
      .join(', ');
    const units = this.t('logistic_units');
    const events = (where: string) =>
      `SELECT seq, type, event_time FROM ${this.t('events')} WHERE ${where} ORDER BY seq`;
    const serialCols = SERIAL_COLS.split(', ')
      .map((c) => `s.${c}`)
      .join(', ');
    const statements: Statement[] = [
      {
        // The serial with its lot's and shipment's records (one statement to plan, not three).
        sql:
          `SELECT ${serialCols}, l.data AS lot_data, sh.data AS shipment_data FROM ${serials} s ` +
          `LEFT JOIN ${this.t('lots')} l ON l.id = s.lot_id LEFT JOIN ${this.t('shipments')} sh ON sh.id = s.shipment_id ` +
          'WHERE s.gtin = ? AND s.serial = ?',
        params: k,
      },
      {
        sql:
          `WITH RECURSIVE up (id, depth) AS (SELECT unit_id, 0 FROM ${serials} WHERE gtin = ? AND serial = ? AND unit_id IS NOT NULL ` +
          `UNION ALL SELECT p.parent_id, up.depth + 1 FROM ${units} p JOIN up ON p.id = up.id WHERE p.parent_id IS NOT NULL AND up.depth < ${MAX_UNIT_DEPTH}) ` +
          `SELECT ${unitCols} FROM up JOIN ${units} u ON u.id = up.id ORDER BY up.depth`,
        params: k,
      },
    ];
    if (this.d.historySeqs)
      statements.push({ sql: events(`seq IN (${this.d.historySeqs(serials)})`), params: k });
    const [found, unitRows, eventRows] = await this.script(statements);
    const row = found?.[0];
    if (!row) return undefined;
    const serial = rowToSerial(row);
    const seqs = [...new Set(serial.history.map((h) => h.seq))];
    const evs = eventRows ?? (await this.q(events(this.d.inList('seq')), [this.d.listParam(seqs)]));
    const trail: SerialTrail = {
      serial,
      units: (unitRows ?? []).map(rowToUnit),
      events: evs.map((e) => ({
        seq: Number(e.seq),
        type: e.type as SerialTrail['events'][number]['type'],
        eventTime: e.event_time as string,
      })),
    };
    if (row.lot_data != null) trail.lot = decodeRecord<Lot>(row.lot_data as string);
    if (row.shipment_data != null) trail.shipment = decodeRecord<ShipmentRecord>(row.shipment_data as string);
    return trail;
  }

  async getUnits(ids: readonly string[]): Promise<LogisticUnitRecord[]> {
    if (ids.length === 0) return [];
    const rows = await this.q(
      `SELECT ${UNIT_COLS} FROM ${this.t('logistic_units')} WHERE ${this.d.inList('id')}`,
      [this.d.listParam([...new Set(ids)])],
    );
    return sortById(rows.map(rowToUnit));
  }

  async listUnits(filter: UnitFilter): Promise<LogisticUnitRecord[]> {
    if (filter.parentIds?.length === 0) return [];
    const w = where([
      [
        this.d.inList('parent_id'),
        filter.parentIds === undefined ? undefined : this.d.listParam(filter.parentIds),
      ],
      ['shipment_id = ?', filter.shipmentId],
      ['location_id = ?', filter.locationId],
      ['state = ?', filter.state],
    ]);
    return sortById(
      (await this.q(`SELECT ${UNIT_COLS} FROM ${this.t('logistic_units')}${w.sql}`, w.params)).map(rowToUnit),
    );
  }
}
