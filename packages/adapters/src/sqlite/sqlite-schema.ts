/**
 * Versioned schema migrations of the SQLite store. Each migration runs once, in order, inside one
 * transaction, and is recorded in `lotgraph_migrations`. Never edit a released migration: add a new one.
 *
 * @module
 */

/** One schema migration. */
export interface SqliteMigration {
  version: number;
  name: string;
  sql: string;
}

/** Every migration, in version order. */
export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    name: 'initial schema: ledger, master data, lots, stock, genealogy, shipments, quality, records',
    sql: `
CREATE TABLE events (
  seq INTEGER PRIMARY KEY,
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
CREATE TABLE products (id TEXT PRIMARY KEY, gtin14 TEXT, data TEXT NOT NULL) WITHOUT ROWID;
CREATE INDEX products_gtin14 ON products (gtin14) WHERE gtin14 IS NOT NULL;
CREATE TABLE parties (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE locations (id TEXT PRIMARY KEY, data TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE lots (
  id TEXT PRIMARY KEY,
  product_id TEXT NOT NULL,
  supplier_id TEXT,
  supplier_lot_number TEXT,
  expiry TEXT,
  created_seq INTEGER NOT NULL,
  data TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX lots_product ON lots (product_id);
CREATE INDEX lots_supplier_lot ON lots (supplier_id, supplier_lot_number);
CREATE INDEX lots_supplier_lot_number ON lots (supplier_lot_number);
CREATE TABLE stock (
  lot_id TEXT NOT NULL,
  location_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  PRIMARY KEY (lot_id, location_id)
) WITHOUT ROWID;
CREATE INDEX stock_product_location ON stock (product_id, location_id);
CREATE INDEX stock_location ON stock (location_id);
CREATE TABLE nodes (
  id INTEGER PRIMARY KEY,
  kind INTEGER NOT NULL,
  ref TEXT NOT NULL,
  seq INTEGER NOT NULL
);
CREATE UNIQUE INDEX nodes_kind_ref ON nodes (kind, ref);
CREATE INDEX nodes_seq ON nodes (seq);
CREATE TABLE edges (
  id INTEGER PRIMARY KEY,
  src INTEGER NOT NULL,
  dst INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  scale INTEGER NOT NULL,
  seq INTEGER NOT NULL
);
CREATE INDEX edges_src ON edges (src);
CREATE INDEX edges_dst ON edges (dst);
CREATE INDEX edges_seq ON edges (seq);
CREATE TABLE shipments (
  id TEXT PRIMARY KEY,
  customer_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX shipments_customer ON shipments (customer_id, seq);
CREATE INDEX shipments_seq ON shipments (seq);
CREATE TABLE shipment_lines (
  shipment_id TEXT NOT NULL,
  line_no INTEGER NOT NULL,
  lot_id TEXT NOT NULL,
  customer_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  quantity INTEGER NOT NULL,
  data TEXT NOT NULL,
  PRIMARY KEY (shipment_id, line_no)
) WITHOUT ROWID;
CREATE INDEX shipment_lines_lot ON shipment_lines (lot_id);
CREATE INDEX shipment_lines_customer ON shipment_lines (customer_id);
CREATE INDEX shipment_lines_seq ON shipment_lines (seq);
CREATE TABLE holds (
  id TEXT PRIMARY KEY,
  lot_id TEXT NOT NULL,
  location_id TEXT,
  status TEXT NOT NULL,
  placed_seq INTEGER NOT NULL,
  data TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX holds_lot ON holds (lot_id, status);
CREATE INDEX holds_status ON holds (status, placed_seq);
CREATE TABLE reservations (
  id TEXT PRIMARY KEY,
  lot_id TEXT NOT NULL,
  location_id TEXT NOT NULL,
  product_id TEXT NOT NULL,
  order_id TEXT NOT NULL,
  status TEXT NOT NULL,
  quantity INTEGER NOT NULL,
  created_seq INTEGER NOT NULL,
  data TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX reservations_lot_location ON reservations (lot_id, location_id, status);
CREATE INDEX reservations_product ON reservations (product_id, status);
CREATE INDEX reservations_order ON reservations (order_id);
CREATE TABLE test_results (
  id TEXT PRIMARY KEY,
  lot_id TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX test_results_lot ON test_results (lot_id, seq);
CREATE TABLE documents (
  id TEXT PRIMARY KEY,
  kind TEXT NOT NULL,
  seq INTEGER NOT NULL,
  data TEXT NOT NULL,
  content BLOB
) WITHOUT ROWID;
CREATE INDEX documents_kind ON documents (kind);
CREATE TABLE document_lots (document_id TEXT NOT NULL, lot_id TEXT NOT NULL, PRIMARY KEY (lot_id, document_id)) WITHOUT ROWID;
CREATE TABLE document_shipments (document_id TEXT NOT NULL, shipment_id TEXT NOT NULL, PRIMARY KEY (shipment_id, document_id)) WITHOUT ROWID;
CREATE TABLE records (
  collection TEXT NOT NULL,
  id TEXT NOT NULL,
  key TEXT,
  seq INTEGER NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (collection, id)
) WITHOUT ROWID;
CREATE INDEX records_key ON records (collection, key);
`,
  },
  {
    version: 2,
    name: 'genealogy pack: a packed copy of the genealogy for fast index loads',
    sql: `
CREATE TABLE genealogy_pack (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  upto_seq INTEGER NOT NULL,
  node_count INTEGER NOT NULL,
  edge_count INTEGER NOT NULL,
  little_endian INTEGER NOT NULL,
  kinds BLOB NOT NULL,
  refs TEXT NOT NULL,
  src BLOB NOT NULL,
  dst BLOB NOT NULL,
  qty BLOB NOT NULL,
  written_at TEXT NOT NULL
);
`,
  },
  {
    version: 3,
    name: 'ledger head row: the committed head (seq + hash) kept apart from the events',
    sql: `
CREATE TABLE ledger_head (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  seq INTEGER NOT NULL,
  hash TEXT NOT NULL
);
INSERT INTO ledger_head (id, seq, hash)
  SELECT 1, coalesce((SELECT seq FROM events ORDER BY seq DESC LIMIT 1), 0),
            coalesce((SELECT hash FROM events ORDER BY seq DESC LIMIT 1), '${'0'.repeat(64)}');
`,
  },
  {
    version: 4,
    name: 'shared SQL core: node and edge counts and the master-data seq on the head row; records.key renamed record_key; the genealogy pack in parts of at most 4 MB',
    sql: `
ALTER TABLE ledger_head ADD COLUMN node_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_head ADD COLUMN edge_count INTEGER NOT NULL DEFAULT 0;
ALTER TABLE ledger_head ADD COLUMN master_seq INTEGER NOT NULL DEFAULT 0;
UPDATE ledger_head SET node_count = coalesce((SELECT max(id) + 1 FROM nodes), 0),
  edge_count = coalesce((SELECT max(id) FROM edges), 0), master_seq = seq;
ALTER TABLE records RENAME COLUMN key TO record_key;
CREATE TABLE genealogy_pack_parts (
  upto_seq INTEGER NOT NULL, col INTEGER NOT NULL, part INTEGER NOT NULL, bytes BLOB NOT NULL,
  PRIMARY KEY (upto_seq, col, part)
);
`,
  },
  {
    version: 5,
    name: 'transactional outbox: subscriptions, their event types, and one message row per subscription and event',
    sql: `
CREATE TABLE outbox_subscriptions (name TEXT PRIMARY KEY, from_seq INTEGER NOT NULL);
CREATE TABLE outbox_types (name TEXT NOT NULL, type TEXT NOT NULL, PRIMARY KEY (name, type));
CREATE INDEX outbox_types_type ON outbox_types (type);
CREATE TABLE outbox (
  subscription TEXT NOT NULL, seq INTEGER NOT NULL, type TEXT NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,
  next_at INTEGER NOT NULL, owner TEXT, lease_until INTEGER, last_error TEXT, delivered_at INTEGER,
  PRIMARY KEY (subscription, seq)
);
CREATE INDEX outbox_due ON outbox (subscription, status, next_at);
`,
  },
  {
    version: 6,
    name: 'serials (GTIN + serial: compact columns, state letter, history text) and logistic units (SSCC)',
    sql: `
CREATE TABLE serials (
  gtin TEXT NOT NULL, serial TEXT NOT NULL, lot_id TEXT NOT NULL, state TEXT NOT NULL, location_id TEXT,
  unit_id TEXT, shipment_id TEXT, reason TEXT, seq INTEGER NOT NULL, history TEXT NOT NULL,
  PRIMARY KEY (gtin, serial)
) WITHOUT ROWID;
CREATE INDEX serials_lot ON serials (lot_id, location_id, state);
CREATE INDEX serials_unit ON serials (unit_id) WHERE unit_id IS NOT NULL;
CREATE INDEX serials_shipment ON serials (shipment_id) WHERE shipment_id IS NOT NULL;
CREATE TABLE logistic_units (
  id TEXT PRIMARY KEY, kind TEXT NOT NULL, state TEXT NOT NULL, parent_id TEXT, location_id TEXT, shipment_id TEXT,
  created_seq INTEGER NOT NULL, seq INTEGER NOT NULL, lots TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX logistic_units_parent ON logistic_units (parent_id) WHERE parent_id IS NOT NULL;
CREATE INDEX logistic_units_shipment ON logistic_units (shipment_id) WHERE shipment_id IS NOT NULL;
CREATE INDEX logistic_units_location ON logistic_units (location_id, state);
`,
  },
];
