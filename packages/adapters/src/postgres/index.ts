/**
 * `@lotgraph/adapters/postgres` — the production {@link Store} of lotgraph, on `pg`.
 *
 * Several processes share one database: every `append` is one transaction that locks the ledger's head
 * row (`SELECT … FOR UPDATE`), re-checks the expected seq and writes events and projections together, so
 * writers serialise on the head and nothing is ever half-written. Each append also sends a `NOTIFY` with
 * the new head seq; {@link PostgresStore.subscribe} turns those into callbacks so a process can catch its
 * genealogy index up with other processes' writes at once (by seq, so a missed notification loses nothing).
 * All SQL is parameterised; the schema name is validated and quoted.
 *
 * @example
 * ```ts
 * import { Lotgraph } from '@lotgraph/sdk';
 * import { PostgresStore } from '@lotgraph/adapters/postgres';
 *
 * const store = await PostgresStore.open({ connectionString: 'postgres://postgres@127.0.0.1/test', schema: 'plant1' });
 * const lg = await Lotgraph.open({ store });
 * ```
 *
 * @module
 */
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
import { compareAvailableStock, ErrorCodes, isLotgraphError, LotgraphError } from '@lotgraph/sdk';
import pg from 'pg';
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
import { POSTGRES_MIGRATIONS, type PostgresMigration } from './schema.js';

export type { PostgresMigration } from './schema.js';
export { POSTGRES_MIGRATIONS } from './schema.js';

type Queryable = pg.Pool | pg.PoolClient;

/** Options of {@link PostgresStore.open}. */
export interface PostgresStoreOptions {
  /** A `pg` Pool to use (not ended by `close()` unless `ownPool`). */
  pool?: pg.Pool;
  /** Or a connection string (`postgres://user@host:port/db`); the store then owns its pool. */
  connectionString?: string;
  /** When passing `pool`: end it in `close()` (default false). */
  ownPool?: boolean;
  /** Schema holding lotgraph's tables (default `lotgraph`); created if missing. `[a-z_][a-z0-9_]*`, ≤ 63. */
  schema?: string;
  /** Pool size when the store creates the pool (default 10). */
  max?: number;
  /** Keyset page size when the sdk does not give one (default 65 536). */
  defaultBatchSize?: number;
  /** Keep a packed copy of the genealogy for fast index loads (default true; see the SQLite adapter). */
  genealogyPack?: boolean;
  /** Rewrite the pack when a full stream finds at least this many rows outside it (default 50 000). */
  packThreshold?: number;
  /**
   * Told about failures that no caller is waiting for: an idle pooled connection or the LISTEN connection
   * dropped (server restart, `pg_terminate_backend`, network), each failed reconnect attempt of the LISTEN
   * connection, a `subscribe` callback that threw, a genealogy pack that could not be written (the pack is
   * a cache). Without it they are ignored — never an unhandled `error` event. It must not throw (a throw is
   * swallowed). Commands that hit a dropped connection fail with `STORE_UNAVAILABLE` instead (and the sdk
   * retries them by idempotency key).
   */
  onError?: (error: unknown, context: PostgresErrorContext) => void;
}

/** Where a failure reported to {@link PostgresStoreOptions.onError} happened. */
export interface PostgresErrorContext {
  /**
   * `pool`: an idle pooled connection dropped; `connection`: a checked-out one dropped (the query on it
   * fails with `STORE_UNAVAILABLE` as well); `listen`: the LISTEN connection dropped or a reconnect attempt
   * failed; `subscriber`: a `subscribe` callback threw; `pack`: writing the genealogy pack failed.
   */
  source: 'pool' | 'connection' | 'listen' | 'subscriber' | 'pack';
  /** For `listen`: the reconnect attempt that failed (1, 2, …), or 0 when the connection dropped. */
  attempt?: number;
}

/** LISTEN reconnect backoff: 100 ms doubling per attempt, capped at 5 s, with ±25 % jitter. */
const RECONNECT_BASE_MS = 100;
const RECONNECT_MAX_MS = 5000;

const SCHEMA_RE = /^[a-z_][a-z0-9_]{0,62}$/;

function invalid(field: string, message: string, value?: unknown): LotgraphError {
  return new LotgraphError(ErrorCodes.VALIDATION_FAILED, `${field}: ${message}`, { field, value });
}

interface EventRow {
  seq: string;
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
const EVENT_COLS =
  'seq, type, event_time, record_time, actor, idempotency_key, request_hash, payload, prev_hash, hash';
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

/**
 * The PostgreSQL {@link Store}. Create it with {@link PostgresStore.open}; it passes the sdk's Store
 * conformance suite against a real server.
 */
export class PostgresStore implements Store {
  readonly name: string;
  /** The `pg` pool (for diagnostics; lotgraph's tables live in {@link PostgresStore.schema}). */
  readonly pool: pg.Pool;
  /** The schema name (unquoted). */
  readonly schema: string;
  private readonly s: string;
  private readonly ownsPool: boolean;
  private readonly defaultBatchSize: number;
  private readonly packEnabled: boolean;
  private readonly packThreshold: number;
  private closed = false;
  /** Reads cross the network: the sdk memoises point reads within one command attempt. */
  readonly memoiseReads = true;
  private listener: pg.PoolClient | undefined;
  /** The first LISTEN connection being opened (concurrent `subscribe` calls share it). */
  private listenStarting: Promise<void> | undefined;
  private readonly subscribers = new Set<(seq: number) => void>();
  private readonly onError: PostgresStoreOptions['onError'];
  /** Clients that already carry our `error` listener. */
  private readonly guarded = new WeakSet<pg.PoolClient>();
  /** Clients checked out of the pool right now (an idle one's drop is the pool's `error`, reported once). */
  private readonly checkedOut = new WeakSet<pg.PoolClient>();
  /** Takes our listeners off the pool (a pool passed in outlives the store). */
  private readonly detachPool: () => void;
  private reconnecting: Promise<void> | undefined;
  /** Wakes the reconnect loop's pause early (on close). */
  private readonly wakeups = new Set<() => void>();

  private constructor(
    pool: pg.Pool,
    schema: string,
    owns: boolean,
    opts: { batch: number; pack: boolean; threshold: number; onError?: PostgresStoreOptions['onError'] },
  ) {
    this.pool = pool;
    this.onError = opts.onError;
    // An idle pooled connection that drops emits `error` on the pool: without a listener, Node kills the
    // process. The pool discards that connection by itself; we only report.
    const onError = (e: Error) => this.report(e, { source: 'pool' });
    const onAcquire = (c: pg.PoolClient) => this.checkedOut.add(c);
    const onRelease = (_e: Error, c: pg.PoolClient) => this.checkedOut.delete(c);
    pool.on('error', onError);
    pool.on('acquire', onAcquire);
    pool.on('release', onRelease);
    this.detachPool = () => {
      pool.off('error', onError);
      pool.off('acquire', onAcquire);
      pool.off('release', onRelease);
    };
    this.schema = schema;
    this.s = `"${schema}"`;
    this.ownsPool = owns;
    this.name = `postgres:${schema}`;
    this.defaultBatchSize = opts.batch;
    this.packEnabled = opts.pack;
    this.packThreshold = opts.threshold;
  }

  /**
   * Connect, create the schema if needed and apply pending migrations.
   *
   * @throws LotgraphError `VALIDATION_FAILED` for a bad option or a schema written by a newer lotgraph.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const schema = options.schema ?? 'lotgraph';
    if (typeof schema !== 'string' || !SCHEMA_RE.test(schema))
      throw invalid('schema', 'expected [a-z_][a-z0-9_]* of at most 63 characters', schema);
    if (!options.pool && !options.connectionString)
      throw invalid('connectionString', 'give a connectionString or a pool');
    const batch = options.defaultBatchSize ?? 65_536;
    if (!Number.isInteger(batch) || batch < 1)
      throw invalid('defaultBatchSize', 'expected a positive integer', batch);
    const threshold = options.packThreshold ?? 50_000;
    if (!Number.isInteger(threshold) || threshold < 1)
      throw invalid('packThreshold', 'expected a positive integer', threshold);
    const max = options.max ?? 10;
    if (!Number.isInteger(max) || max < 1) throw invalid('max', 'expected a positive integer', max);
    const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max });
    const owns = !options.pool || options.ownPool === true;
    const store = new PostgresStore(pool, schema, owns, {
      batch,
      pack: options.genealogyPack ?? true,
      threshold,
      onError: options.onError,
    });
    try {
      await store.migrate(POSTGRES_MIGRATIONS);
    } catch (e) {
      if (owns) await pool.end();
      throw e;
    }
    return store;
  }

  private async migrate(migrations: readonly PostgresMigration[]): Promise<void> {
    const c = await this.connect();
    try {
      await c.query('BEGIN');
      // One migrator at a time per schema, across processes.
      await c.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`lotgraph:${this.schema}`]);
      await c.query(`CREATE SCHEMA IF NOT EXISTS ${this.s}`);
      await c.query(
        `CREATE TABLE IF NOT EXISTS ${this.s}.lotgraph_migrations (version INT PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)`,
      );
      const have = Number(
        (await c.query(`SELECT coalesce(max(version), 0) AS v FROM ${this.s}.lotgraph_migrations`)).rows[0].v,
      );
      const known = migrations[migrations.length - 1]?.version ?? 0;
      if (have > known) {
        throw new LotgraphError(
          ErrorCodes.VALIDATION_FAILED,
          `schema: "${this.schema}" has schema version ${have}, newer than this lotgraph knows (${known}); upgrade @lotgraph/adapters`,
          { field: 'schema', schemaVersion: have, supported: known },
        );
      }
      for (const m of migrations) {
        if (m.version <= have) continue;
        await c.query(m.sql.replaceAll('{{s}}', this.s));
        await c.query(`INSERT INTO ${this.s}.lotgraph_migrations VALUES ($1, $2, $3)`, [
          m.version,
          m.name,
          new Date().toISOString(),
        ]);
      }
      await c.query('COMMIT');
    } catch (e) {
      const mapped = mapPgError(e);
      await c.query('ROLLBACK').catch(() => undefined);
      c.release(isLotgraphError(mapped, ErrorCodes.STORE_UNAVAILABLE));
      throw mapped;
    }
    c.release();
  }

  /** Schema version (the last applied migration). */
  async schemaVersion(): Promise<number> {
    const [r] = await this.q<{ v: string }>(
      `SELECT coalesce(max(version), 0) AS v FROM ${this.s}.lotgraph_migrations`,
    );
    return Number(r!.v);
  }

  private check(): void {
    if (this.closed) throw closedError(this.name);
  }

  private report(error: unknown, context: PostgresErrorContext): void {
    try {
      this.onError?.(error, context);
    } catch {
      // An error hook that throws has nowhere left to report to.
    }
  }

  /** A pooled connection whose own `error` events (a drop while checked out) are reported, never fatal. */
  private async connect(): Promise<pg.PoolClient> {
    let c: pg.PoolClient;
    try {
      c = await this.pool.connect();
    } catch (e) {
      throw mapPgError(e);
    }
    if (!this.guarded.has(c)) {
      this.guarded.add(c);
      // While checked out (the pool reports idle ones; the LISTEN connection reports its own drop).
      c.on('error', (e) => {
        if (this.checkedOut.has(c) && c !== this.listener) this.report(e, { source: 'connection' });
      });
    }
    return c;
  }

  private async q<T = Record<string, unknown>>(
    sql: string,
    params: unknown[] = [],
    c: Queryable = this.pool,
  ) {
    this.check();
    // A read on the pool may pick a connection the server has just dropped: reads are idempotent, so try
    // again on a fresh connection a couple of times before reporting STORE_UNAVAILABLE.
    for (let attempt = 0; ; attempt++) {
      try {
        return (await c.query(sql, params)).rows as T[];
      } catch (e) {
        const mapped = mapPgError(e);
        if (c !== this.pool || attempt >= 2 || !isLotgraphError(mapped, ErrorCodes.STORE_UNAVAILABLE))
          throw mapped;
        await new Promise((r) => setTimeout(r, 50 * 4 ** attempt));
      }
    }
  }

  async head(): Promise<StoreHead> {
    const [r] = await this.q<{ seq: string; hash: string; node_count: string; edge_count: string }>(
      `SELECT seq, hash, node_count, edge_count FROM ${this.s}.head WHERE id = 1`,
    );
    return {
      seq: Number(r!.seq),
      hash: r!.hash,
      nodeCount: Number(r!.node_count),
      edgeCount: Number(r!.edge_count),
    };
  }

  /**
   * Decide-and-append in turns: a session advisory lock per schema, which PostgreSQL grants in request
   * order, so writers of several processes queue instead of losing the head race and retrying. The lock
   * rides on its own pooled connection (the work inside uses others), and dies with it if the connection
   * drops — the append's `FOR UPDATE` + expectedSeq check still guard correctness then. With a pool of one
   * connection there is nothing to spare for the lock, and writers fall back to optimistic retries.
   */
  async withWriteLock<R>(fn: () => Promise<R>): Promise<R> {
    this.check();
    if (((this.pool as { options?: { max?: number } }).options?.max ?? 10) < 2) return fn();
    const c = await this.connect();
    try {
      await c.query('SELECT pg_advisory_lock(hashtext($1), hashtext($2))', ['lotgraph:writer', this.schema]);
    } catch (e) {
      c.release(true);
      throw mapPgError(e);
    }
    try {
      return await fn();
    } finally {
      try {
        await c.query('SELECT pg_advisory_unlock(hashtext($1), hashtext($2))', [
          'lotgraph:writer',
          this.schema,
        ]);
        c.release();
      } catch {
        c.release(true); // a dead session holds no lock; the pool drops the connection
      }
    }
  }

  async append(batch: AppendBatch): Promise<StoreHead> {
    this.check();
    const c = await this.connect();
    let broken = false;
    /** Set once COMMIT is sent: a connection lost after that leaves the outcome to find out. */
    let committing: StoreHead | undefined;
    try {
      await c.query('BEGIN');
      const head = await this.lockedHead(c);
      if (batch.expectedSeq !== head.seq) throw staleSeqError(batch.expectedSeq, head.seq);
      if (batch.events.length === 0) throw emptyBatchError();
      const keys = new Set<string>();
      batch.events.forEach((e, i) => {
        if (e.seq !== head.seq + 1 + i) throw badSeqError(i, e.seq, head.seq + 1 + i);
        if (keys.has(e.idempotencyKey)) throw duplicateKeyError(e.idempotencyKey);
        keys.add(e.idempotencyKey);
      });
      const taken = await c.query(
        `SELECT idempotency_key FROM ${this.s}.events WHERE idempotency_key = ANY($1::text[]) LIMIT 1`,
        [[...keys]],
      );
      if (taken.rows.length > 0) throw duplicateKeyError(taken.rows[0].idempotency_key);
      let nodeCount = head.nodeCount;
      let edgeCount = head.edgeCount;
      const changes = batch.changes;
      for (let i = 0; i < changes.length; ) {
        // Runs of lot / party / shipment upserts (bulk imports) go in one statement each.
        const type = changes[i]!.type;
        let j = i + 1;
        if (type === 'putLot' || type === 'putParty' || type === 'putShipment')
          while (j < changes.length && changes[j]!.type === type) j++;
        if (j - i > 1) await this.upsertRun(c, changes.slice(i, j));
        else [nodeCount, edgeCount] = await this.applyChange(c, changes[i]!, i, nodeCount, edgeCount);
        i = j;
      }
      const ev = batch.events;
      await c.query(
        `INSERT INTO ${this.s}.events (${EVENT_COLS})
         SELECT * FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::text[])`,
        [
          ev.map((e) => e.seq),
          ev.map((e) => e.type),
          ev.map((e) => e.eventTime),
          ev.map((e) => e.recordTime),
          ev.map((e) => e.actor),
          ev.map((e) => e.idempotencyKey),
          ev.map((e) => e.requestHash),
          ev.map((e) => JSON.stringify(e.payload)),
          ev.map((e) => e.prevHash),
          ev.map((e) => e.hash),
        ],
      );
      const last = ev[ev.length - 1]!;
      await c.query(
        `UPDATE ${this.s}.head SET seq = $1, hash = $2, node_count = $3, edge_count = $4 WHERE id = 1`,
        [last.seq, last.hash, nodeCount, edgeCount],
      );
      // Delivered to listeners at commit, never for a rolled-back append.
      await c.query('SELECT pg_notify($1, $2)', [this.channel(), String(last.seq)]);
      const after = { seq: last.seq, hash: last.hash, nodeCount, edgeCount };
      committing = after;
      await c.query('COMMIT');
      return after;
    } catch (e) {
      const mapped = mapPgError(e);
      broken = isLotgraphError(mapped, ErrorCodes.STORE_UNAVAILABLE);
      if (broken && committing) {
        // The connection died while COMMIT was on its way: the server may well have committed. Never
        // report a committed append as failed — look for it on a fresh connection.
        c.release(true);
        return this.resolveCommit(committing, mapped as LotgraphError);
      }
      await c.query('ROLLBACK').catch(() => undefined);
      throw mapped;
    } finally {
      if (!(broken && committing)) c.release(broken);
    }
  }

  /**
   * After a connection lost during COMMIT: `after` if the append committed (its last event is stored with
   * its hash), else `STORE_UNAVAILABLE` — with `details.inDoubt` when even that could not be found out (the
   * sdk's retry by idempotency key then settles it: a committed command is returned, not run twice).
   */
  private async resolveCommit(after: StoreHead, cause: LotgraphError): Promise<StoreHead> {
    let stored: { hash: string } | undefined;
    try {
      [stored] = await this.q<{ hash: string }>(`SELECT hash FROM ${this.s}.events WHERE seq = $1`, [
        after.seq,
      ]);
    } catch (e) {
      throw new LotgraphError(
        ErrorCodes.STORE_UNAVAILABLE,
        `PostgreSQL became unavailable during the COMMIT of seq ${after.seq}; whether it committed is unknown (a retry with the same idempotency key settles it): ${(e as Error)?.message ?? String(e)}`,
        { ...cause.details, inDoubt: true, seq: after.seq },
      );
    }
    if (stored?.hash === after.hash) return after;
    throw cause;
  }

  /** One multi-row upsert for a run of putLot / putParty / putShipment changes (the last write of an id wins). */
  private async upsertRun(c: pg.PoolClient, run: ProjectionChange[]): Promise<void> {
    const s = this.s;
    const last = <T extends { id: string }>(rows: T[]) => [...new Map(rows.map((r) => [r.id, r])).values()];
    const type = run[0]!.type;
    if (type === 'putLot') {
      const lots = last(run.map((x) => (x as Extract<ProjectionChange, { type: 'putLot' }>).lot));
      await c.query(
        `INSERT INTO ${s}.lots (id, product_id, supplier_id, supplier_lot_number, expiry, created_seq, data)
         SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[])
         ON CONFLICT (id) DO UPDATE SET product_id = EXCLUDED.product_id, supplier_id = EXCLUDED.supplier_id,
           supplier_lot_number = EXCLUDED.supplier_lot_number, expiry = EXCLUDED.expiry,
           created_seq = EXCLUDED.created_seq, data = EXCLUDED.data`,
        [
          lots.map((l) => l.id),
          lots.map((l) => l.productId),
          lots.map((l) => l.supplierId ?? null),
          lots.map((l) => l.supplierLotNumber ?? null),
          lots.map((l) => l.expiry ?? null),
          lots.map((l) => l.createdSeq),
          lots.map((l) => encodeRecord(l)),
        ],
      );
    } else if (type === 'putParty') {
      const parties = last(run.map((x) => (x as Extract<ProjectionChange, { type: 'putParty' }>).party));
      await c.query(
        `INSERT INTO ${s}.parties (id, data) SELECT * FROM unnest($1::text[], $2::text[])
         ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
        [parties.map((p) => p.id), parties.map((p) => encodeRecord(p))],
      );
    } else {
      const sh = last(run.map((x) => (x as Extract<ProjectionChange, { type: 'putShipment' }>).shipment));
      await c.query(
        `INSERT INTO ${s}.shipments (id, customer_id, seq, data) SELECT * FROM unnest($1::text[], $2::text[], $3::bigint[], $4::text[])
         ON CONFLICT (id) DO UPDATE SET customer_id = EXCLUDED.customer_id, seq = EXCLUDED.seq, data = EXCLUDED.data`,
        [
          sh.map((x) => x.id),
          sh.map((x) => x.customerId),
          sh.map((x) => x.seq),
          sh.map((x) => encodeRecord(x)),
        ],
      );
    }
  }

  private async lockedHead(c: pg.PoolClient): Promise<StoreHead> {
    const r = await c.query(
      `SELECT seq, hash, node_count, edge_count FROM ${this.s}.head WHERE id = 1 FOR UPDATE`,
    );
    const h = r.rows[0];
    return {
      seq: Number(h.seq),
      hash: h.hash,
      nodeCount: Number(h.node_count),
      edgeCount: Number(h.edge_count),
    };
  }

  /** Apply one change; returns the node and edge counts after it. */
  private async applyChange(
    c: pg.PoolClient,
    ch: ProjectionChange,
    i: number,
    nodeCount: number,
    edgeCount: number,
  ): Promise<[number, number]> {
    const s = this.s;
    switch (ch.type) {
      case 'putProduct':
        await c.query(
          `INSERT INTO ${s}.products (id, gtin14, data) VALUES ($1, $2, $3)
           ON CONFLICT (id) DO UPDATE SET gtin14 = EXCLUDED.gtin14, data = EXCLUDED.data`,
          [ch.product.id, gtin14(ch.product.gtin), encodeRecord(ch.product)],
        );
        break;
      case 'putParty':
        await c.query(
          `INSERT INTO ${s}.parties (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
          [ch.party.id, encodeRecord(ch.party)],
        );
        break;
      case 'putLocation':
        await c.query(
          `INSERT INTO ${s}.locations (id, data) VALUES ($1, $2) ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
          [ch.location.id, encodeRecord(ch.location)],
        );
        break;
      case 'putLot': {
        const l = ch.lot;
        await c.query(
          `INSERT INTO ${s}.lots (id, product_id, supplier_id, supplier_lot_number, expiry, created_seq, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7)
           ON CONFLICT (id) DO UPDATE SET product_id = EXCLUDED.product_id, supplier_id = EXCLUDED.supplier_id,
             supplier_lot_number = EXCLUDED.supplier_lot_number, expiry = EXCLUDED.expiry,
             created_seq = EXCLUDED.created_seq, data = EXCLUDED.data`,
          [
            l.id,
            l.productId,
            l.supplierId ?? null,
            l.supplierLotNumber ?? null,
            l.expiry ?? null,
            l.createdSeq,
            encodeRecord(l),
          ],
        );
        break;
      }
      case 'stockDelta': {
        const delta = checkI64(`changes[${i}].delta`, ch.delta);
        let next: bigint;
        try {
          const r = await c.query(
            `INSERT INTO ${s}.stock (lot_id, location_id, product_id, quantity) VALUES ($1, $2, $3, $4)
             ON CONFLICT (lot_id, location_id) DO UPDATE SET quantity = ${s}.stock.quantity + EXCLUDED.quantity
             RETURNING quantity`,
            [ch.lotId, ch.locationId, ch.productId, delta.toString()],
          );
          next = BigInt(r.rows[0].quantity);
        } catch (e) {
          if ((e as { code?: string }).code === '22003') throw checkI64(`changes[${i}].delta`, 2n ** 64n);
          throw e;
        }
        if (next < 0n) throw negativeStockError(ch.lotId, ch.locationId, next - delta, delta, i);
        if (next === 0n)
          await c.query(`DELETE FROM ${s}.stock WHERE lot_id = $1 AND location_id = $2`, [
            ch.lotId,
            ch.locationId,
          ]);
        break;
      }
      case 'addNodes': {
        if (ch.firstId !== nodeCount) throw firstIdError(i, ch.firstId, nodeCount);
        const seen = new Set<string>();
        for (const n of ch.nodes) {
          const k = `${n.kind}\u0000${n.ref}`;
          if (seen.has(k)) throw duplicateNodeError(i, n.kind, n.ref);
          seen.add(k);
        }
        const dup = await c.query(
          `SELECT n.kind, n.ref FROM ${s}.nodes n JOIN unnest($1::smallint[], $2::text[]) AS x(kind, ref)
             ON n.kind = x.kind AND n.ref = x.ref LIMIT 1`,
          [ch.nodes.map((n) => n.kind), ch.nodes.map((n) => n.ref)],
        );
        if (dup.rows.length > 0) throw duplicateNodeError(i, Number(dup.rows[0].kind), dup.rows[0].ref);
        await c.query(
          `INSERT INTO ${s}.nodes (id, kind, ref, seq)
           SELECT $1::bigint + o - 1, kind, ref, $4 FROM unnest($2::smallint[], $3::text[]) WITH ORDINALITY AS x(kind, ref, o)`,
          [nodeCount, ch.nodes.map((n) => n.kind), ch.nodes.map((n) => n.ref), ch.seq],
        );
        return [nodeCount + ch.nodes.length, edgeCount];
      }
      case 'addEdges': {
        for (const [j, e] of ch.edges.entries()) {
          if (!(e.src >= 0 && e.src < nodeCount && e.dst >= 0 && e.dst < nodeCount))
            throw danglingEdgeError(i, e.src, e.dst, nodeCount);
          checkI64(`changes[${i}].edges[${j}].quantity`, e.quantity);
        }
        if (ch.edges.length === 0) break;
        await c.query(
          `INSERT INTO ${s}.edges (id, src, dst, quantity, scale, seq)
           SELECT $1::bigint + o, src, dst, quantity, scale, seq
           FROM unnest($2::bigint[], $3::bigint[], $4::bigint[], $5::smallint[], $6::bigint[]) WITH ORDINALITY
             AS x(src, dst, quantity, scale, seq, o)`,
          [
            edgeCount,
            ch.edges.map((e) => e.src),
            ch.edges.map((e) => e.dst),
            ch.edges.map((e) => e.quantity.toString()),
            ch.edges.map((e) => e.scale),
            ch.edges.map((e) => e.seq),
          ],
        );
        return [nodeCount, edgeCount + ch.edges.length];
      }
      case 'putShipment': {
        const sh = ch.shipment;
        await c.query(
          `INSERT INTO ${s}.shipments (id, customer_id, seq, data) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET customer_id = EXCLUDED.customer_id, seq = EXCLUDED.seq, data = EXCLUDED.data`,
          [sh.id, sh.customerId, sh.seq, encodeRecord(sh)],
        );
        break;
      }
      case 'addShipmentLines': {
        if (ch.lines.length === 0) break;
        const rest = ch.lines.map(({ quantity: _q, ...r }) => encodeRecord(r));
        await c.query(
          `INSERT INTO ${s}.shipment_lines (shipment_id, line_no, lot_id, customer_id, seq, quantity, data)
           SELECT * FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::bigint[], $6::bigint[], $7::text[])
           ON CONFLICT (shipment_id, line_no) DO UPDATE SET lot_id = EXCLUDED.lot_id, customer_id = EXCLUDED.customer_id,
             seq = EXCLUDED.seq, quantity = EXCLUDED.quantity, data = EXCLUDED.data`,
          [
            ch.lines.map((l) => l.shipmentId),
            ch.lines.map((l) => l.lineNo),
            ch.lines.map((l) => l.lotId),
            ch.lines.map((l) => l.customerId),
            ch.lines.map((l) => l.seq),
            ch.lines.map((l, j) => checkI64(`changes[${i}].lines[${j}].quantity`, l.quantity).toString()),
            rest,
          ],
        );
        break;
      }
      case 'putHold': {
        const h = ch.hold;
        await c.query(
          `INSERT INTO ${s}.holds (id, lot_id, location_id, status, placed_seq, data) VALUES ($1, $2, $3, $4, $5, $6)
           ON CONFLICT (id) DO UPDATE SET lot_id = EXCLUDED.lot_id, location_id = EXCLUDED.location_id,
             status = EXCLUDED.status, placed_seq = EXCLUDED.placed_seq, data = EXCLUDED.data`,
          [h.id, h.lotId, h.locationId ?? null, h.status, h.placedSeq, encodeRecord(h)],
        );
        break;
      }
      case 'putReservation': {
        const r = ch.reservation;
        const qty = checkI64(`changes[${i}].reservation.quantity`, r.quantity);
        if (r.status === 'active') {
          // Lock the stock row first: concurrent reservations of the same lot × location queue here.
          await c.query(`SELECT 1 FROM ${s}.stock WHERE lot_id = $1 AND location_id = $2 FOR UPDATE`, [
            r.lotId,
            r.locationId,
          ]);
        }
        await c.query(
          `INSERT INTO ${s}.reservations (id, lot_id, location_id, product_id, order_id, status, quantity, created_seq, data)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
           ON CONFLICT (id) DO UPDATE SET lot_id = EXCLUDED.lot_id, location_id = EXCLUDED.location_id,
             product_id = EXCLUDED.product_id, order_id = EXCLUDED.order_id, status = EXCLUDED.status,
             quantity = EXCLUDED.quantity, created_seq = EXCLUDED.created_seq, data = EXCLUDED.data`,
          [
            r.id,
            r.lotId,
            r.locationId,
            r.productId,
            r.orderId,
            r.status,
            qty.toString(),
            r.createdSeq,
            encodeRecord(r),
          ],
        );
        if (r.status === 'active') {
          const x = await c.query(
            `SELECT
               (SELECT coalesce(sum(quantity), 0) FROM ${s}.reservations
                  WHERE lot_id = $1 AND location_id = $2 AND status = 'active') AS reserved,
               (SELECT coalesce(max(quantity), 0) FROM ${s}.stock WHERE lot_id = $1 AND location_id = $2) AS on_hand`,
            [r.lotId, r.locationId],
          );
          const reserved = BigInt(x.rows[0].reserved);
          const onHand = BigInt(x.rows[0].on_hand);
          if (reserved > onHand) throw overReservedError(r.id, r.lotId, r.locationId, onHand, reserved, i);
        }
        break;
      }
      case 'putTestResult': {
        const t = ch.result;
        await c.query(
          `INSERT INTO ${s}.test_results (id, lot_id, seq, data) VALUES ($1, $2, $3, $4)
           ON CONFLICT (id) DO UPDATE SET lot_id = EXCLUDED.lot_id, seq = EXCLUDED.seq, data = EXCLUDED.data`,
          [t.id, t.lotId, t.seq, encodeRecord(t)],
        );
        break;
      }
      case 'putDocument': {
        const { content, ...meta } = ch.document;
        await c.query(
          `INSERT INTO ${s}.documents (id, kind, seq, data, content) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (id) DO UPDATE SET kind = EXCLUDED.kind, seq = EXCLUDED.seq, data = EXCLUDED.data,
             content = EXCLUDED.content`,
          [
            meta.id,
            meta.kind,
            meta.seq,
            encodeRecord(meta),
            content === undefined
              ? null
              : Buffer.from(content.buffer, content.byteOffset, content.byteLength),
          ],
        );
        await c.query(`DELETE FROM ${s}.document_lots WHERE document_id = $1`, [meta.id]);
        await c.query(`DELETE FROM ${s}.document_shipments WHERE document_id = $1`, [meta.id]);
        await c.query(
          `INSERT INTO ${s}.document_lots (document_id, lot_id) SELECT $1, x FROM unnest($2::text[]) AS x ON CONFLICT DO NOTHING`,
          [meta.id, meta.lotIds],
        );
        await c.query(
          `INSERT INTO ${s}.document_shipments (document_id, shipment_id) SELECT $1, x FROM unnest($2::text[]) AS x ON CONFLICT DO NOTHING`,
          [meta.id, meta.shipmentIds],
        );
        break;
      }
      case 'putRecord': {
        const r = ch.record;
        await c.query(
          `INSERT INTO ${s}.records (collection, id, key, seq, value) VALUES ($1, $2, $3, $4, $5)
           ON CONFLICT (collection, id) DO UPDATE SET key = EXCLUDED.key, seq = EXCLUDED.seq, value = EXCLUDED.value`,
          [r.collection, r.id, r.key ?? null, r.seq, encodeRecord(r)],
        );
        break;
      }
      default: {
        const never: never = ch;
        throw new LotgraphError(
          ErrorCodes.VALIDATION_FAILED,
          `changes[${i}].type: unknown change type ${(never as { type: string }).type}`,
          { field: `changes[${i}].type` },
        );
      }
    }
    return [nodeCount, edgeCount];
  }

  // ── ledger reads ───────────────────────────────────────────────────────
  async readEvents(fromSeq: number, limit?: number): Promise<StoredEvent[]> {
    const rows =
      limit === undefined
        ? await this.q<EventRow>(`SELECT ${EVENT_COLS} FROM ${this.s}.events WHERE seq >= $1 ORDER BY seq`, [
            fromSeq,
          ])
        : await this.q<EventRow>(
            `SELECT ${EVENT_COLS} FROM ${this.s}.events WHERE seq >= $1 ORDER BY seq LIMIT $2`,
            [fromSeq, Math.max(0, limit)],
          );
    return rows.map(rowToEvent);
  }
  async getEvent(seq: number): Promise<StoredEvent | undefined> {
    const [r] = await this.q<EventRow>(`SELECT ${EVENT_COLS} FROM ${this.s}.events WHERE seq = $1`, [seq]);
    return r ? rowToEvent(r) : undefined;
  }
  async findEventByIdempotencyKey(key: string): Promise<StoredEvent | undefined> {
    const [r] = await this.q<EventRow>(
      `SELECT ${EVENT_COLS} FROM ${this.s}.events WHERE idempotency_key = $1`,
      [key],
    );
    return r ? rowToEvent(r) : undefined;
  }

  // ── records ────────────────────────────────────────────────────────────
  private async one<T>(sql: string, params: unknown[]): Promise<T | undefined> {
    const [r] = await this.q<{ data: string }>(sql, params);
    return r ? decodeRecord<T>(r.data) : undefined;
  }
  private async many<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    return (await this.q<{ data: string }>(sql, params)).map((r) => decodeRecord<T>(r.data));
  }

  getProduct(id: string) {
    return this.one<Product>(`SELECT data FROM ${this.s}.products WHERE id = $1`, [id]);
  }
  findProductByGtin(gtin: string) {
    return this.one<Product>(
      `SELECT data FROM ${this.s}.products WHERE gtin14 = $1 ORDER BY id COLLATE "C" LIMIT 1`,
      [gtin],
    );
  }
  async listProducts() {
    return sortById(await this.many<Product>(`SELECT data FROM ${this.s}.products`));
  }
  getParty(id: string) {
    return this.one<Party>(`SELECT data FROM ${this.s}.parties WHERE id = $1`, [id]);
  }
  async listParties() {
    return sortById(await this.many<Party>(`SELECT data FROM ${this.s}.parties`));
  }
  getLocation(id: string) {
    return this.one<Location>(`SELECT data FROM ${this.s}.locations WHERE id = $1`, [id]);
  }
  async listLocations() {
    return sortById(await this.many<Location>(`SELECT data FROM ${this.s}.locations`));
  }
  getLot(id: string) {
    return this.one<Lot>(`SELECT data FROM ${this.s}.lots WHERE id = $1`, [id]);
  }
  async getLots(ids: readonly string[]) {
    if (ids.length === 0) return [];
    return sortById(
      await this.many<Lot>(`SELECT data FROM ${this.s}.lots WHERE id = ANY($1::text[])`, [[...new Set(ids)]]),
    );
  }
  async listLots(filter: LotFilter = {}) {
    return sortById(
      await this.many<Lot>(
        `SELECT data FROM ${this.s}.lots WHERE ($1::text IS NULL OR product_id = $1)
           AND ($2::text IS NULL OR supplier_id = $2) AND ($3::text IS NULL OR supplier_lot_number = $3)`,
        [filter.productId ?? null, filter.supplierId ?? null, filter.supplierLotNumber ?? null],
      ),
    );
  }
  async getStock(lotId: string, locationId: string) {
    const [r] = await this.q<{ quantity: string }>(
      `SELECT quantity FROM ${this.s}.stock WHERE lot_id = $1 AND location_id = $2`,
      [lotId, locationId],
    );
    return r ? BigInt(r.quantity) : 0n;
  }
  async listStock(filter: StockFilter = {}) {
    const rows = await this.q<{ lot_id: string; location_id: string; product_id: string; quantity: string }>(
      `SELECT lot_id, location_id, product_id, quantity FROM ${this.s}.stock
       WHERE quantity <> 0 AND ($1::text IS NULL OR lot_id = $1) AND ($2::text IS NULL OR location_id = $2)
         AND ($3::text IS NULL OR product_id = $3)`,
      [filter.lotId ?? null, filter.locationId ?? null, filter.productId ?? null],
    );
    return rows
      .map(
        (r): StockBalance => ({
          lotId: r.lot_id,
          locationId: r.location_id,
          productId: r.product_id,
          quantity: BigInt(r.quantity),
        }),
      )
      .sort((a, b) => cmpStr(a.lotId, b.lotId) || cmpStr(a.locationId, b.locationId));
  }
  async listAvailableStock(productId: string, options: { locationId?: string } = {}) {
    const rows = await this.q<{
      lot: string;
      location_id: string;
      on_hand: string;
      reserved: string;
      on_hold: boolean;
    }>(
      `SELECT l.data AS lot, s.location_id, s.quantity AS on_hand,
         (SELECT coalesce(sum(r.quantity), 0) FROM ${this.s}.reservations r
            WHERE r.lot_id = s.lot_id AND r.location_id = s.location_id AND r.status = 'active') AS reserved,
         EXISTS (SELECT 1 FROM ${this.s}.holds h WHERE h.lot_id = s.lot_id AND h.status = 'active'
            AND (h.location_id IS NULL OR h.location_id = s.location_id)) AS on_hold
       FROM ${this.s}.stock s JOIN ${this.s}.lots l ON l.id = s.lot_id
       WHERE s.product_id = $1 AND s.quantity <> 0 AND ($2::text IS NULL OR s.location_id = $2)`,
      [productId, options.locationId ?? null],
    );
    const out: AvailableStockRow[] = rows.map((r) => ({
      lot: decodeRecord<Lot>(r.lot),
      locationId: r.location_id,
      onHand: BigInt(r.on_hand),
      reserved: BigInt(r.reserved),
      onHold: r.on_hold,
    }));
    return out.sort(compareAvailableStock);
  }

  // ── genealogy ──────────────────────────────────────────────────────────
  async findNodeIds(kind: number, refs: readonly string[]) {
    const out = new Map<string, number>();
    if (refs.length === 0) return out;
    const rows = await this.q<{ ref: string; id: string }>(
      `SELECT ref, id FROM ${this.s}.nodes WHERE kind = $1 AND ref = ANY($2::text[])`,
      [kind, [...new Set(refs)]],
    );
    for (const r of rows) out.set(r.ref, Number(r.id));
    return out;
  }

  async listEdges(filter: { src?: readonly number[]; dst?: readonly number[] }) {
    const rows = await this.q<{ src: string; dst: string; quantity: string; scale: number; seq: string }>(
      `SELECT src, dst, quantity, scale, seq FROM ${this.s}.edges
       WHERE ($1::bigint[] IS NULL OR src = ANY($1)) AND ($2::bigint[] IS NULL OR dst = ANY($2)) ORDER BY id`,
      [filter.src ? [...filter.src] : null, filter.dst ? [...filter.dst] : null],
    );
    return rows.map(
      (r): GenealogyEdge => ({
        src: Number(r.src),
        dst: Number(r.dst),
        quantity: BigInt(r.quantity),
        scale: Number(r.scale),
        seq: Number(r.seq),
      }),
    );
  }

  async *streamGenealogy(options: StreamGenealogyOptions = {}): AsyncIterable<GenealogyChunk> {
    this.check();
    const since = options.sinceSeq ?? 0;
    // Never past the committed head: a pack written from this stream claims every row up to `until`.
    const head = (await this.head()).seq;
    const until = Math.min(options.untilSeq ?? head, head);
    const size = Math.max(1, Math.floor(options.batchSize ?? this.defaultBatchSize));
    const pack = since === 0 && this.packEnabled ? await this.readPack(until) : undefined;
    if (!pack) {
      const collect = since === 0 && this.packEnabled ? newCollector() : undefined;
      for await (const c of this.streamRows(since, until, size, 0, 0)) {
        collect?.add(c);
        yield c;
      }
      if (collect && collect.rows() >= this.packThreshold) await this.tryWritePack(collect, until, true);
      return;
    }
    for (let i = 0; i < pack.nodeCount; i += size) {
      const j = Math.min(pack.nodeCount, i + size);
      yield { type: 'nodes', firstId: i, kinds: pack.kinds.subarray(i, j), refs: pack.refs.slice(i, j) };
    }
    const tail = newCollector();
    const rows = this.streamRows(pack.uptoSeq, until, size, pack.nodeCount, pack.edgeCount)[
      Symbol.asyncIterator
    ]();
    let next = await rows.next();
    while (!next.done && next.value.type === 'nodes') {
      tail.add(next.value);
      yield next.value;
      next = await rows.next();
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
      next = await rows.next();
    }
    if (tail.rows() >= this.packThreshold) {
      const all = newCollector();
      all.add({ type: 'nodes', firstId: 0, kinds: pack.kinds, refs: pack.refs });
      all.add({ type: 'edges', src: pack.src, dst: pack.dst, qty: pack.qty });
      for (const c of tail.chunks) all.add(c);
      await this.tryWritePack(all, until, true);
    }
  }

  /** Keyset pages (primary key walk) of nodes with id ≥ fromNode, then edges with id > fromEdge, seq in (since, until]. */
  private async *streamRows(
    since: number,
    until: number,
    size: number,
    fromNode: number,
    fromEdge: number,
  ): AsyncGenerator<GenealogyChunk> {
    // Append-only rows stamped with their event's seq: pages bounded by `until` are stable under
    // concurrent appends, so no long-lived snapshot or cursor is needed.
    let last = fromNode - 1;
    for (;;) {
      const rows = await this.q<{ id: string; kind: number; ref: string }>(
        `SELECT id, kind, ref FROM ${this.s}.nodes WHERE id > $1 AND seq > $2 AND seq <= $3 ORDER BY id LIMIT $4`,
        [last, since, until, size],
      );
      if (rows.length === 0) break;
      const kinds = new Uint8Array(rows.length);
      const refs = new Array<string>(rows.length);
      let start = 0;
      for (let k = 0; k < rows.length; k++) {
        const r = rows[k]!;
        if (k > start && Number(r.id) !== Number(rows[k - 1]!.id) + 1) {
          yield {
            type: 'nodes',
            firstId: Number(rows[start]!.id),
            kinds: kinds.slice(start, k),
            refs: refs.slice(start, k),
          };
          start = k;
        }
        kinds[k] = r.kind;
        refs[k] = r.ref;
      }
      yield {
        type: 'nodes',
        firstId: Number(rows[start]!.id),
        kinds: start === 0 ? kinds : kinds.slice(start),
        refs: start === 0 ? refs : refs.slice(start),
      };
      last = Number(rows[rows.length - 1]!.id);
      if (rows.length < size) break;
    }
    let lastEdge = fromEdge;
    for (;;) {
      const rows = await this.q<{ id: string; src: string; dst: string; quantity: string; scale: number }>(
        `SELECT id, src, dst, quantity, scale FROM ${this.s}.edges WHERE id > $1 AND seq > $2 AND seq <= $3 ORDER BY id LIMIT $4`,
        [lastEdge, since, until, size],
      );
      if (rows.length === 0) break;
      const n = rows.length;
      const src = new Int32Array(n);
      const dst = new Int32Array(n);
      const qty = new Float64Array(n);
      for (let k = 0; k < n; k++) {
        const r = rows[k]!;
        src[k] = Number(r.src);
        dst[k] = Number(r.dst);
        qty[k] = r.scale === 0 ? Number(r.quantity) : Number(r.quantity) / 10 ** r.scale;
      }
      yield { type: 'edges', src, dst, qty };
      lastEdge = Number(rows[n - 1]!.id);
      if (n < size) break;
    }
  }

  private async readPack(until: number): Promise<GenealogyPack | undefined> {
    if (!LITTLE_ENDIAN) return undefined;
    const [row] = await this.q<{
      upto_seq: string;
      node_count: string;
      edge_count: string;
      kinds: Buffer;
      refs: string;
      src: Buffer;
      dst: Buffer;
      qty: Buffer;
    }>(
      `SELECT upto_seq, node_count, edge_count, kinds, refs, src, dst, qty FROM ${this.s}.genealogy_pack
       WHERE id = 1 AND upto_seq <= $1`,
      [until],
    );
    if (!row) return undefined;
    const n = Number(row.node_count);
    const m = Number(row.edge_count);
    const copy = <T extends Int32Array | Float64Array | Uint8Array>(buf: Buffer, out: T): T => {
      new Uint8Array(out.buffer, out.byteOffset, out.byteLength).set(buf);
      return out;
    };
    return {
      uptoSeq: Number(row.upto_seq),
      nodeCount: n,
      edgeCount: m,
      kinds: copy(row.kinds, new Uint8Array(n)),
      refs: JSON.parse(row.refs) as string[],
      src: copy(row.src, new Int32Array(m)),
      dst: copy(row.dst, new Int32Array(m)),
      qty: copy(row.qty, new Float64Array(m)),
    };
  }

  /**
   * Write the pack from a complete stream of (0, upto] — `upto` never past the head the stream read, so the
   * pack claims no row it does not hold. From a stream (`bestEffort`) a failure is only reported: the
   * consumer already has every row, and the pack is a cache.
   */
  private async tryWritePack(c: Collector, upto: number, bestEffort = false): Promise<void> {
    if (!LITTLE_ENDIAN || this.closed) return;
    try {
      await this.writePack(c, upto);
    } catch (e) {
      if (!bestEffort) throw mapPgError(e);
      this.report(mapPgError(e), { source: 'pack' });
    }
  }

  private async writePack(c: Collector, upto: number): Promise<void> {
    const { kinds, refs, src, dst, qty } = c.concat();
    const blob = (a: Uint8Array | Int32Array | Float64Array) =>
      Buffer.from(a.buffer, a.byteOffset, a.byteLength);
    // Only move the pack forward (a slower process must not replace a newer pack with an older one).
    await this.pool.query(
      `INSERT INTO ${this.s}.genealogy_pack (id, upto_seq, node_count, edge_count, kinds, refs, src, dst, qty, written_at)
       VALUES (1, $1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (id) DO UPDATE SET upto_seq = EXCLUDED.upto_seq, node_count = EXCLUDED.node_count,
         edge_count = EXCLUDED.edge_count, kinds = EXCLUDED.kinds, refs = EXCLUDED.refs, src = EXCLUDED.src,
         dst = EXCLUDED.dst, qty = EXCLUDED.qty, written_at = EXCLUDED.written_at
       WHERE ${this.s}.genealogy_pack.upto_seq < EXCLUDED.upto_seq`,
      [
        upto,
        kinds.length,
        src.length,
        blob(kinds),
        JSON.stringify(refs),
        blob(src),
        blob(dst),
        blob(qty),
        new Date().toISOString(),
      ],
    );
  }

  /** Rebuild the genealogy pack now (e.g. right after a bulk import, so the next open is fast). */
  async packGenealogy(): Promise<void> {
    const until = (await this.head()).seq;
    const c = newCollector();
    for await (const chunk of this.streamRows(0, until, this.defaultBatchSize, 0, 0)) c.add(chunk);
    await this.tryWritePack(c, until);
  }

  // ── shipments ──────────────────────────────────────────────────────────
  getShipment(id: string) {
    return this.one<ShipmentRecord>(`SELECT data FROM ${this.s}.shipments WHERE id = $1`, [id]);
  }
  async listShipments(filter: { customerId?: string } = {}) {
    const rows = await this.many<ShipmentRecord>(
      `SELECT data FROM ${this.s}.shipments WHERE ($1::text IS NULL OR customer_id = $1)`,
      [filter.customerId ?? null],
    );
    return rows.sort((a, b) => a.seq - b.seq || cmpStr(a.id, b.id));
  }
  async listShipmentLines(filter: ShipmentLineFilter = {}) {
    const rows = await this.q<{ quantity: string; data: string }>(
      `SELECT quantity, data FROM ${this.s}.shipment_lines
       WHERE ($1::text IS NULL OR lot_id = $1) AND ($2::text[] IS NULL OR lot_id = ANY($2))
         AND ($3::text IS NULL OR shipment_id = $3) AND ($4::text IS NULL OR customer_id = $4)`,
      [
        filter.lotId ?? null,
        filter.lotIds ? [...new Set(filter.lotIds)] : null,
        filter.shipmentId ?? null,
        filter.customerId ?? null,
      ],
    );
    return rows
      .map((r) => {
        const l = decodeRecord<ShipmentLineRecord>(r.data);
        l.quantity = BigInt(r.quantity);
        return l;
      })
      .sort((a, b) => a.seq - b.seq || cmpStr(a.shipmentId, b.shipmentId) || a.lineNo - b.lineNo);
  }

  // ── quality and allocation ─────────────────────────────────────────────
  getHold(id: string) {
    return this.one<HoldRecord>(`SELECT data FROM ${this.s}.holds WHERE id = $1`, [id]);
  }
  async listHolds(filter: { lotId?: string; status?: HoldRecord['status'] } = {}) {
    const rows = await this.many<HoldRecord>(
      `SELECT data FROM ${this.s}.holds WHERE ($1::text IS NULL OR lot_id = $1) AND ($2::text IS NULL OR status = $2)`,
      [filter.lotId ?? null, filter.status ?? null],
    );
    return rows.sort((a, b) => a.placedSeq - b.placedSeq || cmpStr(a.id, b.id));
  }
  getReservation(id: string) {
    return this.one<ReservationRecord>(`SELECT data FROM ${this.s}.reservations WHERE id = $1`, [id]);
  }
  async listReservations(
    filter: {
      lotId?: string;
      productId?: string;
      orderId?: string;
      status?: ReservationRecord['status'];
    } = {},
  ) {
    const rows = await this.many<ReservationRecord>(
      `SELECT data FROM ${this.s}.reservations WHERE ($1::text IS NULL OR lot_id = $1)
         AND ($2::text IS NULL OR product_id = $2) AND ($3::text IS NULL OR order_id = $3)
         AND ($4::text IS NULL OR status = $4)`,
      [filter.lotId ?? null, filter.productId ?? null, filter.orderId ?? null, filter.status ?? null],
    );
    return rows.sort((a, b) => a.createdSeq - b.createdSeq || cmpStr(a.id, b.id));
  }
  getTestResult(id: string) {
    return this.one<TestResultRecord>(`SELECT data FROM ${this.s}.test_results WHERE id = $1`, [id]);
  }
  async listTestResults(filter: { lotId?: string } = {}) {
    const rows = await this.many<TestResultRecord>(
      `SELECT data FROM ${this.s}.test_results WHERE ($1::text IS NULL OR lot_id = $1)`,
      [filter.lotId ?? null],
    );
    return rows.sort((a, b) => a.seq - b.seq || cmpStr(a.id, b.id));
  }
  private docs(rows: { data: string; content: Buffer | null }[]): DocumentRecord[] {
    return rows.map((r) => {
      const d = decodeRecord<DocumentRecord>(r.data);
      if (r.content !== null) d.content = new Uint8Array(r.content);
      return d;
    });
  }
  async getDocument(id: string) {
    const rows = await this.q<{ data: string; content: Buffer | null }>(
      `SELECT data, content FROM ${this.s}.documents WHERE id = $1`,
      [id],
    );
    return this.docs(rows)[0];
  }
  async listDocuments(filter: { lotId?: string; shipmentId?: string; kind?: string } = {}) {
    const rows = await this.q<{ data: string; content: Buffer | null }>(
      `SELECT d.data, d.content FROM ${this.s}.documents d
       WHERE ($1::text IS NULL OR d.kind = $1)
         AND ($2::text IS NULL OR EXISTS (SELECT 1 FROM ${this.s}.document_lots x WHERE x.lot_id = $2 AND x.document_id = d.id))
         AND ($3::text IS NULL OR EXISTS (SELECT 1 FROM ${this.s}.document_shipments y WHERE y.shipment_id = $3 AND y.document_id = d.id))`,
      [filter.kind ?? null, filter.lotId ?? null, filter.shipmentId ?? null],
    );
    return this.docs(rows).sort((a, b) => a.seq - b.seq || cmpStr(a.id, b.id));
  }

  // ── free-form projections ──────────────────────────────────────────────
  async getRecord(collection: string, id: string) {
    const [r] = await this.q<{ value: string }>(
      `SELECT value FROM ${this.s}.records WHERE collection = $1 AND id = $2`,
      [collection, id],
    );
    return r ? decodeRecord<AuxRecord>(r.value) : undefined;
  }
  async listRecords(collection: string, filter: { key?: string } = {}) {
    const rows = await this.q<{ value: string }>(
      `SELECT value FROM ${this.s}.records WHERE collection = $1 AND ($2::text IS NULL OR key = $2)`,
      [collection, filter.key ?? null],
    );
    return sortById(rows.map((r) => decodeRecord<AuxRecord>(r.value)));
  }

  // ── multi-process sync ─────────────────────────────────────────────────
  private channel(): string {
    return `lotgraph_${this.schema}`;
  }

  /**
   * Call `onAppend(seq)` whenever any process commits an append to this schema (LISTEN/NOTIFY on a
   * dedicated connection). Notifications can be lost (a dropped connection): treat them as a hint and catch
   * up by seq (`lg.sync()` does). When the LISTEN connection drops it is reopened with backoff (0.1 s
   * doubling to 5 s apart, until it works or the store closes), and then every subscriber is called with
   * the current head seq, so whatever was committed meanwhile is caught up. Returns an unsubscribe function.
   *
   * @throws LotgraphError `STORE_UNAVAILABLE` when the first LISTEN connection cannot be opened.
   */
  async subscribe(onAppend: (seq: number) => void): Promise<() => Promise<void>> {
    this.check();
    this.subscribers.add(onAppend);
    // A reconnect under way will hand the new subscriber the head as well.
    if (!this.listener && !this.reconnecting) {
      try {
        this.listenStarting ??= this.listen().finally(() => {
          this.listenStarting = undefined;
        });
        await this.listenStarting;
      } catch (e) {
        this.subscribers.delete(onAppend);
        throw e;
      }
    }
    return async () => {
      this.subscribers.delete(onAppend);
      if (this.subscribers.size === 0) await this.stopListening();
    };
  }

  /** Call every subscriber; one that throws is reported and does not stop the others. */
  private notify(seq: number): void {
    for (const f of [...this.subscribers]) {
      try {
        f(seq);
      } catch (e) {
        this.report(e, { source: 'subscriber' });
      }
    }
  }

  /** Open the LISTEN connection; when it drops, {@link reconnect}. */
  private async listen(): Promise<void> {
    const client = await this.connect();
    const lost = (e?: unknown) => {
      if (this.listener !== client) return;
      this.listener = undefined;
      client.release(true);
      this.report(e ?? new Error('LISTEN connection ended'), { source: 'listen', attempt: 0 });
      this.reconnect();
    };
    client.on('notification', (msg) => {
      const seq = Number(msg.payload);
      if (Number.isFinite(seq)) this.notify(seq);
    });
    client.on('error', lost);
    client.on('end', () => lost());
    try {
      await client.query(`LISTEN "${this.channel()}"`);
    } catch (e) {
      client.release(true);
      throw mapPgError(e);
    }
    if (this.closed || this.subscribers.size === 0) {
      client.release(true); // everyone unsubscribed meanwhile
      return;
    }
    this.listener = client;
  }

  /**
   * Re-LISTEN after a drop, with backoff (see {@link RECONNECT_MAX_MS}), until it works or the store closes
   * or nobody subscribes any more. Notifications sent while no connection listened are lost, so subscribers
   * then get the current head seq and catch up by seq (nothing committed is missed).
   */
  private reconnect(): void {
    if (this.reconnecting || this.closed || this.subscribers.size === 0) return;
    const active = () => !this.closed && this.subscribers.size > 0;
    this.reconnecting = (async () => {
      for (let attempt = 1; active(); attempt++) {
        const backoff = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt - 1, 16));
        await this.pause(backoff * (0.75 + Math.random() * 0.5));
        if (!active()) return;
        try {
          if (!this.listener) await this.listen();
          if (!active()) return;
          const { seq } = await this.head();
          this.notify(seq);
          return;
        } catch (e) {
          if (active()) this.report(e, { source: 'listen', attempt });
        }
      }
    })().finally(() => {
      this.reconnecting = undefined;
      // Dropped again while the head was fetched (lost() saw a reconnect under way): go round again.
      if (!this.listener && !this.listenStarting) this.reconnect();
    });
  }

  /** A pause that {@link close} cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeups.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeups.add(done);
    });
  }

  private async stopListening(): Promise<void> {
    const l = this.listener;
    if (!l) return;
    this.listener = undefined;
    // Not back into the pool: the session still LISTENs and carries our handlers.
    l.release(true);
  }

  /**
   * Test hook: damage the stored ledger behind the store's back — a payload that is no longer JSON, or the
   * newest event row deleted — to prove `verifyLedger()` reports it. Never use outside tests.
   */
  async corruptForTesting(kind: 'payload-not-json' | 'delete-newest-event', seq?: number): Promise<void> {
    const target = seq ?? (await this.head()).seq;
    if (kind === 'payload-not-json')
      await this.q(`UPDATE ${this.s}.events SET payload = '{"quantity": ' WHERE seq = $1`, [target]);
    else await this.q(`DELETE FROM ${this.s}.events WHERE seq = $1`, [target]);
  }

  /**
   * Test hook: rewrite a stored event row behind the ledger's back (to prove `verifyLedger()` detects
   * tampering). Never use outside tests.
   */
  async tamperForTesting(seq: number, mutate: (event: StoredEvent) => void): Promise<void> {
    const e = await this.getEvent(seq);
    if (!e) throw new LotgraphError(ErrorCodes.EVENT_NOT_FOUND, `no event with seq ${seq}`, { seq });
    mutate(e);
    await this.q(
      `UPDATE ${this.s}.events SET type = $1, event_time = $2, record_time = $3, actor = $4, idempotency_key = $5,
         request_hash = $6, payload = $7, prev_hash = $8, hash = $9 WHERE seq = $10`,
      [
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
      ],
    );
  }

  /** Drop this store's schema and everything in it (tests, teardown). Closes the store. */
  async dropSchema(): Promise<void> {
    this.check();
    await this.stopListening();
    await this.pool.query(`DROP SCHEMA IF EXISTS ${this.s} CASCADE`);
    await this.close();
  }

  /** Release the listener and (when the store created it) the pool. Idempotent. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of [...this.wakeups]) wake();
    await this.reconnecting;
    await this.listenStarting?.catch(() => undefined);
    await this.stopListening();
    if (this.ownsPool) await this.pool.end();
    else this.detachPool();
  }
}

/** Map database errors to LotgraphErrors (unique violations → CONFLICT, busy → CONFLICT). */
function mapPgError(e: unknown): unknown {
  if (e instanceof LotgraphError) return e;
  const code = (e as { code?: string })?.code;
  if (isConnectionError(e))
    return new LotgraphError(
      ErrorCodes.STORE_UNAVAILABLE,
      `PostgreSQL is unavailable: ${(e as Error)?.message ?? String(e)}`,
      { reason: code ?? 'connection', retryable: true },
    );
  if (code === '23505')
    return new LotgraphError(
      ErrorCodes.CONFLICT,
      `a concurrent writer stored the same key: ${(e as Error).message}`,
      {
        reason: 'unique_violation',
      },
    );
  if (code === '40001' || code === '40P01')
    return new LotgraphError(ErrorCodes.CONFLICT, `transaction conflict: ${(e as Error).message}`, {
      reason: 'serialization',
    });
  return e;
}

/** Errors that mean the connection or the server went away (class 08, admin shutdown, socket errors). */
function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? '';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code))
    return true;
  const message = String((e as Error)?.message ?? '');
  return /Connection terminated|connection error|terminating connection|Client was closed|not queryable/i.test(
    message,
  );
}
