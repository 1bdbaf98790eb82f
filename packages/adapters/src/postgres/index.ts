/**
 * `@lotgraph/adapters/postgres` — the production {@link Store} of lotgraph, on `pg`.
 *
 * Several processes share one database: every append is one transaction that locks the ledger's head
 * row (`SELECT … FOR UPDATE`), re-checks the expected seq and writes events and projections together, so
 * writers serialise on the head and nothing is ever half-written. The checks read the touched rows in one
 * round trip and the writes go out as one script of multi-row statements ending in `COMMIT`. Each append
 * also sends a `NOTIFY` with the new head seq; {@link PostgresStore.subscribe} turns those into callbacks so
 * a process can catch its genealogy index up with other processes' writes at once (by seq, so a missed
 * notification loses nothing). The schema name is validated and quoted; values are bound as parameters, or
 * written as literals escaped by `pg` when several statements share one round trip.
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
import pg from 'pg';
import type { SqlMigration } from '../sql/dialect.js';
import { SqlStore } from '../sql/sql-store.js';
import { channelOf, postgresDialect } from './postgres-dialect.js';
import { type PostgresStoreOptions, postgresConfig } from './postgres-dialect-config.js';
import { PostgresDriver } from './postgres-driver.js';

export type { PostgresErrorContext, PostgresStoreOptions } from './postgres-dialect-config.js';
export { POSTGRES_MIGRATIONS } from './postgres-schema.js';
/** One schema migration of the PostgreSQL store. */
export type PostgresMigration = SqlMigration;

/**
 * The PostgreSQL {@link Store}. Create it with {@link PostgresStore.open}; it passes the sdk's Store
 * conformance suite against a real server.
 */
export class PostgresStore extends SqlStore {
  /** The `pg` pool (for diagnostics; lotgraph's tables live in {@link PostgresStore.schema}). */
  readonly pool: pg.Pool;
  /** The schema name (unquoted). */
  readonly schema: string;

  private constructor(driver: PostgresDriver, schema: string, options: PostgresStoreOptions) {
    super(postgresDialect(schema), driver, {
      name: `postgres:${schema}`,
      defaultBatchSize: options.defaultBatchSize,
      genealogyPack: options.genealogyPack,
      packThreshold: options.packThreshold,
      onError: options.onError,
    });
    this.pool = driver.pg;
    this.schema = schema;
  }

  /**
   * Connect, create the schema if needed and apply pending migrations.
   *
   * @throws LotgraphError `VALIDATION_FAILED` for a bad option or a schema written by a newer lotgraph.
   */
  static async open(options: PostgresStoreOptions): Promise<PostgresStore> {
    const { schema, max, prepare } = postgresConfig(options);
    const pool = options.pool ?? new pg.Pool({ connectionString: options.connectionString, max });
    const owns = !options.pool || options.ownPool === true;
    let report: (e: unknown, c: Parameters<NonNullable<PostgresStoreOptions['onError']>>[1]) => void =
      () => {};
    const driver = new PostgresDriver(pool, owns, channelOf(schema), (e, c) => report(e, c), prepare);
    let store: PostgresStore;
    try {
      store = new PostgresStore(driver, schema, options);
      report = (e, c) => store.report(e, c);
      // One migrator at a time per schema, across processes.
      await store.migrate(
        { sql: 'SELECT pg_advisory_xact_lock(hashtext(?))', params: [`lotgraph:${schema}`] },
        [`CREATE SCHEMA IF NOT EXISTS "${schema}"`],
      );
    } catch (e) {
      await driver.close();
      throw e;
    }
    return store;
  }

  /** Schema version (the last applied migration). */
  schemaVersion(): Promise<number> {
    return this.readSchemaVersion();
  }

  /** Drop this store's schema and everything in it (tests, teardown). Closes the store. */
  async dropSchema(): Promise<void> {
    this.check();
    await this.pool.query(`DROP SCHEMA IF EXISTS "${this.schema}" CASCADE`);
    await this.close();
  }
}
