/**
 * `@lotgraph/adapters/sqlite` — the embedded default {@link Store} of lotgraph, on `better-sqlite3`.
 *
 * One database file (or `:memory:`), WAL journal, versioned schema migrations applied on open, an index
 * for every query the sdk makes, and the genealogy streamed in keyset pages straight into typed arrays.
 * Several processes (or several `SqliteStore`s in one process) may share a file: every append is one
 * `BEGIN IMMEDIATE` transaction that re-checks the ledger head, so writers never interleave. The store is
 * the shared SQL core (`src/sql/`) with the SQLite dialect and driver — the built-in example of both.
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
import { ErrorCodes, LotgraphError } from '@lotgraph/sdk';
import Database from 'better-sqlite3';
import type { SqlMigration } from '../sql/dialect.js';
import { SqlStore } from '../sql/sql-store.js';
import { sqliteDialect } from './sqlite-dialect.js';
import { type SqliteDatabase, type SqliteStoreOptions, sqliteConfig } from './sqlite-dialect-config.js';
import { SqliteDriver } from './sqlite-driver.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';

export type { SqlErrorContext } from '../sql/sql-store.js';
export type { SqliteDatabase, SqliteStoreOptions } from './sqlite-dialect-config.js';
export { SQLITE_MIGRATIONS } from './sqlite-schema.js';
/** One schema migration of the SQLite store. */
export type SqliteMigration = SqlMigration;

/**
 * The SQLite {@link Store}. Create it with {@link SqliteStore.open}; it passes the sdk's Store conformance
 * suite.
 */
export class SqliteStore extends SqlStore {
  /** The underlying better-sqlite3 connection (for backups, `VACUUM INTO`, diagnostics). */
  readonly db: SqliteDatabase;

  private constructor(driver: SqliteDriver, name: string, options: SqliteStoreOptions) {
    super(sqliteDialect, driver, {
      name,
      defaultBatchSize: options.defaultBatchSize,
      genealogyPack: options.genealogyPack,
      packThreshold: options.packThreshold,
      pollIntervalMs: options.pollIntervalMs,
      onError: options.onError,
    });
    this.db = driver.db;
  }

  /**
   * Open (and create or migrate) a SQLite store.
   *
   * @throws LotgraphError `VALIDATION_FAILED` when the file was written by a newer lotgraph (unknown
   *   schema version), or when an option is invalid.
   */
  static open(options: SqliteStoreOptions = {}): SqliteStore {
    const cfg = sqliteConfig(options);
    const owns = options.database === undefined || options.ownConnection === true;
    const db = options.database ?? new Database(cfg.filename, { timeout: cfg.busyTimeoutMs });
    let store: SqliteStore;
    try {
      db.pragma(`busy_timeout = ${cfg.busyTimeoutMs}`);
      if (db.name !== ':memory:' && db.name !== '') db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${cfg.synchronous}`);
      db.pragma('foreign_keys = OFF');
      migrate(db);
      store = new SqliteStore(new SqliteDriver(db, owns), `sqlite:${db.name || cfg.filename}`, options);
    } catch (e) {
      if (owns && db.open) db.close();
      throw e;
    }
    return store;
  }

  /** Schema version of the open database (the last applied migration). */
  schemaVersion(): number {
    this.check();
    return currentVersion(this.db);
  }
}

function currentVersion(db: SqliteDatabase): number {
  const v = db.prepare('SELECT max(version) FROM lotgraph_migrations').pluck().safeIntegers(false).get() as
    | number
    | null;
  return v ?? 0;
}

/**
 * Apply every pending migration, each in its own `BEGIN IMMEDIATE` transaction (synchronously: opening a
 * SQLite store is synchronous).
 */
function migrate(db: SqliteDatabase, migrations: readonly SqlMigration[] = SQLITE_MIGRATIONS): void {
  db.exec(
    'CREATE TABLE IF NOT EXISTS lotgraph_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at TEXT NOT NULL)',
  );
  const known = migrations[migrations.length - 1]?.version ?? 0;
  const apply = db.transaction((m: SqlMigration) => {
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
