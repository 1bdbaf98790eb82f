/**
 * PostgreSQL's SQL text: schema-qualified tables, lists bound as one array parameter (`= ANY(?)`),
 * `ON CONFLICT … DO UPDATE` upserts, the head row locked `FOR UPDATE`, and a `NOTIFY` with the new head
 * seq in the append's transaction (delivered at commit, never for a rollback).
 *
 * @module
 */
import { type SqlDialect, TABLES, type TableName } from '../sql/dialect.js';
import { POSTGRES_MIGRATIONS } from './postgres-schema.js';

/** The LISTEN/NOTIFY channel of a schema. */
export const channelOf = (schema: string) => `lotgraph_${schema}`;

/** The PostgreSQL dialect for one schema (validated by the caller: `[a-z_][a-z0-9_]*`). */
export function postgresDialect(schema: string): SqlDialect {
  const s = `"${schema}"`;
  return {
    kind: 'postgres',
    table: (name: TableName) => `${s}.${name}`,
    inList: (column) => `${column} = ANY(?)`,
    listParam: (values) => [...values],
    upsert: (key, columns) =>
      `ON CONFLICT (${key.join(', ')}) DO UPDATE SET ${columns.map((c) => `${c} = excluded.${c}`).join(', ')}`,
    concat: (parts) => parts.join(' || '),
    insertIgnore: { head: 'INSERT INTO', tail: ' ON CONFLICT DO NOTHING' },
    forUpdate: ' FOR UPDATE',
    notify: (seq) => ({ sql: 'SELECT pg_notify(?, ?)', params: [channelOf(schema), String(seq)] }),
    // Every table: small ones cost nothing, and the planner then knows each one's size.
    analyze: () => TABLES.map((t) => `ANALYZE ${s}.${t}`),
    historySeqs: (serials) =>
      `SELECT substr(x, 2)::bigint AS seq FROM ${serials} h, unnest(string_to_array(h.history, ' ')) AS x WHERE h.gtin = ? AND h.serial = ?`,
    maxParams: 60_000,
    schemaPrefix: s,
    migrations: POSTGRES_MIGRATIONS,
  };
}
