/**
 * The life of a driver session, written once for the store's transactions: take one, run a transaction
 * on it, and on failure roll back (when the connection still works) and hand it back (discarded if broken).
 *
 * @module
 */
import { ErrorCodes, isLotgraphError } from '@lotgraph/sdk';
import type { Row, SqlDriver, SqlSession, Statement } from './driver.js';

/** A session from the driver; a failure to get one is the driver's mapped error. */
export async function acquireSession(driver: SqlDriver): Promise<SqlSession> {
  try {
    return await driver.acquire();
  } catch (e) {
    throw driver.mapError(e);
  }
}

/**
 * A session's transaction failed: roll it back (when one is `open` and the connection still works), hand
 * the session back (discarded if broken) and throw the mapped error.
 */
export async function abandonSession(
  driver: SqlDriver,
  session: SqlSession,
  e: unknown,
  open: boolean,
): Promise<never> {
  const mapped = driver.mapError(e);
  const broken = isLotgraphError(mapped, ErrorCodes.STORE_UNAVAILABLE);
  if (open && !broken) await session.query('ROLLBACK').catch(() => undefined);
  session.release(broken);
  throw mapped;
}

/** Run `fn` in a transaction of its own that begins with `first` (no head lock); commit when it returns. */
export async function inTransaction<R>(
  driver: SqlDriver,
  fn: (session: SqlSession, rows: Row[][]) => Promise<R>,
  first: Statement[] = [],
): Promise<R> {
  const session = await acquireSession(driver);
  // Open from BEGIN until COMMIT is sent (a failed COMMIT is not rolled back: it ended the transaction).
  let open = true;
  try {
    const rows = await driver.begin(session, first);
    const result = await fn(session, rows);
    open = false;
    await session.query('COMMIT');
    session.release();
    return result;
  } catch (e) {
    return abandonSession(driver, session, e, open);
  }
}
