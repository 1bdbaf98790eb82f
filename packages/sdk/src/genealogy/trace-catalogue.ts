import type { Lot, Party, Product } from '../domain/schemas.js';
import type { StoredEvent } from '../ledger/events.js';
import { type GenealogyEdge, NodeKind, type ShipmentLineRecord, type Store } from '../store/port.js';
import {
  Col,
  dayNumber,
  dayString,
  I64_MAX,
  I64_MIN,
  type IntArray,
  Interner,
  int32,
  NO_DAY,
  NONE,
  ODD_DAY,
} from './catalogue-columns.js';
import { fetchEdges, type Pending } from './catalogue-reads.js';
import { type OwnEvent, ownEvent, scanEvents, type TotalDelta, TotalsKeeper } from './lot-totals.js';
import type { NodeRegistry } from './node-registry.js';
import type { TracedLot } from './trace-types.js';

/** What a trace shows of a lot (a subset of {@link Lot}). */
export type LotFacts = Pick<Lot, 'id' | 'productId' | 'origin'> &
  Partial<Pick<Lot, 'supplierId' | 'supplierLotNumber' | 'expiry'>>;

/** What a trace shows of a delivery (a subset of {@link ShipmentLineRecord}). */
export type LineFacts = Pick<
  ShipmentLineRecord,
  'shipmentId' | 'lineNo' | 'customerId' | 'lotId' | 'productId' | 'quantity' | 'shippedAt'
>;

export { dayNumber, dayString } from './catalogue-columns.js';

/**
 * The trace catalogue: what a trace shows of every lot and delivery node and every edge of the genealogy
 * index, kept in memory next to it so that a full trace needs no per-node store reads.
 *
 * - per lot node: product, origin, expiry (day number), supplier, supplier lot number;
 * - per delivery node: shipment, line, customer, lot, product, date and exact quantity (steps);
 * - per edge (in the store's order: seq, then insertion): src, dst, exact quantity, scale, seq — with an
 *   out-adjacency (CSR, rebuilt as appends pile up) to find the edges inside a closure.
 *
 * Columnar: typed arrays indexed by a per-node slot, strings interned once. Loaded in bulk with the index
 * (three listings, not row reads); appends are queued by the index (`applyCommitted`, `syncTo`) and
 * described by {@link TraceCatalogue.catchUp} before the next trace, in a few batched reads.
 */
export class TraceCatalogue {
  private readonly strings = new Interner();
  /** Per node: its slot in the lot or delivery columns (NONE for customers). */
  private readonly slot = int32();
  // lot columns (by lot slot); product NONE = no lot record
  private readonly lotProduct = int32();
  private readonly lotOrigin = int32();
  private readonly lotExpiry = new Col((n) => new Int32Array(n), NO_DAY);
  private readonly lotSupplier = int32();
  private readonly lotSupplierLot = int32();
  private readonly expiryOdd = new Map<number, string>();
  // delivery columns (by delivery slot); shipment NONE = no line record
  private readonly dShipment = int32();
  private readonly dLine = int32();
  private readonly dCustomer = int32();
  private readonly dLot = int32();
  /** The node of the line's lot (NONE when the lot has no node). */
  private readonly dLotNode = int32();
  private readonly dProduct = int32();
  private readonly dShippedAt = int32();
  private readonly dQty = new Col((n) => new BigInt64Array(n), 0n);
  private readonly dQtyBig = new Map<number, bigint>();
  // edge columns (by edge index)
  private readonly eSrc = int32();
  private readonly eDst = int32();
  private readonly eScale = new Col((n) => new Uint8Array(n), 0);
  private readonly eSeq = new Col((n) => new Uint32Array(n), 0);
  private readonly eQty = new Col((n) => new BigInt64Array(n), 0n);
  private readonly eQtyBig = new Map<number, bigint>();
  // out-adjacency over edges [0, csrEdges): edges of node n are csrList[csrStart[n] … csrStart[n+1]);
  // in-adjacency likewise (inStart, inList); both list edge indexes in ascending (store) order
  private csrStart = new Int32Array(1);
  private csrList = new Int32Array(0);
  private inStart = new Int32Array(1);
  private inList = new Int32Array(0);
  private csrNodes = 0;
  private csrEdges = 0;
  /** Nodes [0, nodesDone) are described. */
  private nodesDone = 0;
  /** Lot corrections are applied up to this seq. */
  private eventSeq: number;
  private pending: Pending[] = [];
  /**
   * Products and parties traces have read, kept while no `productDefined` / `partyDefined` event comes by
   * (cleared by the catch-up that sees one): a trace on a caught-up catalogue reads no master data again.
   */
  readonly master = { products: new Map<string, Product>(), parties: new Map<string, Party>() };
  /** Per-lot totals (received, produced, returned) for recall scopes, filled on first use. */
  private readonly totals: TotalsKeeper;
  private mark = new Uint8Array(0);

  /** The fill (three bulk listings), started by the first {@link TraceCatalogue.ready}. */
  private filled: Promise<void> | undefined;

  private constructor(
    private readonly registry: NodeRegistry,
    /** The index's seq and node count when it was loaded: what the fill describes. */
    private readonly loadSeq: number,
    private readonly loadNodes: number,
  ) {
    this.eventSeq = loadSeq;
    this.totals = new TotalsKeeper(registry);
  }

  /**
   * The catalogue of a freshly loaded index (`registry` as of `seq`). It is filled on first use
   * ({@link TraceCatalogue.ready}: three bulk listings — lots, shipment lines, edges), so that opening a
   * store and writing to it cost nothing more; appends committed before that are queued as usual.
   */
  static open(registry: NodeRegistry, seq: number): TraceCatalogue {
    return new TraceCatalogue(registry, seq, registry.count);
  }

  /** {@link TraceCatalogue.open} and fill at once. */
  static async load(store: Store, registry: NodeRegistry, seq: number): Promise<TraceCatalogue> {
    const cat = TraceCatalogue.open(registry, seq);
    await cat.ready(store);
    return cat;
  }

  /** Whether the fill has completed. */
  private done = false;

  private async fill(store: Store): Promise<void> {
    // One listing at a time, each described before the next is read, so that at a million lots the rows of
    // one listing are garbage before the next arrives. A failed read leaves the catalogue not done: the next
    // ready() starts over (describing a lot or line again overwrites it; edges are added in one go, last).
    this.describeNodes(this.loadNodes, await store.listLots(), []);
    for (const l of await store.listShipmentLines()) this.putLine(l);
    if (store.streamEdges) {
      // Edges in pages of columns, each added as it arrives (no object per edge held); a failed page
      // takes back the edges added before it, so the next fill adds them once.
      const start = this.eSrc.length;
      try {
        for await (const c of store.streamEdges({ untilSeq: this.loadSeq }))
          for (let i = 0; i < c.src.length; i++)
            this.addEdgeOf(c.src[i]!, c.dst[i]!, c.quantity[i]!, c.scale[i]!, c.seq[i]!);
      } catch (e) {
        for (const col of [this.eSrc, this.eDst, this.eScale, this.eSeq, this.eQty]) col.length = start;
        for (const i of this.eQtyBig.keys()) if (i >= start) this.eQtyBig.delete(i);
        throw e;
      }
    } else for (const e of await store.listEdges({})) if (e.seq <= this.loadSeq) this.addEdge(e);
    for (const c of this.columns()) c.trim();
    this.buildCsr();
    this.done = true;
  }

  /** True once the catalogue is filled (traces can use it without waiting for the bulk reads). */
  get isReady(): boolean {
    return this.done;
  }

  /**
   * Start filling in the background (no-op when filled or filling); a failure is swallowed here and the
   * next `ready`/`warm` tries again. Used by the first trace after open, which itself reads the store.
   */
  warm(store: Store): void {
    if (!this.done) this.ready(store).catch(() => undefined);
  }

  /** Fill the catalogue unless done (a failed fill left it empty and is tried again by the next call). */
  async ready(store: Store): Promise<void> {
    if (this.done) return;
    this.filled ??= this.fill(store);
    try {
      await this.filled;
    } finally {
      if (!this.done) this.filled = undefined;
    }
  }

  /**
   * What this process's own commits since the last catch-up mean for it (see {@link OwnEvent}), noted as
   * they commit so that the catch-up need not read them back (a drill's case event is megabytes); a gap
   * (another process's events in between) or more than 10,000 of them and the catch-up reads the store.
   */
  private own: OwnEvent[] = [];

  /** Note events this process just committed (before the caller holds them). */
  noteCommitted(events: readonly StoredEvent[]): void {
    if (events.length === 0) return;
    const last = this.own[this.own.length - 1];
    if (last && events[0]!.seq !== last.seq + 1) this.own.length = 0;
    const withDeltas = this.totals.at !== undefined;
    for (const ev of events) this.own.push(ownEvent(ev, withDeltas));
    if (this.own.length > 10_000) this.own.length = 0;
  }

  /** Queue edges this process committed (exact, in commit order); nodes come from the registry. */
  queueCommitted(edges: GenealogyEdge[]): void {
    if (edges.length) this.pending.push({ type: 'exact', edges });
  }

  /** Queue edges another process wrote in `(sinceSeq, untilSeq]` (known by endpoints; read at catch-up). */
  queueSynced(sinceSeq: number, untilSeq: number, src: number[], dst: number[]): void {
    if (src.length) this.pending.push({ type: 'fetch', sinceSeq, untilSeq, src, dst });
  }

  /**
   * Describe everything the index gained since the last catch-up (`seq`: the index's seq). Every store read
   * happens first (edges of other processes' appends, new lots and corrected lots in one `getLots`, new
   * deliveries' lines in one `listShipmentLines`, the events in pages); the catalogue changes only once they
   * all succeeded, so a failed read leaves it as it was and the next catch-up retries.
   */
  async catchUp(store: Store, seq: number): Promise<void> {
    await this.ready(store);
    const targetNodes = this.registry.count;
    const queue = this.pending.slice();
    const totalsFrom = this.totals.at;
    const eventsFrom = Math.min(this.eventSeq, totalsFrom ?? this.eventSeq);
    if (!queue.length && targetNodes === this.nodesDone && seq <= eventsFrom) return;
    const { kinds, refs } = this.registry;
    // Lot records change after creation only through `corrected` events: find the lots they name (and,
    // once the totals are filled, what the events added to them).
    const totals: TotalDelta[] = [];
    const { corrected, master } =
      seq > eventsFrom
        ? await scanEvents(
            store,
            eventsFrom,
            seq,
            this.eventSeq,
            totalsFrom,
            (d) => totals.push(...d),
            this.own,
          )
        : { corrected: [], master: false };
    const lotRefs = new Set<string>();
    const newDelivery = new Set<number>();
    for (let n = this.nodesDone; n < targetNodes; n++) {
      if (kinds[n] === NodeKind.LOT) lotRefs.add(refs[n]!);
      else if (kinds[n] === NodeKind.DELIVERY) newDelivery.add(n);
    }
    for (const id of corrected) if (this.registry.id(NodeKind.LOT, id) !== undefined) lotRefs.add(id);
    // A delivery's lot is the src of its incoming edge, written by the same event (so in the queue).
    const shippedLots = new Set<string>();
    for (const p of queue) {
      const src = p.type === 'exact' ? p.edges.map((e) => e.src) : p.src;
      const dst = p.type === 'exact' ? p.edges.map((e) => e.dst) : p.dst;
      for (let i = 0; i < dst.length; i++) if (newDelivery.has(dst[i]!)) shippedLots.add(refs[src[i]!]!);
    }
    const [lots, lines, fetched] = await Promise.all([
      lotRefs.size ? store.getLots([...lotRefs]) : Promise.resolve([]),
      shippedLots.size ? store.listShipmentLines({ lotIds: [...shippedLots] }) : Promise.resolve([]),
      Promise.all(queue.map((p) => (p.type === 'exact' ? p.edges : fetchEdges(store, p)))),
    ]);
    // All read: apply.
    this.pending.splice(0, queue.length);
    this.own = this.own.filter((e) => e.seq > seq);
    for (const edges of fetched) for (const e of edges) this.addEdge(e);
    this.describeNodes(targetNodes, [], []);
    for (const l of lots) this.putLot(l);
    for (const l of lines) this.putLine(l);
    if (seq > this.eventSeq) this.eventSeq = seq;
    if (master) {
      this.master.products.clear();
      this.master.parties.clear();
    }
    if (totalsFrom !== undefined) this.totals.advance(totalsFrom, seq, totals);
    if (this.eSrc.length - this.csrEdges > Math.max(65_536, this.csrEdges >> 3)) this.buildCsr();
  }

  /** True once the per-lot totals are filled and as current as the rest of the catalogue. */
  get totalsAreReady(): boolean {
    return this.done && this.totals.isCurrent(this.eventSeq);
  }

  /**
   * Fill the per-lot totals (received, produced, returned) unless done: one pass over the ledger up to what
   * the catalogue describes, on first use (a recall scope); later catch-ups add each new event's share.
   */
  async totalsReady(store: Store): Promise<void> {
    await this.ready(store);
    await this.totals.fill(store, () => this.eventSeq);
  }

  /** {@link TraceCatalogue.totalsReady} in the background (a failure is retried by the next call). */
  warmTotals(store: Store): void {
    if (!this.totalsAreReady) this.totalsReady(store).catch(() => undefined);
  }

  /** Received, produced and returned totals of lot node `n` (10^-9 units); call `totalsReady` first. */
  totalsOf(n: number): [received: bigint, produced: bigint, returned: bigint] {
    return this.totals.of(n);
  }

  private describeNodes(target: number, lots: readonly Lot[], lines: readonly LineFacts[]): void {
    const { kinds } = this.registry;
    this.slot.ensure(target);
    for (let n = this.nodesDone; n < target; n++) {
      const k = kinds[n];
      if (k === NodeKind.LOT) this.slot.buf[n] = this.lotProduct.push(NONE);
      else if (k === NodeKind.DELIVERY) this.slot.buf[n] = this.dShipment.push(NONE);
    }
    const { lotProduct, dShipment } = this;
    this.lotOrigin.ensure(lotProduct.length);
    this.lotExpiry.ensure(lotProduct.length);
    this.lotSupplier.ensure(lotProduct.length);
    this.lotSupplierLot.ensure(lotProduct.length);
    for (const c of [this.dLine, this.dCustomer, this.dLot, this.dLotNode, this.dProduct, this.dShippedAt])
      c.ensure(dShipment.length);
    this.dQty.ensure(dShipment.length);
    this.nodesDone = target;
    for (const l of lots) this.putLot(l);
    for (const l of lines) this.putLine(l);
  }

  private putLot(l: LotFacts): void {
    const n = this.registry.id(NodeKind.LOT, l.id);
    if (n === undefined || n >= this.nodesDone) return;
    const s = this.slot.buf[n]!;
    const st = this.strings;
    this.lotProduct.buf[s] = st.id(l.productId);
    this.lotOrigin.buf[s] = st.id(l.origin);
    this.lotSupplier.buf[s] = st.opt(l.supplierId);
    this.lotSupplierLot.buf[s] = st.opt(l.supplierLotNumber);
    this.expiryOdd.delete(s);
    if (l.expiry === undefined) this.lotExpiry.buf[s] = NO_DAY;
    else {
      const day = dayNumber(l.expiry);
      if (day === undefined) {
        this.lotExpiry.buf[s] = ODD_DAY;
        this.expiryOdd.set(s, l.expiry);
      } else this.lotExpiry.buf[s] = day;
    }
  }

  private putLine(l: LineFacts): void {
    const n = this.registry.id(NodeKind.DELIVERY, `${l.shipmentId}/${l.lineNo}`);
    if (n === undefined || n >= this.nodesDone) return;
    const s = this.slot.buf[n]!;
    const st = this.strings;
    this.dShipment.buf[s] = st.id(l.shipmentId);
    this.dLine.buf[s] = l.lineNo;
    this.dCustomer.buf[s] = st.id(l.customerId);
    this.dLot.buf[s] = st.id(l.lotId);
    this.dLotNode.buf[s] = this.registry.id(NodeKind.LOT, l.lotId) ?? NONE;
    this.dProduct.buf[s] = st.id(l.productId);
    this.dShippedAt.buf[s] = st.id(l.shippedAt);
    this.dQtyBig.delete(s);
    if (l.quantity >= I64_MIN && l.quantity <= I64_MAX) this.dQty.buf[s] = l.quantity;
    else this.dQtyBig.set(s, l.quantity);
  }

  private addEdge(e: GenealogyEdge): void {
    this.addEdgeOf(e.src, e.dst, e.quantity, e.scale, e.seq);
  }

  private addEdgeOf(src: number, dst: number, quantity: bigint, scale: number, seq: number): void {
    const i = this.eSrc.push(src);
    this.eDst.push(dst);
    this.eScale.push(scale);
    this.eSeq.push(seq);
    if (quantity >= I64_MIN && quantity <= I64_MAX) this.eQty.push(quantity);
    else {
      this.eQty.push(0n);
      this.eQtyBig.set(i, quantity);
    }
  }

  private buildCsr(): void {
    const nodes = this.registry.count;
    const edges = this.eSrc.length;
    const csr = (end: ArrayLike<number>) => {
      const start = new Int32Array(nodes + 1);
      for (let i = 0; i < edges; i++) start[end[i]! + 1]!++;
      for (let n = 0; n < nodes; n++) start[n + 1]! += start[n]!;
      const fill = start.slice(0, nodes);
      const list = new Int32Array(edges);
      for (let i = 0; i < edges; i++) list[fill[end[i]!]!++] = i;
      return [start, list] as const;
    };
    [this.csrStart, this.csrList] = csr(this.eSrc.buf);
    [this.inStart, this.inList] = csr(this.eDst.buf);
    this.csrNodes = nodes;
    this.csrEdges = edges;
  }

  /** Indexes of the edges out of (`'out'`) or into (`'in'`) node `n`, in the store's edge order. */
  edgesAt(n: number, side: 'in' | 'out'): number[] {
    const [start, list, end] =
      side === 'out'
        ? [this.csrStart, this.csrList, this.eSrc.buf]
        : [this.inStart, this.inList, this.eDst.buf];
    const found: number[] = [];
    if (n < this.csrNodes) for (let j = start[n]!, stop = start[n + 1]!; j < stop; j++) found.push(list[j]!);
    for (let e = this.csrEdges; e < this.eSrc.length; e++) if (end[e] === n) found.push(e);
    return found;
  }

  /**
   * The edges out of any of `nodes` (distinct), as indexes in the store's edge order: {@link edgesAt} for many
   * nodes at once, with one pass over the edges appended since the adjacency was built rather than one per node.
   */
  edgesOutOf(nodes: ArrayLike<number>): Int32Array {
    const { csrStart, csrList, csrNodes, csrEdges } = this;
    const src = this.eSrc.buf;
    const mark = this.marks();
    let count = 0;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      mark[n] = 1;
      if (n < csrNodes) count += csrStart[n + 1]! - csrStart[n]!;
    }
    for (let e = csrEdges; e < this.eSrc.length; e++) if (mark[src[e]!]) count++;
    const out = new Int32Array(count);
    let at = 0;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (n < csrNodes)
        for (let j = csrStart[n]!, end = csrStart[n + 1]!; j < end; j++) out[at++] = csrList[j]!;
    }
    for (let e = csrEdges; e < this.eSrc.length; e++) if (mark[src[e]!]) out[at++] = e;
    for (let i = 0; i < nodes.length; i++) mark[nodes[i]!] = 0;
    // Typed-array sort: numeric, without a comparator call per step.
    return out.sort();
  }

  /**
   * Per pair i, the seq of the first edge (store order) from `src[i]` into `dst[i]`, or -1 when there is
   * none — with one pass over the edges appended since the adjacency was built.
   */
  firstEdgeSeqs(src: ArrayLike<number>, dst: ArrayLike<number>): Float64Array {
    const out = new Float64Array(dst.length).fill(-1);
    const { inStart, inList, csrNodes, csrEdges } = this;
    const eSrc = this.eSrc.buf;
    const eDst = this.eDst.buf;
    const eSeq = this.eSeq.buf;
    // Pairs not found in the adjacency, by their dst: looked for in the appended edges.
    const missing = new Map<number, number[]>();
    for (let i = 0; i < dst.length; i++) {
      const d = dst[i]!;
      if (d < csrNodes)
        for (let j = inStart[d]!, end = inStart[d + 1]!; j < end; j++) {
          const e = inList[j]!;
          if (eSrc[e] === src[i]) {
            out[i] = eSeq[e]!;
            break;
          }
        }
      if (out[i] === -1) missing.set(d, [...(missing.get(d) ?? []), i]);
    }
    for (let e = csrEdges; missing.size > 0 && e < this.eSrc.length; e++)
      for (const i of missing.get(eDst[e]!) ?? []) if (out[i] === -1 && eSrc[e] === src[i]) out[i] = eSeq[e]!;
    return out;
  }

  /** The columns of the edges `ids` (node ids at both ends; see {@link TraceCatalogue.edge}). */
  edgeRows(ids: ArrayLike<number>): {
    src: Int32Array;
    dst: Int32Array;
    quantity: bigint[];
    scale: Uint8Array;
    seq: Float64Array;
  } {
    const n = ids.length;
    const out = {
      src: new Int32Array(n),
      dst: new Int32Array(n),
      quantity: new Array<bigint>(n),
      scale: new Uint8Array(n),
      seq: new Float64Array(n),
    };
    const big = this.eQtyBig.size > 0;
    for (let k = 0; k < n; k++) {
      const i = ids[k]!;
      out.src[k] = this.eSrc.buf[i]!;
      out.dst[k] = this.eDst.buf[i]!;
      out.quantity[k] = big ? (this.eQtyBig.get(i) ?? this.eQty.buf[i]!) : this.eQty.buf[i]!;
      out.scale[k] = this.eScale.buf[i]!;
      out.seq[k] = this.eSeq.buf[i]!;
    }
    return out;
  }

  /** The scratch mark array (all zero; callers reset what they set before returning). */
  private marks(): Uint8Array {
    const count = this.registry.count;
    if (this.mark.length < count) this.mark = new Uint8Array(Math.max(count, this.mark.length * 2));
    return this.mark;
  }

  /** The lot facts of node `n` (undefined when it is not a lot with a record). */
  lot(n: number): LotFacts | undefined {
    const s = this.lotSlot(n);
    if (s === undefined) return undefined;
    const l: LotFacts = {
      id: this.registry.refs[n]!,
      productId: this.strings.at(this.lotProduct.buf[s]!),
      origin: this.strings.at(this.lotOrigin.buf[s]!) as Lot['origin'],
    };
    return this.lotOptionals(s, l);
  }

  /** The product of lot node `n` when it has a record ({@link lot}'s `productId`, without building the rest). */
  lotProductId(n: number): string | undefined {
    const s = this.lotSlot(n);
    return s === undefined ? undefined : this.strings.at(this.lotProduct.buf[s]!);
  }

  /** The lot slot of node `n` when it is a lot with a record. */
  private lotSlot(n: number): number | undefined {
    if (this.registry.kinds[n] !== NodeKind.LOT || n >= this.nodesDone) return undefined;
    const s = this.slot.buf[n]!;
    return this.lotProduct.buf[s] === NONE ? undefined : s;
  }

  /** `l` with the optional facts of lot slot `s` (supplier, supplier lot, expiry) set, in that order. */
  private lotOptionals<T extends Partial<Pick<Lot, 'supplierId' | 'supplierLotNumber' | 'expiry'>>>(
    s: number,
    l: T,
  ): T {
    const st = this.strings;
    const supplier = this.lotSupplier.buf[s]!;
    if (supplier !== NONE) l.supplierId = st.at(supplier);
    const supplierLot = this.lotSupplierLot.buf[s]!;
    if (supplierLot !== NONE) l.supplierLotNumber = st.at(supplierLot);
    const day = this.lotExpiry.buf[s]!;
    if (day === ODD_DAY) l.expiry = this.expiryOdd.get(s)!;
    else if (day !== NO_DAY) l.expiry = this.day(day);
    return l;
  }

  private readonly days = new Map<number, string>();
  /** `dayString`, remembered (a genealogy holds few distinct expiry days). */
  private day(n: number): string {
    let s = this.days.get(n);
    if (s === undefined) {
      s = dayString(n);
      if (this.days.size < 100_000) this.days.set(n, s);
    }
    return s;
  }

  /**
   * The lot of a trace at `depth` (see {@link tracedLot}) straight from the columns, without the
   * intermediate {@link LotFacts}; undefined when node `n` is not a lot with a record.
   */
  tracedLot(n: number, depth: number): TracedLot | undefined {
    const s = this.lotSlot(n);
    if (s === undefined) return undefined;
    const t: TracedLot = {
      lotId: this.registry.refs[n]!,
      productId: this.strings.at(this.lotProduct.buf[s]!),
      depth,
      origin: this.strings.at(this.lotOrigin.buf[s]!) as Lot['origin'],
    };
    return this.lotOptionals(s, t);
  }

  /** The node of delivery `n`'s lot (undefined when `n` has no line record or its lot has no node). */
  lineLotNode(n: number): number | undefined {
    if (this.registry.kinds[n] !== NodeKind.DELIVERY || n >= this.nodesDone) return undefined;
    const s = this.slot.buf[n]!;
    if (this.dShipment.buf[s] === NONE) return undefined;
    const lot = this.dLotNode.buf[s]!;
    // NONE: the lot had no node when the line was described (then look again).
    return lot === NONE ? this.registry.id(NodeKind.LOT, this.strings.at(this.dLot.buf[s]!)) : lot;
  }

  /** The delivery facts of node `n` (undefined when it is not a delivery with a line record). */
  line(n: number): LineFacts | undefined {
    if (this.registry.kinds[n] !== NodeKind.DELIVERY || n >= this.nodesDone) return undefined;
    const s = this.slot.buf[n]!;
    const shipment = this.dShipment.buf[s]!;
    if (shipment === NONE) return undefined;
    const st = this.strings;
    return {
      shipmentId: st.at(shipment),
      lineNo: this.dLine.buf[s]!,
      customerId: st.at(this.dCustomer.buf[s]!),
      lotId: st.at(this.dLot.buf[s]!),
      productId: st.at(this.dProduct.buf[s]!),
      quantity: this.dQtyBig.get(s) ?? this.dQty.buf[s]!,
      shippedAt: st.at(this.dShippedAt.buf[s]!),
    };
  }

  /** The edge with index `i` (store order). */
  edge(i: number): GenealogyEdge {
    return {
      src: this.eSrc.buf[i]!,
      dst: this.eDst.buf[i]!,
      quantity: this.eQtyBig.get(i) ?? this.eQty.buf[i]!,
      scale: this.eScale.buf[i]!,
      seq: this.eSeq.buf[i]!,
    };
  }

  /** Number of edges described. */
  get edgeCount(): number {
    return this.eSrc.length;
  }

  /**
   * Every edge with both ends in `nodes`, in the store's edge order (seq, then insertion); only the first
   * `limit` edges described (an earlier {@link TraceCatalogue.edgeCount}: what the catalogue held then).
   */
  edgesWithin(nodes: ArrayLike<number>, limit = this.eSrc.length): GenealogyEdge[] {
    const mark = this.marks();
    for (let i = 0; i < nodes.length; i++) mark[nodes[i]!] = 1;
    const found: number[] = [];
    const { csrStart, csrList, csrNodes } = this;
    const dst = this.eDst.buf;
    const src = this.eSrc.buf;
    for (let i = 0; i < nodes.length; i++) {
      const n = nodes[i]!;
      if (n >= csrNodes) continue;
      for (let j = csrStart[n]!, end = csrStart[n + 1]!; j < end; j++) {
        const e = csrList[j]!;
        if (mark[dst[e]!] && e < limit) found.push(e);
      }
    }
    for (let e = this.csrEdges; e < limit; e++) if (mark[src[e]!] && mark[dst[e]!]) found.push(e);
    for (let i = 0; i < nodes.length; i++) mark[nodes[i]!] = 0;
    // Typed-array sort: numeric, without a comparator call per step.
    const order = Int32Array.from(found).sort();
    const out = new Array<GenealogyEdge>(order.length);
    for (let i = 0; i < order.length; i++) out[i] = this.edge(order[i]!);
    return out;
  }

  /** Bytes held by the catalogue's typed arrays (strings and maps not counted). */
  get typedBytes(): number {
    let b = this.csrStart.byteLength + this.csrList.byteLength + this.mark.byteLength;
    b += this.inStart.byteLength + this.inList.byteLength + this.totals.bytes;
    for (const c of this.columns()) b += c.bytes;
    return b;
  }

  private columns(): Col<IntArray | BigInt64Array>[] {
    return [
      this.slot,
      this.lotProduct,
      this.lotOrigin,
      this.lotExpiry,
      this.lotSupplier,
      this.lotSupplierLot,
      this.dShipment,
      this.dLine,
      this.dCustomer,
      this.dLot,
      this.dLotNode,
      this.dProduct,
      this.dShippedAt,
      this.dQty,
      this.eSrc,
      this.eDst,
      this.eScale,
      this.eSeq,
      this.eQty,
    ] as Col<IntArray | BigInt64Array>[];
  }
}
