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
  env,
  eventsBySeq,
  orderOf,
  rootFromCatalogue,
  rootOf,
  toTraceEdges,
  tracedLot,
  useCatalogue,
} from './trace-build.js';
import type {
  BackwardTrace,
  ForwardTrace,
  TracedConsumption,
  TracedCustomer,
  TracedDelivery,
  TracedOrder,
  TraceGraph,
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
  const node = await src.root(lotId);
  const e = await env(store, index, src.fromCatalogue);
  const c = index.graph.forwardWithDepth([node]);
  const { nodes, lots, lines } = await src.describe(e, c.nodes, c.depth);
  const rawEdges = await src.edges(c.nodes, 'forward');
  const graph: TraceGraph = {
    direction: 'forward',
    root: node,
    nodes,
    edges: toTraceEdges(e, rawEdges, lots, lines),
  };
  const depthOf = new Map<string, number>();
  for (const n of nodes) if (n.kind === 'lot') depthOf.set(n.ref, n.depth);
  const tracedLots = [...lots.values()]
    .map((l) => tracedLot(l, depthOf.get(l.id) ?? 0))
    .sort((a, b) => a.depth - b.depth || (a.lotId < b.lotId ? -1 : 1));
  const deliveries: TracedDelivery[] = [];
  const customers = new Map<string, TracedCustomer & { sums: Map<string, bigint> }>();
  for (const n of nodes) {
    if (n.kind !== 'delivery') continue;
    const l = lines.get(n.ref);
    if (!l) continue;
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
  return withLazyTree({ lotId, graph, lots: tracedLots, deliveries, customers: customerList });
}

/**
 * `trace` with `tree` built from its graph on first read (then kept): the tree has a node per edge — tens of
 * thousands for a heavy-hitter lot — and many callers only want the lots, deliveries and customers. The
 * property is an ordinary enumerable one to every reader (spread, JSON, deep equality, assignment).
 */
export function withLazyTree<T extends { graph: TraceGraph }>(trace: T): T & { tree: TraceTree } {
  let tree: TraceTree | undefined;
  return Object.defineProperty(trace as T & { tree: TraceTree }, 'tree', {
    enumerable: true,
    configurable: true,
    get: () => {
      tree ??= buildTree(trace.graph);
      return tree;
    },
    set: (value: TraceTree) => {
      tree = value;
    },
  });
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
    edges: toTraceEdges(e, rawEdges, lots, lines),
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
