// Shared by the PostgreSQL tests: is the real server there, and a fresh schema per store.
import { randomBytes } from 'node:crypto';
import pg from 'pg';

export const PG_URL = process.env.LOTGRAPH_TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** True when the server answers; in CI (`CI` set) a missing server is a failure, not a skip. */
export async function postgresAvailable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await c.connect();
    await c.query('SELECT 1');
    return true;
  } catch (e) {
    if (process.env.CI)
      throw new Error(`PostgreSQL is not reachable at ${PG_URL} (CI must run these tests): ${e}`);
    console.warn(
      `\n*** PostgreSQL not reachable at ${PG_URL}: SKIPPING the PostgreSQL tests (start it: see DEVELOPERS.md) ***\n`,
    );
    return false;
  } finally {
    await c.end().catch(() => undefined);
  }
}

/** A unique schema name for one test store. */
export const freshSchema = (tag = 't') =>
  `lgtest_${tag}_${Date.now().toString(36)}_${randomBytes(4).toString('hex')}`;
