/**
 * Schema migrations of every SQL store: the dialect's list applied in one transaction under the dialect's
 * migration lock, recorded in `lotgraph_migrations`; a database newer than this code is refused.
 *
 * @module
 */
import { ErrorCodes, isLotgraphError, LotgraphError } from '@lotgraph/sdk';
import type { SqlDialect } from './dialect.js';
import type { SqlDriver, SqlSession, Statement } from './driver.js';

/**
 * Apply the pending migrations of `d` on `session` (released at the end): `lock` first (one migrator at a
 * time), then `prepare`, the migrations, COMMIT, then `after` (also run when it fails: e.g. an unlock).
 */
export async function applyMigrations(
  d: SqlDialect,
  driver: SqlDriver,
  name: string,
  session: SqlSession,
  steps: { lock: Statement; prepare: readonly string[]; after: readonly Statement[] },
): Promise<void> {
  const { lock, prepare, after } = steps;
  const mig = d.table('lotgraph_migrations');
  try {
    await driver.begin(session, [lock]);
    for (const sql of prepare) await session.query(sql);
    await session.query(
      `CREATE TABLE IF NOT EXISTS ${mig} (version INT PRIMARY KEY, name VARCHAR(500) NOT NULL, applied_at VARCHAR(40) NOT NULL)`,
    );
    const [r] = await session.query(`SELECT coalesce(max(version), 0) AS v FROM ${mig}`);
    const have = Number(r?.v ?? 0);
    const list = d.migrations;
    const known = list[list.length - 1]?.version ?? 0;
    if (have > known) {
      throw new LotgraphError(
        ErrorCodes.VALIDATION_FAILED,
        `${name} has schema version ${have}, newer than this lotgraph knows (${known}); upgrade @lotgraph/adapters`,
        { field: 'schema', schemaVersion: have, supported: known },
      );
    }
    for (const m of list) {
      if (m.version <= have) continue;
      await session.query(m.sql.replaceAll('{{s}}', d.schemaPrefix ?? ''));
      await session.query(`INSERT INTO ${mig} (version, name, applied_at) VALUES (?, ?, ?)`, [
        m.version,
        m.name,
        new Date().toISOString(),
      ]);
    }
    await session.query('COMMIT');
    for (const s of after) await session.query(s.sql, s.params);
    session.release();
  } catch (e) {
    const mapped = driver.mapError(e);
    await session.query('ROLLBACK').catch(() => undefined);
    for (const s of after) await session.query(s.sql, s.params).catch(() => undefined);
    session.release(isLotgraphError(mapped, ErrorCodes.STORE_UNAVAILABLE));
    throw mapped;
  }
}
