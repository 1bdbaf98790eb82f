/**
 * MariaDB/MySQL SQL text: tables in the connection's database, lists bound as one parameter that the
 * driver expands (`IN (?)`), `ON DUPLICATE KEY UPDATE` upserts, the head row locked `FOR UPDATE`. No
 * change notification: other processes' appends are found by polling the head.
 *
 * @module
 */
import type { SqlDialect, TableName } from '../sql/dialect.js';
import { mysqlMigrations } from './mysql-schema.js';

/** The MariaDB/MySQL dialect with the server's binary no-pad `collation`. */
export function mysqlDialect(collation: string): SqlDialect {
  return {
    kind: 'mysql',
    table: (name: TableName) => `\`${name}\``,
    inList: (column) => `${column} IN (?)`,
    // An empty list would render `IN ()`: bind one NULL, which matches nothing.
    listParam: (values) => (values.length === 0 ? [null] : [...values]),
    upsert: (_key, columns) =>
      `ON DUPLICATE KEY UPDATE ${columns.map((c) => `${c} = VALUES(${c})`).join(', ')}`,
    concat: (parts) => `CONCAT(${parts.join(', ')})`,
    insertIgnore: { head: 'INSERT IGNORE INTO', tail: '' },
    forUpdate: ' FOR UPDATE',
    maxParams: 30_000,
    migrations: mysqlMigrations(collation),
  };
}
