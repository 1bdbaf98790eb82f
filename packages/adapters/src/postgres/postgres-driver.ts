/**
 * The PostgreSQL {@link SqlDriver} on `pg`: `?` placeholders rendered as `$1…`; a script of several
 * statements sent as ONE simple-query message with the values written as escaped literals (one round
 * trip for a whole append); dropped connections reported, never fatal; LISTEN with reconnect.
 *
 * @module
 */
import { ErrorCodes, LotgraphError } from '@lotgraph/sdk';
import type pg from 'pg';
import type { Row, SqlConnection, SqlDriver, SqlSession, Statement } from '../sql/driver.js';
import type { SqlErrorContext } from '../sql/sql-store.js';
import {
  isLostPrepared,
  PreparedNames,
  preparedOn,
  refuseAfter,
  renderPrepared,
} from './postgres-prepared.js';

/** LISTEN reconnect backoff: 100 ms doubling per attempt, capped at 5 s, with ±25 % jitter. */
const RECONNECT_BASE_MS = 100;
const RECONNECT_MAX_MS = 5000;

/** `?` → `$1, $2 …` (the core's SQL has no `?` inside string literals). */
export function numbered(sql: string): string {
  let n = 0;
  return sql.replace(/\?/g, () => `$${++n}`);
}

/**
 * A string as a PostgreSQL literal — the same text as `pg.escapeLiteral` (quotes doubled; with a backslash,
 * backslashes doubled in an `E''` string), built with two `replaceAll`s instead of its character-by-character
 * concatenation, which took ≈ 0.5 s for a 7 MB payload (a heavy recall's case event, written twice).
 */
export function escapeText(s: string): string {
  const body = s.replaceAll("'", "''");
  return s.includes('\\') ? ` E'${body.replaceAll('\\', '\\\\')}'` : `'${body}'`;
}

/** A value as a PostgreSQL literal (strings as {@link escapeText}; bytes as hex). */
export function literal(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new TypeError(`not a finite number: ${v}`);
    return String(v);
  }
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (typeof v === 'string') return escapeText(v);
  if (v instanceof Uint8Array)
    return `decode('${Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex')}', 'hex')`;
  if (Array.isArray(v)) return v.length === 0 ? "'{}'" : `ARRAY[${v.map(literal).join(', ')}]`;
  throw new TypeError(`no PostgreSQL literal for ${typeof v}`);
}

/** `sql` with every `?` replaced by the literal of its parameter. */
export function inline(s: Statement): string {
  const params = s.params ?? [];
  let i = 0;
  return s.sql.replace(/\?/g, () => literal(params[i++]));
}

const param = (v: unknown) =>
  typeof v === 'bigint'
    ? v.toString()
    : Array.isArray(v)
      ? v.map((x) => (typeof x === 'bigint' ? x.toString() : x))
      : v instanceof Uint8Array && !Buffer.isBuffer(v)
        ? Buffer.from(v.buffer, v.byteOffset, v.byteLength)
        : v;

type Queryable = pg.Pool | pg.PoolClient;

async function run(c: Queryable, sql: string, params: readonly unknown[] = []): Promise<Row[]> {
  const r = params.length === 0 ? await c.query(sql) : await c.query(numbered(sql), params.map(param));
  return ((Array.isArray(r) ? r[r.length - 1] : r) as pg.QueryResult).rows ?? [];
}

async function runScript(c: Queryable, statements: readonly Statement[]): Promise<Row[][]> {
  if (statements.length === 0) return [];
  if (statements.length === 1) return [await run(c, statements[0]!.sql, statements[0]!.params)];
  const r = (await c.query(statements.map(inline).join(';\n'))) as unknown as
    | pg.QueryResult
    | pg.QueryResult[];
  return (Array.isArray(r) ? r : [r]).map((x) => x.rows ?? []);
}

/** Whether a session's scripts may use prepared statements (see `postgres-prepared.ts`). */
interface Preparing {
  /** The driver's: false once the server forgot a statement (or never, by option). */
  readonly on: () => boolean;
  /** The server forgot a statement: stop preparing, on every connection. */
  readonly lost: () => void;
  readonly names: PreparedNames;
}

/**
 * {@link runScript} on a session's client with prepared statements. `session.tainted` is set when a script
 * that prepared something failed (which of its `PREPARE`s ran is unknown): the session then sends inline
 * statements only, and its connection is discarded on release.
 */
async function runSessionScript(
  c: pg.PoolClient,
  statements: readonly Statement[],
  p: Preparing,
  session: { tainted: boolean },
): Promise<Row[][]> {
  if (statements.length < 2 || session.tainted || !p.on()) return runScript(c, statements);
  const known = preparedOn(c);
  const r = renderPrepared(statements, known, p.names, numbered, literal, inline);
  let results: pg.QueryResult | pg.QueryResult[];
  try {
    results = (await c.query(r.text)) as unknown as pg.QueryResult | pg.QueryResult[];
  } catch (e) {
    if (r.prepares > 0) {
      session.tainted = true;
      refuseAfter(p.names, r.added, e);
    }
    if (isLostPrepared(e)) {
      session.tainted = true;
      p.lost();
    }
    throw e;
  }
  for (const name of r.added) known.add(name);
  return (Array.isArray(results) ? results.slice(r.prepares) : [results]).map((x) => x.rows ?? []);
}

/** Errors that mean the connection or the server went away (class 08, admin shutdown, socket errors). */
export function isConnectionError(e: unknown): boolean {
  const code = (e as { code?: string })?.code ?? '';
  if (code.startsWith('08') || code === '57P01' || code === '57P02' || code === '57P03') return true;
  if (['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'ENOTFOUND', 'EHOSTUNREACH'].includes(code))
    return true;
  const message = String((e as Error)?.message ?? '');
  return /Connection terminated|connection error|terminating connection|Client was closed|not queryable/i.test(
    message,
  );
}

/** A `pg` error as a `LotgraphError` where the contract names one. */
export function mapPgError(e: unknown): unknown {
  if (e instanceof LotgraphError) return e;
  const code = (e as { code?: string })?.code;
  if (isConnectionError(e))
    return new LotgraphError(
      ErrorCodes.STORE_UNAVAILABLE,
      `PostgreSQL is unavailable: ${(e as Error)?.message ?? String(e)}`,
      {
        reason: code ?? 'connection',
        retryable: true,
      },
    );
  if (code === '23505')
    return new LotgraphError(
      ErrorCodes.CONFLICT,
      `a concurrent writer stored the same key: ${(e as Error).message}`,
      {
        reason: 'unique_violation',
      },
    );
  if (isLostPrepared(e))
    return new LotgraphError(
      ErrorCodes.CONFLICT,
      `the server no longer holds a prepared statement (DISCARD ALL, or a pooler in transaction mode): lotgraph stops preparing statements on this store; retry: ${(e as Error).message}`,
      { reason: 'prepared_statement_lost' },
    );
  if (code === '40001' || code === '40P01')
    return new LotgraphError(ErrorCodes.CONFLICT, `transaction conflict: ${(e as Error).message}`, {
      reason: 'serialization',
    });
  return e;
}

/** The `pg` driver. */
export class PostgresDriver implements SqlDriver {
  readonly pool: SqlConnection;
  /** Clients that already carry our `error` listener. */
  private readonly guarded = new WeakSet<pg.PoolClient>();
  /** Clients checked out right now (an idle one's drop is the pool's `error`, reported once). */
  private readonly checkedOut = new WeakSet<pg.PoolClient>();
  private readonly detach: () => void;
  private listener: pg.PoolClient | undefined;
  private reconnecting: Promise<void> | undefined;
  private readonly wakeups = new Set<() => void>();
  private closed = false;
  /** Prepared statements in session scripts (see `postgres-prepared.ts`). */
  private readonly preparing: Preparing;

  constructor(
    readonly pg: pg.Pool,
    private readonly owns: boolean,
    private readonly channel: string,
    private readonly report: (error: unknown, context: SqlErrorContext) => void,
    prepare = true,
  ) {
    let on = prepare;
    this.preparing = {
      on: () => on,
      lost: () => {
        on = false;
      },
      names: new PreparedNames(),
    };
    // An idle pooled connection that drops emits `error` on the pool: without a listener Node kills the
    // process. The pool discards that connection by itself; we only report.
    const onError = (e: Error) => report(e, { source: 'pool' });
    // Guard a client the moment the pool hands it out (`acquire` is emitted synchronously, before the pool
    // drops its idle listener): a FATAL message parsed in the same socket read as the reply that freed the
    // client (a backend terminated right after a query) is emitted before any awaiting caller resumes.
    const onAcquire = (c: pg.PoolClient) => {
      this.guard(c);
      this.checkedOut.add(c);
    };
    const onRelease = (_e: Error, c: pg.PoolClient) => this.checkedOut.delete(c);
    pg.on('error', onError);
    pg.on('acquire', onAcquire);
    pg.on('release', onRelease);
    this.detach = () => {
      pg.off('error', onError);
      pg.off('acquire', onAcquire);
      pg.off('release', onRelease);
    };
    this.pool = { query: (sql, params) => run(pg, sql, params), script: (s) => runScript(pg, s) };
  }

  /** Give a pooled client our `error` listener once: a drop while checked out is reported, never fatal. */
  private guard(c: pg.PoolClient): void {
    if (this.guarded.has(c)) return;
    this.guarded.add(c);
    c.on('error', (e) => {
      if (this.checkedOut.has(c) && c !== this.listener) this.report(e, { source: 'connection' });
    });
  }

  /** A pooled client, guarded (also when the pool was handed to us with clients already checked out). */
  private async client(): Promise<pg.PoolClient> {
    const c = await this.pg.connect();
    this.guard(c);
    return c;
  }

  async acquire(): Promise<SqlSession> {
    const c = await this.client();
    let released = false;
    const state = { tainted: false };
    return {
      query: (sql, params) => run(c, sql, params),
      script: (s) => runSessionScript(c, s, this.preparing, state),
      release: (broken) => {
        if (released) return;
        released = true;
        c.release(broken === true || state.tainted);
      },
    };
  }

  async begin(session: SqlSession, then: readonly Statement[]): Promise<Row[][]> {
    const [, ...rows] = await session.script([{ sql: 'BEGIN' }, ...then]);
    return rows;
  }

  mapError(e: unknown): unknown {
    return mapPgError(e);
  }

  /**
   * LISTEN on a dedicated connection; when it drops, reopen it with backoff (0.1 s doubling to 5 s, until
   * it works or the store closes) and then call `onSeq` with the current head, so whatever was committed
   * meanwhile is caught up.
   */
  async listen(onSeq: (seq: number) => void, headSeq: () => Promise<number>): Promise<() => Promise<void>> {
    let active = true;
    const open = async (): Promise<void> => {
      const client = await this.client();
      const lost = (e?: unknown) => {
        if (this.listener !== client) return;
        this.listener = undefined;
        client.release(true);
        this.report(e ?? new Error('LISTEN connection ended'), { source: 'listen', attempt: 0 });
        reconnect();
      };
      client.on('notification', (msg) => {
        const seq = Number(msg.payload);
        if (Number.isFinite(seq)) onSeq(seq);
      });
      client.on('error', lost);
      client.on('end', () => lost());
      try {
        await client.query(`LISTEN "${this.channel}"`);
      } catch (e) {
        client.release(true);
        throw mapPgError(e);
      }
      if (this.closed || !active) {
        client.release(true);
        return;
      }
      this.listener = client;
    };
    const live = () => active && !this.closed;
    const reconnect = (): void => {
      if (this.reconnecting || !live()) return;
      this.reconnecting = (async () => {
        for (let attempt = 1; live(); attempt++) {
          const backoff = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt - 1, 16));
          await this.pause(backoff * (0.75 + Math.random() * 0.5));
          if (!live()) return;
          try {
            if (!this.listener) await open();
            if (!live()) return;
            onSeq(await headSeq());
            return;
          } catch (e) {
            if (live()) this.report(e, { source: 'listen', attempt });
          }
        }
      })().finally(() => {
        this.reconnecting = undefined;
        if (!this.listener && live()) reconnect();
      });
    };
    await open();
    return async () => {
      active = false;
      for (const wake of [...this.wakeups]) wake();
      await this.reconnecting;
      const l = this.listener;
      this.listener = undefined;
      // Not back into the pool: the session still LISTENs and carries our handlers.
      l?.release(true);
    };
  }

  /** A pause that {@link close} cuts short. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.wakeups.delete(done);
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.wakeups.add(done);
    });
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const wake of [...this.wakeups]) wake();
    await this.reconnecting;
    this.listener?.release(true);
    this.listener = undefined;
    if (this.owns) await this.pg.end();
    else this.detach();
  }
}
