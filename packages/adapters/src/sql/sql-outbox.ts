/**
 * The transactional outbox of the SQL stores ({@link OutboxPort}), written once for every dialect.
 *
 * Tables: `outbox_subscriptions` (name, from_seq), `outbox_types` (name, type; `'*'` for all) and `outbox`
 * (one row per subscription and event). The append's write script ends with {@link outboxRecordStatement}:
 * an `INSERT … SELECT` joining the events it just wrote with `outbox_types`, so messages are recorded in
 * the append's own transaction and round trip, for the subscriptions committed at that moment. (It is left
 * out when the append's transaction read, under the writer lock, that no subscription has event types —
 * see `sql-head.ts`: {@link SqlOutbox.register} writes under that same lock.) A claim
 * locks due rows with `FOR UPDATE SKIP LOCKED` (PostgreSQL, MariaDB 10.6+, MySQL 8; SQLite's
 * `BEGIN IMMEDIATE` already serialises it), so dispatchers in several processes never lease the same
 * message while its lease runs.
 *
 * @module
 */
import type {
  OutboxFilter,
  OutboxMessage,
  OutboxOutcome,
  OutboxPort,
  OutboxStatus,
  OutboxSubscription,
  StoreHead,
} from '@lotgraph/sdk';
import {
  checkOutboxClaim,
  checkOutboxFilter,
  checkOutboxName,
  checkOutboxNow,
  checkOutboxSettle,
  checkOutboxTypes,
} from '@lotgraph/sdk';
import type { SqlDialect } from './dialect.js';
import type { Row, SqlSession, Statement } from './driver.js';

/** What the outbox needs of its store. */
export interface OutboxHost {
  readonly d: SqlDialect;
  /** Check the store is open (throws STORE_CLOSED). */
  check(): void;
  /** A read on the pool. */
  q(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Run `fn` in a transaction of its own (no head lock), committed when it returns. */
  transact<R>(fn: (session: SqlSession, rows: Row[][]) => Promise<R>, first?: Statement[]): Promise<R>;
  /** Run `fn` under the ledger's write lock, with the locked head. */
  locked<R>(fn: (session: SqlSession, head: StoreHead) => Promise<R>): Promise<R>;
}

const DEFAULT_LIMIT = 1000;
const COLS = 'subscription, seq, type, status, attempts, next_at, last_error, delivered_at';

/** The statement that records the messages of events `(fromSeq, toSeq]` (part of the append's write script). */
export function outboxRecordStatement(d: SqlDialect, fromSeq: number, toSeq: number): Statement {
  return {
    sql: `INSERT INTO ${d.table('outbox')} (subscription, seq, type, status, attempts, next_at)
SELECT t.name, e.seq, e.type, 'pending', 0, 0 FROM ${d.table('events')} e
JOIN ${d.table('outbox_types')} t ON t.type = e.type OR t.type = '*'
WHERE e.seq > ? AND e.seq <= ?`,
    params: [fromSeq, toSeq],
  };
}

function toMessage(r: Row): OutboxMessage {
  const m: OutboxMessage = {
    subscription: String(r.subscription),
    seq: Number(r.seq),
    type: String(r.type),
    status: String(r.status) as OutboxStatus,
    attempts: Number(r.attempts),
    nextAt: Number(r.next_at),
  };
  if (r.last_error !== null && r.last_error !== undefined) m.lastError = String(r.last_error);
  if (r.delivered_at !== null && r.delivered_at !== undefined) m.deliveredAt = Number(r.delivered_at);
  return m;
}

/** The outbox of one SQL store. */
export class SqlOutbox implements OutboxPort {
  constructor(private readonly h: OutboxHost) {}

  private t(name: 'outbox' | 'outbox_types' | 'outbox_subscriptions'): string {
    return this.h.d.table(name);
  }

  async register(name: string, types: readonly string[]): Promise<OutboxSubscription> {
    this.h.check();
    checkOutboxName(name);
    const list = checkOutboxTypes(types);
    // Under the write lock: no append is between "read the head" and "the types are visible".
    return this.h.locked(async (session, head) => {
      const [had] = await session.query(
        `SELECT from_seq FROM ${this.t('outbox_subscriptions')} WHERE name = ?`,
        [name],
      );
      const fromSeq = had ? Number(had.from_seq) : head.seq;
      const statements: Statement[] = [];
      if (!had)
        statements.push({
          sql: `INSERT INTO ${this.t('outbox_subscriptions')} (name, from_seq) VALUES (?, ?)`,
          params: [name, fromSeq],
        });
      statements.push({ sql: `DELETE FROM ${this.t('outbox_types')} WHERE name = ?`, params: [name] });
      for (const type of list)
        statements.push({
          sql: `INSERT INTO ${this.t('outbox_types')} (name, type) VALUES (?, ?)`,
          params: [name, type],
        });
      for (const st of statements) await session.query(st.sql, st.params);
      return { name, types: list, fromSeq };
    });
  }

  async subscriptions(): Promise<OutboxSubscription[]> {
    this.h.check();
    const subs = await this.h.q(`SELECT name, from_seq FROM ${this.t('outbox_subscriptions')}`);
    const types = await this.h.q(`SELECT name, type FROM ${this.t('outbox_types')}`);
    return subs
      .map((r) => ({
        name: String(r.name),
        types: types
          .filter((t) => t.name === r.name)
          .map((t) => String(t.type))
          .sort(),
        fromSeq: Number(r.from_seq),
      }))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  async claim(
    name: string,
    opts: { owner: string; now: number; leaseMs: number; limit: number },
  ): Promise<OutboxMessage[]> {
    this.h.check();
    checkOutboxName(name);
    const o = checkOutboxClaim(opts);
    const d = this.h.d;
    const lock = d.kind === 'sqlite' ? '' : ' FOR UPDATE SKIP LOCKED';
    const due: Statement = {
      sql: `SELECT ${COLS} FROM ${this.t('outbox')} WHERE subscription = ? AND status = 'pending' AND next_at <= ?
AND (lease_until IS NULL OR lease_until <= ?) ORDER BY seq LIMIT ?${lock}`,
      params: [name, o.now, o.now, o.limit],
    };
    return this.h.transact(
      async (session, [rows = []]) => {
        if (rows.length === 0) return [];
        const seqs = rows.map((r) => Number(r.seq));
        await session.query(
          `UPDATE ${this.t('outbox')} SET owner = ?, lease_until = ?, attempts = attempts + 1
WHERE subscription = ? AND ${d.inList('seq')}`,
          [o.owner, o.now + o.leaseMs, name, d.listParam(seqs)],
        );
        return rows.map((r) => ({ ...toMessage(r), attempts: Number(r.attempts) + 1 }));
      },
      [due],
    );
  }

  async settle(name: string, seq: number, owner: string, outcome: OutboxOutcome): Promise<boolean> {
    this.h.check();
    checkOutboxName(name);
    const o = checkOutboxSettle(seq, owner, outcome);
    const lock = this.h.d.kind === 'sqlite' ? '' : ' FOR UPDATE';
    const held: Statement = {
      sql: `SELECT owner, status FROM ${this.t('outbox')} WHERE subscription = ? AND seq = ?${lock}`,
      params: [name, seq],
    };
    return this.h.transact(
      async (session, [rows = []]) => {
        const [r] = rows;
        if (!r || r.owner !== owner || r.status !== 'pending') return false;
        const set =
          o.status === 'delivered'
            ? { sql: `status = 'delivered', delivered_at = ?, last_error = NULL`, params: [o.at] }
            : o.status === 'pending'
              ? { sql: `next_at = ?, last_error = ?`, params: [o.nextAt, o.error] }
              : { sql: `status = 'dead', last_error = ?`, params: [o.error] };
        await session.query(
          `UPDATE ${this.t('outbox')} SET ${set.sql}, owner = NULL, lease_until = NULL WHERE subscription = ? AND seq = ?`,
          [...set.params, name, seq],
        );
        return true;
      },
      [held],
    );
  }

  /** `WHERE` of a filter (subscription first). */
  private where(name: string, f: OutboxFilter): { sql: string; params: unknown[] } {
    const conds = ['subscription = ?'];
    const params: unknown[] = [name];
    if (f.status !== undefined) {
      conds.push('status = ?');
      params.push(f.status);
    }
    if (f.afterSeq !== undefined) {
      conds.push('seq > ?');
      params.push(f.afterSeq);
    }
    if (f.seqs !== undefined) {
      conds.push(this.h.d.inList('seq'));
      params.push(this.h.d.listParam(f.seqs));
    }
    return { sql: conds.join(' AND '), params };
  }

  async list(name: string, filter: OutboxFilter = {}): Promise<OutboxMessage[]> {
    this.h.check();
    checkOutboxName(name);
    const f = checkOutboxFilter(filter);
    const w = this.where(name, f);
    const rows = await this.h.q(
      `SELECT ${COLS} FROM ${this.t('outbox')} WHERE ${w.sql} ORDER BY seq LIMIT ?`,
      [...w.params, f.limit ?? DEFAULT_LIMIT],
    );
    return rows.map(toMessage);
  }

  async replay(name: string, filter: OutboxFilter, now: number): Promise<number> {
    this.h.check();
    checkOutboxName(name);
    checkOutboxNow(now);
    const f = checkOutboxFilter({ status: 'dead', ...checkOutboxFilter(filter) });
    const w = this.where(name, f);
    const lock = this.h.d.kind === 'sqlite' ? '' : ' FOR UPDATE';
    const limit = f.limit === undefined ? '' : ' LIMIT ?';
    const select: Statement = {
      sql: `SELECT seq FROM ${this.t('outbox')} WHERE ${w.sql} ORDER BY seq${limit}${lock}`,
      params: f.limit === undefined ? w.params : [...w.params, f.limit],
    };
    return this.h.transact(
      async (session, [rows = []]) => {
        const seqs = rows.map((r) => Number(r.seq));
        if (seqs.length === 0) return 0;
        await session.query(
          `UPDATE ${this.t('outbox')} SET status = 'pending', attempts = 0, next_at = ?, owner = NULL, lease_until = NULL,
delivered_at = NULL WHERE subscription = ? AND ${this.h.d.inList('seq')}`,
          [now, name, this.h.d.listParam(seqs)],
        );
        return seqs.length;
      },
      [select],
    );
  }
}
