import type { Lot } from '../domain/schemas.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import { type GenealogyEdge, NodeKind, type ShipmentLineRecord, type Store } from '../store/port.js';
import type { NodeRegistry } from './node-registry.js';

/** What a trace shows of a lot (a subset of {@link Lot}). */
export type LotFacts = Pick<Lot, 'id' | 'productId' | 'origin'> &
  Partial<Pick<Lot, 'supplierId' | 'supplierLotNumber' | 'expiry'>>;

/** What a trace shows of a delivery (a subset of {@link ShipmentLineRecord}). */
export type LineFacts = Pick<
  ShipmentLineRecord,
  'shipmentId' | 'lineNo' | 'customerId' | 'lotId' | 'productId' | 'quantity' | 'shippedAt'
>;

const NONE = -1;
/** Sentinel of the expiry column: no expiry. */
const NO_DAY = -2147483648;
/** Sentinel of the expiry column: an expiry that is not a plain day number (kept in `expiryOdd`). */
const ODD_DAY = -2147483647;
const DAY_MS = 86_400_000;
const I64_MIN = -(2n ** 63n);
const I64_MAX = 2n ** 63n - 1n;
/** Events read per round trip while looking for lot corrections. */
const EVENT_PAGE = 2000;

/** Strings stored once, referred to by a dense int. */
class Interner {
  private readonly ids = new Map<string, number>();
  readonly strings: string[] = [];
  id(s: string): number {
    let i = this.ids.get(s);
    if (i === undefined) {
      i = this.strings.length;
      this.ids.set(s, i);
      this.strings.push(s);
    }
    return i;
  }
  opt(s: string | undefined): number {
    return s === undefined ? NONE : this.id(s);
  }
  at(i: number): string {
    return this.strings[i]!;
  }
}

type IntArray = Int32Array | Uint32Array | Uint8Array;

/** A growable typed-array column. */
class Col<T extends IntArray | BigInt64Array> {
  buf: T;
  length = 0;
  constructor(
    private readonly make: (n: number) => T,
    private readonly fill: number | bigint,
  ) {
    this.buf = make(256);
    this.buf.fill(fill as never);
  }
  /** Make index `n - 1` addressable (new cells hold the fill value). */
  ensure(n: number): void {
    if (n > this.buf.length) {
      const next = this.make(Math.max(n, this.buf.length * 2));
      next.fill(this.fill as never);
      next.set(this.buf as never);
      this.buf = next;
    }
    if (n > this.length) this.length = n;
  }
  push(v: number | bigint): number {
    const i = this.length;
    this.ensure(i + 1);
    this.buf[i] = v as never;
    return i;
  }
  /** Drop the spare capacity (after a bulk fill). */
  trim(): void {
    if (this.buf.length > this.length) this.buf = this.buf.slice(0, Math.max(1, this.length)) as T;
  }
  get bytes(): number {
    return this.buf.byteLength;
  }
}

const int32 = () => new Col((n) => new Int32Array(n), NONE);

/** `YYYY-MM-DD` → days since 1970-01-01, or undefined when the string does not round-trip exactly. */
export function dayNumber(s: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(s);
  if (!m) return undefined;
  const d = new Date(0);
  d.setUTCFullYear(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  const n = Math.round(d.getTime() / DAY_MS);
  return dayString(n) === s ? n : undefined;
}

/** Days since 1970-01-01 → `YYYY-MM-DD` (years 0000–9999). */
export function dayString(n: number): string {
  const d = new Date(n * DAY_MS);
  const y = d.getUTCFullYear();
  const mo = d.getUTCMonth() + 1;
  const da = d.getUTCDate();
  return `${String(y).padStart(4, '0')}-${String(mo).padStart(2, '0')}-${String(da).padStart(2, '0')}`;
}

/** Genealogy additions not yet described by the catalogue, in commit order. */
type Pending =
  | { type: 'exact'; edges: GenealogyEdge[] }
  | { type: 'fetch'; sinceSeq: number; untilSeq: number; src: number[]; dst: number[] };

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
  // out-adjacency over edges [0, csrEdges): edges of node n are csrList[csrStart[n] … csrStart[n+1])
  private csrStart = new Int32Array(1);
  private csrList = new Int32Array(0);
  private csrNodes = 0;
  private csrEdges = 0;
  /** Nodes [0, nodesDone) are described. */
  private nodesDone = 0;
  /** Lot corrections are applied up to this seq. */
  private eventSeq: number;
  private pending: Pending[] = [];
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
    const [lots, lines, edges] = await Promise.all([
      store.listLots(),
      store.listShipmentLines(),
      store.listEdges({}),
    ]);
    // Everything read: apply (a failed read leaves the catalogue empty; ready() starts over).
    this.describeNodes(this.loadNodes, lots, lines);
    for (const e of edges) if (e.seq <= this.loadSeq) this.addEdge(e);
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
    if (!queue.length && targetNodes === this.nodesDone && seq <= this.eventSeq) return;
    const { kinds, refs } = this.registry;
    // Lot records change after creation only through `corrected` events: find the lots they name.
    const corrected = seq > this.eventSeq ? await this.correctedLots(store, seq) : [];
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
      Promise.all(queue.map((p) => (p.type === 'exact' ? p.edges : this.fetchEdges(store, p)))),
    ]);
    // All read: apply.
    this.pending.splice(0, queue.length);
    for (const edges of fetched) for (const e of edges) this.addEdge(e);
    this.describeNodes(targetNodes, [], []);
    for (const l of lots) this.putLot(l);
    for (const l of lines) this.putLine(l);
    if (seq > this.eventSeq) this.eventSeq = seq;
    if (this.eSrc.length - this.csrEdges > Math.max(65_536, this.csrEdges >> 3)) this.buildCsr();
  }

  /** The exact edges of another process's appends, known to the index by their endpoints only. */
  private async fetchEdges(store: Store, p: Extract<Pending, { type: 'fetch' }>): Promise<GenealogyEdge[]> {
    const got = (await store.listEdges({ src: [...new Set(p.src)], dst: [...new Set(p.dst)] })).filter(
      (e) => e.seq > p.sinceSeq && e.seq <= p.untilSeq,
    );
    if (got.length !== p.src.length) {
      throw new LotgraphError(
        ErrorCodes.CONFLICT,
        `trace catalogue out of step: ${got.length} edges read for seqs ${p.sinceSeq + 1}…${p.untilSeq}, the index has ${p.src.length}`,
        { sinceSeq: p.sinceSeq, untilSeq: p.untilSeq },
      );
    }
    return got;
  }

  /** Ids of the lots that `corrected` events in `(eventSeq, seq]` changed (events read in pages). */
  private async correctedLots(store: Store, seq: number): Promise<string[]> {
    const ids = new Set<string>();
    for (let from = this.eventSeq + 1; from <= seq; ) {
      const page = await store.readEvents(from, Math.min(EVENT_PAGE, seq - from + 1));
      if (!page.length) break;
      for (const ev of page) {
        if (ev.seq > seq) break;
        if (ev.type !== 'corrected') continue;
        const id = (ev.payload as { lot?: { id?: unknown } }).lot?.id;
        if (typeof id === 'string') ids.add(id);
      }
      from = page[page.length - 1]!.seq + 1;
    }
    return [...ids];
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
    for (const c of [this.dLine, this.dCustomer, this.dLot, this.dProduct, this.dShippedAt])
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
    this.dProduct.buf[s] = st.id(l.productId);
    this.dShippedAt.buf[s] = st.id(l.shippedAt);
    this.dQtyBig.delete(s);
    if (l.quantity >= I64_MIN && l.quantity <= I64_MAX) this.dQty.buf[s] = l.quantity;
    else this.dQtyBig.set(s, l.quantity);
  }

  private addEdge(e: GenealogyEdge): void {
    const i = this.eSrc.push(e.src);
    this.eDst.push(e.dst);
    this.eScale.push(e.scale);
    this.eSeq.push(e.seq);
    if (e.quantity >= I64_MIN && e.quantity <= I64_MAX) this.eQty.push(e.quantity);
    else {
      this.eQty.push(0n);
      this.eQtyBig.set(i, e.quantity);
    }
  }

  private buildCsr(): void {
    const nodes = this.registry.count;
    const edges = this.eSrc.length;
    const start = new Int32Array(nodes + 1);
    const src = this.eSrc.buf;
    for (let i = 0; i < edges; i++) start[src[i]! + 1]!++;
    for (let n = 0; n < nodes; n++) start[n + 1]! += start[n]!;
    const fill = start.slice(0, nodes);
    const list = new Int32Array(edges);
    for (let i = 0; i < edges; i++) list[fill[src[i]!]!++] = i;
    this.csrStart = start;
    this.csrList = list;
    this.csrNodes = nodes;
    this.csrEdges = edges;
  }

  /** The lot facts of node `n` (undefined when it is not a lot with a record). */
  lot(n: number): LotFacts | undefined {
    if (this.registry.kinds[n] !== NodeKind.LOT || n >= this.nodesDone) return undefined;
    const s = this.slot.buf[n]!;
    const product = this.lotProduct.buf[s]!;
    if (product === NONE) return undefined;
    const st = this.strings;
    const l: LotFacts = {
      id: this.registry.refs[n]!,
      productId: st.at(product),
      origin: st.at(this.lotOrigin.buf[s]!) as Lot['origin'],
    };
    const supplier = this.lotSupplier.buf[s]!;
    if (supplier !== NONE) l.supplierId = st.at(supplier);
    const supplierLot = this.lotSupplierLot.buf[s]!;
    if (supplierLot !== NONE) l.supplierLotNumber = st.at(supplierLot);
    const day = this.lotExpiry.buf[s]!;
    if (day === ODD_DAY) l.expiry = this.expiryOdd.get(s)!;
    else if (day !== NO_DAY) l.expiry = dayString(day);
    return l;
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

  /** Every edge with both ends in `nodes`, in the store's edge order (seq, then insertion). */
  edgesWithin(nodes: ArrayLike<number>): GenealogyEdge[] {
    const count = this.registry.count;
    if (this.mark.length < count) this.mark = new Uint8Array(Math.max(count, this.mark.length * 2));
    const mark = this.mark;
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
        if (mark[dst[e]!]) found.push(e);
      }
    }
    for (let e = this.csrEdges; e < this.eSrc.length; e++) if (mark[src[e]!] && mark[dst[e]!]) found.push(e);
    for (let i = 0; i < nodes.length; i++) mark[nodes[i]!] = 0;
    found.sort((a, b) => a - b);
    return found.map((e) => this.edge(e));
  }

  /** Bytes held by the catalogue's typed arrays (strings and maps not counted). */
  get typedBytes(): number {
    let b = this.csrStart.byteLength + this.csrList.byteLength + this.mark.byteLength;
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
