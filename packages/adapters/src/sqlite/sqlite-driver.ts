/**
 * The SQLite {@link SqlDriver} on better-sqlite3: one connection, statements prepared once and cached,
 * integers read as `bigint` (exact beyond 2^53). Statements run synchronously, so a script never
 * interleaves with another caller. Write transactions are handed out one at a time in this process, and
 * `BEGIN IMMEDIATE` waits for other processes by polling — SQLite's own busy handler would sleep
 * synchronously and freeze the event loop, including the connection holding the lock.
 *
 * @module
 */
import { ErrorCodes, LotgraphError } from '@lotgraph/sdk';
import type Database from 'better-sqlite3';
import type { Row, SqlConnection, SqlDriver, SqlSession, Statement } from '../sql/driver.js';

/** `CONFLICT` after waiting `waitedMs` for another connection's write lock. */
export function busyConflict(waitedMs: unknown): LotgraphError {
  return new LotgraphError(
    ErrorCodes.CONFLICT,
    `the database is locked by another writer (waited ${waitedMs} ms)`,
    { reason: 'busy' },
  );
}

/** Is this a SQLite busy/locked error? */
export function isBusy(e: unknown): boolean {
  const code = (e as { code?: unknown })?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED' || code === 'SQLITE_BUSY_SNAPSHOT';
}

const param = (v: unknown) => (v === undefined ? null : typeof v === 'boolean' ? (v ? 1 : 0) : v);

/** The better-sqlite3 driver. */
export class SqliteDriver implements SqlDriver {
  readonly pool: SqlConnection;
  private readonly stmts = new Map<string, Database.Statement>();
  /** Tail of the queue of write sessions (one holder at a time). */
  private queue: Promise<void> = Promise.resolve();

  constructor(
    readonly db: Database.Database,
    private readonly owns: boolean,
  ) {
    this.pool = { query: async (sql, params) => this.run(sql, params), script: async (s) => this.runAll(s) };
  }

  private stmt(sql: string): Database.Statement {
    let s = this.stmts.get(sql);
    if (!s) {
      s = this.db.prepare(sql);
      // Integers as bigint (exact beyond 2^53) on our statements only, not on the caller's connection.
      if (s.reader) s.safeIntegers(true);
      if (this.stmts.size > 500) this.stmts.clear();
      this.stmts.set(sql, s);
    }
    return s;
  }

  /** Run one statement now. */
  run(sql: string, params: readonly unknown[] = []): Row[] {
    const s = this.stmt(sql);
    const args = params.map(param);
    if (s.reader) return s.all(...args) as Row[];
    s.run(...args);
    return [];
  }

  private runAll(statements: readonly Statement[]): Row[][] {
    return statements.map((s) => this.run(s.sql, s.params));
  }

  async acquire(): Promise<SqlSession> {
    let release!: () => void;
    const turn = new Promise<void>((r) => {
      release = r;
    });
    const before = this.queue;
    this.queue = before.then(() => turn);
    await before;
    let released = false;
    return {
      query: async (sql, params) => this.run(sql, params),
      script: async (s) => this.runAll(s),
      release: () => {
        if (released) return;
        released = true;
        if (this.db.open && this.db.inTransaction) this.db.exec('ROLLBACK');
        release();
      },
    };
  }

  /** The connection's `busy_timeout` now, or set it (through cached statements: once per write lock). */
  private busyTimeout(set?: number): number {
    const row = this.stmt(set === undefined ? 'PRAGMA busy_timeout' : `PRAGMA busy_timeout = ${set}`).get();
    return Number(Object.values(row as object)[0]);
  }

  /** `BEGIN IMMEDIATE`, polled with jitter until `busy_timeout` has passed, then `then`. */
  async begin(_session: SqlSession, then: readonly Statement[]): Promise<Row[][]> {
    const timeout = this.busyTimeout();
    const deadline = Date.now() + timeout;
    for (let pause = 1; ; pause = Math.min(pause * 2, 4)) {
      this.busyTimeout(0);
      try {
        this.db.exec('BEGIN IMMEDIATE');
        break;
      } catch (e) {
        if (!isBusy(e)) throw e;
        if (Date.now() >= deadline) throw busyConflict(timeout);
      } finally {
        this.busyTimeout(timeout);
      }
      await new Promise((r) => setTimeout(r, pause * (0.5 + Math.random())));
    }
    return this.runAll(then);
  }

  mapError(e: unknown): unknown {
    return isBusy(e) ? busyConflict(this.db.pragma('busy_timeout', { simple: true })) : e;
  }

  async close(): Promise<void> {
    this.stmts.clear();
    if (this.owns && this.db.open) this.db.close();
  }
}
