import { fromSteps } from '../domain/quantity.js';
import type { Lot, Party, Product } from '../domain/schemas.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { StoredEvent } from '../ledger/events.js';
import { type GenealogyEdge, NodeKind, type Store } from '../store/port.js';
import type { GenealogyIndex } from './genealogy-index.js';
import type { LineFacts, LotFacts } from './trace-catalogue.js';
import type {
  TracedLot,
  TraceEdge,
  TraceGraph,
  TraceNode,
  TraceNodeKind,
  TraceTree,
  TraceVia,
} from './trace-types.js';

export const KIND_NAME: Record<number, TraceNodeKind> = {
  [NodeKind.LOT]: 'lot',
  [NodeKind.DELIVERY]: 'delivery',
  [NodeKind.CUSTOMER]: 'customer',
};

export interface Env {
  store: Store;
  index: GenealogyIndex;
  products: Map<string, Product>;
  parties: Map<string, Party>;
}

/**
 * Whether a trace answers from the catalogue (then filled and caught up with the index) or from store
 * reads: `'auto'` takes the catalogue once it is filled, and until then starts the fill in the background.
 */
export async function useCatalogue(store: Store, index: GenealogyIndex, via: TraceVia): Promise<boolean> {
  if (via === 'store') return false;
  if (via === 'auto' && !index.catalogue.isReady) {
    index.catalogue.warm(store);
    return false;
  }
  await index.catalogue.catchUp(store, index.seq);
  return true;
}

/** A trace's environment; `fromCatalogue`: master data through the catalogue's cache (caught up first). */
export async function env(store: Store, index: GenealogyIndex, fromCatalogue = false): Promise<Env> {
  if (fromCatalogue) return { store, index, ...index.catalogue.master };
  return { store, index, products: new Map(), parties: new Map() };
}

/** Above this many missing records, one full listing beats point lookups. */
export const POINT_LOOKUP_LIMIT = 64;

/**
 * Load the products and parties a trace needs into `e` (point lookups for a few, one listing for many):
 * a trace touches a handful of master records, while a store may hold thousands of customers.
 */
export async function ensureMaster(
  e: Pick<Env, 'store' | 'products' | 'parties'>,
  productIds: Iterable<string | undefined>,
  partyIds: Iterable<string | undefined>,
): Promise<void> {
  const load = async <T extends { id: string }>(
    have: Map<string, T>,
    ids: Iterable<string | undefined>,
    one: (id: string) => Promise<T | undefined>,
    all: () => Promise<T[]>,
  ) => {
    const missing = new Set<string>();
    for (const id of ids) if (id !== undefined && !have.has(id)) missing.add(id);
    if (missing.size === 0) return;
    if (missing.size > POINT_LOOKUP_LIMIT) {
      for (const r of await all()) have.set(r.id, r);
      return;
    }
    const rows = await Promise.all([...missing].map((id) => one(id)));
    for (const r of rows) if (r) have.set(r.id, r);
  };
  await Promise.all([
    load(
      e.products,
      productIds,
      (id) => e.store.getProduct(id),
      () => e.store.listProducts(),
    ),
    load(
      e.parties,
      partyIds,
      (id) => e.store.getParty(id),
      () => e.store.listParties(),
    ),
  ]);
}

export async function rootOf(
  store: Store,
  index: GenealogyIndex,
  lotId: string,
): Promise<{ lot: Lot; node: number }> {
  const lot = await store.getLot(lotId);
  const node = index.registry.id(NodeKind.LOT, lotId);
  if (!lot || node === undefined) {
    throw new LotgraphError(ErrorCodes.LOT_NOT_FOUND, `lotId: lot "${lotId}" does not exist`, {
      field: 'lotId',
      value: lotId,
    });
  }
  return { lot, node };
}

/** The root node of a catalogue-based trace: the lot must have a node and a lot record. */
export function rootFromCatalogue(index: GenealogyIndex, lotId: string): number {
  const node = index.registry.id(NodeKind.LOT, lotId);
  if (node === undefined || !index.catalogue.lot(node)) {
    throw new LotgraphError(ErrorCodes.LOT_NOT_FOUND, `lotId: lot "${lotId}" does not exist`, {
      field: 'lotId',
      value: lotId,
    });
  }
  return node;
}

export function tracedLot(l: LotFacts, depth: number): TracedLot {
  const t: TracedLot = { lotId: l.id, productId: l.productId, depth, origin: l.origin };
  if (l.supplierId !== undefined) t.supplierId = l.supplierId;
  if (l.supplierLotNumber !== undefined) t.supplierLotNumber = l.supplierLotNumber;
  if (l.expiry !== undefined) t.expiry = l.expiry;
  return t;
}

/** Domain details of the nodes of a trace: node list, lots and lines by ref. */
export interface Described {
  nodes: TraceNode[];
  lots: Map<string, LotFacts>;
  lines: Map<string, LineFacts>;
}

/** Build nodes (with domain details) for a set of node ids, reading lots and lines from the store. */
export async function describe(e: Env, ids: Int32Array, depth: Int32Array): Promise<Described> {
  const { registry } = e.index;
  const lotRefs: string[] = [];
  for (const id of ids) if (registry.kinds[id] === NodeKind.LOT) lotRefs.push(registry.refs[id]!);
  const lots = new Map<string, LotFacts>((await e.store.getLots(lotRefs)).map((l) => [l.id, l]));
  const lines = new Map<string, LineFacts>();
  const hasDelivery = Array.prototype.some.call(
    ids,
    (id: number) => registry.kinds[id] === NodeKind.DELIVERY,
  );
  if (hasDelivery) {
    for (const l of await e.store.listShipmentLines({ lotIds: lotRefs }))
      lines.set(`${l.shipmentId}/${l.lineNo}`, l);
  }
  return describeWith(e, ids, depth, lots, lines);
}

/** Build nodes (with domain details) for a set of node ids from the index's trace catalogue. */
export async function describeFromCatalogue(e: Env, ids: Int32Array, depth: Int32Array): Promise<Described> {
  const { registry, catalogue } = e.index;
  const lots = new Map<string, LotFacts>();
  const lines = new Map<string, LineFacts>();
  const deliveries: number[] = [];
  const lotNodes = new Set<number>();
  for (const id of ids) {
    const kind = registry.kinds[id];
    if (kind === NodeKind.LOT) {
      lotNodes.add(id);
      const l = catalogue.lot(id);
      if (l) lots.set(l.id, l);
    } else if (kind === NodeKind.DELIVERY) deliveries.push(id);
  }
  // Like the store read (lines of the closure's lots): a delivery shows its line when the line's lot is in
  // the closure — always so for lines the commands write (the lot → delivery edge brings the lot in).
  for (const id of deliveries) {
    const lotNode = catalogue.lineLotNode(id);
    if (lotNode !== undefined && lotNodes.has(lotNode)) lines.set(registry.refs[id]!, catalogue.line(id)!);
  }
  return describeWith(e, ids, depth, lots, lines);
}

async function describeWith(
  e: Env,
  ids: Int32Array,
  depth: Int32Array,
  lots: Map<string, LotFacts>,
  lines: Map<string, LineFacts>,
): Promise<Described> {
  const { registry } = e.index;
  const customerRefs: string[] = [];
  for (const id of ids) if (registry.kinds[id] === NodeKind.CUSTOMER) customerRefs.push(registry.refs[id]!);
  await ensureMaster(
    e,
    [...[...lots.values()].map((l) => l.productId), ...[...lines.values()].map((l) => l.productId)],
    [
      ...customerRefs,
      ...[...lines.values()].map((l) => l.customerId),
      ...[...lots.values()].map((l) => l.supplierId),
    ],
  );
  const nodes: TraceNode[] = [];
  for (let i = 0; i < ids.length; i++) {
    const id = ids[i]!;
    const kind = registry.kinds[id]!;
    const ref = registry.refs[id]!;
    const n: TraceNode = { id, kind: KIND_NAME[kind] ?? 'lot', ref, depth: depth[i]! };
    if (kind === NodeKind.LOT) {
      const l = lots.get(ref);
      if (l) n.lot = nodeLot(l.id, l);
    } else if (kind === NodeKind.DELIVERY) {
      const l = lines.get(ref);
      if (l) n.delivery = nodeDelivery(l);
    } else if (kind === NodeKind.CUSTOMER) n.customer = nodeCustomer(ref, e.parties);
    nodes.push(n);
  }
  // Deterministic order whatever the index's append history: by depth, then node id.
  nodes.sort((a, b) => a.depth - b.depth || a.id - b.id);
  return { nodes, lots, lines };
}

/** A trace node's `lot`: what the trace shows of lot `id` (from its record or the catalogue's columns). */
export function nodeLot(id: string, l: Omit<LotFacts, 'id'>): NonNullable<TraceNode['lot']> {
  const lot: NonNullable<TraceNode['lot']> = { id, productId: l.productId, origin: l.origin };
  if (l.supplierId !== undefined) lot.supplierId = l.supplierId;
  if (l.supplierLotNumber !== undefined) lot.supplierLotNumber = l.supplierLotNumber;
  if (l.expiry !== undefined) lot.expiry = l.expiry;
  return lot;
}

/** A trace node's `delivery`: what the trace shows of a shipment line. */
export function nodeDelivery(l: LineFacts): NonNullable<TraceNode['delivery']> {
  return { shipmentId: l.shipmentId, lineNo: l.lineNo, customerId: l.customerId, shippedAt: l.shippedAt };
}

/** A trace node's `customer`: the party's name (its id when unknown) and GLN. */
export function nodeCustomer(ref: string, parties: Map<string, Party>): NonNullable<TraceNode['customer']> {
  const p = parties.get(ref);
  const c: NonNullable<TraceNode['customer']> = { id: ref, name: p?.name ?? ref };
  if (p?.gln !== undefined) c.gln = p.gln;
  return c;
}

/** The unit of an edge from node `src`: its lot's or its line's product unit ('' when unknown). */
export function unitOfEdge(
  e: Env,
  src: number,
  lots: Map<string, LotFacts>,
  lines: Map<string, LineFacts>,
): string {
  const { registry } = e.index;
  const ref = registry.refs[src]!;
  const productId =
    registry.kinds[src] === NodeKind.LOT ? lots.get(ref)?.productId : lines.get(ref)?.productId;
  return (productId && e.products.get(productId)?.unit) ?? '';
}

/** The edges of a trace graph, each with its exact quantity and the unit of its `from` side. */
export function toTraceEdges(edges: readonly GenealogyEdge[], unitOf: (src: number) => string): TraceEdge[] {
  return edges.map((x) => ({
    from: x.src,
    to: x.dst,
    quantity: fromSteps(x.quantity, x.scale),
    unit: unitOf(x.src),
    seq: x.seq,
  }));
}

export function buildTree(graph: TraceGraph): TraceTree {
  const { nodes, edges } = graph;
  const forward = graph.direction === 'forward';
  const posOf = new Map<number, number>();
  for (let i = 0; i < nodes.length; i++) posOf.set(nodes[i]!.id, i);
  // Adjacency by node position (CSR: edges of position p are adj[start[p] … start[p + 1]), in edge order).
  const from = new Int32Array(edges.length);
  const to = new Int32Array(edges.length);
  const start = new Int32Array(nodes.length + 1);
  for (let j = 0; j < edges.length; j++) {
    const edge = edges[j]!;
    from[j] = posOf.get(forward ? edge.from : edge.to) ?? -1;
    to[j] = posOf.get(forward ? edge.to : edge.from) ?? -1;
    if (from[j]! >= 0) start[from[j]! + 1]!++;
  }
  for (let p = 0; p < nodes.length; p++) start[p + 1]! += start[p]!;
  const fill = start.slice(0, nodes.length);
  const adj = new Int32Array(start[nodes.length]!);
  for (let j = 0; j < edges.length; j++) if (from[j]! >= 0) adj[fill[from[j]!]!++] = j;
  const rootPos = posOf.get(graph.root)!;
  const root: TraceTree = { node: nodes[rootPos]!, children: [] };
  const expanded = new Uint8Array(nodes.length);
  expanded[rootPos] = 1;
  const stack: TraceTree[] = [root];
  const stackPos: number[] = [rootPos];
  while (stack.length) {
    const t = stack.pop()!;
    const p = stackPos.pop()!;
    for (let k = start[p]!, end = start[p + 1]!; k < end; k++) {
      const j = adj[k]!;
      const next = to[j]!;
      if (next < 0) continue;
      const edge = edges[j]!;
      const child: TraceTree = { node: nodes[next]!, quantity: edge.quantity, unit: edge.unit, children: [] };
      if (expanded[next]) child.repeated = true;
      else {
        expanded[next] = 1;
        stack.push(child);
        stackPos.push(next);
      }
      t.children.push(child);
    }
  }
  return root;
}

export async function eventsBySeq(store: Store, seqs: Iterable<number>): Promise<Map<number, StoredEvent>> {
  const out = new Map<number, StoredEvent>();
  const list = [...new Set(seqs)];
  if (store.getEvents) {
    // One read per 10,000 (an `IN` list the SQL stores bind as one parameter).
    for (let i = 0; i < list.length; i += 10_000)
      for (const ev of await store.getEvents(list.slice(i, i + 10_000))) out.set(ev.seq, ev);
    return out;
  }
  // A few reads in flight at a time (a network store overlaps them), in seq-list order.
  for (let i = 0; i < list.length; i += 32) {
    const chunk = list.slice(i, i + 32);
    const got = await Promise.all(chunk.map((s) => store.getEvent(s)));
    for (const [j, ev] of got.entries()) if (ev) out.set(chunk[j]!, ev);
  }
  return out;
}

export function orderOf(ev: StoredEvent | undefined): string | undefined {
  if (!ev) return undefined;
  const p = ev.payload as { orderId?: string };
  return typeof p.orderId === 'string' ? p.orderId : undefined;
}
