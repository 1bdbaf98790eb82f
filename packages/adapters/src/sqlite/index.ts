/**
 * `@lotgraph/adapters/sqlite` — the embedded default {@link Store} of lotgraph, on `better-sqlite3`.
 *
 * One database file (or `:memory:`), WAL journal, versioned schema migrations applied on open, an index
 * for every query the sdk makes, and the genealogy streamed in keyset pages straight into typed arrays.
 * Several processes (or several `SqliteStore`s in one process) may share a file: every `append` is one
 * `BEGIN IMMEDIATE` transaction that re-checks the ledger head, so writers never interleave.
 *
 * @example
 * ```ts
 * import { Lotgraph } from '@lotgraph/sdk';
 * import { SqliteStore } from '@lotgraph/adapters/sqlite';
 *
 * const store = SqliteStore.open({ filename: 'trace.db' });
 * const lg = await Lotgraph.open({ store });
 * ```
 *
 * @module
 */

import { AsyncLocalStorage } from 'node:async_hooks';
import type {
  AppendBatch,
  AuxRecord,
  AvailableStockRow,
  DocumentRecord,
  GenealogyChunk,
  GenealogyEdge,
  HoldRecord,
  Location,
  Lot,
  LotFilter,
  Party,
  Product,
  ProjectionChange,
  ReservationRecord,
  ShipmentLineFilter,
  ShipmentLineRecord,
  ShipmentRecord,
  StockBalance,
  StockFilter,
  Store,
  StoredEvent,
  StoreHead,
  StreamGenealogyOptions,
  TestResultRecord,
} from '@lotgraph/sdk';
import { compareAvailableStock, ErrorCodes, GENESIS_HASH, LotgraphError } from '@lotgraph/sdk';
import Database, { type Transaction } from 'better-sqlite3';
import {
  badSeqError,
  checkI64,
  closedError,
  cmpStr,
  danglingEdgeError,
  decodeRecord,
  duplicateKeyError,
  duplicateNodeError,
  emptyBatchError,
  encodeRecord,
  firstIdError,
  gtin14,
  negativeStockError,
  overReservedError,
  sortById,
  staleSeqError,
} from '../common/codec.js';
import { type Collector, type GenealogyPack, LITTLE_ENDIAN, newCollector } from '../common/pack.js';
import { SQLITE_MIGRATIONS, type SqliteMigration } from './schema.js';

export type { SqliteMigration } from './schema.js';
export { SQLITE_MIGRATIONS } from './schema.js';

/** The better-sqlite3 connection type. */
export type SqliteDatabase = Database.Database;

/** Options of {@link SqliteStore.open}. */
export interface SqliteStoreOptions {
  /** Database file path, or `:memory:` (the default) for a private in-memory database. */
  filename?: string;
  /** Use this already open better-sqlite3 connection instead of opening `filename` (not closed by `close()` unless `ownConnection`). */
  database?: SqliteDatabase;
  /** When passing `database`: close it in `close()` (default false). */
  ownConnection?: boolean;
  /**
   * `synchronous` pragma: `FULL` (default: every acknowledged append survives power loss) or `NORMAL`
   * (WAL: survives a process crash, may lose the last transactions on power loss; faster bulk ingest).
   */
  synchronous?: 'FULL' | 'NORMAL';
  /** How long a writer waits for another connection's lock before failing, in ms (default 10 000). */
  busyTimeoutMs?: number;
  /** Keyset page size used when the sdk does not give one (default 65 536). */
  defaultBatchSize?: number;
  /**
   * Keep a packed copy of the genealogy (typed arrays in one row) so that opening a large file streams a
   * few blobs instead of millions of rows (default true). Rewritten when a full stream finds at least
   * `packThreshold` rows outside the pack (default 50 000).
   */
  genealogyPack?: boolean;
  packThreshold?: number;
}

interface EventRow {
  seq: bigint;
  type: string;
  event_time: string;
  record_time: string;
  actor: string;
  idempotency_key: string;
  request_hash: string;
  payload: string;
  prev_hash: string;
  hash: string;
}

const rowToEvent = (r: EventRow): StoredEvent => ({
  seq: Number(r.seq),
  type: r.type as StoredEvent['type'],
  eventTime: r.event_time,
  recordTime: r.record_time,
  actor: r.actor,
  idempotencyKey: r.idempotency_key,
  requestHash: r.request_hash,
  payload: JSON.parse(r.payload) as StoredEvent['payload'],
  prevHash: r.prev_hash,
  hash: r.hash,
});

const EVENT_COLS =
  'seq, type, event_time, record_time, actor, idempotency_key, request_hash, payload, prev_hash, hash';

/** Is this a SQLite busy/locked error (another connection holds the write lock past the timeout)? */
function busyConflict(waitedMs: unknown): LotgraphError {
  return new LotgraphError(
    ErrorCodes.CONFLICT,
    `the database is locked by another writer (waited ${waitedMs} ms)`,
    { reason: 'busy' },
  );
}

function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
}

/**
 * The SQLite {@link Store}. Create it with {@link SqliteStore.open}; it passes the sdk's Store conformance
 * suite. All methods are async to match the port, but each runs synchronously on the connection, so a
 * call is never interleaved with another in the same process.
 */
export class SqliteStore implements Store {
  readonly name: string;
  /** The underlying better-sqlite3 connection (for backups, `VACUUM INTO`, diagnostics). */
  readonly db: SqliteDatabase;
  private readonly ownsDb: boolean;
  private readonly defaultBatchSize: number;
  private readonly packEnabled: boolean;
  private readonly packThreshold: number;
  private closed = false;
  private readonly stmts = new Map<string, Database.Statement>();

  private constructor(
    db: SqliteDatabase,
    name: string,
    owns: boolean,
    defaultBatchSize: number,
    pack: { enabled: boolean; threshold: number },
  ) {
    this.db = db;
    this.name = name;
    this.ownsDb = owns;
    this.defaultBatchSize = defaultBatchSize;
    this.packEnabled = pack.enabled;
    this.packThreshold = pack.threshold;
  }

  /**
   * Open (and create or migrate) a SQLite store.
   *
   * @throws LotgraphError `VALIDATION_FAILED` when the file was written by a newer lotgraph (unknown
   *   schema version), or when an option is invalid.
   */
  static open(options: SqliteStoreOptions = {}): SqliteStore {
    const filename = options.filename ?? ':memory:';
    if (options.database === undefined && typeof filename !== 'string') {
      throw new LotgraphError(ErrorCodes.VALIDATION_FAILED, 'filename: expected a path or ":memory:"', {
        field: 'filename',
      });
    }
    const sync = options.synchronous ?? 'FULL';
    if (sync !== 'FULL' && sync !== 'NORMAL') {
      throw new LotgraphError(
        ErrorCodes.VALIDATION_FAILED,
        `synchronous: expected "FULL" or "NORMAL", got ${String(sync)}`,
        {
          field: 'synchronous',
          value: String(sync),
        },
      );
    }
    const busy = options.busyTimeoutMs ?? 10_000;
    if (!Number.isInteger(busy) || busy < 0) {
      throw new LotgraphError(
        ErrorCodes.VALIDATION_FAILED,
        'busyTimeoutMs: expected a non-negative integer',
        {
          field: 'busyTimeoutMs',
          value: busy,
        },
      );
    }
    const batch = options.defaultBatchSize ?? 65_536;
    if (!Number.isInteger(batch) || batch < 1) {
      throw new LotgraphError(ErrorCodes.VALIDATION_FAILED, 'defaultBatchSize: expected a positive integer', {
        field: 'defaultBatchSize',
        value: batch,
      });
    }
    const packThreshold = options.packThreshold ?? 50_000;
    if (!Number.isInteger(packThreshold) || packThreshold < 1) {
      throw new LotgraphError(ErrorCodes.VALIDATION_FAILED, 'packThreshold: expected a positive integer', {
        field: 'packThreshold',
        value: packThreshold,
      });
    }
    const db = options.database ?? new Database(filename, { timeout: busy });
    const owns = options.database === undefined || options.ownConnection === true;
    try {
      db.pragma(`busy_timeout = ${busy}`);
      if (db.name !== ':memory:' && db.name !== '') db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${sync}`);
      db.pragma('foreign_keys = OFF');
      migrate(db);
    } catch (e) {
      if (owns) db.close();
      throw e;
    }
    return new SqliteStore(db, `sqlite:${db.name || filename}`, owns, batch, {
      enabled: options.genealogyPack ?? true,
      threshold: packThreshold,
    });
  }

  /** Schema version of the open database (the last applied migration). */
  schemaVersion(): number {
    this.check();
    return currentVersion(this.db);
  }

  private check(): void {
    if (this.closed) throw closedError(this.name);
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** A statement that reads INTEGER columns as bigint (exact quantities and counts). */
  private big(sql: string): Database.Statement {
    const key = `big:${sql}`;
    let s = this.stmts.get(key);
    if (!s) {
      s = this.db.prepare(sql).safeIntegers(true);
      this.stmts.set(key, s);
    }
    return s;
  }

  private headNow(): StoreHead {
    // The head row, not the newest event row: a removed or rewritten newest event then shows in verifyLedger.
    const last = this.stmt('SELECT seq, hash FROM ledger_head WHERE id = 1').get() as
      | { seq: number; hash: string }
      | undefined;
    const n = this.stmt('SELECT max(id) AS m FROM nodes').get() as { m: number | null };
    const e = this.stmt('SELECT max(id) AS m FROM edges').get() as { m: number | null };
    return {
      seq: last?.seq ?? 0,
      hash: last?.hash ?? GENESIS_HASH,
      nodeCount: n.m === null ? 0 : n.m + 1,
      edgeCount: e.m ?? 0,
    };
  }

  async head(): Promise<StoreHead> {
    this.check();
    return this.headNow();
  }

  /** Tail of this connection's writer-lock queue (one connection: callers in this process take turns). */
  private writeQueue: Promise<unknown> = Promise.resolve();
  /** Marks the async calls made inside `withWriteLock` (their append joins the open transaction). */
  private readonly lockScope = new AsyncLocalStorage<boolean>();

  /**
   * Decide-and-append under SQLite's writer lock: `BEGIN IMMEDIATE` before the sdk reads the head, so a
   * writer in another process waits (up to `busyTimeoutMs`) instead of deciding on a stale head and
   * losing with CONFLICT. The append inside runs in a savepoint; everything commits when `fn` resolves.
   */
  async withWriteLock<R>(fn: () => Promise<R>): Promise<R> {
    this.check();
    const run = this.writeQueue.then(async () => {
      this.check();
      await this.beginImmediate();
      try {
        const result = await this.lockScope.run(true, fn);
        this.db.exec('COMMIT');
        return result;
      } catch (e) {
        if (this.db.inTransaction) this.db.exec('ROLLBACK');
        throw e;
      }
    });
    this.writeQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * `BEGIN IMMEDIATE` without blocking the event loop: SQLite's busy handler sleeps synchronously, which
   * would freeze every other connection of this process — including the one holding the lock. So try
   * without waiting and poll asynchronously (with jitter) until `busyTimeoutMs` has passed.
   */
  private async beginImmediate(): Promise<void> {
    const timeout = Number(this.db.pragma('busy_timeout', { simple: true }));
    const deadline = Date.now() + timeout;
    for (let pause = 1; ; pause = Math.min(pause * 2, 4)) {
      this.db.pragma('busy_timeout = 0');
      try {
        this.db.exec('BEGIN IMMEDIATE');
        return;
      } catch (e) {
        if (!isBusy(e)) throw e;
        if (Date.now() >= deadline) throw busyConflict(timeout);
      } finally {
        this.db.pragma(`busy_timeout = ${timeout}`);
      }
      await new Promise((r) => setTimeout(r, pause * (0.5 + Math.random())));
    }
  }

  async append(batch: AppendBatch): Promise<StoreHead> {
    this.check();
    const run = this.db.transaction((b: AppendBatch) => this.applyBatch(b));
    // Inside withWriteLock: a savepoint of the open transaction. Outside: wait for the lock holder of
    // this connection, then a transaction of its own.
    if (this.lockScope.getStore()) return run(batch);
    const queued = this.writeQueue.then(() => this.appendNow(run, batch));
    this.writeQueue = queued.catch(() => undefined);
    return queued;
  }

  private appendNow(run: Transaction<(b: AppendBatch) => StoreHead>, batch: AppendBatch): StoreHead {
    this.check();
    try {
      return run.immediate(batch);
    } catch (e) {
      if (isBusy(e)) {
        throw busyConflict(this.db.pragma('busy_timeout', { simple: true }));
      }
      throw e;
    }
  }

  private applyBatch(batch: AppendBatch): StoreHead {
    const head = this.headNow();
    if (batch.expectedSeq !== head.seq) throw staleSeqError(batch.expectedSeq, head.seq);
    if (batch.events.length === 0) throw emptyBatchError();
    const seen = new Set<string>();
    const findKey = this.stmt('SELECT 1 FROM events WHERE idempotency_key = ?').pluck();
    batch.events.forEach((e, i) => {
      if (e.seq !== head.seq + 1 + i) throw badSeqError(i, e.seq, head.seq + 1 + i);
      if (seen.has(e.idempotencyKey) || findKey.get(e.idempotencyKey) !== undefined)
        throw duplicateKeyError(e.idempotencyKey);
      seen.add(e.idempotencyKey);
    });
    let nodeCount = head.nodeCount;
    batch.changes.forEach((c, i) => {
      nodeCount = this.applyChange(c, i, nodeCount);
    });
    const insert = this.stmt(`INSERT INTO events (${EVENT_COLS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`);
    for (const e of batch.events) {
      insert.run(
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
      );
    }
    const last = batch.events[batch.events.length - 1] as StoredEvent;
    this.stmt('UPDATE ledger_head SET seq = ?, hash = ? WHERE id = 1').run(last.seq, last.hash);
    return this.headNow();
  }

  /** Apply one change; returns the node count after it. */
  private applyChange(c: ProjectionChange, i: number, nodeCount: number): number {
    switch (c.type) {
      case 'putProduct':
        this.stmt('INSERT OR REPLACE INTO products (id, gtin14, data) VALUES (?, ?, ?)').run(
          c.product.id,
          gtin14(c.product.gtin),
          encodeRecord(c.product),
        );
        return nodeCount;
      case 'putParty':
        this.stmt('INSERT OR REPLACE INTO parties (id, data) VALUES (?, ?)').run(
          c.party.id,
          encodeRecord(c.party),
        );
        return nodeCount;
      case 'putLocation':
        this.stmt('INSERT OR REPLACE INTO locations (id, data) VALUES (?, ?)').run(
          c.location.id,
          encodeRecord(c.location),
        );
        return nodeCount;
      case 'putLot': {
        const l = c.lot;
        this.stmt(
          `INSERT OR REPLACE INTO lots (id, product_id, supplier_id, supplier_lot_number, expiry, created_seq, data)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          l.id,
          l.productId,
          l.supplierId ?? null,
          l.supplierLotNumber ?? null,
          l.expiry ?? null,
          l.createdSeq,
          encodeRecord(l),
        );
        return nodeCount;
      }
      case 'stockDelta': {
        const delta = checkI64(`changes[${i}].delta`, c.delta);
        const next = this.big(
          `INSERT INTO stock (lot_id, location_id, product_id, quantity) VALUES (?, ?, ?, ?)
           ON CONFLICT (lot_id, location_id) DO UPDATE SET quantity = quantity + excluded.quantity
           RETURNING quantity`,
        )
          .pluck()
          .get(c.lotId, c.locationId, c.productId, delta) as bigint | number;
        if (typeof next !== 'bigint') {
          // SQLite turned an overflowing integer sum into a float.
          throw checkI64(`changes[${i}].delta`, 2n ** 64n);
        }
        if (next < 0n) throw negativeStockError(c.lotId, c.locationId, next - delta, delta, i);
        if (next === 0n) {
          this.stmt('DELETE FROM stock WHERE lot_id = ? AND location_id = ?').run(c.lotId, c.locationId);
        }
        return nodeCount;
      }
      case 'addNodes': {
        if (c.firstId !== nodeCount) throw firstIdError(i, c.firstId, nodeCount);
        const find = this.stmt('SELECT 1 FROM nodes WHERE kind = ? AND ref = ?').pluck();
        const ins = this.stmt('INSERT INTO nodes (id, kind, ref, seq) VALUES (?, ?, ?, ?)');
        let id = nodeCount;
        for (const n of c.nodes) {
          if (find.get(n.kind, n.ref) !== undefined) throw duplicateNodeError(i, n.kind, n.ref);
          ins.run(id++, n.kind, n.ref, c.seq);
        }
        return id;
      }
      case 'addEdges': {
        const ins = this.stmt('INSERT INTO edges (src, dst, quantity, scale, seq) VALUES (?, ?, ?, ?, ?)');
        for (const [j, e] of c.edges.entries()) {
          if (!(e.src >= 0 && e.src < nodeCount && e.dst >= 0 && e.dst < nodeCount))
            throw danglingEdgeError(i, e.src, e.dst, nodeCount);
          ins.run(e.src, e.dst, checkI64(`changes[${i}].edges[${j}].quantity`, e.quantity), e.scale, e.seq);
        }
        return nodeCount;
      }
      case 'putShipment': {
        const s = c.shipment;
        this.stmt('INSERT OR REPLACE INTO shipments (id, customer_id, seq, data) VALUES (?, ?, ?, ?)').run(
          s.id,
          s.customerId,
          s.seq,
          encodeRecord(s),
        );
        return nodeCount;
      }
      case 'addShipmentLines': {
        const ins = this.stmt(
          `INSERT OR REPLACE INTO shipment_lines (shipment_id, line_no, lot_id, customer_id, seq, quantity, data)
           VALUES (?, ?, ?, ?, ?, ?, ?)`,
        );
        for (const [j, l] of c.lines.entries()) {
          const { quantity, ...rest } = l;
          ins.run(
            l.shipmentId,
            l.lineNo,
            l.lotId,
            l.customerId,
            l.seq,
            checkI64(`changes[${i}].lines[${j}].quantity`, quantity),
            encodeRecord(rest),
          );
        }
        return nodeCount;
      }
      case 'putHold': {
        const h = c.hold;
        this.stmt(
          `INSERT OR REPLACE INTO holds (id, lot_id, location_id, status, placed_seq, data) VALUES (?, ?, ?, ?, ?, ?)`,
        ).run(h.id, h.lotId, h.locationId ?? null, h.status, h.placedSeq, encodeRecord(h));
        return nodeCount;
      }
      case 'putReservation': {
        const r = c.reservation;
        this.stmt(
          `INSERT OR REPLACE INTO reservations
             (id, lot_id, location_id, product_id, order_id, status, quantity, created_seq, data)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        ).run(
          r.id,
          r.lotId,
          r.locationId,
          r.productId,
          r.orderId,
          r.status,
          checkI64(`changes[${i}].reservation.quantity`, r.quantity),
          r.createdSeq,
          encodeRecord(r),
        );
        if (r.status === 'active') {
          const reserved = this.reservedSum(r.lotId, r.locationId);
          const onHand = this.stockOf(r.lotId, r.locationId);
          if (reserved > onHand) throw overReservedError(r.id, r.lotId, r.locationId, onHand, reserved, i);
        }
        return nodeCount;
      }
      case 'putTestResult': {
        const t = c.result;
        this.stmt('INSERT OR REPLACE INTO test_results (id, lot_id, seq, data) VALUES (?, ?, ?, ?)').run(
          t.id,
          t.lotId,
          t.seq,
          encodeRecord(t),
        );
        return nodeCount;
      }
      case 'putDocument': {
        const { content, ...meta } = c.document;
        this.stmt(
          'INSERT OR REPLACE INTO documents (id, kind, seq, data, content) VALUES (?, ?, ?, ?, ?)',
        ).run(
          meta.id,
          meta.kind,
          meta.seq,
          encodeRecord(meta),
          content === undefined ? null : Buffer.from(content.buffer, content.byteOffset, content.byteLength),
        );
        this.stmt('DELETE FROM document_lots WHERE document_id = ?').run(meta.id);
        this.stmt('DELETE FROM document_shipments WHERE document_id = ?').run(meta.id);
        const dl = this.stmt('INSERT OR IGNORE INTO document_lots (document_id, lot_id) VALUES (?, ?)');
        for (const lot of meta.lotIds) dl.run(meta.id, lot);
        const ds = this.stmt(
          'INSERT OR IGNORE INTO document_shipments (document_id, shipment_id) VALUES (?, ?)',
        );
        for (const s of meta.shipmentIds) ds.run(meta.id, s);
        return nodeCount;
      }
      case 'putRecord': {
        const r = c.record;
        this.stmt(
          'INSERT OR REPLACE INTO records (collection, id, key, seq, value) VALUES (?, ?, ?, ?, ?)',
        ).run(r.collection, r.id, r.key ?? null, r.seq, encodeRecord(r));
        return nodeCount;
      }
      default: {
        const never: never = c;
        throw new LotgraphError(
          ErrorCodes.VALIDATION_FAILED,
          `changes[${i}].type: unknown change type ${(never as { type: string }).type}`,
          { field: `changes[${i}].type` },
        );
      }
    }
  }

  private reservedSum(lotId: string, locationId: string): bigint {
    const v = this.big(
      `SELECT coalesce(sum(quantity), 0) FROM reservations WHERE lot_id = ? AND location_id = ? AND status = 'active'`,
    )
      .pluck()
      .get(lotId, locationId) as bigint;
    return BigInt(v);
  }

  private stockOf(lotId: string, locationId: string): bigint {
    const v = this.big('SELECT quantity FROM stock WHERE lot_id = ? AND location_id = ?')
      .pluck()
      .get(lotId, locationId) as bigint | undefined;
    return v ?? 0n;
  }

  // ── ledger reads ───────────────────────────────────────────────────────
  async readEvents(fromSeq: number, limit?: number): Promise<StoredEvent[]> {
    this.check();
    const rows =
      limit === undefined
        ? this.stmt(`SELECT ${EVENT_COLS} FROM events WHERE seq >= ? ORDER BY seq`).all(fromSeq)
        : this.stmt(`SELECT ${EVENT_COLS} FROM events WHERE seq >= ? ORDER BY seq LIMIT ?`).all(
            fromSeq,
            Math.max(0, limit),
          );
    return (rows as EventRow[]).map(rowToEvent);
  }
  async getEvent(seq: number): Promise<StoredEvent | undefined> {
    this.check();
    const r = this.stmt(`SELECT ${EVENT_COLS} FROM events WHERE seq = ?`).get(seq) as EventRow | undefined;
    return r ? rowToEvent(r) : undefined;
  }
  async findEventByIdempotencyKey(key: string): Promise<StoredEvent | undefined> {
    this.check();
    const r = this.stmt(`SELECT ${EVENT_COLS} FROM events WHERE idempotency_key = ?`).get(key) as
      | EventRow
      | undefined;
    return r ? rowToEvent(r) : undefined;
  }

  // ── master data ────────────────────────────────────────────────────────
  private one<T>(sql: string, ...args: unknown[]): T | undefined {
    const text = this.stmt(sql)
      .pluck()
      .get(...args) as string | undefined;
    return text === undefined ? undefined : decodeRecord<T>(text);
  }
  private many<T>(sql: string, ...args: unknown[]): T[] {
    return (
      this.stmt(sql)
        .pluck()
        .all(...args) as string[]
    ).map((t) => decodeRecord<T>(t));
  }

  async getProduct(id: string) {
    this.check();
    return this.one<Product>('SELECT data FROM products WHERE id = ?', id);
  }
  async findProductByGtin(gtin: string) {
    this.check();
    return this.one<Product>('SELECT data FROM products WHERE gtin14 = ? ORDER BY id LIMIT 1', gtin);
  }
  async listProducts() {
    this.check();
    return sortById(this.many<Product>('SELECT data FROM products'));
  }
  async getParty(id: string) {
    this.check();
    return this.one<Party>('SELECT data FROM parties WHERE id = ?', id);
  }
  async listParties() {
    this.check();
    return sortById(this.many<Party>('SELECT data FROM parties'));
  }
  async getLocation(id: string) {
    this.check();
    return this.one<Location>('SELECT data FROM locations WHERE id = ?', id);
  }
  async listLocations() {
    this.check();
    return sortById(this.many<Location>('SELECT data FROM locations'));
  }

  // ── lots and stock ─────────────────────────────────────────────────────
  async getLot(id: string) {
    this.check();
    return this.one<Lot>('SELECT data FROM lots WHERE id = ?', id);
  }
  async getLots(ids: readonly string[]) {
    this.check();
    if (ids.length === 0) return [];
    const rows = this.stmt('SELECT data FROM lots WHERE id IN (SELECT value FROM json_each(?))')
      .pluck()
      .all(JSON.stringify([...new Set(ids)])) as string[];
    return sortById(rows.map((t) => decodeRecord<Lot>(t)));
  }
  async listLots(filter: LotFilter = {}) {
    this.check();
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.productId !== undefined) {
      where.push('product_id = ?');
      args.push(filter.productId);
    }
    if (filter.supplierId !== undefined) {
      where.push('supplier_id = ?');
      args.push(filter.supplierId);
    }
    if (filter.supplierLotNumber !== undefined) {
      where.push('supplier_lot_number = ?');
      args.push(filter.supplierLotNumber);
    }
    const sql = `SELECT data FROM lots${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`;
    return sortById(this.many<Lot>(sql, ...args));
  }
  async getStock(lotId: string, locationId: string) {
    this.check();
    return this.stockOf(lotId, locationId);
  }
  async listStock(filter: StockFilter = {}) {
    this.check();
    const where = ['quantity <> 0'];
    const args: unknown[] = [];
    if (filter.lotId !== undefined) {
      where.push('lot_id = ?');
      args.push(filter.lotId);
    }
    if (filter.locationId !== undefined) {
      where.push('location_id = ?');
      args.push(filter.locationId);
    }
    if (filter.productId !== undefined) {
      where.push('product_id = ?');
      args.push(filter.productId);
    }
    const rows = this.big(
      `SELECT lot_id AS lotId, location_id AS locationId, product_id AS productId, quantity
       FROM stock WHERE ${where.join(' AND ')}`,
    ).all(...args) as StockBalance[];
    return rows.sort((a, b) => cmpStr(a.lotId, b.lotId) || cmpStr(a.locationId, b.locationId));
  }
  async listAvailableStock(productId: string, options: { locationId?: string } = {}) {
    this.check();
    const rows = this.big(
      `SELECT l.data AS lot, s.location_id AS locationId, s.quantity AS onHand,
         (SELECT coalesce(sum(r.quantity), 0) FROM reservations r
            WHERE r.lot_id = s.lot_id AND r.location_id = s.location_id AND r.status = 'active') AS reserved,
         EXISTS (SELECT 1 FROM holds h WHERE h.lot_id = s.lot_id AND h.status = 'active'
            AND (h.location_id IS NULL OR h.location_id = s.location_id)) AS onHold
       FROM stock s JOIN lots l ON l.id = s.lot_id
       WHERE s.product_id = ? AND s.quantity <> 0 AND (? IS NULL OR s.location_id = ?)`,
    ).all(productId, options.locationId ?? null, options.locationId ?? null) as {
      lot: string;
      locationId: string;
      onHand: bigint;
      reserved: bigint;
      onHold: bigint;
    }[];
    const out: AvailableStockRow[] = rows.map((r) => ({
      lot: decodeRecord<Lot>(r.lot),
      locationId: r.locationId,
      onHand: r.onHand,
      reserved: BigInt(r.reserved),
      onHold: r.onHold !== 0n,
    }));
    return out.sort(compareAvailableStock);
  }

  // ── genealogy ──────────────────────────────────────────────────────────
  async findNodeIds(kind: number, refs: readonly string[]) {
    this.check();
    const out = new Map<string, number>();
    if (refs.length === 0) return out;
    const rows = this.stmt(
      'SELECT ref, id FROM nodes WHERE kind = ? AND ref IN (SELECT value FROM json_each(?))',
    )
      .raw(true)
      .all(kind, JSON.stringify([...new Set(refs)])) as [string, number][];
    for (const [ref, id] of rows) out.set(ref, id);
    return out;
  }

  async listEdges(filter: { src?: readonly number[]; dst?: readonly number[] }) {
    this.check();
    const where: string[] = [];
    const args: string[] = [];
    // One cached statement whatever the list size: the ids travel as one JSON array parameter.
    if (filter.src) {
      where.push('src IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify(filter.src));
    }
    if (filter.dst) {
      where.push('dst IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify(filter.dst));
    }
    const rows = this.big(
      `SELECT src, dst, quantity, scale, seq FROM edges${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY id`,
    )
      .raw(true)
      .all(...args) as [bigint, bigint, bigint, bigint, bigint][];
    // Edges are inserted in seq order, so id order is "seq order, then insertion order".
    return rows.map(
      ([src, dst, quantity, scale, seq]): GenealogyEdge => ({
        src: Number(src),
        dst: Number(dst),
        quantity,
        scale: Number(scale),
        seq: Number(seq),
      }),
    );
  }

  async *streamGenealogy(options: StreamGenealogyOptions = {}): AsyncIterable<GenealogyChunk> {
    this.check();
    const since = options.sinceSeq ?? 0;
    // Never past the committed head: a pack written from this stream claims every row up to `until`.
    const head = this.headNow().seq;
    const until = Math.min(options.untilSeq ?? head, head);
    const size = Math.max(1, Math.floor(options.batchSize ?? this.defaultBatchSize));
    const pack = since === 0 && this.packEnabled ? this.readPack(until) : undefined;
    if (!pack) {
      const collect = since === 0 && this.packEnabled ? newCollector() : undefined;
      for (const c of this.streamRows(since, until, size, 0, 0)) {
        collect?.add(c);
        yield c;
      }
      if (collect && collect.rows() >= this.packThreshold) this.tryWritePack(collect, until);
      return;
    }
    // The pack holds every node and edge with seq ≤ pack.uptoSeq (ids 0 … nodeCount-1, edges 1 … edgeCount
    // in id order); the rest comes from the tables.
    for (let i = 0; i < pack.nodeCount; i += size) {
      const j = Math.min(pack.nodeCount, i + size);
      yield { type: 'nodes', firstId: i, kinds: pack.kinds.subarray(i, j), refs: pack.refs.slice(i, j) };
    }
    const tail = newCollector();
    const rows = this.streamRows(pack.uptoSeq, until, size, pack.nodeCount, pack.edgeCount);
    let next = rows.next();
    while (!next.done && next.value.type === 'nodes') {
      tail.add(next.value);
      yield next.value;
      next = rows.next();
    }
    for (let i = 0; i < pack.edgeCount; i += size) {
      const j = Math.min(pack.edgeCount, i + size);
      yield {
        type: 'edges',
        src: pack.src.subarray(i, j),
        dst: pack.dst.subarray(i, j),
        qty: pack.qty.subarray(i, j),
      };
    }
    while (!next.done) {
      tail.add(next.value);
      yield next.value;
      next = rows.next();
    }
    if (tail.rows() >= this.packThreshold) {
      const all = newCollector();
      all.add({ type: 'nodes', firstId: 0, kinds: pack.kinds, refs: pack.refs });
      all.add({ type: 'edges', src: pack.src, dst: pack.dst, qty: pack.qty });
      for (const c of tail.chunks) all.add(c);
      this.tryWritePack(all, until);
    }
  }

  /** Keyset pages of nodes (id ≥ fromNode) then edges (id > fromEdge) with seq in (since, until]. */
  private *streamRows(
    since: number,
    until: number,
    size: number,
    fromNode: number,
    fromEdge: number,
  ): Generator<GenealogyChunk> {
    // Nodes and edges are append-only and stamped with the seq of the event that created them, so keyset
    // pages bounded by `until` see exactly the rows of (since, until] even while other appends commit.
    // Walk the primary key (`+seq` keeps the planner off the seq index, which would sort every page:
    // quadratic); the seq index only finds where the range starts.
    const nodePage = this.stmt(
      'SELECT id, kind, ref FROM nodes WHERE id > ? AND +seq > ? AND +seq <= ? ORDER BY id LIMIT ?',
    ).raw(true);
    // (ORDER BY seq uses the seq index; min(id) would walk the primary key from the start.)
    const firstNode = this.stmt('SELECT id FROM nodes WHERE seq > ? ORDER BY seq, id LIMIT 1')
      .pluck()
      .get(since) as number | undefined;
    let last = firstNode === undefined ? Number.MAX_SAFE_INTEGER : Math.max(firstNode, fromNode) - 1;
    for (;;) {
      this.check();
      const rows = nodePage.all(last, since, until, size) as [number, number, string][];
      if (rows.length === 0) break;
      const kinds = new Uint8Array(rows.length);
      const refs = new Array<string>(rows.length);
      // A chunk must be contiguous in ids; node ids are dense and seq grows with id, so a page is a run.
      let start = 0;
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k]!;
        if (k > start && r[0] !== rows[k - 1]![0] + 1) {
          yield {
            type: 'nodes',
            firstId: rows[start]![0],
            kinds: kinds.slice(start, k),
            refs: refs.slice(start, k),
          };
          start = k;
        }
        kinds[k] = r[1];
        refs[k] = r[2];
      }
      yield {
        type: 'nodes',
        firstId: rows[start]![0],
        kinds: start === 0 ? kinds : kinds.slice(start),
        refs: start === 0 ? refs : refs.slice(start),
      };
      last = rows[rows.length - 1]![0];
      if (rows.length < size) break;
    }
    const edgePage = this.stmt(
      'SELECT id, src, dst, quantity, scale FROM edges WHERE id > ? AND +seq > ? AND +seq <= ? ORDER BY id LIMIT ?',
    ).raw(true);
    const first = this.stmt('SELECT id FROM edges WHERE seq > ? ORDER BY seq, id LIMIT 1')
      .pluck()
      .get(since) as number | undefined;
    if (first === undefined) return;
    let lastEdge = Math.max(first - 1, fromEdge);
    for (;;) {
      this.check();
      const rows = edgePage.all(lastEdge, since, until, size) as [number, number, number, number, number][];
      if (rows.length === 0) break;
      const n = rows.length;
      const src = new Int32Array(n);
      const dst = new Int32Array(n);
      const qty = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        const r = rows[k]!;
        src[k] = r[1];
        dst[k] = r[2];
        qty[k] = r[4] === 0 ? r[3] : r[3] / 10 ** r[4];
      }
      yield { type: 'edges', src, dst, qty };
      lastEdge = rows[n - 1]![0];
      if (n < size) break;
    }
  }

  /** The genealogy pack, if one exists that ends at or before `until`. */
  private readPack(until: number): GenealogyPack | undefined {
    const row = this.stmt(
      `SELECT upto_seq, node_count, edge_count, kinds, refs, src, dst, qty FROM genealogy_pack
       WHERE id = 1 AND upto_seq <= ? AND little_endian = 1`,
    ).get(until) as
      | {
          upto_seq: number;
          node_count: number;
          edge_count: number;
          kinds: Buffer;
          refs: string;
          src: Buffer;
          dst: Buffer;
          qty: Buffer;
        }
      | undefined;
    if (!row || !LITTLE_ENDIAN) return undefined;
    const copy = <T extends Int32Array | Float64Array | Uint8Array>(buf: Buffer, out: T): T => {
      new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(buf);
      return out;
    };
    return {
      uptoSeq: row.upto_seq,
      nodeCount: row.node_count,
      edgeCount: row.edge_count,
      kinds: copy(row.kinds, new Uint8Array(row.node_count)),
      refs: JSON.parse(row.refs) as string[],
      src: copy(row.src, new Int32Array(row.edge_count)),
      dst: copy(row.dst, new Int32Array(row.edge_count)),
      qty: copy(row.qty, new Float64Array(row.edge_count)),
    };
  }

  /**
   * Write the genealogy pack from a complete stream of (0, upto]. Best effort: a read-only or busy
   * database simply keeps the old pack (the pack is a cache; the tables stay the truth).
   */
  private tryWritePack(c: Collector, upto: number): void {
    if (!LITTLE_ENDIAN || this.db.readonly) return;
    try {
      const { kinds, refs, src, dst, qty } = c.concat();
      const blob = (a: Uint8Array | Int32Array | Float64Array) =>
        Buffer.from(a.buffer, a.byteOffset, a.byteLength);
      this.db
        .prepare(
          `INSERT OR REPLACE INTO genealogy_pack
             (id, upto_seq, node_count, edge_count, little_endian, kinds, refs, src, dst, qty, written_at)
           VALUES (1, ?, ?, ?, 1, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          upto,
          kinds.length,
          src.length,
          blob(kinds),
          JSON.stringify(refs),
          blob(src),
          blob(dst),
          blob(qty),
          new Date().toISOString(),
        );
    } catch (e) {
      if (!isBusy(e)) throw e;
    }
  }

  /**
   * Rebuild the genealogy pack now (normally done automatically when opening finds ≥ `packThreshold` rows
   * outside it). Useful right after a bulk import, so the next `Lotgraph.open` is fast.
   */
  async packGenealogy(): Promise<void> {
    this.check();
    const until = this.headNow().seq;
    const c = newCollector();
    for (const chunk of this.streamRows(0, until, this.defaultBatchSize, 0, 0)) c.add(chunk);
    this.tryWritePack(c, until);
  }

  // ── shipments ──────────────────────────────────────────────────────────
  async getShipment(id: string) {
    this.check();
    return this.one<ShipmentRecord>('SELECT data FROM shipments WHERE id = ?', id);
  }
  async listShipments(filter: { customerId?: string } = {}) {
    this.check();
    const rows =
      filter.customerId === undefined
        ? this.many<ShipmentRecord>('SELECT data FROM shipments')
        : this.many<ShipmentRecord>('SELECT data FROM shipments WHERE customer_id = ?', filter.customerId);
    return rows.sort((a, b) => a.seq - b.seq || cmpStr(a.id, b.id));
  }
  async listShipmentLines(filter: ShipmentLineFilter = {}) {
    this.check();
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.lotId !== undefined) {
      where.push('lot_id = ?');
      args.push(filter.lotId);
    }
    if (filter.lotIds !== undefined) {
      where.push('lot_id IN (SELECT value FROM json_each(?))');
      args.push(JSON.stringify([...new Set(filter.lotIds)]));
    }
    if (filter.shipmentId !== undefined) {
      where.push('shipment_id = ?');
      args.push(filter.shipmentId);
    }
    if (filter.customerId !== undefined) {
      where.push('customer_id = ?');
      args.push(filter.customerId);
    }
    const rows = this.big(
      `SELECT quantity, data FROM shipment_lines${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
    )
      .raw(true)
      .all(...args) as [bigint, string][];
    const out = rows.map(([quantity, data]) => {
      const l = decodeRecord<ShipmentLineRecord>(data);
      l.quantity = quantity;
      return l;
    });
    return out.sort((a, b) => a.seq - b.seq || cmpStr(a.shipmentId, b.shipmentId) || a.lineNo - b.lineNo);
  }

  // ── quality and allocation ─────────────────────────────────────────────
  async getHold(id: string) {
    this.check();
    return this.one<HoldRecord>('SELECT data FROM holds WHERE id = ?', id);
  }
  async listHolds(filter: { lotId?: string; status?: HoldRecord['status'] } = {}) {
    this.check();
    const rows = this.many<HoldRecord>(
      'SELECT data FROM holds WHERE (? IS NULL OR lot_id = ?) AND (? IS NULL OR status = ?)',
      filter.lotId ?? null,
      filter.lotId ?? null,
      filter.status ?? null,
      filter.status ?? null,
    );
    return rows.sort((a, b) => a.placedSeq - b.placedSeq || cmpStr(a.id, b.id));
  }
  async getReservation(id: string) {
    this.check();
    return this.one<ReservationRecord>('SELECT data FROM reservations WHERE id = ?', id);
  }
  async listReservations(
    filter: {
      lotId?: string;
      productId?: string;
      orderId?: string;
      status?: ReservationRecord['status'];
    } = {},
  ) {
    this.check();
    const where: string[] = [];
    const args: unknown[] = [];
    for (const [col, v] of [
      ['lot_id', filter.lotId],
      ['product_id', filter.productId],
      ['order_id', filter.orderId],
      ['status', filter.status],
    ] as const) {
      if (v !== undefined) {
        where.push(`${col} = ?`);
        args.push(v);
      }
    }
    const rows = this.many<ReservationRecord>(
      `SELECT data FROM reservations${where.length ? ` WHERE ${where.join(' AND ')}` : ''}`,
      ...args,
    );
    return rows.sort((a, b) => a.createdSeq - b.createdSeq || cmpStr(a.id, b.id));
  }
  async getTestResult(id: string) {
    this.check();
    return this.one<TestResultRecord>('SELECT data FROM test_results WHERE id = ?', id);
  }
  async listTestResults(filter: { lotId?: string } = {}) {
    this.check();
    const rows =
      filter.lotId === undefined
        ? this.many<TestResultRecord>('SELECT data FROM test_results')
        : this.many<TestResultRecord>('SELECT data FROM test_results WHERE lot_id = ?', filter.lotId);
    return rows.sort((a, b) => a.seq - b.seq || cmpStr(a.id, b.id));
  }

  private docRows(rows: { data: string; content: Buffer | null }[]): DocumentRecord[] {
    return rows.map((r) => {
      const d = decodeRecord<DocumentRecord>(r.data);
      if (r.content !== null) d.content = new Uint8Array(r.content);
      return d;
    });
  }
  async getDocument(id: string) {
    this.check();
    const r = this.stmt('SELECT data, content FROM documents WHERE id = ?').get(id) as
      | { data: string; content: Buffer | null }
      | undefined;
    return r ? this.docRows([r])[0] : undefined;
  }
  async listDocuments(filter: { lotId?: string; shipmentId?: string; kind?: string } = {}) {
    this.check();
    const rows = this.stmt(
      `SELECT d.data, d.content FROM documents d
       WHERE (? IS NULL OR d.kind = ?)
         AND (? IS NULL OR EXISTS (SELECT 1 FROM document_lots x WHERE x.lot_id = ? AND x.document_id = d.id))
         AND (? IS NULL OR EXISTS (SELECT 1 FROM document_shipments y WHERE y.shipment_id = ? AND y.document_id = d.id))`,
    ).all(
      filter.kind ?? null,
      filter.kind ?? null,
      filter.lotId ?? null,
      filter.lotId ?? null,
      filter.shipmentId ?? null,
      filter.shipmentId ?? null,
    ) as { data: string; content: Buffer | null }[];
    return this.docRows(rows).sort((a, b) => a.seq - b.seq || cmpStr(a.id, b.id));
  }

  // ── free-form projections ──────────────────────────────────────────────
  async getRecord(collection: string, id: string) {
    this.check();
    return this.one<AuxRecord>('SELECT value FROM records WHERE collection = ? AND id = ?', collection, id);
  }
  async listRecords(collection: string, filter: { key?: string } = {}) {
    this.check();
    const rows =
      filter.key === undefined
        ? this.many<AuxRecord>('SELECT value FROM records WHERE collection = ?', collection)
        : this.many<AuxRecord>(
            'SELECT value FROM records WHERE collection = ? AND key = ?',
            collection,
            filter.key,
          );
    return sortById(rows);
  }

  /**
   * Test hook: damage the stored ledger behind the store's back — a payload that is no longer JSON, or the
   * newest event row deleted — to prove `verifyLedger()` reports it. Never use outside tests.
   */
  async corruptForTesting(kind: 'payload-not-json' | 'delete-newest-event', seq?: number): Promise<void> {
    this.check();
    const target = seq ?? this.headNow().seq;
    if (kind === 'payload-not-json')
      this.db.prepare('UPDATE events SET payload = \'{"quantity": \' WHERE seq = ?').run(target);
    else this.db.prepare('DELETE FROM events WHERE seq = ?').run(target);
  }

  /**
   * Test hook: rewrite a stored event row behind the ledger's back (to prove `verifyLedger()` detects
   * tampering). Never use outside tests.
   */
  async tamperForTesting(seq: number, mutate: (event: StoredEvent) => void): Promise<void> {
    this.check();
    const e = await this.getEvent(seq);
    if (!e) throw new LotgraphError(ErrorCodes.EVENT_NOT_FOUND, `no event with seq ${seq}`, { seq });
    mutate(e);
    this.db
      .prepare(
        `UPDATE events SET type = ?, event_time = ?, record_time = ?, actor = ?, idempotency_key = ?,
           request_hash = ?, payload = ?, prev_hash = ?, hash = ? WHERE seq = ?`,
      )
      .run(
        e.type,
        e.eventTime,
        e.recordTime,
        e.actor,
        e.idempotencyKey,
        e.requestHash,
        JSON.stringify(e.payload),
        e.prevHash,
        e.hash,
        seq,
      );
  }

  /** Close the connection (when this store opened it). Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.stmts.clear();
    if (this.ownsDb && this.db.open) this.db.close();
  }
}

function currentVersion(db: SqliteDatabase): number {
  const v = db.prepare('SELECT max(version) FROM lotgraph_migrations').pluck().get() as number | null;
  return v ?? 0;
}

/** Apply every pending migration, each in its own transaction. */
function migrate(db: SqliteDatabase, migrations: readonly SqliteMigration[] = SQLITE_MIGRATIONS): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS lotgraph_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const known = migrations[migrations.length - 1]?.version ?? 0;
  const apply = db.transaction((m: SqliteMigration) => {
    // Re-check inside the write lock: another process may have migrated meanwhile.
    if (currentVersion(db) >= m.version) return;
    db.exec(m.sql);
    db.prepare('INSERT INTO lotgraph_migrations (version, name, applied_at) VALUES (?, ?, ?)').run(
      m.version,
      m.name,
      new Date().toISOString(),
    );
  });
  const have = currentVersion(db);
  if (have > known) {
    throw new LotgraphError(
      ErrorCodes.VALIDATION_FAILED,
      `filename: the database has schema version ${have}, newer than this lotgraph knows (${known}); upgrade @lotgraph/adapters`,
      { field: 'filename', schemaVersion: have, supported: known },
    );
  }
  for (const m of migrations) if (m.version > have) apply.immediate(m);
}

/** Open a SQLite store: shorthand for {@link SqliteStore.open}. */
export function openSqliteStore(options: SqliteStoreOptions = {}): SqliteStore {
  return SqliteStore.open(options);
}
