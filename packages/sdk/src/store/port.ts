/**
 * The Store port: the one seam between the sdk and a database.
 *
 * A `Store` persists the event ledger and the projections derived from it (master data, lots, stock per
 * lot × location, genealogy nodes and edges, shipments, holds, reservations, QC test results, documents),
 * and answers the reads the sdk needs. It is deliberately *not* a generic ORM: every method exists because a
 * command or a query of the sdk calls it, and each is small enough to be one or two SQL statements.
 *
 * The built-in example is {@link MemoryStore} (`src/store/memory-store.ts`): read it first — it is the
 * reference semantics. `@lotgraph/adapters/sqlite`, `/postgres` and `/mysql` implement the same interface
 * on one shared SQL core. An adapter is done when it passes `runStoreConformance` from `@lotgraph/sdk/testing`.
 *
 * ## Contract
 *
 * - **Writes happen only through {@link Store.append}**, which applies a batch of events and their
 *   projection changes in ONE transaction: all of it becomes visible, or none of it.
 * - **Optimistic sequence check.** `append` rejects with `CONFLICT` unless the store's current head seq
 *   equals `batch.expectedSeq`, and the batch's events carry seqs `expectedSeq + 1, + 2, …`. The sdk then
 *   re-reads and retries. Two writers can therefore never interleave a read-decide-write.
 * - **Fair turns (optional).** A store shared by processes implements {@link Store.withWriteLock}: the sdk
 *   decides and appends inside it, so concurrent writers queue instead of losing races (the SQL stores: a
 *   transaction that locks the ledger's head row before the sdk reads — `SELECT … FOR UPDATE`, SQLite
 *   `BEGIN IMMEDIATE` — and commits with the append).
 * - **Idempotency keys are unique.** An event whose `idempotencyKey` is already stored → `CONFLICT`
 *   (with `details.idempotencyKey`); nothing is written.
 * - **Stock never goes negative.** `stockDelta` changes apply in batch order; a balance that would drop
 *   below zero → `INSUFFICIENT_STOCK` (details: `lotId`, `locationId`, `onHand`, `delta` as strings) and
 *   full rollback. An active reservation whose lot × location total would exceed on-hand stock → the same.
 * - **Genealogy node ids are dense.** `addNodes.firstId` must equal the current node count (else
 *   `CONFLICT`); `(kind, ref)` is unique (else `CONFLICT`). Edges reference existing nodes.
 * - **Quantities are `bigint`** counts of the product's smallest step (base unit × 10^decimals). Events
 *   carry exact decimal strings. No floats are stored, except the derived `qty` of genealogy chunks.
 * - **Returned values are copies**: mutating them never changes the store. Absent optional fields are
 *   omitted (or `undefined`), never `null`; `bigint` stays `bigint`; `Uint8Array` stays `Uint8Array`.
 * - **Errors** are `LotgraphError`s with the codes above; anything else is a bug or an outage.
 * - Events are stored and returned verbatim (payload JSON may be re-serialised; key order is irrelevant
 *   because hashes are computed over canonical JSON).
 *
 * ## Notes for adapter authors
 *
 * A relational layout that serves every read with an index (names are suggestions):
 *
 * | table | key | indexes (for) |
 * |---|---|---|
 * | `events(seq, type, event_time, record_time, actor, idempotency_key, request_hash, payload json, prev_hash, hash)` | `seq` | unique `idempotency_key` |
 * | `products`, `parties`, `locations` (id + JSON of the record) | `id` | products: `gtin` |
 * | `lots` (id, product_id, supplier_id, supplier_lot_number, expiry, created_seq, JSON) | `id` | `(product_id)`, `(supplier_id, supplier_lot_number)` |
 * | `stock(lot_id, location_id, product_id, quantity)` | `(lot_id, location_id)` | `(product_id, location_id)` — FEFO joins `lots` on expiry, created_seq |
 * | `nodes(id, kind, ref, seq)` | `id` | unique `(kind, ref)`, `(seq)` |
 * | `edges(src, dst, quantity, scale, seq)` + insertion order | rowid | `(src)`, `(dst)`, `(seq)` |
 * | `shipments`, `shipment_lines(shipment_id, line_no, …)` | `id` / `(shipment_id, line_no)` | lines: `(lot_id)`, `(customer_id)` |
 * | `holds`, `reservations`, `test_results`, `documents` (+ `document_links(document_id, lot_id \| shipment_id)`) | `id` | by `lot_id`; reservations `(lot_id, location_id, status)`, `(order_id)` |
 * | `records(collection, id, key, value json, seq)` | `(collection, id)` | `(collection, key)` |
 *
 * - `bigint` quantities can exceed 2^53: store them as `INTEGER` (SQLite's is 64-bit; read with
 *   `safeIntegers`) or `NUMERIC`/`BIGINT` (Postgres), never as a float.
 * - `append` = one transaction (`BEGIN IMMEDIATE` in SQLite; in Postgres lock the head row
 *   `SELECT … FOR UPDATE` or use SERIALIZABLE and map serialization failures to `CONFLICT`). Check
 *   `expectedSeq` inside the transaction, not before it.
 * - The stock guard is `UPDATE stock SET quantity = quantity + $delta … RETURNING quantity` and a rollback
 *   with `INSUFFICIENT_STOCK` when the result is negative (delete or keep zero rows; they are not listed).
 * - `streamGenealogy` should read in keyset pages (`WHERE id > $last ORDER BY id LIMIT $batch`) inside one
 *   read snapshot, filling typed arrays directly.
 * - "Ordered by id" means by UTF-16 code units, like JavaScript's `<` on strings: use `COLLATE "C"` in
 *   Postgres (SQLite's default BINARY collation already matches for ASCII ids).
 * - `listEdges` / `getLots` / `listShipmentLines({ lotIds })` / `listStockOfLots` may receive tens of
 *   thousands of ids: chunk `IN (…)` lists or use `= ANY($1)` / a temp table. With no `src`/`dst` filter
 *   `listEdges` returns all.
 *
 * @module
 */
import type { Location, Lot, Party, Product } from '../domain/schemas.js';
import type { Json, StoredEvent } from '../ledger/events.js';
import type { OutboxPort } from './outbox-port.js';
import type {
  LogisticUnitRecord,
  SerialFilter,
  SerialKey,
  SerialPatch,
  SerialRecord,
  UnitFilter,
  UnitPatch,
} from './serial-port.js';

/** A serial and what surrounds it, as {@link Store.describeSerial} reads it. */
export interface SerialTrail {
  serial: SerialRecord;
  /** Its lot (always stored with it; absent only in a damaged store). */
  lot?: Lot;
  /** Its unit, then that unit's parent, and so on outwards (empty when it is in no unit). */
  units: LogisticUnitRecord[];
  /** The events of its history (each seq once), ordered by seq: type and event time only. */
  events: { seq: number; type: StoredEvent['type']; eventTime: string }[];
  /** The shipment that took it, if any. */
  shipment?: ShipmentRecord;
}

/** Node kind codes of the genealogy graph. */
export const NodeKind = {
  /** A lot; ref = lot id. */
  LOT: 0,
  /** A delivery (one shipment line); ref = `${shipmentId}/${lineNo}`. */
  DELIVERY: 1,
  /** A customer party; ref = party id. */
  CUSTOMER: 2,
} as const;
/** A node kind code (see {@link NodeKind}). */
export type NodeKindCode = (typeof NodeKind)[keyof typeof NodeKind];

/** The tip of the ledger and the size of the genealogy. */
export interface StoreHead {
  /** Seq of the last event (0 when empty). */
  seq: number;
  /** Hash of the last event (`GENESIS_HASH` when empty). */
  hash: string;
  /** Number of genealogy nodes (ids are `0 … nodeCount - 1`). */
  nodeCount: number;
  /** Number of genealogy edges. */
  edgeCount: number;
  /**
   * Seq of the last append that changed master data (products, parties, locations); 0 when none. The sdk
   * keeps master data in memory and reloads it only when this moves — also for other processes' appends.
   * Optional: a store without it gets no master-data cache.
   */
  masterSeq?: number;
}

/** What a command batch is about to read (see {@link Store.prefetch}). */
export interface PrefetchKeys {
  /** Events by idempotency key. */
  idempotencyKeys: readonly string[];
  /** Lots, with their stock rows, holds and reservations (all statuses). */
  lotIds: readonly string[];
  /** Shipment headers. */
  shipmentIds: readonly string[];
  /**
   * Auxiliary records by collection and id (what a command checks with `getRecord`, e.g. that a recall
   * case does not exist yet). Optional: a store that leaves {@link Prefetched.records} unset is read as
   * before.
   */
  records?: readonly { collection: string; id: string }[];
  /** Also every product, party and location. */
  master: boolean;
  /**
   * With `master`: the `masterSeq` of the caller's copy of the master data. The store then leaves master
   * data out when the head's `masterSeq` equals it (nothing changed); {@link Prefetched.head} tells which.
   * Stores that do not report `masterSeq` ignore it.
   */
  masterUnless?: number;
}

/** The rows of {@link PrefetchKeys}, read in one round trip. Keys without a row are simply absent. */
export interface Prefetched {
  /**
   * The head, read in the same round trip — inside `withWriteLock`, the locked head the append will be
   * checked against (a SQL store opens its write transaction with this very read).
   */
  head: StoreHead;
  events: StoredEvent[];
  lots: Lot[];
  /** Non-zero stock rows of the lots. */
  stock: StockBalance[];
  holds: HoldRecord[];
  reservations: ReservationRecord[];
  shipments: ShipmentRecord[];
  /** With `records`: those of them that exist (a requested record that is absent does not exist). */
  records?: AuxRecord[];
  /** With `master` (and unless `masterUnless` equals the head's `masterSeq`): every product, party and location. */
  products?: Product[];
  parties?: Party[];
  locations?: Location[];
}

/** Stock of one lot at one location, in steps of the product's base unit. */
export interface StockBalance {
  lotId: string;
  locationId: string;
  productId: string;
  quantity: bigint;
}

/** A row of available stock for FEFO picking: on hand, already reserved, and whether a hold applies. */
export interface AvailableStockRow {
  lot: Lot;
  locationId: string;
  onHand: bigint;
  /** Sum of active reservations on this lot × location. */
  reserved: bigint;
  /** True when an active hold covers this lot at this location (lot-wide or scoped to the location). */
  onHold: boolean;
}

/** A genealogy node: dense int id, kind code and the domain ref it stands for. */
export interface GenealogyNode {
  id: number;
  kind: number;
  ref: string;
}

/** A genealogy edge `src → dst` (input side → output side) with its exact quantity. */
export interface GenealogyEdge {
  src: number;
  dst: number;
  /** Quantity of `src` that went into `dst`, in steps (`scale` = the src product's decimals). */
  quantity: bigint;
  scale: number;
  /** Seq of the event that created the edge. */
  seq: number;
}

/** A header of a shipment to a customer. */
export interface ShipmentRecord {
  id: string;
  customerId: string;
  orderRef?: string;
  shippedAt: string;
  seq: number;
}

/** One shipped line: a quantity of a lot from a location to a customer (denormalised for fast reads). */
export interface ShipmentLineRecord {
  shipmentId: string;
  lineNo: number;
  customerId: string;
  lotId: string;
  productId: string;
  locationId: string;
  quantity: bigint;
  orderLine?: string;
  shippedAt: string;
  seq: number;
}

/** A hold on a lot (several per lot are allowed), lot-wide or scoped to one location. */
export interface HoldRecord {
  id: string;
  lotId: string;
  /** When set, the hold applies only at this location. */
  locationId?: string;
  reasonCode: string;
  note?: string;
  status: 'active' | 'released';
  placedAt: string;
  placedSeq: number;
  releasedAt?: string;
  releasedSeq?: number;
}

/** A reservation of stock of a lot at a location for an order line. */
export interface ReservationRecord {
  id: string;
  lotId: string;
  locationId: string;
  productId: string;
  quantity: bigint;
  orderId: string;
  orderLine?: string;
  status: 'active' | 'released' | 'consumed';
  createdSeq: number;
  updatedSeq: number;
  expiresAt?: string;
}

/** A QC test result on a lot. */
export interface TestResultRecord {
  id: string;
  lotId: string;
  testCode: string;
  result: 'pass' | 'fail' | 'pending' | 'info';
  /** Measured value as an exact decimal string (or free text for qualitative tests). */
  value?: string;
  unit?: string;
  specMin?: string;
  specMax?: string;
  method?: string;
  lab?: string;
  sampledAt?: string;
  testedAt: string;
  documentId?: string;
  seq: number;
}

/** A document (certificate of analysis, specification, photo…) attached to lots and/or shipments. */
export interface DocumentRecord {
  id: string;
  kind: string;
  title: string;
  mediaType: string;
  /** SHA-256 hex of the content. */
  sha256: string;
  byteLength: number;
  uri?: string;
  /** The bytes, when the store keeps them (small documents). */
  content?: Uint8Array;
  lotIds: string[];
  shipmentIds: string[];
  attachedAt: string;
  seq: number;
}

/**
 * A free-form projection row for features that need no dedicated table (recall cases, order headers…):
 * `collection` + `id` unique, optional secondary `key` indexed for `listRecords`. Exists so adapters need
 * no schema change when a later feature adds a small projection.
 */
export interface AuxRecord {
  collection: string;
  id: string;
  key?: string;
  value: Json;
  seq: number;
}

/** One projection change, applied by {@link Store.append} in batch order. */
export type ProjectionChange =
  | { type: 'putProduct'; product: Product }
  | { type: 'putParty'; party: Party }
  | { type: 'putLocation'; location: Location }
  | { type: 'putLot'; lot: Lot }
  | { type: 'stockDelta'; lotId: string; locationId: string; productId: string; delta: bigint }
  | { type: 'addNodes'; firstId: number; seq: number; nodes: { kind: number; ref: string }[] }
  | { type: 'addEdges'; edges: GenealogyEdge[] }
  | { type: 'putShipment'; shipment: ShipmentRecord }
  | { type: 'addShipmentLines'; lines: ShipmentLineRecord[] }
  | { type: 'putHold'; hold: HoldRecord }
  | { type: 'putReservation'; reservation: ReservationRecord }
  | { type: 'putTestResult'; result: TestResultRecord }
  | { type: 'putDocument'; document: DocumentRecord }
  | { type: 'putRecord'; record: AuxRecord }
  /** Commission serials of one GTIN and lot (state `active`); a key already stored → `CONFLICT`. */
  | {
      type: 'addSerials';
      gtin: string;
      lotId: string;
      locationId: string;
      unitId?: string;
      serials: string[];
      seq: number;
    }
  /** Patch stored serials of one GTIN (keys not stored are skipped). */
  | { type: 'updateSerials'; gtin: string; serials: string[]; patch: SerialPatch; seq: number }
  /** Insert or replace a logistic unit. */
  | { type: 'putUnit'; unit: LogisticUnitRecord }
  /** Patch stored units (ids not stored are skipped). */
  | { type: 'updateUnits'; ids: string[]; patch: UnitPatch; seq: number };

/** What {@link Store.append} writes in one transaction. */
export interface AppendBatch {
  /** The head seq the batch was decided against; the store rejects with CONFLICT if it moved. */
  expectedSeq: number;
  /** The events, with seqs `expectedSeq + 1 …`, hashes already computed by the sdk. At least one. */
  events: StoredEvent[];
  /** The projection changes of these events, applied in order. */
  changes: ProjectionChange[];
}

/** A chunk of the genealogy, streamed in id order (nodes) and seq order (edges). */
export type GenealogyChunk =
  | {
      type: 'nodes';
      /** Id of the first node in this chunk; chunks are contiguous. */
      firstId: number;
      kinds: Uint8Array;
      refs: string[];
    }
  | {
      type: 'edges';
      src: Int32Array;
      dst: Int32Array;
      /** Approximate quantity in base units (`quantity / 10^scale`), for attribution estimates only. */
      qty: Float64Array;
    };

/** One page of {@link Store.streamEdges}: edges as columns, exactly as {@link GenealogyEdge}s hold them. */
export interface EdgeColumns {
  src: Int32Array;
  dst: Int32Array;
  /** Exact quantity in steps of 10^-scale. */
  quantity: bigint[];
  scale: Uint8Array;
  seq: Float64Array;
}

/** Edges as one page of {@link Store.streamEdges}. */
export function edgeColumns(edges: readonly GenealogyEdge[]): EdgeColumns {
  const n = edges.length;
  const c: EdgeColumns = {
    src: new Int32Array(n),
    dst: new Int32Array(n),
    quantity: new Array<bigint>(n),
    scale: new Uint8Array(n),
    seq: new Float64Array(n),
  };
  for (let i = 0; i < n; i++) {
    const e = edges[i]!;
    c.src[i] = e.src;
    c.dst[i] = e.dst;
    c.quantity[i] = e.quantity;
    c.scale[i] = e.scale;
    c.seq[i] = e.seq;
  }
  return c;
}

/** Options of {@link Store.streamGenealogy}. */
export interface StreamGenealogyOptions {
  /** Only nodes/edges created by events with seq > sinceSeq (default 0: everything). */
  sinceSeq?: number;
  /** Only nodes/edges created by events with seq ≤ untilSeq (default: the head at call time). */
  untilSeq?: number;
  /** Maximum rows per chunk (default 65 536). */
  batchSize?: number;
}

/** Filter of {@link Store.listStock}. */
export interface StockFilter {
  lotId?: string;
  locationId?: string;
  productId?: string;
}

/** Filter of {@link Store.listShipmentLines}. */
export interface ShipmentLineFilter {
  lotId?: string;
  lotIds?: readonly string[];
  shipmentId?: string;
  customerId?: string;
}

/** Filter of {@link Store.listLots}. */
export interface LotFilter {
  productId?: string;
  supplierId?: string;
  supplierLotNumber?: string;
}

/**
 * The persistence port of lotgraph. See the module documentation above for the contract every
 * implementation honours, and {@link MemoryStore} for the reference implementation.
 */
export interface Store {
  /** A short name for messages, e.g. `memory`, `sqlite:/tmp/x.db`. */
  readonly name: string;

  // ── ledger ──────────────────────────────────────────────────────────────
  /** The current head (last seq and hash, genealogy size). */
  head(): Promise<StoreHead>;
  /** Append events + projection changes atomically (see the contract). Resolves to the new head. */
  append(batch: AppendBatch): Promise<StoreHead>;
  /**
   * Optional: run `fn` — read the head, decide, `append` — while holding the store's writer lock, so that
   * writers from several processes take turns (first come, first served) instead of racing and retrying
   * on `CONFLICT`. `fn` gets `locked`, the store as seen under the lock: its reads see every committed
   * write and its append is durable once `withWriteLock` resolves (a store may commit it only when the
   * lock is released). Inside `fn`, read and append through `locked`: the store itself is a caller outside
   * the lock (an append through it waits for the lock). Stores used by one process only (MemoryStore)
   * need not implement it.
   */
  withWriteLock?<R>(fn: (locked: Store) => Promise<R>): Promise<R>;
  /**
   * Optional: true when reads cross a network (PostgreSQL): the sdk then fetches each point read
   * (`getProduct`, `getLot`, `getStock` …) once per decide-and-append attempt instead of every time a
   * command or its projection asks. Local stores leave it unset.
   */
  readonly memoiseReads?: boolean;
  /**
   * Optional: read everything in {@link PrefetchKeys} at once (one round trip), for a batch of commands the
   * sdk is about to decide — inside `withWriteLock`, so the rows cannot change before the append — with
   * the head read in that same round trip. Stores whose reads are local need not implement it. Unlike other
   * reads, its rows may be the store's own, frozen (MemoryStore): a caller writing into one gets a TypeError,
   * and the store never changes.
   */
  prefetch?(keys: PrefetchKeys): Promise<Prefetched>;
  /**
   * Optional: the transactional outbox — messages recorded in the append's own transaction for the
   * subscriptions that want each event, leased and settled by dispatchers (see {@link OutboxPort}).
   */
  readonly outbox?: OutboxPort;
  /** Events with `seq ≥ fromSeq` in ascending seq order, at most `limit` (default: all). */
  readEvents(fromSeq: number, limit?: number): Promise<StoredEvent[]>;
  /** The event with this seq, if any. */
  getEvent(seq: number): Promise<StoredEvent | undefined>;
  /**
   * Optional: the events with these seqs (missing ones skipped, each once), ordered by seq, in one read —
   * a backward trace reads the production events of every lot it reaches. A store without it is read event
   * by event (the conformance suite compares the two).
   */
  getEvents?(seqs: readonly number[]): Promise<StoredEvent[]>;
  /** The event carrying this idempotency key, if any. */
  findEventByIdempotencyKey(key: string): Promise<StoredEvent | undefined>;

  // ── master data ─────────────────────────────────────────────────────────
  getProduct(id: string): Promise<Product | undefined>;
  /** The product whose GTIN (normalised to 14 digits) is `gtin14`. */
  findProductByGtin(gtin14: string): Promise<Product | undefined>;
  /** All products ordered by id. */
  listProducts(): Promise<Product[]>;
  getParty(id: string): Promise<Party | undefined>;
  /** All parties ordered by id. */
  listParties(): Promise<Party[]>;
  getLocation(id: string): Promise<Location | undefined>;
  /** All locations ordered by id. */
  listLocations(): Promise<Location[]>;

  // ── lots and stock ─────────────────────────────────────────────────────
  getLot(id: string): Promise<Lot | undefined>;
  /** The lots with these ids (missing ids are skipped), ordered by id. */
  getLots(ids: readonly string[]): Promise<Lot[]>;
  /** Lots matching every given filter field, ordered by id. */
  listLots(filter?: LotFilter): Promise<Lot[]>;
  /** On-hand steps of a lot at a location (0n when none). */
  getStock(lotId: string, locationId: string): Promise<bigint>;
  /** Non-zero balances matching the filter, ordered by lotId then locationId. */
  listStock(filter?: StockFilter): Promise<StockBalance[]>;
  /**
   * Optional: the non-zero balances of all these lots in one read — for each lot the rows of
   * `listStock({ lotId })` — ordered by lotId then locationId (unknown ids have none; an id given twice is
   * listed once). A recall scope and its evidence read the stock of every affected lot (tens of thousands
   * of lots); a store without it is read lot by lot.
   */
  listStockOfLots?(lotIds: readonly string[]): Promise<StockBalance[]>;
  /**
   * Non-zero balances of a product (optionally at one location), in FEFO order: lot expiry ascending
   * (lots without expiry last), then lot `createdSeq` ascending (receipt order), then lot id, then location.
   */
  listAvailableStock(productId: string, options?: { locationId?: string }): Promise<AvailableStockRow[]>;

  // ── genealogy ───────────────────────────────────────────────────────────
  /** Ids of the nodes of `kind` with the given refs (refs without a node are absent from the map). */
  findNodeIds(kind: number, refs: readonly string[]): Promise<Map<string, number>>;
  /**
   * Edges whose src is one of `src` and whose dst is one of `dst` (an absent filter matches everything), in
   * seq order then insertion order.
   */
  listEdges(filter: { src?: readonly number[]; dst?: readonly number[] }): Promise<GenealogyEdge[]>;
  /**
   * Stream nodes (first, in id order) then edges (in seq order) created in `(sinceSeq, untilSeq]`, in chunks
   * of at most `batchSize` rows — typed arrays, never one giant array.
   */
  streamGenealogy(options?: StreamGenealogyOptions): AsyncIterable<GenealogyChunk>;
  /**
   * Optional. Every edge with seq ≤ `untilSeq`, in the order and with the values of `listEdges({})`, as
   * columns in pages of at most `batchSize` (default 65 536; SQL: keyset pages by id) — for a reader of
   * every edge (the trace catalogue's fill) that would otherwise hold an object per edge at once: at a
   * million lots, 3.7M objects whose garbage collection took most of the fill.
   */
  streamEdges?(options: { untilSeq: number; batchSize?: number }): AsyncIterable<EdgeColumns>;

  // ── shipments ───────────────────────────────────────────────────────────
  getShipment(id: string): Promise<ShipmentRecord | undefined>;
  /** Shipment headers, optionally of one customer, ordered by seq. */
  listShipments(filter?: { customerId?: string }): Promise<ShipmentRecord[]>;
  /**
   * Shipment lines matching every given field (`lotIds`: any of these lots), ordered by seq, shipmentId,
   * lineNo.
   */
  listShipmentLines(filter?: ShipmentLineFilter): Promise<ShipmentLineRecord[]>;

  // ── quality and allocation ─────────────────────────────────────────────
  getHold(id: string): Promise<HoldRecord | undefined>;
  /** Holds matching the filter, ordered by placedSeq then id. */
  listHolds(filter?: { lotId?: string; status?: HoldRecord['status'] }): Promise<HoldRecord[]>;
  getReservation(id: string): Promise<ReservationRecord | undefined>;
  /** Reservations matching the filter, ordered by createdSeq then id. */
  listReservations(filter?: {
    lotId?: string;
    productId?: string;
    orderId?: string;
    status?: ReservationRecord['status'];
  }): Promise<ReservationRecord[]>;
  getTestResult(id: string): Promise<TestResultRecord | undefined>;
  /** Test results, optionally of one lot, ordered by seq then id. */
  listTestResults(filter?: { lotId?: string }): Promise<TestResultRecord[]>;
  getDocument(id: string): Promise<DocumentRecord | undefined>;
  /** Documents linked to the lot / shipment / of the kind, ordered by seq then id. */
  listDocuments(filter?: { lotId?: string; shipmentId?: string; kind?: string }): Promise<DocumentRecord[]>;

  // ── serials and logistic units (types in `serial-port.ts`) ─────────────
  /** The serials with these keys (missing keys are skipped), ordered by GTIN then serial. */
  getSerials(keys: readonly SerialKey[]): Promise<SerialRecord[]>;
  /** Serials matching the filter, ordered by GTIN then serial, after `filter.after`, at most `filter.limit`. */
  listSerials(filter: SerialFilter): Promise<SerialRecord[]>;
  /** How many serials match the filter (`after`/`limit` ignored). */
  countSerials(filter: SerialFilter): Promise<number>;
  /** The units with these SSCCs (missing ones are skipped), ordered by id. */
  getUnits(ids: readonly string[]): Promise<LogisticUnitRecord[]>;
  /** Units matching the filter, ordered by id. */
  listUnits(filter: UnitFilter): Promise<LogisticUnitRecord[]>;
  /**
   * Optional: one serial with everything `lg.serials.get` shows — its lot, the units around it, the type and
   * time of each event of its history, its shipment — in one read (one round trip on a network store).
   * Undefined when the serial is not stored. A store without it is read piece by piece (the answer is the
   * same: the conformance suite compares the two).
   */
  describeSerial?(key: SerialKey): Promise<SerialTrail | undefined>;

  // ── free-form projections ──────────────────────────────────────────────
  getRecord(collection: string, id: string): Promise<AuxRecord | undefined>;
  /** Records of a collection (optionally with one key), ordered by id. */
  listRecords(collection: string, filter?: { key?: string }): Promise<AuxRecord[]>;

  /**
   * Optional: call `onAppend(seq)` whenever any process commits an append (PostgreSQL: LISTEN/NOTIFY).
   * A hint only — notifications may be lost; readers catch up by seq. Resolves to an unsubscribe function.
   * `Lotgraph.open({ follow: true })` uses it to keep its genealogy index current.
   */
  subscribe?(onAppend: (seq: number) => void): Promise<() => Promise<void>>;

  /** Release connections. Idempotent. */
  close(): Promise<void>;
}

const cmpUtf16 = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The order of {@link Store.listAvailableStock}: lot expiry ascending (lots without expiry last), then lot
 * `createdSeq` (receipt order), then lot id, then location. Every store sorts with this one comparator.
 */
export function compareAvailableStock(a: AvailableStockRow, b: AvailableStockRow): number {
  return (
    (a.lot.expiry === undefined ? 1 : 0) - (b.lot.expiry === undefined ? 1 : 0) ||
    cmpUtf16(a.lot.expiry ?? '', b.lot.expiry ?? '') ||
    a.lot.createdSeq - b.lot.createdSeq ||
    cmpUtf16(a.lot.id, b.lot.id) ||
    cmpUtf16(a.locationId, b.locationId)
  );
}

/** The order of {@link Store.listStock} and {@link Store.listStockOfLots}: lot id, then location. */
export const compareStock = (a: StockBalance, b: StockBalance): number =>
  cmpUtf16(a.lotId, b.lotId) || cmpUtf16(a.locationId, b.locationId);

/** The order of {@link Store.listHolds}: `placedSeq`, then id. */
export const compareHolds = (a: HoldRecord, b: HoldRecord): number =>
  a.placedSeq - b.placedSeq || cmpUtf16(a.id, b.id);

/** The order of {@link Store.listReservations}: `createdSeq`, then id. */
export const compareReservations = (a: ReservationRecord, b: ReservationRecord): number =>
  a.createdSeq - b.createdSeq || cmpUtf16(a.id, b.id);

/** The order of shipments, test results and documents: `seq`, then id. */
export const compareBySeqThenId = (a: { seq: number; id: string }, b: { seq: number; id: string }): number =>
  a.seq - b.seq || cmpUtf16(a.id, b.id);

/** The order of {@link Store.listShipmentLines}: `seq`, shipment id, line number. */
export const compareShipmentLines = (a: ShipmentLineRecord, b: ShipmentLineRecord): number =>
  a.seq - b.seq || cmpUtf16(a.shipmentId, b.shipmentId) || a.lineNo - b.lineNo;
