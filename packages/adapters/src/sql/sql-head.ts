/**
 * The ledger's head row and a write transaction's scope: what `BEGIN` reads under the writer lock.
 *
 * Right after the head row is locked (`FOR UPDATE`), the same round trip asks whether any outbox
 * subscription has event types ({@link lockedReads}). A subscription is registered under the same lock
 * and committed before the lock is let go, and this read is a statement of its own, run once the lock is
 * held — in READ COMMITTED a fresh snapshot (PostgreSQL, MariaDB/MySQL; SQLite's `BEGIN IMMEDIATE`
 * serialises every writer): it sees every subscription committed before this transaction could append.
 * When there is none, the append's write script leaves out the outbox's `INSERT … SELECT` (see
 * `sql-outbox.ts`): it would record nothing, and it is one of the costlier statements of a command.
 *
 * @module
 */
import type { StoreHead } from '@lotgraph/sdk';
import type { SqlDialect } from './dialect.js';
import type { Row, SqlSession, Statement } from './driver.js';
import type { Known } from './sql-append-check.js';

/** A write transaction of the store (the writer lock's), on its own session. */
export interface Scope {
  session: SqlSession;
  /** The head as of the open transaction (locked), or after this scope's last commit. */
  head: StoreHead;
  /** A transaction is open on the session (or its `BEGIN` is on the way). */
  open: boolean;
  /**
   * The write lock is granted but its transaction not begun yet: the first read begins it, in the same
   * round trip when that read is the prefetch.
   */
  lazy: boolean;
  /** What this transaction's prefetch read under the lock, for the append's checks (cleared once used). */
  known?: Known;
  /** Read under the lock of the open transaction: some outbox subscription has event types. */
  outbox?: boolean;
}

const HEAD_COLS = 'seq, hash, node_count, edge_count, master_seq';

/** The head row read (without a lock). */
export const headSql = (table: string) => `SELECT ${HEAD_COLS} FROM ${table} WHERE id = 1`;

/** A head row as a {@link StoreHead}. */
export const toHead = (r: Row | undefined): StoreHead => ({
  seq: Number(r?.seq ?? 0),
  hash: String(r?.hash),
  nodeCount: Number(r?.node_count ?? 0),
  edgeCount: Number(r?.edge_count ?? 0),
  masterSeq: Number(r?.master_seq ?? 0),
});

/** The statements `BEGIN` runs first: the head row locked, then whether the outbox has subscriptions. */
export function lockedReads(d: SqlDialect): Statement[] {
  return [
    { sql: `${headSql(d.table('head'))}${d.forUpdate}` },
    { sql: `SELECT EXISTS (SELECT 1 FROM ${d.table('outbox_types')}) AS o` },
  ];
}

/** The rows of {@link lockedReads} into `scope`; returns the rows of the statements that followed. */
export function takeLockedReads(scope: Scope, rows: Row[][]): Row[][] {
  const [headRows, outboxRows, ...rest] = rows;
  scope.head = toHead(headRows?.[0]);
  const o = outboxRows?.[0]?.o;
  // Unknown (no row) counts as "has subscriptions": the outbox statement is then sent, as always.
  scope.outbox = o === undefined || o === true || Number(o) === 1;
  return rest;
}
