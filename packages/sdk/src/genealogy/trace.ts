import { fromSteps } from '../domain/quantity.js';
import type { EventPayloads } from '../ledger/events.js';
import { type GenealogyEdge, NodeKind, type Store } from '../store/port.js';
import type { GenealogyIndex } from './genealogy-index.js';
import {
  buildTree,
  type Described,
  describe,
  describeFromCatalogue,
  type Env,
  ensureMaster,
  env,
  eventsBySeq,
  KIND_NAME,
  nodeCustomer,
  nodeDelivery,
  nodeLot,
  orderOf,
  rootFromCatalogue,
  rootOf,
  toTraceEdges,
  tracedLot,
  unitOfEdge,
  useCatalogue,
} from './trace-build.js';
import type { LineFacts } from './trace-catalogue.js';
import type {
  BackwardTrace,
  ForwardTrace,
  TracedConsumption,
  TracedCustomer,
  TracedDelivery,
  TracedLot,
  TracedOrder,
  TraceGraph,
  TraceNode,
  TraceTree,
  TraceVia,
} from './trace-types.js';

export type { TraceVia } from './trace-types.js';

interface Source {
  fromCatalogue: boolean;
  root(lotId: string): Promise<number>;
  describe(e: Env, ids: Int32Array, depth: Int32Array): Promise<Described>;
  /** Edges with both ends in `ids`, in the store's edge order. */
  edges(ids: Int32Array, direction: 'forward' | 'backward'): Promise<GenealogyEdge[]>;
}

async function sourceOf(store: Store, index: GenealogyIndex, via: TraceVia): Promise<Source> {
  if (!(await useCatalogue(store, index, via))) {
    return {
      fromCatalogue: false,
      root: async (lotId) => (await rootOf(store, index, lotId)).node,
      describe,
      edges: async (ids, direction) => {
        const inSet = new Set(ids);
        return direction === 'forward'
          ? (await store.listEdges({ src: Array.from(ids) })).filter((x) => inSet.has(x.dst))
          : (await store.listEdges({ dst: Array.from(ids) })).filter((x) => inSet.has(x.src));
      },
    };
  }
  return {
    fromCatalogue: true,
    root: async (lotId) => rootFromCatalogue(index, lotId),
    describe: describeFromCatalogue,
    edges: async (ids) => index.catalogue.edgesWithin(ids),
  };
}

/** Every descendant lot, delivery and customer of `lotId`, with exact quantities. */
export async function traceForward(
  store: Store,
  index: GenealogyIndex,
  lotId: string,
  via: TraceVia = 'auto',
): Promise<ForwardTrace> {
  const src = await sourceOf(store, index, via);
  if (src.fromCatalogue) return forwardFromCatalogue(store, index, lotId);
  const node = await src.root(lotId);
  const e = await env(store, index, false);
  const c = index.graph.forwardWithDepth([node]);
  const { nodes, lots, lines } = await src.describe(e, c.nodes, c.depth);
  const rawEdges = await src.edges(c.nodes, 'forward');
  const graph: TraceGraph = {
    direction: 'forward',
    root: node,
    nodes,
    edges: toTraceEdges(rawEdges, (src) => unitOfEdge(e, src, lots, lines)),
  };
  const depthOf = new Map<string, number>();
  for (const n of nodes) if (n.kind === 'lot') depthOf.set(n.ref, n.depth);
  const tracedLots = [...lots.values()]
    .map((l) => tracedLot(l, depthOf.get(l.id) ?? 0))
    .sort((a, b) => a.depth - b.depth || (a.lotId < b.lotId ? -1 : 1));
  const forwardLines: LineFacts[] = [];
  for (const n of nodes) {
    const l = n.kind === 'delivery' ? lines.get(n.ref) : undefined;
    if (l) forwardLines.push(l);
  }
  const { deliveries, customers } = deliveredTo(e, forwardLines);
  return withLazyTree({ lotId, graph, lots: tracedLots, deliveries, customers });
}

/**
 * A forward trace from the catalogue: the lots, deliveries and customers straight from its columns, in
 * one pass over the closure; the `graph` (a node object per node, an edge object per edge — most of a
 * heavy-hitter lot's cost) and the `tree` are built on first read, from what the trace saw (edges as far
 * as the catalogue held then, master data as it was), so a later read gives the same answer.
 */
async function forwardFromCatalogue(
  store: Store,
  index: GenealogyIndex,
  lotId: string,
): Promise<ForwardTrace> {
  const node = rootFromCatalogue(index, lotId);
  const { registry, catalogue } = index;
  const c = index.graph.forwardWithDepth([node]);
  const ids = c.nodes;
  const edgeLimit = catalogue.edgeCount;
  const count = ids.length;
  const lotAt = new Array<TracedLot | undefined>(count);
  const lineAt = new Array<LineFacts | undefined>(count);
  const lotNodes = new Set<number>();
  const deliveryAt: number[] = [];
  const customerAt: number[] = [];
  const productIds = new Set<string>();
  const partyIds = new Set<string>();
  const tracedLots: TracedLot[] = [];
  for (let i = 0; i < count; i++) {
    const n = ids[i]!;
    const kind = registry.kinds[n];
    if (kind === NodeKind.LOT) {
      lotNodes.add(n);
      const t = catalogue.tracedLot(n, c.depth[i]!);
      if (!t) continue;
      lotAt[i] = t;
      tracedLots.push(t);
      productIds.add(t.productId);
      if (t.supplierId !== undefined) partyIds.add(t.supplierId);
    } else if (kind === NodeKind.DELIVERY) deliveryAt.push(i);
    else if (kind === NodeKind.CUSTOMER) {
      customerAt.push(i);
      partyIds.add(registry.refs[n]!);
    }
  }
  // Like the store read (lines of the closure's lots): a delivery shows its line when the line's lot is in
  // the closure — always so for lines the commands write (the lot → delivery edge brings the lot in).
  const lines: LineFacts[] = [];
  for (const i of deliveryAt) {
    const lot = catalogue.lineLotNode(ids[i]!);
    if (lot === undefined || !lotNodes.has(lot)) continue;
    const l = catalogue.line(ids[i]!)!;
    lineAt[i] = l;
    lines.push(l);
    productIds.add(l.productId);
    partyIds.add(l.customerId);
  }
  const e = await env(store, index, true);
  await ensureMaster(e, productIds, partyIds);
  tracedLots.sort((a, b) => a.depth - b.depth || (a.lotId < b.lotId ? -1 : 1));
  // The closure is in breadth-first order; deliveries as the store path lists them (by node order).
  const { deliveries, customers } = deliveredTo(e, lines);
  // What the lazy graph needs of master data, as it is now (the catalogue's cache may be cleared later).
  const unitOf = new Map<string, string>();
  for (const p of productIds) unitOf.set(p, e.products.get(p)?.unit ?? '');
  const customerOf = new Map<number, TraceNode['customer']>();
  for (const i of customerAt) customerOf.set(i, nodeCustomer(registry.refs[ids[i]!]!, e.parties));
  const buildGraph = (): TraceGraph => {
    const nodes: TraceNode[] = new Array(count);
    const productAt = new Map<number, string>();
    for (let i = 0; i < count; i++) {
      const id = ids[i]!;
      const kind = registry.kinds[id]!;
      const n: TraceNode = {
        id,
        kind: KIND_NAME[kind] ?? 'lot',
        ref: registry.refs[id]!,
        depth: c.depth[i]!,
      };
      const t = lotAt[i];
      const l = lineAt[i];
      if (t) {
        n.lot = nodeLot(t.lotId, t);
        productAt.set(id, t.productId);
      } else if (l) {
        n.delivery = nodeDelivery(l);
        productAt.set(id, l.productId);
      } else if (kind === NodeKind.CUSTOMER) n.customer = customerOf.get(i);
      nodes[i] = n;
    }
    nodes.sort((a, b) => a.depth - b.depth || a.id - b.id);
    const edges = toTraceEdges(
      catalogue.edgesWithin(ids, edgeLimit),
      (src) => unitOf.get(productAt.get(src) ?? '') ?? '',
    );
    return { direction: 'forward', root: node, nodes, edges };
  };
  // `graph` in the same place as on the store path (so JSON lists the keys in one order).
  const trace = { lotId, graph: undefined as unknown as TraceGraph, lots: tracedLots, deliveries, customers };
  return withLazyTree(lazyProperty(trace, 'graph', buildGraph));
}

/** Deliveries (by date, shipment, line) and customers (with what they received) of a forward trace. */
function deliveredTo(
  e: Env,
  lines: readonly LineFacts[],
): { deliveries: TracedDelivery[]; customers: TracedCustomer[] } {
  const deliveries: TracedDelivery[] = [];
  const customers = new Map<string, TracedCustomer & { sums: Map<string, bigint> }>();
  for (const l of lines) {
    const product = e.products.get(l.productId);
    const decimals = product?.decimals ?? 0;
    const unit = product?.unit ?? '';
    deliveries.push({
      shipmentId: l.shipmentId,
      lineNo: l.lineNo,
      lotId: l.lotId,
      productId: l.productId,
      customerId: l.customerId,
      quantity: fromSteps(l.quantity, decimals),
      unit,
      shippedAt: l.shippedAt,
    });
    let cust = customers.get(l.customerId);
    if (!cust) {
      const p = e.parties.get(l.customerId);
      cust = {
        customerId: l.customerId,
        name: p?.name ?? l.customerId,
        quantities: [],
        deliveries: 0,
        firstShippedAt: l.shippedAt,
        lastShippedAt: l.shippedAt,
        sums: new Map(),
      };
      if (p?.gln !== undefined) cust.gln = p.gln;
      customers.set(l.customerId, cust);
    }
    cust.deliveries++;
    if (l.shippedAt < cust.firstShippedAt) cust.firstShippedAt = l.shippedAt;
    if (l.shippedAt > cust.lastShippedAt) cust.lastShippedAt = l.shippedAt;
    cust.sums.set(l.productId, (cust.sums.get(l.productId) ?? 0n) + l.quantity);
  }
  deliveries.sort(
    (a, b) =>
      (a.shippedAt < b.shippedAt ? -1 : a.shippedAt > b.shippedAt ? 1 : 0) ||
      (a.shipmentId < b.shipmentId ? -1 : a.shipmentId > b.shipmentId ? 1 : a.lineNo - b.lineNo),
  );
  const customerList = [...customers.values()]
    .map(({ sums, ...c }) => ({
      ...c,
      quantities: [...sums.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([productId, q]) => {
          const p = e.products.get(productId);
          return { productId, quantity: fromSteps(q, p?.decimals ?? 0), unit: p?.unit ?? '' };
        }),
    }))
    .sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
  return { deliveries, customers: customerList };
}

/**
 * `obj` with property `key` computed by `build` on first read (then kept): an ordinary enumerable property
 * to every reader (spread, JSON, deep equality, structuredClone, assignment).
 */
export function lazyProperty<T extends object, K extends string, V>(
  obj: T,
  key: K,
  build: () => V,
): T & { [P in K]: V } {
  let value: V | undefined;
  let built = false;
  return Object.defineProperty(obj as T & { [P in K]: V }, key, {
    enumerable: true,
    configurable: true,
    get: () => {
      if (!built) {
        value = build();
        built = true;
      }
      return value as V;
    },
    set: (v: V) => {
      value = v;
      built = true;
    },
  });
}

/**
 * `trace` with `tree` built from its graph on first read (then kept): the tree has a node per edge — tens of
 * thousands for a heavy-hitter lot — and many callers only want the lots, deliveries and customers. The
 * property is an ordinary enumerable one to every reader (spread, JSON, deep equality, assignment).
 */
export function withLazyTree<T extends { graph: TraceGraph }>(trace: T): T & { tree: TraceTree } {
  return lazyProperty(trace, 'tree', () => buildTree(trace.graph));
}

/** Every ancestor lot of `lotId` down to supplier lots, with quantities consumed and production orders. */
export async function traceBackward(
  store: Store,
  index: GenealogyIndex,
  lotId: string,
  via: TraceVia = 'auto',
): Promise<BackwardTrace> {
  const src = await sourceOf(store, index, via);
  const node = await src.root(lotId);
  const e = await env(store, index, src.fromCatalogue);
  const c = index.graph.backwardWithDepth([node], { kinds: [NodeKind.LOT] });
  const { nodes, lots, lines } = await src.describe(e, c.nodes, c.depth);
  const rawEdges = await src.edges(c.nodes, 'backward');
  const graph: TraceGraph = {
    direction: 'backward',
    root: node,
    nodes,
    edges: toTraceEdges(rawEdges, (src) => unitOfEdge(e, src, lots, lines)),
  };
  const depthOf = new Map(nodes.map((n) => [n.ref, n.depth]));
  const tracedLots = [...lots.values()]
    .map((l) => tracedLot(l, depthOf.get(l.id) ?? 0))
    .sort((a, b) => a.depth - b.depth || (a.lotId < b.lotId ? -1 : 1));
  const events = await eventsBySeq(
    store,
    rawEdges.map((x) => x.seq),
  );
  const { registry } = index;
  const consumed: TracedConsumption[] = graph.edges.map((x) => {
    const t: TracedConsumption = {
      fromLotId: registry.refs[x.from]!,
      intoLotId: registry.refs[x.to]!,
      quantity: x.quantity,
      unit: x.unit,
      seq: x.seq,
    };
    const o = orderOf(events.get(x.seq));
    if (o !== undefined) t.orderId = o;
    return t;
  });
  const productionOrders: TracedOrder[] = [...events.values()]
    .filter((ev) => ev.type === 'produced' || ev.type === 'transformed')
    .sort((a, b) => a.seq - b.seq)
    .map((ev) => {
      const p = ev.payload as unknown as EventPayloads['produced'] & {
        transformation?: 'split' | 'merge' | 'repack';
      };
      const o: TracedOrder = {
        seq: ev.seq,
        type: ev.type as 'produced' | 'transformed',
        eventTime: ev.eventTime,
        inputLotIds: [...new Set(p.inputs.map((i) => i.lotId))],
        outputLotIds: [...new Set(p.outputs.map((x) => x.lot.id))],
      };
      if (p.orderId !== undefined) o.orderId = p.orderId;
      if (p.transformation !== undefined) o.transformation = p.transformation;
      return o;
    });
  return withLazyTree({
    lotId,
    graph,
    lots: tracedLots,
    supplierLots: tracedLots.filter((l) => l.origin === 'received'),
    consumed,
    productionOrders,
  });
}

export { traceOneStep, traceRefs } from './trace-one-step.js';
