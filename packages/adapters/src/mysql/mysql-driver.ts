/**
 * The MariaDB/MySQL {@link SqlDriver} on `mysql2`: values bound by mysql2's client-side escaping, so a
 * script of several statements is ONE multi-statement query (one round trip for a whole append, split only
 * below the server's packet limit); every transaction READ COMMITTED, so reads after the head lock see
 * every earlier commit; BIGINT and DECIMAL read as strings (exact); lost connections and lock timeouts
 * mapped to the contract's errors.
 *
 * @module
 */
import { ErrorCodes, LotgraphError } from '@lotgraph/sdk';
import { format } from 'mysql2';
import type mysql from 'mysql2/promise';
import type { Row, SqlConnection, SqlDriver, SqlSession, Statement } from '../sql/driver.js';

/** Largest script sent in one query (well under MariaDB's default 16 MiB `max_allowed_packet`). */
const MAX_SCRIPT_BYTES = 4 * 1024 * 1024;

const param = (v: unknown) =>
  v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;

type Runner = mysql.Pool | mysql.PoolConnection;

async function run(c: Runner, sql: string, params: readonly unknown[] = []): Promise<Row[]> {
  const [rows] = await c.query(sql, params.map(param));
  return Array.isArray(rows) ? (rows as Row[]) : [];
}

/** Room left in a packet for the protocol's own header and the query around a statement. */
const PACKET_MARGIN = 1024;

/**
 * Statements joined into multi-statement queries of at most {@link MAX_SCRIPT_BYTES}. A statement longer
 * than the server's `max_allowed_packet` (`maxPacket`) cannot be sent at all — the server would drop the
 * connection mid-transaction — so the script is refused before anything of it is sent.
 */
async function runScript(c: Runner, statements: readonly Statement[], maxPacket: number): Promise<Row[][]> {
  if (statements.length === 0) return [];
  const texts = statements.map((s) =>
    format(s.sql, (s.params ?? []).map(param) as Parameters<typeof format>[1]),
  );
  for (const text of texts) {
    // A character is at most 4 bytes: count exactly only when it could matter.
    if (text.length * 4 <= maxPacket - PACKET_MARGIN) continue;
    const bytes = Buffer.byteLength(text);
    if (bytes > maxPacket - PACKET_MARGIN)
      throw new LotgraphError(
        ErrorCodes.STORE_LIMIT,
        `one statement of this write is ${(bytes / 2 ** 20).toFixed(1)} MiB, more than the server's max_allowed_packet (${(maxPacket / 2 ** 20).toFixed(1)} MiB): raise max_allowed_packet on the MariaDB/MySQL server; nothing was written`,
        { what: text.slice(0, 40), bytes, limit: maxPacket, setting: 'max_allowed_packet' },
      );
  }
  const out: Row[][] = [];
  let part: string[] = [];
  let size = 0;
  const flush = async () => {
    if (part.length === 0) return;
    const [results] = await c.query(part.join(';\n'));
    const list = part.length === 1 ? [results] : (results as unknown[]);
    for (const r of list) out.push(Array.isArray(r) ? (r as Row[]) : []);
    part = [];
    size = 0;
  };
  for (const text of texts) {
    if (size + text.length > MAX_SCRIPT_BYTES) await flush();
    part.push(text);
    size += text.length;
  }
  await flush();
  return out;
}

const CONNECTION_CODES = new Set([
  'PROTOCOL_CONNECTION_LOST',
  'ECONNREFUSED',
  'ECONNRESET',
  'EPIPE',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_CONNECTION_KILLED',
]);

/** A mysql2 error as a `LotgraphError` where the contract names one. */
export function mapMysqlError(e: unknown): unknown {
  if (e instanceof LotgraphError) return e;
  const err = e as { code?: string; errno?: number; message?: string; fatal?: boolean };
  const code = err?.code ?? '';
  if (CONNECTION_CODES.has(code) || err?.errno === 2006 || err?.errno === 2013 || (err?.fatal && code !== ''))
    return new LotgraphError(
      ErrorCodes.STORE_UNAVAILABLE,
      `MariaDB/MySQL is unavailable: ${err?.message ?? String(e)}`,
      {
        reason: code || 'connection',
        retryable: true,
      },
    );
  if (code === 'ER_LOCK_WAIT_TIMEOUT' || code === 'ER_LOCK_DEADLOCK')
    return new LotgraphError(ErrorCodes.CONFLICT, `transaction conflict: ${err.message}`, { reason: code });
  if (code === 'ER_DUP_ENTRY')
    return new LotgraphError(ErrorCodes.CONFLICT, `a concurrent writer stored the same key: ${err.message}`, {
      reason: 'unique_violation',
    });
  return e;
}

/** The mysql2 driver. */
export class MysqlDriver implements SqlDriver {
  readonly pool: SqlConnection;

  /** The server's `max_allowed_packet` in bytes (read when the store opens; MariaDB's default until then). */
  maxPacket = 16 * 2 ** 20;

  constructor(
    readonly mysql: mysql.Pool,
    private readonly owns: boolean,
  ) {
    this.pool = {
      query: (sql, params) => run(mysql, sql, params),
      script: (s) => runScript(mysql, s, this.maxPacket),
    };
  }

  async acquire(): Promise<SqlSession> {
    const c = await this.mysql.getConnection();
    let released = false;
    return {
      query: (sql, params) => run(c, sql, params),
      script: (s) => runScript(c, s, this.maxPacket),
      release: (broken) => {
        if (released) return;
        released = true;
        if (broken) c.destroy();
        else c.release();
      },
    };
  }

  /** `READ COMMITTED` + `START TRANSACTION` + `then`, in one round trip. */
  async begin(session: SqlSession, then: readonly Statement[]): Promise<Row[][]> {
    const rows = await session.script([
      { sql: 'SET TRANSACTION ISOLATION LEVEL READ COMMITTED' },
      { sql: 'START TRANSACTION' },
      ...then,
    ]);
    return rows.slice(2);
  }

  mapError(e: unknown): unknown {
    return mapMysqlError(e);
  }

  async close(): Promise<void> {
    if (this.owns) await this.mysql.end();
  }
}
