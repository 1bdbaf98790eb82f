/**
 * Versioned schema migrations of the MariaDB/MySQL store. `{{c}}` stands for the binary, no-pad collation
 * of the server (`utf8mb4_nopad_bin` on MariaDB, `utf8mb4_0900_bin` on MySQL 8): ids compare by code
 * point and `'a'` never equals `'a '`. Quantities are `BIGINT` (never `DOUBLE`); records are JSON text.
 * MySQL commits DDL at once, so each statement is idempotent where it can be (`IF NOT EXISTS`).
 *
 * @module
 */
import type { SqlMigration } from '../sql/dialect.js';

const T = 'ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE={{c}}';
/** Identifier columns: lotgraph ids are at most 200 characters. */
const ID = 'VARCHAR(255)';

/** Every migration, in version order (templated with the collation by {@link mysqlMigrations}). */
const MIGRATIONS: readonly SqlMigration[] = [
  {
    version: 1,
    name: 'initial schema: ledger head, events, master data, lots, stock, genealogy, shipments, quality, records, pack',
    sql: `
CREATE TABLE IF NOT EXISTS head (
  id INT PRIMARY KEY, seq BIGINT NOT NULL, hash VARCHAR(64) NOT NULL, node_count BIGINT NOT NULL, edge_count BIGINT NOT NULL,
  master_seq BIGINT NOT NULL
) ${T};
INSERT IGNORE INTO head VALUES (1, 0, '${'0'.repeat(64)}', 0, 0, 0);
CREATE TABLE IF NOT EXISTS events (
  seq BIGINT PRIMARY KEY, type VARCHAR(100) NOT NULL, event_time VARCHAR(64) NOT NULL, record_time VARCHAR(64) NOT NULL,
  actor VARCHAR(512) NOT NULL, idempotency_key VARCHAR(512) NOT NULL, request_hash VARCHAR(64) NOT NULL,
  payload LONGTEXT NOT NULL, prev_hash VARCHAR(64) NOT NULL, hash VARCHAR(64) NOT NULL,
  UNIQUE KEY events_key (idempotency_key)
) ${T};
CREATE TABLE IF NOT EXISTS products (id ${ID} PRIMARY KEY, gtin14 VARCHAR(14), data LONGTEXT NOT NULL, KEY products_gtin (gtin14)) ${T};
CREATE TABLE IF NOT EXISTS parties (id ${ID} PRIMARY KEY, data LONGTEXT NOT NULL) ${T};
CREATE TABLE IF NOT EXISTS locations (id ${ID} PRIMARY KEY, data LONGTEXT NOT NULL) ${T};
CREATE TABLE IF NOT EXISTS lots (
  id ${ID} PRIMARY KEY, product_id ${ID} NOT NULL, supplier_id ${ID}, supplier_lot_number VARCHAR(500),
  expiry VARCHAR(64), created_seq BIGINT NOT NULL, data LONGTEXT NOT NULL,
  KEY lots_product (product_id), KEY lots_supplier_lot (supplier_id, supplier_lot_number),
  KEY lots_supplier_lot_number (supplier_lot_number)
) ${T};
CREATE TABLE IF NOT EXISTS stock (
  lot_id ${ID} NOT NULL, location_id ${ID} NOT NULL, product_id ${ID} NOT NULL, quantity BIGINT NOT NULL,
  PRIMARY KEY (lot_id, location_id), KEY stock_product_location (product_id, location_id), KEY stock_location (location_id)
) ${T};
CREATE TABLE IF NOT EXISTS nodes (
  id BIGINT PRIMARY KEY, kind SMALLINT NOT NULL, ref VARCHAR(512) NOT NULL, seq BIGINT NOT NULL,
  UNIQUE KEY nodes_kind_ref (kind, ref), KEY nodes_seq (seq)
) ${T};
CREATE TABLE IF NOT EXISTS edges (
  id BIGINT PRIMARY KEY, src BIGINT NOT NULL, dst BIGINT NOT NULL, quantity BIGINT NOT NULL, scale SMALLINT NOT NULL,
  seq BIGINT NOT NULL, KEY edges_src (src), KEY edges_dst (dst), KEY edges_seq (seq)
) ${T};
CREATE TABLE IF NOT EXISTS shipments (
  id ${ID} PRIMARY KEY, customer_id ${ID} NOT NULL, seq BIGINT NOT NULL, data LONGTEXT NOT NULL,
  KEY shipments_customer (customer_id, seq), KEY shipments_seq (seq)
) ${T};
CREATE TABLE IF NOT EXISTS shipment_lines (
  shipment_id ${ID} NOT NULL, line_no INT NOT NULL, lot_id ${ID} NOT NULL, customer_id ${ID} NOT NULL,
  seq BIGINT NOT NULL, quantity BIGINT NOT NULL, data LONGTEXT NOT NULL, PRIMARY KEY (shipment_id, line_no),
  KEY shipment_lines_lot (lot_id), KEY shipment_lines_customer (customer_id), KEY shipment_lines_seq (seq)
) ${T};
CREATE TABLE IF NOT EXISTS holds (
  id ${ID} PRIMARY KEY, lot_id ${ID} NOT NULL, location_id ${ID}, status VARCHAR(20) NOT NULL,
  placed_seq BIGINT NOT NULL, data LONGTEXT NOT NULL, KEY holds_lot (lot_id, status), KEY holds_status (status, placed_seq)
) ${T};
CREATE TABLE IF NOT EXISTS reservations (
  id ${ID} PRIMARY KEY, lot_id ${ID} NOT NULL, location_id ${ID} NOT NULL, product_id ${ID} NOT NULL,
  order_id ${ID} NOT NULL, status VARCHAR(20) NOT NULL, quantity BIGINT NOT NULL, created_seq BIGINT NOT NULL,
  data LONGTEXT NOT NULL, KEY reservations_lot_location (lot_id, location_id, status),
  KEY reservations_product (product_id, status), KEY reservations_order (order_id)
) ${T};
CREATE TABLE IF NOT EXISTS test_results (
  id ${ID} PRIMARY KEY, lot_id ${ID} NOT NULL, seq BIGINT NOT NULL, data LONGTEXT NOT NULL, KEY test_results_lot (lot_id, seq)
) ${T};
CREATE TABLE IF NOT EXISTS documents (
  id ${ID} PRIMARY KEY, kind VARCHAR(100) NOT NULL, seq BIGINT NOT NULL, data LONGTEXT NOT NULL, content LONGBLOB,
  KEY documents_kind (kind)
) ${T};
CREATE TABLE IF NOT EXISTS document_lots (
  document_id ${ID} NOT NULL, lot_id ${ID} NOT NULL, PRIMARY KEY (lot_id, document_id), KEY document_lots_doc (document_id)
) ${T};
CREATE TABLE IF NOT EXISTS document_shipments (
  document_id ${ID} NOT NULL, shipment_id ${ID} NOT NULL, PRIMARY KEY (shipment_id, document_id),
  KEY document_shipments_doc (document_id)
) ${T};
CREATE TABLE IF NOT EXISTS records (
  collection VARCHAR(100) NOT NULL, id ${ID} NOT NULL, record_key VARCHAR(512), seq BIGINT NOT NULL,
  value LONGTEXT NOT NULL, PRIMARY KEY (collection, id), KEY records_key (collection, record_key)
) ${T};
CREATE TABLE IF NOT EXISTS genealogy_pack (
  id INT PRIMARY KEY, upto_seq BIGINT NOT NULL, node_count BIGINT NOT NULL, edge_count BIGINT NOT NULL,
  little_endian SMALLINT NOT NULL, kinds LONGBLOB NOT NULL, refs LONGTEXT NOT NULL, src LONGBLOB NOT NULL,
  dst LONGBLOB NOT NULL, qty LONGBLOB NOT NULL, written_at VARCHAR(64) NOT NULL
) ${T};
CREATE TABLE IF NOT EXISTS genealogy_pack_parts (
  upto_seq BIGINT NOT NULL, col SMALLINT NOT NULL, part INT NOT NULL, bytes LONGBLOB NOT NULL,
  PRIMARY KEY (upto_seq, col, part)
) ${T};
`,
  },
  {
    version: 2,
    name: 'transactional outbox: subscriptions, their event types, and one message row per subscription and event',
    sql: `
CREATE TABLE IF NOT EXISTS outbox_subscriptions (name ${ID} NOT NULL PRIMARY KEY, from_seq BIGINT NOT NULL) ${T};
CREATE TABLE IF NOT EXISTS outbox_types (
  name ${ID} NOT NULL, type VARCHAR(100) NOT NULL, PRIMARY KEY (name, type), KEY outbox_types_type (type)
) ${T};
CREATE TABLE IF NOT EXISTS outbox (
  subscription ${ID} NOT NULL, seq BIGINT NOT NULL, type VARCHAR(100) NOT NULL, status VARCHAR(16) NOT NULL,
  attempts INT NOT NULL, next_at BIGINT NOT NULL, owner ${ID}, lease_until BIGINT, last_error TEXT, delivered_at BIGINT,
  PRIMARY KEY (subscription, seq), KEY outbox_due (subscription, status, next_at)
) ${T};
`,
  },
  {
    version: 3,
    name: 'serials (GTIN + serial: compact columns, state letter, history text) and logistic units (SSCC)',
    sql: `
CREATE TABLE IF NOT EXISTS serials (
  gtin VARCHAR(14) NOT NULL, serial VARCHAR(20) NOT NULL, lot_id ${ID} NOT NULL, state VARCHAR(1) NOT NULL,
  location_id ${ID}, unit_id ${ID}, shipment_id ${ID}, reason TEXT, seq BIGINT NOT NULL, history TEXT NOT NULL,
  PRIMARY KEY (gtin, serial), KEY serials_lot (lot_id, location_id, state), KEY serials_unit (unit_id),
  KEY serials_shipment (shipment_id)
) ${T};
CREATE TABLE IF NOT EXISTS logistic_units (
  id ${ID} NOT NULL PRIMARY KEY, kind ${ID} NOT NULL, state VARCHAR(16) NOT NULL, parent_id ${ID},
  location_id ${ID}, shipment_id ${ID}, created_seq BIGINT NOT NULL, seq BIGINT NOT NULL, lots LONGTEXT NOT NULL,
  KEY logistic_units_parent (parent_id), KEY logistic_units_shipment (shipment_id),
  KEY logistic_units_location (location_id, state)
) ${T};
`,
  },
];

/** The migrations with the server's binary no-pad collation filled in. */
export function mysqlMigrations(collation: string): SqlMigration[] {
  return MIGRATIONS.map((m) => ({ ...m, sql: m.sql.replaceAll('{{c}}', collation) }));
}

/** The migrations as written (`{{c}}` not yet replaced). */
export const MYSQL_MIGRATIONS: readonly SqlMigration[] = MIGRATIONS;
