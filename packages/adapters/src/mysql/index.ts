/**
 * `@lotgraph/adapters/mysql` — the {@link Store} of lotgraph on MariaDB (≥ 10.5) or MySQL (≥ 8.0), on
 * `mysql2`.
 *
 * The same shared SQL core as the SQLite and PostgreSQL stores: every append is one READ COMMITTED
 * transaction that locks the ledger's head row (`SELECT … FOR UPDATE`), reads the rows its checks need in
 * one round trip and writes every table with multi-row statements plus `COMMIT` in one more. Quantities
 * are `BIGINT` (exact; no `DOUBLE` anywhere), text is `utf8mb4` with a binary no-pad collation, so ids are
 * kept and compared exactly. Other processes' appends are found by polling the head (`subscribe`).
 *
 * @example
 * ```ts
 * import { Lotgraph } from '@lotgraph/sdk';
 * import { MysqlStore } from '@lotgraph/adapters/mysql';
 *
 * const store = await MysqlStore.open({ uri: 'mysql://root@127.0.0.1:3306/test' });
 * const lg = await Lotgraph.open({ store });
 * ```
 *
 * @module
 */
import mysql from 'mysql2/promise';
import { type SqlMigration, TABLES } from '../sql/dialect.js';
import { SqlStore } from '../sql/sql-store.js';
import { mysqlDialect } from './mysql-dialect.js';
import { type MysqlStoreOptions, mysqlConfig } from './mysql-dialect-config.js';
import { MysqlDriver } from './mysql-driver.js';

export type { SqlErrorContext } from '../sql/sql-store.js';
export type { MysqlStoreOptions } from './mysql-dialect-config.js';
export { MYSQL_MIGRATIONS } from './mysql-schema.js';
/** One schema migration of the MariaDB/MySQL store. */
export type MysqlMigration = SqlMigration;

/** The MariaDB/MySQL {@link Store}. Create it with {@link MysqlStore.open}. */
export class MysqlStore extends SqlStore {
  /** The mysql2 pool. */
  readonly pool: mysql.Pool;
  /** The database (schema) holding lotgraph's tables. */
  readonly database: string;

  private constructor(driver: MysqlDriver, database: string, collation: string, options: MysqlStoreOptions) {
    super(mysqlDialect(collation), driver, {
      name: `mysql:${database}`,
      defaultBatchSize: options.defaultBatchSize,
      genealogyPack: options.genealogyPack,
      packThreshold: options.packThreshold,
      pollIntervalMs: options.pollIntervalMs,
      onError: options.onError,
    });
    this.pool = driver.mysql;
    this.database = database;
  }

  /**
   * Connect and apply pending migrations (one migrator at a time: a named lock).
   *
   * @throws LotgraphError `VALIDATION_FAILED` for a bad option or a database written by a newer lotgraph.
   */
  static async open(options: MysqlStoreOptions): Promise<MysqlStore> {
    const { max } = mysqlConfig(options);
    const pool =
      options.pool ??
      mysql.createPool({
        uri: options.uri,
        connectionLimit: max,
        multipleStatements: true,
        supportBigNumbers: true,
        bigNumberStrings: true,
        charset: 'utf8mb4',
        dateStrings: true,
      });
    const owns = !options.pool || options.ownPool === true;
    const driver = new MysqlDriver(pool, owns);
    try {
      const [version] = await driver.pool.query(
        'SELECT VERSION() AS v, DATABASE() AS db, @@max_allowed_packet AS packet',
      );
      driver.maxPacket = Number(version?.packet) || driver.maxPacket;
      const mariadb = String(version?.v).includes('MariaDB');
      const database = String(version?.db);
      const store = new MysqlStore(
        driver,
        database,
        mariadb ? 'utf8mb4_nopad_bin' : 'utf8mb4_0900_bin',
        options,
      );
      const lock = `lotgraph:${database}`;
      await store.migrate(
        { sql: 'SELECT GET_LOCK(?, 60) AS locked', params: [lock] },
        [],
        [{ sql: 'DO RELEASE_LOCK(?)', params: [lock] }],
      );
      return store;
    } catch (e) {
      await driver.close().catch(() => undefined);
      throw driver.mapError(e);
    }
  }

  /** Schema version (the last applied migration). */
  schemaVersion(): Promise<number> {
    return this.readSchemaVersion();
  }

  /** Drop every lotgraph table of this database (tests, teardown). Closes the store. */
  async dropTables(): Promise<void> {
    this.check();
    await this.pool.query(`DROP TABLE IF EXISTS ${TABLES.map((t) => this.d.table(t)).join(', ')}`);
    await this.close();
  }
}
