/**
 * SQLite's SQL text — the built-in example of a {@link SqlDialect}: plain table names, lists bound as one
 * JSON parameter (`IN (SELECT value FROM json_each(?))`), `ON CONFLICT … DO UPDATE` upserts, and no
 * `FOR UPDATE` (the write transaction is `BEGIN IMMEDIATE`, which already holds the database's writer lock).
 *
 * @module
 */
import type { SqlDialect, TableName } from '../sql/dialect.js';
import { SQLITE_MIGRATIONS } from './sqlite-schema.js';

/** The SQLite dialect (SQLite ≥ 3.35, as bundled by better-sqlite3). */
export const sqliteDialect: SqlDialect = {
  kind: 'sqlite',
  table: (name: TableName) => (name === 'head' ? 'ledger_head' : name),
  inList: (column) => `${column} IN (SELECT value FROM json_each(?))`,
  listParam: (values) => JSON.stringify(values),
  upsert: (key, columns) =>
    `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
  concat: (parts) => parts.join(' || '),
  insertIgnore: { head: 'INSERT INTO', tail: ' ON CONFLICT DO NOTHING' },
  forUpdate: '',
  historySeqs: (serials) =>
    `SELECT CAST(substr(j.value, 2) AS INTEGER) AS seq FROM ${serials} h, json_each('["' || replace(h.history, ' ', '","') || '"]') AS j WHERE h.gtin = ? AND h.serial = ?`,
  // SQLITE_MAX_VARIABLE_NUMBER is 32 766 in the SQLite better-sqlite3 bundles.
  maxParams: 32_000,
  migrations: SQLITE_MIGRATIONS,
};
