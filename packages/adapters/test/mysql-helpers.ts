// Shared by the MariaDB/MySQL tests: is the real server there, and a fresh database per store.
import { randomBytes } from 'node:crypto';
import { MysqlStore, type MysqlStoreOptions } from '@lotgraph/adapters/mysql';
import mysql from 'mysql2/promise';

export const MYSQL_URL = process.env.LOTGRAPH_TEST_MYSQL_URL ?? 'mysql://root@127.0.0.1:3306/test';

/** True when the server answers; in CI (`CI` set) a missing server is a failure, not a skip. */
export async function mysqlAvailable(): Promise<boolean> {
  try {
    const c = await mysql.createConnection({ uri: MYSQL_URL, connectTimeout: 3000 });
    await c.query('SELECT 1');
    await c.end();
    return true;
  } catch (e) {
    if (process.env.CI)
      throw new Error(`MariaDB/MySQL is not reachable at ${MYSQL_URL} (CI must run these tests): ${e}`);
    console.warn(`\n*** MariaDB/MySQL not reachable at ${MYSQL_URL}: SKIPPING the MySQL tests ***\n`);
    return false;
  }
}

/** The URI of database `name` on the test server. */
export function urlOf(name: string): string {
  const u = new URL(MYSQL_URL);
  u.pathname = `/${name}`;
  return u.toString();
}

/** Create a fresh, empty database and return its name. */
export async function freshDatabase(tag = 't'): Promise<string> {
  const name = `lgtest_${tag}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
  const c = await mysql.createConnection({ uri: MYSQL_URL });
  try {
    await c.query(`CREATE DATABASE \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await c.end();
  }
  return name;
}

/** Drop a test database. */
export async function dropDatabase(name: string): Promise<void> {
  const c = await mysql.createConnection({ uri: MYSQL_URL });
  try {
    await c.query(`DROP DATABASE IF EXISTS \`${name}\``);
  } finally {
    await c.end();
  }
}

/** A store on a fresh database; `cleanup` closes it and drops the database. */
export async function openFreshMysql(
  tag: string,
  options: Omit<MysqlStoreOptions, 'uri' | 'pool'> = {},
): Promise<{ store: MysqlStore; database: string; cleanup: () => Promise<void> }> {
  const database = await freshDatabase(tag);
  const store = await MysqlStore.open({ uri: urlOf(database), max: 4, ...options });
  return {
    store,
    database,
    cleanup: async () => {
      await store.close();
      await dropDatabase(database);
    },
  };
}
