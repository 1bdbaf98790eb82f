/**
 * Versioned schema migrations of the PostgreSQL store. `{{s}}` stands for the quoted schema name. Each
 * migration runs once, in order, in one transaction under an advisory lock (several processes may open
 * the same schema at once), and is recorded in `{{s}}.lotgraph_migrations`.
 *
 * @module
 */

/** One schema migration. */
export interface PostgresMigration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in version order. */
export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    name: 'initial schema: ledger head, events, master data, lots, stock, genealogy, shipments, quality, records',
    sql: `
CREATE TABLE {{s}}.head (
  id INT PRIMARY KEY CHECK (id = 1),
  seq BIGINT NOT NULL,
  hash TEXT NOT NULL,
  node_count BIGINT NOT NULL,
  edge_count BIGINT NOT NULL
);
INSERT INTO {{s}}.head VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000', 0, 0);
CREATE TABLE {{s}}.events (
  seq BIGINT PRIMARY KEY,
  type TEXT NOT NULL,
  event_time TEXT NOT NULL,
  record_time TEXT NOT NULL,
  actor TEXT NOT NULL,
  idempotency_key TEXT NOT NULL UNIQUE,
  request_hash TEXT NOT NULL,
  payload TEXT NOT NULL,
  prev_hash TEXT NOT NULL,
  hash TEXT NOT NULL
);
CREATE TABLE {{s}}.products (id TEXT PRIMARY KEY, gtin14 TEXT, data TEXT NOT NULL);
CREATE INDEX ON {{s}}.products (gtin14) WHERE gtin14 IS NOT NULL;
CREATE TABLE {{s}}.parties (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE {{s}}.locations (id TEXT PRIMARY KEY, data TEXT NOT NULL);
CREATE TABLE {{s}}.lots (
  id TEXT PRIMARY KEY,
  product_id TEXT NOT NULL,
  supplier_id TEXT,
  supplier_lot_number TEXT,
  expiry TEXT,
  created_seq BIGINT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX ON {{s}}.lots (product_id);
CREATE INDEX ON {{s}}.lots (supplier_id, supplier_lot_number);
CREATE INDEX ON {{s}}.lots (supplier_lot_number);
CREATE TABLE {{s}}.stock (
  lot_id TEXT NOT NULL,
  location_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  quantity BIGINT NOT NULL,
  PRIMARY KEY (lot_id, location_id)
);
CREATE INDEX ON {{s}}.stock (product_id, location_id);
CREATE INDEX ON {{s}}.stock (location_id);
CREATE TABLE {{s}}.nodes (id BIGINT PRIMARY KEY, kind SMALLINT NOT NULL, ref TEXT NOT NULL, seq BIGINT NOT NULL);
CREATE UNIQUE INDEX ON {{s}}.nodes (kind, ref);
CREATE INDEX ON {{s}}.nodes (seq);
CREATE TABLE {{s}}.edges (
  id BIGINT PRIMARY KEY,
  src BIGINT NOT NULL,
  dst BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  scale SMALLINT NOT NULL,
  seq BIGINT NOT NULL
);
CREATE INDEX ON {{s}}.edges (src);
CREATE INDEX ON {{s}}.edges (dst);
CREATE INDEX ON {{s}}.edges (seq);
CREATE TABLE {{s}}.shipments (id TEXT PRIMARY KEY, customer_id TEXT NOT NULL, seq BIGINT NOT NULL, data TEXT NOT NULL);
CREATE INDEX ON {{s}}.shipments (customer_id, seq);
CREATE TABLE {{s}}.shipment_lines (
  shipment_id TEXT NOT NULL,
  line_no INT NOT NULL,
  lot_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  seq BIGINT NOT NULL,
  quantity BIGINT NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (shipment_id, line_no)
);
CREATE INDEX ON {{s}}.shipment_lines (lot_id);
CREATE INDEX ON {{s}}.shipment_lines (customer_id);
CREATE TABLE {{s}}.holds (
  id TEXT PRIMARY KEY,
  lot_id TEXT NOT NULL,
  location_id TEXT,
  status TEXT NOT NULL,
  placed_seq BIGINT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX ON {{s}}.holds (lot_id, status);
CREATE TABLE {{s}}.reservations (
  id TEXT PRIMARY KEY,
  lot_id TEXT NOT NULL,
  location_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  status TEXT NOT NULL,
  quantity BIGINT NOT NULL,
  created_seq BIGINT NOT NULL,
  data TEXT NOT NULL
);
CREATE INDEX ON {{s}}.reservations (lot_id, location_id, status);
CREATE INDEX ON {{s}}.reservations (product_id, status);
CREATE INDEX ON {{s}}.reservations (order_id);
CREATE TABLE {{s}}.test_results (id TEXT PRIMARY KEY, lot_id TEXT NOT NULL, seq BIGINT NOT NULL, data TEXT NOT NULL);
CREATE INDEX ON {{s}}.test_results (lot_id, seq);
CREATE TABLE {{s}}.documents (id TEXT PRIMARY KEY, kind TEXT NOT NULL, seq BIGINT NOT NULL, data TEXT NOT NULL, content BYTEA);
CREATE INDEX ON {{s}}.documents (kind);
CREATE TABLE {{s}}.document_lots (document_id TEXT NOT NULL, lot_id TEXT NOT NULL, PRIMARY KEY (lot_id, document_id));
CREATE TABLE {{s}}.document_shipments (document_id TEXT NOT NULL, shipment_id TEXT NOT NULL, PRIMARY KEY (shipment_id, document_id));
CREATE TABLE {{s}}.records (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  key TEXT,
  seq BIGINT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (collection, id)
);
CREATE INDEX ON {{s}}.records (collection, key);
CREATE TABLE {{s}}.genealogy_pack (
  id INT PRIMARY KEY CHECK (id = 1),
  upto_seq BIGINT NOT NULL,
  node_count BIGINT NOT NULL,
  edge_count BIGINT NOT NULL,
  kinds BYTEA NOT NULL,
  refs TEXT NOT NULL,
  src BYTEA NOT NULL,
  dst BYTEA NOT NULL,
  qty BYTEA NOT NULL,
  written_at TEXT NOT NULL
);
`,
  },
  {
    version: 2,
    name: 'shared SQL core: records.key renamed record_key; byte order of the genealogy pack; master-data seq on the head row; the genealogy pack in parts of at most 4 MB',
    sql: `
ALTER TABLE {{s}}.records RENAME COLUMN key TO record_key;
ALTER TABLE {{s}}.genealogy_pack ADD COLUMN little_endian SMALLINT NOT NULL DEFAULT 1;
ALTER TABLE {{s}}.head ADD COLUMN master_seq BIGINT NOT NULL DEFAULT 0;
UPDATE {{s}}.head SET master_seq = seq;
CREATE TABLE {{s}}.genealogy_pack_parts (
  upto_seq BIGINT NOT NULL, col SMALLINT NOT NULL, part INT NOT NULL, bytes BYTEA NOT NULL,
  PRIMARY KEY (upto_seq, col, part)
);
`,
  },
  {
    version: 3,
    name: 'transactional outbox: subscriptions, their event types, and one message row per subscription and event',
    sql: `
CREATE TABLE {{s}}.outbox_subscriptions (name TEXT PRIMARY KEY, from_seq BIGINT NOT NULL);
CREATE TABLE {{s}}.outbox_types (name TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY (name, type));
CREATE INDEX ON {{s}}.outbox_types (type);
CREATE TABLE {{s}}.outbox (
  subscription TEXT NOT NULL, seq BIGINT NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, attempts INT NOT NULL,
  next_at BIGINT NOT NULL, owner TEXT, lease_until BIGINT, last_error TEXT, delivered_at BIGINT,
  PRIMARY KEY (subscription, seq)
);
CREATE INDEX ON {{s}}.outbox (subscription, status, next_at);
`,
  },
  {
    version: 4,
    name: 'serials (GTIN + serial: compact columns, state letter, history text) and logistic units (SSCC)',
    sql: `
CREATE TABLE {{s}}.serials (
  gtin TEXT COLLATE "C" NOT NULL, serial TEXT COLLATE "C" NOT NULL, lot_id TEXT NOT NULL, state TEXT NOT NULL,
  location_id TEXT, unit_id TEXT, shipment_id TEXT, reason TEXT, seq BIGINT NOT NULL, history TEXT NOT NULL,
  PRIMARY KEY (gtin, serial)
);
CREATE INDEX ON {{s}}.serials (lot_id, location_id, state);
CREATE INDEX ON {{s}}.serials (unit_id) WHERE unit_id IS NOT NULL;
CREATE INDEX ON {{s}}.serials (shipment_id) WHERE shipment_id IS NOT NULL;
CREATE TABLE {{s}}.logistic_units (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, parent_id TEXT, location_id TEXT, shipment_id TEXT,
  created_seq BIGINT NOT NULL, seq BIGINT NOT NULL, lots TEXT NOT NULL
);
CREATE INDEX ON {{s}}.logistic_units (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX ON {{s}}.logistic_units (shipment_id) WHERE shipment_id IS NOT NULL;
CREATE INDEX ON {{s}}.logistic_units (location_id, state);
`,
  },
  {
    version: 5,
    name: 'event payloads and records compressed with lz4 where the server has it (a heavy recall case: 2 × 7 MB)',
    // pglz took most of the write of a large value (≈ 3× lz4's time, same size here). A server built without
    // lz4, or before PostgreSQL 14, keeps pglz. Only values written from now on are affected.
    sql: `
DO $$
BEGIN
  ALTER TABLE {{s}}.events ALTER COLUMN payload SET COMPRESSION lz4;
  ALTER TABLE {{s}}.records ALTER COLUMN value SET COMPRESSION lz4;
EXCEPTION WHEN feature_not_supported OR syntax_error THEN
  NULL;
END $$;
`,
  },
];
