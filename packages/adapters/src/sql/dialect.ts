/**
 * The dialect seam of the SQL stores: what differs between databases, and nothing else. Everything a
 * store does — reads, the append checks, the mapping from projection changes to rows, genealogy streaming,
 * the pack, the transaction and writer-lock lifecycle — is written once in {@link SqlStore}; a database
 * adds a {@link SqlDialect} (SQL text) and a {@link SqlDriver} (connections).
 *
 * The built-in example to read first is SQLite: `src/sqlite/sqlite-dialect.ts` and
 * `src/sqlite/sqlite-driver.ts`. PostgreSQL (`src/postgres/`) and MariaDB/MySQL (`src/mysql/`) follow the
 * same layout: `*-dialect.ts`, `*-driver.ts`, `*-dialect-config.ts` (options), `*-schema.ts` (migrations)
 * and `index.ts` (the entry point users import).
 *
 * SQL in the core is written with `?` placeholders; a dialect's driver renders them (`$1…` for
 * PostgreSQL). Lists are bound as ONE parameter through {@link SqlDialect.inList}, so a query never grows
 * with its input.
 *
 * @module
 */
import type { SqlDriver } from './driver.js';

/** The tables of a lotgraph SQL store (logical names; a dialect maps them to qualified, quoted names). */
export const TABLES = [
  'head',
  'events',
  'products',
  'parties',
  'locations',
  'lots',
  'stock',
  'nodes',
  'edges',
  'shipments',
  'shipment_lines',
  'holds',
  'reservations',
  'test_results',
  'documents',
  'document_lots',
  'document_shipments',
  'records',
  'serials',
  'logistic_units',
  'genealogy_pack',
  'genealogy_pack_parts',
  'outbox_subscriptions',
  'outbox_types',
  'outbox',
  'lotgraph_migrations',
] as const;

/** A table of {@link TABLES}. */
export type TableName = (typeof TABLES)[number];

/** One versioned schema migration: statements run once, in order, recorded in `lotgraph_migrations`. */
export interface SqlMigration {
  version: number;
  name: string;
  /** The SQL text, one or more statements (PostgreSQL's may use `{{s}}` for the quoted schema name). */
  sql: string;
}

/** What differs in SQL text between databases. */
export interface SqlDialect {
  /** `sqlite`, `postgres` or `mysql`. */
  readonly kind: 'sqlite' | 'postgres' | 'mysql';
  /** The qualified, quoted name of a table. */
  table(name: TableName): string;
  /** SQL for "`column` is one of the list bound to the next `?`" (`= ANY(?)`, `IN (SELECT value FROM json_each(?))` …). */
  inList(column: string): string;
  /** The parameter that binds `values` for {@link SqlDialect.inList}. */
  listParam(values: readonly (string | number)[]): unknown;
  /** The tail of an INSERT that replaces the row on a duplicate `key` (`ON CONFLICT … DO UPDATE`, `ON DUPLICATE KEY UPDATE`). */
  upsert(key: readonly string[], columns: readonly string[]): string;
  /** String concatenation of SQL expressions (`a || b`, `CONCAT(a, b)`). */
  concat(parts: readonly string[]): string;
  /** An `INSERT` that skips rows whose key exists: the statement head (`INSERT INTO`, `INSERT IGNORE INTO`) and tail. */
  insertIgnore: { head: string; tail: string };
  /** Appended to the head read in a write transaction (`FOR UPDATE`; SQLite's `BEGIN IMMEDIATE` needs none). */
  readonly forUpdate: string;
  /** Statements sent after the ledger's head moved (PostgreSQL: `NOTIFY`), in the same transaction. */
  notify?(seq: number): { sql: string; params: unknown[] } | undefined;
  /**
   * Statements that refresh the planner's statistics (PostgreSQL `ANALYZE`), run in the background as the
   * ledger grows (at 1 000 events, then every doubling), so plans for the `IN`-list reads stay index scans
   * even where autovacuum is off or has not caught up with a bulk import.
   */
  analyze?(): string[];
  /**
   * A query yielding the seqs (column `seq`, one row per entry) in the history text (`a12 s40`) of one
   * serial of the table `serials`, picked by two parameters (`gtin`, `serial`): a serial's events then come
   * back in the same script as the serial. Optional: without it they are read in a second round trip.
   */
  historySeqs?(serials: string): string;
  /** Most `?` parameters in one statement (multi-row inserts are split below it). */
  readonly maxParams: number;
  /** What `{{s}}` in a migration stands for (PostgreSQL: the quoted schema name). */
  readonly schemaPrefix?: string;
  /** The schema migrations, in version order. */
  readonly migrations: readonly SqlMigration[];
}

export type { SqlDriver };
