/**
 * The SQL store core: one implementation of the Store port for every SQL database. Reads live in
 * {@link SqlReads} (and {@link SqlSerialReads}); this class adds the lifecycle written once — migrations, the writer lock, the append
 * transaction, a commit lost in flight, change notification or polling, genealogy streaming and the pack.
 *
 * A command through the sdk takes two round trips: `BEGIN` + the head `FOR UPDATE` (and whether the outbox
 * has subscriptions, see `sql-head.ts`) + the prefetch of every row the commands name, then every table's
 * multi-row writes + `COMMIT`. The append is checked with the sdk's own {@link planAppend} against the rows
 * that prefetch read under the lock; what the prefetch did not cover (a lot it did not name — a direct
 * `append`) is read in one more round trip, and idempotency keys and genealogy nodes are left to the unique
 * indexes: should a write fail, the transaction is rolled back and the append re-checked against freshly
 * read rows, which reports exactly what MemoryStore would.
 *
 * A database plugs in a {@link SqlDialect} and a {@link SqlDriver}; see `src/sqlite/` for the built-in
 * example.
 *
 * @module
 */
import type {
  AppendBatch,
  GenealogyChunk,
  Prefetched,
  PrefetchKeys,
  Store,
  StoredEvent,
  StoreHead,
  StreamGenealogyOptions,
} from '@lotgraph/sdk';
import {
  appendKeys,
  closedError,
  ErrorCodes,
  isLotgraphError,
  LotgraphError,
  planAppend,
} from '@lotgraph/sdk';
import type { SqlDialect } from './dialect.js';
import type { Row, SqlConnection, SqlDriver, SqlErrorContext, Statement } from './driver.js';

export type { SqlErrorContext } from './driver.js';
export type { SqlStoreOptions } from './sql-store-config.js';

import { positiveOption } from './options.js';
import type { Collector } from './pack.js';
import { newCollector } from './pack.js';
import { appendState, checkStatements, coveredState } from './sql-append-check.js';
import { type GenealogySource, streamGenealogy, streamRows, writePack } from './sql-genealogy.js';
import { headSql, lockedReads, type Scope, takeLockedReads, toHead } from './sql-head.js';
import { applyMigrations } from './sql-migrations.js';
import { SqlOutbox } from './sql-outbox.js';
import { SqlSerialReads, serialStatements } from './sql-serials.js';
import { abandonSession, acquireSession, inTransaction } from './sql-sessions.js';
import type { SqlStoreOptions } from './sql-store-config.js';
import { HeadFollower, StatisticsRefresher } from './sql-sync.js';
import { EVENT_COLUMNS, eventValues, planStatements } from './sql-writes.js';

/** Test hook: counts of what the last append did (round trips are counted by the drivers' wrappers). */
export interface SqlStoreStats {
  appends: number;
}

/** The Store port on a SQL database (see the module docs). Entry points construct it. */
export class SqlStore extends SqlSerialReads implements Store {
  readonly name: string;
  /** Reads cross a connection: the sdk fetches each point read once per attempt. */
  readonly memoiseReads: boolean;
  protected readonly d: SqlDialect;
  protected readonly driver: SqlDriver;
  protected closed = false;
  /**
   * Set on the view `withWriteLock` hands its callback (see {@link lockedView}): the lock's transaction.
   * The store itself has none. (An explicit view instead of `AsyncLocalStorage`: on Node 20 an active
   * async-local store puts a hook on every promise of the process — a tenth of a command's time.)
   */
  private bound?: Scope;
  /** The store itself (a locked view's prototype chain leads back to it). */
  private readonly root: SqlStore = this;
  private readonly batchSize: number;
  private readonly pack: boolean;
  private readonly threshold: number;
  private readonly pollMs: number;
  private readonly onError: SqlStoreOptions['onError'];
  private readonly follower: HeadFollower;
  private readonly analyzer: StatisticsRefresher;

  constructor(dialect: SqlDialect, driver: SqlDriver, options: SqlStoreOptions) {
    super();
    this.d = dialect;
    this.driver = driver;
    this.name = options.name;
    this.memoiseReads = dialect.kind !== 'sqlite';
    this.batchSize = positiveOption('defaultBatchSize', options.defaultBatchSize ?? 65_536);
    this.threshold = positiveOption('packThreshold', options.packThreshold ?? 50_000);
    this.pollMs = positiveOption('pollIntervalMs', options.pollIntervalMs ?? 200);
    this.pack = options.genealogyPack ?? true;
    this.onError = options.onError;
    this.follower = new HeadFollower(
      driver,
      async () => (await this.head()).seq,
      this.pollMs,
      () => this.closed,
      (e, c) => this.report(e, c),
    );
    this.analyzer = new StatisticsRefresher(
      () => dialect.analyze?.(),
      (sql) => driver.pool.query(sql),
      () => this.closed,
      (e) => this.report(driver.mapError(e), { source: 'analyze' }),
    );
    this.outbox = new SqlOutbox({
      d: dialect,
      check: () => this.check(),
      q: (sql, params) => this.q(sql, params),
      transact: (fn, first) => {
        this.check();
        return inTransaction(driver, fn, first);
      },
      locked: (fn) =>
        this.lock(async (view) => {
          const head = await view.head();
          return fn((view.bound as Scope).session, head);
        }),
    });
  }

  /** The transactional outbox (see `sql-outbox.ts`). */
  readonly outbox: SqlOutbox;

  /** Report an error nobody awaits (never throws). */
  protected report(error: unknown, context: SqlErrorContext): void {
    try {
      this.onError?.(error, context);
    } catch {
      // An error hook that throws has nowhere left to report to.
    }
  }

  protected check(): void {
    if (this.closed) throw closedError(this.name);
  }

  /**
   * The connection to use: in a locked view, the lock's transaction (begun now if it was granted lazily);
   * else the pool.
   */
  private async conn(): Promise<SqlConnection> {
    const s = this.bound;
    if (s?.lazy) await this.begin(s);
    return s?.open ? s.session : this.driver.pool;
  }

  protected async q(sql: string, params: readonly unknown[] = []): Promise<Row[]> {
    this.check();
    const c = await this.conn();
    // A pooled read may pick a connection the server has just dropped: reads are idempotent, so try again
    // on a fresh connection a couple of times before reporting STORE_UNAVAILABLE.
    for (let attempt = 0; ; attempt++) {
      try {
        return await c.query(sql, params);
      } catch (e) {
        const mapped = this.driver.mapError(e);
        if (c !== this.driver.pool || attempt >= 2 || !isLotgraphError(mapped, ErrorCodes.STORE_UNAVAILABLE))
          throw mapped;
        await new Promise((r) => setTimeout(r, 50 * 4 ** attempt));
      }
    }
  }

  protected async script(statements: Statement[]): Promise<Row[][]> {
    this.check();
    const c = await this.conn();
    try {
      return await c.script(statements);
    } catch (e) {
      throw this.driver.mapError(e);
    }
  }

  protected async headAndScript(statements: Statement[]): Promise<{ head: StoreHead; rows: Row[][] }> {
    this.check();
    const s = this.bound;
    if (s?.lazy) {
      const rows = await this.begin(s, statements);
      return { head: { ...s.head }, rows };
    }
    if (s?.open)
      return { head: { ...s.head }, rows: statements.length > 0 ? await this.script(statements) : [] };
    const [headRows = [], ...rows] = await this.script([{ sql: headSql(this.t('head')) }, ...statements]);
    return { head: toHead(headRows[0]), rows };
  }

  // ── migrations ─────────────────────────────────────────────────────────
  /** Apply pending migrations in one transaction (one migrator at a time: the dialect's lock). */
  async migrate(
    lock: Statement,
    prepare: readonly string[] = [],
    after: readonly Statement[] = [],
  ): Promise<void> {
    await applyMigrations(this.d, this.driver, this.name, await acquireSession(this.driver), {
      lock,
      prepare,
      after,
    });
  }

  /** Schema version (the last applied migration). */
  protected async readSchemaVersion(): Promise<number> {
    const [r] = await this.q(`SELECT coalesce(max(version), 0) AS v FROM ${this.t('lotgraph_migrations')}`);
    return Number(r?.v ?? 0);
  }

  // ── ledger ─────────────────────────────────────────────────────────────
  async head(): Promise<StoreHead> {
    const s = this.bound;
    if (s) {
      this.check();
      if (s.lazy) await this.begin(s);
      return { ...s.head };
    }
    return toHead((await this.q(headSql(this.t('head'))))[0]);
  }

  /**
   * `BEGIN` + the head read under the writer lock (+ `then`), in one round trip where the database allows;
   * the scope's transaction is open from here on (so a failure rolls it back) and `scope.head` is the
   * locked head. Returns the rows of `then`.
   */
  private async begin(scope: Scope, then: Statement[] = []): Promise<Row[][]> {
    scope.open = true;
    scope.lazy = false;
    scope.known = undefined;
    try {
      return takeLockedReads(
        scope,
        await this.driver.begin(scope.session, [...lockedReads(this.d), ...then]),
      );
    } catch (e) {
      throw this.driver.mapError(e);
    }
  }

  /**
   * Decide-and-append in turns: a write transaction that holds the head row (`FOR UPDATE`; SQLite:
   * `BEGIN IMMEDIATE`) from before the sdk reads until the append commits, so writers of every process
   * queue instead of losing races. `fn` gets the store as seen in that transaction: its reads and its
   * append run there. (The store itself, called inside `fn`, reads outside the transaction and waits for
   * the lock to write, like any other writer.)
   */
  async withWriteLock<R>(fn: (locked: Store) => Promise<R>): Promise<R> {
    return this.lock(fn);
  }

  private async lock<R>(fn: (view: SqlStore) => Promise<R>): Promise<R> {
    this.check();
    if (this.bound) return fn(this); // already inside: the append re-opens the transaction
    const session = await acquireSession(this.driver);
    let scope: Scope | undefined;
    let view: SqlStore | undefined;
    try {
      // The transaction begins with the first read inside `fn` (the sdk's prefetch: one round trip).
      scope = { session, head: { seq: 0, hash: '', nodeCount: 0, edgeCount: 0 }, open: false, lazy: true };
      view = this.lockedView(scope);
      const result = await fn(view);
      if (scope.open) {
        scope.open = false;
        await session.query('COMMIT');
      }
      session.release();
      return result;
    } catch (e) {
      return abandonSession(this.driver, session, e, scope === undefined || scope.open);
    } finally {
      // A view kept past its lock reads and writes as the store itself does.
      if (view) view.bound = undefined;
    }
  }

  /**
   * This store bound to the lock's transaction: an object whose prototype is the store, with `bound` set
   * (every read goes through {@link conn}, which picks the bound session).
   */
  private lockedView(scope: Scope): SqlStore {
    const view = Object.create(this) as SqlStore;
    view.bound = scope;
    return view;
  }

  async append(batch: AppendBatch): Promise<StoreHead> {
    this.check();
    const scope = this.bound;
    if (scope) {
      if (!scope.open) await this.begin(scope);
      return this.appendIn(scope, batch);
    }
    return this.lock((view) => view.append(batch));
  }

  /** Everything the runner prefetches; under the write lock it is also kept for the append's checks. */
  override async prefetch(keys: PrefetchKeys): Promise<Prefetched> {
    const s = this.bound;
    const out = await super.prefetch(keys);
    // Read in the write transaction (the lock's, begun by this very prefetch when it was still lazy).
    // A later prefetch in the same transaction (the sdk's read-ahead of lots found inside scanned units)
    // adds to what the append may be checked against.
    if (s?.open) {
      const k = s.known;
      s.known = {
        lots: new Set([...(k?.lots ?? []), ...keys.lotIds]),
        stock: [...(k?.stock ?? []), ...out.stock],
        reservations: [...(k?.reservations ?? []), ...out.reservations],
        takenKeys: [...(k?.takenKeys ?? []), ...out.events.map((e) => e.idempotencyKey)],
      };
    }
    return out;
  }

  /** Check and write `batch` in the open transaction of `scope`, and commit. */
  private async appendIn(scope: Scope, batch: AppendBatch): Promise<StoreHead> {
    const { session } = scope;
    const known = scope.known;
    scope.known = undefined;
    const covered = known && batch.events.length > 0 ? coveredState(known, scope.head, batch) : undefined;
    let plan: ReturnType<typeof planAppend>;
    if (covered) plan = planAppend(batch, covered);
    else {
      const check = checkStatements(this.d, appendKeys(batch));
      const found = batch.events.length > 0 ? await session.script(check.statements) : [];
      plan = planAppend(batch, appendState(scope.head, check.parts, found));
    }
    const writes = planStatements(
      this.d,
      plan,
      scope.head.edgeCount,
      serialStatements(this.d, plan.serialUnitChanges),
      scope.outbox !== false,
    );
    writes.push({ sql: 'COMMIT' });
    try {
      await session.script(writes);
    } catch (e) {
      const mapped = this.driver.mapError(e);
      if (isLotgraphError(mapped, ErrorCodes.STORE_UNAVAILABLE)) {
        // The connection died while COMMIT may have been on its way: never report a committed append as
        // failed — look for it on a fresh connection.
        scope.open = false;
        const after = await this.resolveCommit(plan.head, mapped);
        scope.head = after;
        return after;
      }
      // A database error (SQLite's unique constraint is not mapped) or a CONFLICT may be a unique index;
      // any other typed error (STORE_LIMIT, …) is the answer already.
      const maybeUnique = !(mapped instanceof LotgraphError) || mapped.code === ErrorCodes.CONFLICT;
      if (covered && maybeUnique) {
        // Checked against the prefetch only, and a unique index (an idempotency key or a node the prefetch
        // did not read) refused it: roll back and check against the stored rows — the same error as
        // MemoryStore's, or CONFLICT if another writer got in meanwhile.
        await session.query('ROLLBACK').catch(() => undefined);
        scope.open = false;
        await this.begin(scope);
        return this.appendIn(scope, batch);
      }
      throw mapped;
    }
    scope.open = false;
    scope.head = plan.head;
    this.analyzer.appended(
      plan.head.seq,
      batch.events.length +
        plan.serialUnitChanges.reduce((n, c) => n + (c.type === 'addSerials' ? c.serials.length : 0), 0),
    );
    return { ...plan.head };
  }

  /**
   * After a connection lost during COMMIT: `after` if the append committed (its last event is stored with
   * its hash), else `STORE_UNAVAILABLE` — with `details.inDoubt` when even that cannot be found out (the
   * sdk's retry by idempotency key then settles it: a committed command is returned, not run twice).
   */
  private async resolveCommit(after: StoreHead, cause: LotgraphError): Promise<StoreHead> {
    let stored: Row | undefined;
    try {
      [stored] = await this.root.q(`SELECT hash FROM ${this.t('events')} WHERE seq = ?`, [after.seq]);
    } catch (e) {
      throw new LotgraphError(
        ErrorCodes.STORE_UNAVAILABLE,
        `${this.name} became unavailable during the COMMIT of seq ${after.seq}; whether it committed is unknown (a retry with the same idempotency key settles it): ${(e as Error)?.message ?? String(e)}`,
        { ...cause.details, inDoubt: true, seq: after.seq },
      );
    }
    if (stored?.hash === after.hash) return after;
    throw cause;
  }

  // ── genealogy ──────────────────────────────────────────────────────────
  private source(): GenealogySource {
    return {
      d: this.d,
      q: (sql, params) => this.q(sql, params),
      write: async (statements) => {
        for (const s of statements) await this.driver.pool.query(s.sql, s.params);
      },
    };
  }

  private async savePack(c: Collector, upto: number, bestEffort: boolean): Promise<void> {
    if (this.closed) return;
    try {
      await writePack(this.source(), c, upto);
    } catch (e) {
      if (!bestEffort) throw this.driver.mapError(e);
      this.report(this.driver.mapError(e), { source: 'pack' });
    }
  }

  async *streamGenealogy(options: StreamGenealogyOptions = {}): AsyncIterable<GenealogyChunk> {
    this.check();
    // Never past the committed head: a pack written from this stream claims every row up to `until`.
    const head = (await this.head()).seq;
    yield* streamGenealogy(
      this.source(),
      {
        since: options.sinceSeq ?? 0,
        until: Math.min(options.untilSeq ?? head, head),
        size: Math.max(1, Math.floor(options.batchSize ?? this.batchSize)),
        pack: this.pack,
        threshold: this.threshold,
      },
      (c, upto) => this.savePack(c, upto, true),
    );
  }

  /** Rebuild the genealogy pack now (e.g. right after a bulk import, so the next open is fast). */
  async packGenealogy(): Promise<void> {
    const until = (await this.head()).seq;
    const c = newCollector();
    for await (const chunk of streamRows(this.source(), 0, until, this.batchSize, 0, 0)) c.add(chunk);
    await this.savePack(c, until, false);
  }

  // ── multi-process sync ─────────────────────────────────────────────────
  /**
   * Call `onAppend(seq)` whenever any process commits an append: the database's change notification
   * (PostgreSQL LISTEN/NOTIFY) or, without one, polling the head every `pollIntervalMs`. A hint only:
   * catch up by seq (`lg.sync()` does). Returns an unsubscribe function.
   */
  async subscribe(onAppend: (seq: number) => void): Promise<() => Promise<void>> {
    this.check();
    return this.follower.subscribe(onAppend);
  }

  // ── test hooks ─────────────────────────────────────────────────────────
  /** Test hook: damage the stored ledger behind the store's back (to prove `verifyLedger()` reports it). */
  async corruptForTesting(kind: 'payload-not-json' | 'delete-newest-event', seq?: number): Promise<void> {
    const target = seq ?? (await this.head()).seq;
    if (kind === 'payload-not-json')
      await this.q(`UPDATE ${this.t('events')} SET payload = '{"quantity": ' WHERE seq = ?`, [target]);
    else await this.q(`DELETE FROM ${this.t('events')} WHERE seq = ?`, [target]);
  }

  /** Test hook: rewrite a stored event row behind the ledger's back (to prove `verifyLedger()` detects it). */
  async tamperForTesting(seq: number, mutate: (event: StoredEvent) => void): Promise<void> {
    const e = await this.getEvent(seq);
    if (!e) throw new LotgraphError(ErrorCodes.EVENT_NOT_FOUND, `no event with seq ${seq}`, { seq });
    mutate(e);
    const [seqCol, ...cols] = EVENT_COLUMNS;
    const [seqValue, ...values] = eventValues(e);
    await this.q(
      `UPDATE ${this.t('events')} SET ${cols.map((c) => `${c} = ?`).join(', ')} WHERE ${seqCol} = ?`,
      [...values, seqValue],
    );
  }

  /** Stop syncing and close the driver's connections. Idempotent. */
  async close(): Promise<void> {
    if (this !== this.root) return this.root.close();
    if (this.closed) return;
    this.closed = true;
    await this.follower.close();
    await this.driver.close();
  }
}
