import type { Lot } from '../domain/schemas.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import { GENESIS_HASH, type StoredEvent } from '../ledger/events.js';
import { changesMasterData, checkBatchHead } from './append-check.js';
import { closedError } from './contract-errors.js';
import { MemoryOutbox } from './memory-outbox.js';
import { countMatching, serialsByKey, serialsMatching, unitsById, unitsMatching } from './memory-serials.js';
import {
  applyChange,
  availableStock,
  byId,
  clone,
  emptyTables,
  loggedTables,
  nodeKey,
  stockKey,
  type Tables,
  UndoLog,
} from './memory-tables.js';
import type {
  AppendBatch,
  EdgeColumns,
  GenealogyChunk,
  GenealogyEdge,
  HoldRecord,
  LotFilter,
  Prefetched,
  PrefetchKeys,
  ReservationRecord,
  ShipmentLineFilter,
  StockFilter,
  Store,
  StoreHead,
  StreamGenealogyOptions,
} from './port.js';
import {
  compareAvailableStock,
  compareBySeqThenId,
  compareHolds,
  compareReservations,
  compareShipmentLines,
  compareStock,
  edgeColumns,
} from './port.js';
import { deepFreeze } from './prefetch.js';
import type { SerialFilter, SerialKey, UnitFilter } from './serial-port.js';

export class MemoryStore implements Store {
  readonly name = 'memory';
  private events: StoredEvent[] = [];
  /** The ledger head kept apart from the events (as the SQL stores keep a head row), so verification can
   * tell a rewritten or removed newest event from the head that was committed. */
  private headRow = { seq: 0, hash: GENESIS_HASH, masterSeq: 0 };
  private keys = new Map<string, number>();
  private t: Tables = emptyTables();
  private nodeKinds: number[] = [];
  private nodeRefs: string[] = [];
  private nodeSeqs: number[] = [];
  private nodeIndex = new Map<string, number>();
  private edges: GenealogyEdge[] = [];
  private closed = false;
  /** The transactional outbox: messages recorded by `append` for registered subscriptions. */
  readonly outbox = new MemoryOutbox(
    () => this.headRow.seq,
    () => this.check(),
  );
  // Serialises appends so an `await` inside never interleaves two batches.
  private queue: Promise<unknown> = Promise.resolve();

  /**
   * Test hook: mutate a stored event in place (bypassing the ledger), to prove that `verifyLedger()`
   * detects tampering. Never use outside tests.
   */
  tamperForTesting(seq: number, mutate: (event: StoredEvent) => void): void {
    const e = this.events[seq - 1];
    if (!e) throw new LotgraphError(ErrorCodes.EVENT_NOT_FOUND, `no event with seq ${seq}`, { seq });
    mutate(e);
  }

  private check(): void {
    if (this.closed) throw closedError(this.name);
  }

  private headNow(): StoreHead {
    return {
      seq: this.headRow.seq,
      hash: this.headRow.hash,
      masterSeq: this.headRow.masterSeq,
      nodeCount: this.nodeKinds.length,
      edgeCount: this.edges.length,
    };
  }

  async head(): Promise<StoreHead> {
    this.check();
    return this.headNow();
  }

  append(batch: AppendBatch): Promise<StoreHead> {
    const run = this.queue.then(() => this.applyBatch(batch));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private applyBatch(input: AppendBatch): StoreHead {
    this.check();
    const batch = clone(input);
    const head = this.headNow();
    checkBatchHead(batch, head, (k) => this.keys.has(k));

    // Apply in place with an undo log; on any failure the log restores every touched row (the
    // transaction), so the cost is O(changes), not O(table).
    const undo = new UndoLog();
    const table = loggedTables(this.t, undo);
    const newKinds: number[] = [];
    const newRefs: string[] = [];
    const newSeqs: number[] = [];
    const newNodeKeys = new Map<string, number>();
    const newEdges: GenealogyEdge[] = [];

    try {
      for (const [i, c] of batch.changes.entries()) {
        applyChange(
          c,
          i,
          table,
          { newKinds, newRefs, newSeqs, newNodeKeys, newEdges },
          { has: (k) => this.nodeIndex.has(k), count: this.nodeKinds.length },
        );
      }
    } catch (e) {
      undo.rollback();
      throw e;
    }

    // Commit genealogy and events (no throw past this point).
    for (let i = 0; i < newKinds.length; i++) {
      this.nodeIndex.set(nodeKey(newKinds[i]!, newRefs[i]!), this.nodeKinds.length);
      this.nodeKinds.push(newKinds[i]!);
      this.nodeRefs.push(newRefs[i]!);
      this.nodeSeqs.push(newSeqs[i]!);
    }
    for (const e of newEdges) this.edges.push(e);
    for (const e of batch.events) {
      this.events.push(e);
      this.keys.set(e.idempotencyKey, e.seq);
    }
    this.outbox.record(batch.events);
    const last = batch.events[batch.events.length - 1];
    if (last)
      this.headRow = {
        seq: last.seq,
        hash: last.hash,
        masterSeq: changesMasterData(batch) ? last.seq : this.headRow.masterSeq,
      };
    return this.headNow();
  }

  /**
   * Everything a command batch names, read by lot (never a scan of the table). The rows are the store's
   * own, frozen, not copies: the store replaces a row on every change and never writes into one, so the
   * sdk may share them for the batch (and keep master data between batches); a write to one throws instead
   * of changing the store. Events stay copies (`tamperForTesting` writes into stored events).
   */
  async prefetch(keys: PrefetchKeys): Promise<Prefetched> {
    this.check();
    const out: Prefetched = {
      head: this.headNow(),
      events: [],
      lots: [],
      stock: [],
      holds: [],
      reservations: [],
      shipments: [],
    };
    for (const k of new Set(keys.idempotencyKeys)) {
      const seq = this.keys.get(k);
      if (seq !== undefined) out.events.push(clone(this.events[seq - 1] as StoredEvent));
    }
    for (const id of new Set(keys.lotIds)) {
      const lot = this.t.lots.get(id);
      if (lot) out.lots.push(deepFreeze(lot));
      for (const s of this.t.stock.ofLot(id)) out.stock.push(deepFreeze(s));
      for (const h of this.t.holds.ofLot(id)) out.holds.push(deepFreeze(h));
      for (const r of this.t.reservations.ofLot(id)) out.reservations.push(deepFreeze(r));
    }
    for (const id of new Set(keys.shipmentIds)) {
      const s = this.t.shipments.get(id);
      if (s) out.shipments.push(deepFreeze(s));
    }
    if (keys.records) {
      out.records = [];
      // Each record once, however often it is asked for (as every other key here).
      const seen = new Set<string>();
      for (const { collection, id } of keys.records) {
        const k = `${collection}\u0000${id}`;
        if (seen.has(k)) continue;
        seen.add(k);
        const r = await this.getRecord(collection, id);
        if (r) out.records.push(r);
      }
    }
    if (keys.master && keys.masterUnless !== this.headRow.masterSeq) {
      out.products = deepFreeze([...this.t.products.values()]);
      out.parties = deepFreeze([...this.t.parties.values()]);
      out.locations = deepFreeze([...this.t.locations.values()]);
    }
    return out;
  }

  async readEvents(fromSeq: number, limit?: number): Promise<StoredEvent[]> {
    this.check();
    const start = Math.max(0, fromSeq - 1);
    const end = limit === undefined ? this.events.length : Math.min(this.events.length, start + limit);
    return clone(this.events.slice(start, end));
  }

  async getEvent(seq: number): Promise<StoredEvent | undefined> {
    this.check();
    const e = this.events[seq - 1];
    return e ? clone(e) : undefined;
  }

  async findEventByIdempotencyKey(key: string): Promise<StoredEvent | undefined> {
    this.check();
    const seq = this.keys.get(key);
    return seq === undefined ? undefined : clone(this.events[seq - 1]);
  }

  async getProduct(id: string) {
    this.check();
    return clone(this.t.products.get(id));
  }
  async findProductByGtin(gtin14: string) {
    this.check();
    for (const p of this.t.products.values())
      if (p.gtin && p.gtin.padStart(14, '0') === gtin14) return clone(p);
    return undefined;
  }
  async listProducts() {
    this.check();
    return clone([...this.t.products.values()].sort(byId));
  }
  async getParty(id: string) {
    this.check();
    return clone(this.t.parties.get(id));
  }
  async listParties() {
    this.check();
    return clone([...this.t.parties.values()].sort(byId));
  }
  async getLocation(id: string) {
    this.check();
    return clone(this.t.locations.get(id));
  }
  async listLocations() {
    this.check();
    return clone([...this.t.locations.values()].sort(byId));
  }
  async getLot(id: string) {
    this.check();
    return clone(this.t.lots.get(id));
  }
  async getLots(ids: readonly string[]) {
    this.check();
    const out: Lot[] = [];
    for (const id of new Set(ids)) {
      const l = this.t.lots.get(id);
      if (l) out.push(l);
    }
    return clone(out.sort(byId));
  }
  async listLots(filter: LotFilter = {}) {
    this.check();
    const out = [...this.t.lots.values()].filter(
      (l) =>
        (filter.productId === undefined || l.productId === filter.productId) &&
        (filter.supplierId === undefined || l.supplierId === filter.supplierId) &&
        (filter.supplierLotNumber === undefined || l.supplierLotNumber === filter.supplierLotNumber),
    );
    return clone(out.sort(byId));
  }
  async getStock(lotId: string, locationId: string) {
    this.check();
    return this.t.stock.get(stockKey(lotId, locationId))?.quantity ?? 0n;
  }
  async listStock(filter: StockFilter = {}) {
    this.check();
    const rows = filter.lotId === undefined ? this.t.stock.values() : this.t.stock.ofLot(filter.lotId);
    const out = [...rows].filter(
      (s) =>
        s.quantity !== 0n &&
        (filter.lotId === undefined || s.lotId === filter.lotId) &&
        (filter.locationId === undefined || s.locationId === filter.locationId) &&
        (filter.productId === undefined || s.productId === filter.productId),
    );
    out.sort(compareStock);
    return clone(out);
  }
  async listStockOfLots(lotIds: readonly string[]) {
    this.check();
    const out = [...new Set(lotIds)].flatMap((id) =>
      [...this.t.stock.ofLot(id)].filter((s) => s.quantity !== 0n),
    );
    out.sort(compareStock);
    return clone(out);
  }
  async listAvailableStock(productId: string, options: { locationId?: string } = {}) {
    this.check();
    return clone(availableStock(this.t, productId, options.locationId).sort(compareAvailableStock));
  }

  async findNodeIds(kind: number, refs: readonly string[]) {
    this.check();
    const out = new Map<string, number>();
    for (const r of refs) {
      const id = this.nodeIndex.get(nodeKey(kind, r));
      if (id !== undefined) out.set(r, id);
    }
    return out;
  }
  async listEdges(filter: { src?: readonly number[]; dst?: readonly number[] }) {
    this.check();
    const src = filter.src ? new Set(filter.src) : undefined;
    const dst = filter.dst ? new Set(filter.dst) : undefined;
    return clone(this.edges.filter((e) => (!src || src.has(e.src)) && (!dst || dst.has(e.dst))));
  }
  async *streamEdges(options: { untilSeq: number; batchSize?: number }): AsyncIterable<EdgeColumns> {
    this.check();
    const size = Math.max(1, options.batchSize ?? 65536);
    const edges = this.edges.filter((e) => e.seq <= options.untilSeq);
    for (let i = 0; i < edges.length; i += size) yield edgeColumns(edges.slice(i, i + size));
  }
  async *streamGenealogy(options: StreamGenealogyOptions = {}): AsyncIterable<GenealogyChunk> {
    this.check();
    const since = options.sinceSeq ?? 0;
    const until = options.untilSeq ?? this.headNow().seq;
    const size = Math.max(1, options.batchSize ?? 65536);
    const nodeIds: number[] = [];
    for (let id = 0; id < this.nodeSeqs.length; id++) {
      const s = this.nodeSeqs[id]!;
      if (s > since && s <= until) nodeIds.push(id);
    }
    for (let i = 0; i < nodeIds.length; i += size) {
      const ids = nodeIds.slice(i, i + size);
      yield {
        type: 'nodes',
        firstId: ids[0]!,
        kinds: Uint8Array.from(ids, (id) => this.nodeKinds[id]!),
        refs: ids.map((id) => this.nodeRefs[id]!),
      };
    }
    const edges = this.edges.filter((e) => e.seq > since && e.seq <= until);
    for (let i = 0; i < edges.length; i += size) {
      const part = edges.slice(i, i + size);
      yield {
        type: 'edges',
        src: Int32Array.from(part, (e) => e.src),
        dst: Int32Array.from(part, (e) => e.dst),
        qty: Float64Array.from(part, (e) => Number(e.quantity) / 10 ** e.scale),
      };
    }
  }

  async getShipment(id: string) {
    this.check();
    return clone(this.t.shipments.get(id));
  }
  async listShipments(filter: { customerId?: string } = {}) {
    this.check();
    const out = [...this.t.shipments.values()].filter(
      (s) => filter.customerId === undefined || s.customerId === filter.customerId,
    );
    return clone(out.sort(compareBySeqThenId));
  }
  async listShipmentLines(filter: ShipmentLineFilter = {}) {
    this.check();
    const lotIds = filter.lotIds ? new Set(filter.lotIds) : undefined;
    const out = [...this.t.shipmentLines.values()].filter(
      (l) =>
        (filter.lotId === undefined || l.lotId === filter.lotId) &&
        (lotIds === undefined || lotIds.has(l.lotId)) &&
        (filter.shipmentId === undefined || l.shipmentId === filter.shipmentId) &&
        (filter.customerId === undefined || l.customerId === filter.customerId),
    );
    return clone(out.sort(compareShipmentLines));
  }

  async getHold(id: string) {
    this.check();
    return clone(this.t.holds.get(id));
  }
  async listHolds(filter: { lotId?: string; status?: HoldRecord['status'] } = {}) {
    this.check();
    const rows = filter.lotId === undefined ? this.t.holds.values() : this.t.holds.ofLot(filter.lotId);
    const out = [...rows].filter(
      (h) =>
        (filter.lotId === undefined || h.lotId === filter.lotId) &&
        (filter.status === undefined || h.status === filter.status),
    );
    return clone(out.sort(compareHolds));
  }
  async getReservation(id: string) {
    this.check();
    return clone(this.t.reservations.get(id));
  }
  async listReservations(
    filter: {
      lotId?: string;
      productId?: string;
      orderId?: string;
      status?: ReservationRecord['status'];
    } = {},
  ) {
    this.check();
    const rows =
      filter.lotId === undefined ? this.t.reservations.values() : this.t.reservations.ofLot(filter.lotId);
    const out = [...rows].filter(
      (r) =>
        (filter.lotId === undefined || r.lotId === filter.lotId) &&
        (filter.productId === undefined || r.productId === filter.productId) &&
        (filter.orderId === undefined || r.orderId === filter.orderId) &&
        (filter.status === undefined || r.status === filter.status),
    );
    return clone(out.sort(compareReservations));
  }
  async getTestResult(id: string) {
    this.check();
    return clone(this.t.tests.get(id));
  }
  async listTestResults(filter: { lotId?: string } = {}) {
    this.check();
    const out = [...this.t.tests.values()].filter(
      (r) => filter.lotId === undefined || r.lotId === filter.lotId,
    );
    return clone(out.sort(compareBySeqThenId));
  }
  async getDocument(id: string) {
    this.check();
    return clone(this.t.documents.get(id));
  }
  async listDocuments(filter: { lotId?: string; shipmentId?: string; kind?: string } = {}) {
    this.check();
    const out = [...this.t.documents.values()].filter(
      (d) =>
        (filter.lotId === undefined || d.lotIds.includes(filter.lotId)) &&
        (filter.shipmentId === undefined || d.shipmentIds.includes(filter.shipmentId)) &&
        (filter.kind === undefined || d.kind === filter.kind),
    );
    return clone(out.sort(compareBySeqThenId));
  }
  async getSerials(keys: readonly SerialKey[]) {
    this.check();
    return clone(serialsByKey(this.t.serials, keys));
  }
  async listSerials(filter: SerialFilter) {
    this.check();
    return clone(serialsMatching(this.t.serials, filter));
  }
  async countSerials(filter: SerialFilter) {
    this.check();
    return countMatching(this.t.serials, filter);
  }
  async getUnits(ids: readonly string[]) {
    this.check();
    return clone(unitsById(this.t.units, ids));
  }
  async listUnits(filter: UnitFilter) {
    this.check();
    return clone(unitsMatching(this.t.units.values(), filter));
  }
  async getRecord(collection: string, id: string) {
    this.check();
    return clone(this.t.records.get(`${collection}\u0000${id}`));
  }
  async listRecords(collection: string, filter: { key?: string } = {}) {
    this.check();
    const out = [...this.t.records.values()].filter(
      (r) => r.collection === collection && (filter.key === undefined || r.key === filter.key),
    );
    return clone(out.sort(byId));
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
