/**
 * The driver seam of the SQL stores: connections, transactions and the database's own errors. A driver
 * is thin — it runs statements and maps errors; the store core decides what to run.
 *
 * @module
 */

/** Where an error reported to `onError` came from. */
export interface SqlErrorContext {
  /** `pool`/`connection`: a connection dropped; `listen`: change notification; `pack`: the pack cache; `subscriber`: a subscriber threw; `poll`: head polling; `analyze`: a background statistics refresh. */
  source: 'pool' | 'connection' | 'listen' | 'pack' | 'subscriber' | 'poll' | 'analyze';
  /** Reconnect attempt (listen). */
  attempt?: number;
}

/** A statement with `?` placeholders and its parameters. */
export interface Statement {
  sql: string;
  params?: readonly unknown[];
}

/** A result row (column name → value as the driver returns it; the core converts numbers and bigints). */
export type Row = Record<string, unknown>;

/** Something that runs statements: the pool, or one connection. */
export interface SqlConnection {
  /** Run one statement; resolves to its rows (empty for statements without a result). */
  query(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /**
   * Run statements in order, in as few round trips as the database allows (PostgreSQL: one simple-query
   * message; MySQL: one multi-statement query; SQLite: in process). Stops at the first error. Resolves to
   * the rows of each statement.
   */
  script(statements: readonly Statement[]): Promise<Row[][]>;
}

/** A connection of its own (for a transaction); give it back with `release`. */
export interface SqlSession extends SqlConnection {
  /** Return the connection; `broken` discards it (after a connection error). */
  release(broken?: boolean): void;
}

/** Connections and errors of one database. */
export interface SqlDriver {
  /** Reads outside a transaction (any pooled connection). */
  readonly pool: SqlConnection;
  /** A session for a write transaction. SQLite's single connection is handed out one holder at a time. */
  acquire(): Promise<SqlSession>;
  /**
   * Start a write transaction on `session` (SQLite: `BEGIN IMMEDIATE`, polled without blocking the event
   * loop) and run `then` in the same round trip when the database allows — the core passes the head read,
   * followed by the prefetch when the sdk's first read opens the transaction. Returns the rows of each.
   */
  begin(session: SqlSession, then: readonly Statement[]): Promise<Row[][]>;
  /** Map a driver error to a `LotgraphError` (`STORE_UNAVAILABLE` for a lost connection, `CONFLICT` for a lock timeout) or return it unchanged. */
  mapError(error: unknown): unknown;
  /** Optional: change notification (PostgreSQL LISTEN). Without it the core polls the head. */
  listen?(onSeq: (seq: number) => void, headSeq: () => Promise<number>): Promise<() => Promise<void>>;
  /** Close every connection. */
  close(): Promise<void>;
}
