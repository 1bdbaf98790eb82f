import type { Location, Lot, Party, Product } from '../domain/schemas.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import { GENESIS_HASH, type StoredEvent } from '../ledger/events.js';
import type {
  AppendBatch,
  AuxRecord,
  AvailableStockRow,
  DocumentRecord,
  GenealogyChunk,
  GenealogyEdge,
  HoldRecord,
  LotFilter,
  ProjectionChange,
  ReservationRecord,
  ShipmentLineFilter,
  ShipmentLineRecord,
  ShipmentRecord,
  StockBalance,
  StockFilter,
  Store,
  StoreHead,
  StreamGenealogyOptions,
  TestResultRecord,
} from './port.js';
import { compareAvailableStock } from './port.js';

const clone = <T>(v: T): T => structuredClone(v);
const I64_MAX = 2n ** 63n - 1n;
const byId = <T extends { id: string }>(a: T, b: T) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
const stockKey = (lotId: string, locationId: string) => `${lotId}\u0000${locationId}`;
const nodeKey = (kind: number, ref: string) => `${kind}\u0000${ref}`;

interface Tables {
  products: Map<string, Product>;
  parties: Map<string, Party>;
  locations: Map<string, Location>;
  lots: Map<string, Lot>;
  stock: Map<string, StockBalance>;
  shipments: Map<string, ShipmentRecord>;
  shipmentLines: Map<string, ShipmentLineRecord>;
  holds: Map<string, HoldRecord>;
  reservations: Map<string, ReservationRecord>;
  tests: Map<string, TestResultRecord>;
  documents: Map<string, DocumentRecord>;
  records: Map<string, AuxRecord>;
}

function emptyTables(): Tables {
  return {
    products: new Map(),
    parties: new Map(),
    locations: new Map(),
    lots: new Map(),
    stock: new Map(),
    shipments: new Map(),
    shipmentLines: new Map(),
    holds: new Map(),
    reservations: new Map(),
    tests: new Map(),
    documents: new Map(),
    records: new Map(),
  };
}

/**
 * The in-memory {@link Store}: the reference implementation of the port and the default for tests and
 * browser use. Everything lives in JS maps; nothing survives the process. A batch is applied in place with
 * an undo log and rolled back row by row if any check fails — that is its transaction.
 *
 * @example
 * ```ts
 * const lg = await Lotgraph.open({ store: new MemoryStore() });
 * ```
 */
export class MemoryStore implements Store {
  readonly name = 'memory';
  private events: StoredEvent[] = [];
  /** The ledger head kept apart from the events (as the SQL stores keep a head row), so verification can
   * tell a rewritten or removed newest event from the head that was committed. */
  private headRow = { seq: 0, hash: GENESIS_HASH };
  private keys = new Map<string, number>();
  private t: Tables = emptyTables();
  private nodeKinds: number[] = [];
  private nodeRefs: string[] = [];
  private nodeSeqs: number[] = [];
  private nodeIndex = new Map<string, number>();
  private edges: GenealogyEdge[] = [];
  private closed = false;
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
    if (this.closed) throw new LotgraphError(ErrorCodes.STORE_CLOSED, 'the memory store is closed');
  }

  private headNow(): StoreHead {
    return {
      seq: this.headRow.seq,
      hash: this.headRow.hash,
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
    if (batch.expectedSeq !== head.seq) {
      throw new LotgraphError(
        ErrorCodes.CONFLICT,
        `expectedSeq ${batch.expectedSeq} does not match the store head ${head.seq}`,
        { expectedSeq: batch.expectedSeq, headSeq: head.seq },
      );
    }
    if (batch.events.length === 0) {
      throw new LotgraphError(ErrorCodes.VALIDATION_FAILED, 'events: a batch must carry at least one event', {
        field: 'events',
      });
    }
    const newKeys = new Set<string>();
    batch.events.forEach((e, i) => {
      if (e.seq !== head.seq + 1 + i) {
        throw new LotgraphError(
          ErrorCodes.CONFLICT,
          `events[${i}].seq is ${e.seq}, expected ${head.seq + 1 + i}`,
          {
            field: `events[${i}].seq`,
            value: e.seq,
          },
        );
      }
      if (this.keys.has(e.idempotencyKey) || newKeys.has(e.idempotencyKey)) {
        throw new LotgraphError(
          ErrorCodes.CONFLICT,
          `idempotency key "${e.idempotencyKey}" is already used`,
          {
            idempotencyKey: e.idempotencyKey,
          },
        );
      }
      newKeys.add(e.idempotencyKey);
    });

    // Apply in place with an undo log; on any failure the log restores every touched row (the
    // transaction), so the cost is O(changes), not O(table).
    const undo: (() => void)[] = [];
    const table = <K extends keyof Tables>(k: K): Tables[K] => {
      const base = this.t[k] as unknown as Map<string, unknown>;
      const logged = (key: string) => {
        const had = base.has(key);
        const old = base.get(key);
        undo.push(() => (had ? base.set(key, old) : base.delete(key)));
      };
      return {
        get: (key: string) => base.get(key),
        values: () => base.values(),
        set(key: string, value: unknown) {
          logged(key);
          base.set(key, value);
          return this;
        },
        delete(key: string) {
          logged(key);
          return base.delete(key);
        },
      } as unknown as Tables[K];
    };
    const newKinds: number[] = [];
    const newRefs: string[] = [];
    const newSeqs: number[] = [];
    const newNodeKeys = new Map<string, number>();
    const newEdges: GenealogyEdge[] = [];

    try {
      for (const [i, c] of batch.changes.entries()) {
        this.applyChange(c, i, table, { newKinds, newRefs, newSeqs, newNodeKeys, newEdges });
      }
    } catch (e) {
      for (let i = undo.length - 1; i >= 0; i--) undo[i]!();
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
    const last = batch.events[batch.events.length - 1];
    if (last) this.headRow = { seq: last.seq, hash: last.hash };
    return this.headNow();
  }

  private applyChange(
    c: ProjectionChange,
    i: number,
    table: <K extends keyof Tables>(k: K) => Tables[K],
    g: {
      newKinds: number[];
      newRefs: string[];
      newSeqs: number[];
      newNodeKeys: Map<string, number>;
      newEdges: GenealogyEdge[];
    },
  ): void {
    switch (c.type) {
      case 'putProduct':
        table('products').set(c.product.id, c.product);
        return;
      case 'putParty':
        table('parties').set(c.party.id, c.party);
        return;
      case 'putLocation':
        table('locations').set(c.location.id, c.location);
        return;
      case 'putLot':
        table('lots').set(c.lot.id, c.lot);
        return;
      case 'stockDelta': {
        const stock = table('stock');
        const k = stockKey(c.lotId, c.locationId);
        const cur = stock.get(k)?.quantity ?? 0n;
        const next = cur + c.delta;
        // The SQL stores keep balances in signed 64-bit columns: refuse the same balances here.
        if (c.delta > I64_MAX || c.delta < -I64_MAX - 1n || next > I64_MAX) {
          throw new LotgraphError(
            ErrorCodes.VALIDATION_FAILED,
            `changes[${i}].delta: the balance ${next} does not fit a signed 64-bit integer`,
            { field: `changes[${i}].delta`, value: String(c.delta) },
          );
        }
        if (next < 0n) {
          throw new LotgraphError(
            ErrorCodes.INSUFFICIENT_STOCK,
            `lot "${c.lotId}" at location "${c.locationId}": on hand ${cur} steps, change ${c.delta} would go negative`,
            {
              lotId: c.lotId,
              locationId: c.locationId,
              onHand: String(cur),
              delta: String(c.delta),
              change: i,
            },
          );
        }
        if (next === 0n) stock.delete(k);
        else
          stock.set(k, { lotId: c.lotId, locationId: c.locationId, productId: c.productId, quantity: next });
        return;
      }
      case 'addNodes': {
        const expected = this.nodeKinds.length + g.newKinds.length;
        if (c.firstId !== expected) {
          throw new LotgraphError(
            ErrorCodes.CONFLICT,
            `addNodes.firstId is ${c.firstId}, expected ${expected}`,
            {
              change: i,
              firstId: c.firstId,
              expected,
            },
          );
        }
        for (const n of c.nodes) {
          const k = nodeKey(n.kind, n.ref);
          if (this.nodeIndex.has(k) || g.newNodeKeys.has(k)) {
            throw new LotgraphError(
              ErrorCodes.CONFLICT,
              `genealogy node (${n.kind}, "${n.ref}") already exists`,
              {
                change: i,
                kind: n.kind,
                ref: n.ref,
              },
            );
          }
          g.newNodeKeys.set(k, this.nodeKinds.length + g.newKinds.length);
          g.newKinds.push(n.kind);
          g.newRefs.push(n.ref);
          g.newSeqs.push(c.seq);
        }
        return;
      }
      case 'addEdges': {
        const count = this.nodeKinds.length + g.newKinds.length;
        for (const e of c.edges) {
          if (!(e.src >= 0 && e.src < count && e.dst >= 0 && e.dst < count)) {
            throw new LotgraphError(
              ErrorCodes.VALIDATION_FAILED,
              `edge ${e.src} → ${e.dst} references a node that does not exist (node count ${count})`,
              { change: i, src: e.src, dst: e.dst },
            );
          }
          g.newEdges.push(e);
        }
        return;
      }
      case 'putShipment':
        table('shipments').set(c.shipment.id, c.shipment);
        return;
      case 'addShipmentLines': {
        const lines = table('shipmentLines');
        for (const l of c.lines) lines.set(`${l.shipmentId}\u0000${l.lineNo}`, l);
        return;
      }
      case 'putHold':
        table('holds').set(c.hold.id, c.hold);
        return;
      case 'putReservation': {
        const res = table('reservations');
        res.set(c.reservation.id, c.reservation);
        const r = c.reservation;
        if (r.status === 'active') {
          let reserved = 0n;
          for (const x of res.values()) {
            if (x.status === 'active' && x.lotId === r.lotId && x.locationId === r.locationId)
              reserved += x.quantity;
          }
          const onHand = table('stock').get(stockKey(r.lotId, r.locationId))?.quantity ?? 0n;
          if (reserved > onHand) {
            throw new LotgraphError(
              ErrorCodes.INSUFFICIENT_STOCK,
              `reservation "${r.id}": lot "${r.lotId}" at "${r.locationId}" has ${onHand} steps on hand, ${reserved} would be reserved`,
              {
                lotId: r.lotId,
                locationId: r.locationId,
                onHand: String(onHand),
                reserved: String(reserved),
                change: i,
              },
            );
          }
        }
        return;
      }
      case 'putTestResult':
        table('tests').set(c.result.id, c.result);
        return;
      case 'putDocument':
        table('documents').set(c.document.id, c.document);
        return;
      case 'putRecord':
        table('records').set(`${c.record.collection}\u0000${c.record.id}`, c.record);
        return;
      default: {
        const never: never = c;
        throw new LotgraphError(
          ErrorCodes.VALIDATION_FAILED,
          `unknown change type ${(never as { type: string }).type}`,
        );
      }
    }
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
    const out = [...this.t.stock.values()].filter(
      (s) =>
        s.quantity !== 0n &&
        (filter.lotId === undefined || s.lotId === filter.lotId) &&
        (filter.locationId === undefined || s.locationId === filter.locationId) &&
        (filter.productId === undefined || s.productId === filter.productId),
    );
    out.sort((a, b) => cmp(a.lotId, b.lotId) || cmp(a.locationId, b.locationId));
    return clone(out);
  }
  async listAvailableStock(productId: string, options: { locationId?: string } = {}) {
    this.check();
    const rows: AvailableStockRow[] = [];
    for (const s of this.t.stock.values()) {
      if (s.productId !== productId || s.quantity === 0n) continue;
      if (options.locationId !== undefined && s.locationId !== options.locationId) continue;
      const lot = this.t.lots.get(s.lotId);
      if (!lot) continue;
      let reserved = 0n;
      for (const r of this.t.reservations.values()) {
        if (r.status === 'active' && r.lotId === s.lotId && r.locationId === s.locationId)
          reserved += r.quantity;
      }
      let onHold = false;
      for (const h of this.t.holds.values()) {
        if (
          h.status === 'active' &&
          h.lotId === s.lotId &&
          (h.locationId === undefined || h.locationId === s.locationId)
        ) {
          onHold = true;
        }
      }
      rows.push({ lot, locationId: s.locationId, onHand: s.quantity, reserved, onHold });
    }
    rows.sort(compareAvailableStock);
    return clone(rows);
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
    return clone(out.sort((a, b) => a.seq - b.seq || cmp(a.id, b.id)));
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
    return clone(out.sort((a, b) => a.seq - b.seq || cmp(a.shipmentId, b.shipmentId) || a.lineNo - b.lineNo));
  }

  async getHold(id: string) {
    this.check();
    return clone(this.t.holds.get(id));
  }
  async listHolds(filter: { lotId?: string; status?: HoldRecord['status'] } = {}) {
    this.check();
    const out = [...this.t.holds.values()].filter(
      (h) =>
        (filter.lotId === undefined || h.lotId === filter.lotId) &&
        (filter.status === undefined || h.status === filter.status),
    );
    return clone(out.sort((a, b) => a.placedSeq - b.placedSeq || cmp(a.id, b.id)));
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
    const out = [...this.t.reservations.values()].filter(
      (r) =>
        (filter.lotId === undefined || r.lotId === filter.lotId) &&
        (filter.productId === undefined || r.productId === filter.productId) &&
        (filter.orderId === undefined || r.orderId === filter.orderId) &&
        (filter.status === undefined || r.status === filter.status),
    );
    return clone(out.sort((a, b) => a.createdSeq - b.createdSeq || cmp(a.id, b.id)));
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
    return clone(out.sort((a, b) => a.seq - b.seq || cmp(a.id, b.id)));
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
    return clone(out.sort((a, b) => a.seq - b.seq || cmp(a.id, b.id)));
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
