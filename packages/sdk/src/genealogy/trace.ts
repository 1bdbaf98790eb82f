import { RECEIPTS } from '../commands/records.js';
import { fromSteps } from '../domain/quantity.js';
import type { Lot, Party, Product } from '../domain/schemas.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { EventPayloads, StoredEvent } from '../ledger/events.js';
import { type GenealogyEdge, NodeKind, type ShipmentLineRecord, type Store } from '../store/port.js';
import type { GenealogyIndex } from './genealogy-index.js';

/** Kind of a node in a trace result. */
export type TraceNodeKind = 'lot' | 'delivery' | 'customer';

/** A node of a trace graph: a lot, a delivery (shipment line) or a customer. */
export interface TraceNode {
  /** Genealogy node id (stable, dense). */
  id: number;
  kind: TraceNodeKind;
  /** Lot id, `shipmentId/lineNo`, or customer party id. */
  ref: string;
  /** Hops from the traced lot (0 = the lot itself). */
  depth: number;
  lot?: {
    id: string;
    productId: string;
    origin: Lot['origin'];
    supplierId?: string;
    supplierLotNumber?: string;
    expiry?: string;
  };
  delivery?: { shipmentId: string; lineNo: number; customerId: string; shippedAt: string };
  customer?: { id: string; name: string; gln?: string };
}

/** An edge of a trace graph with its exact quantity (of the `from` side's product). */
export interface TraceEdge {
  from: number;
  to: number;
  quantity: string;
  unit: string;
  /** Seq of the event that made the link (production order, shipment). */
  seq: number;
}

/** A trace as a graph a UI can render (nodes + edges; cycles possible). */
export interface TraceGraph {
  direction: 'forward' | 'backward';
  root: number;
  nodes: TraceNode[];
  edges: TraceEdge[];
}

/** A trace as a tree from the traced lot; a node reached again is marked `repeated` and not expanded. */
export interface TraceTree {
  node: TraceNode;
  /** Quantity on the edge from the parent (absent at the root). */
  quantity?: string;
  unit?: string;
  repeated?: boolean;
  children: TraceTree[];
}

/** One lot in a flat trace list. */
export interface TracedLot {
  lotId: string;
  productId: string;
  depth: number;
  origin: Lot['origin'];
  supplierId?: string;
  supplierLotNumber?: string;
  expiry?: string;
}

/** One delivery in a forward trace: a quantity of a lot shipped to a customer. */
export interface TracedDelivery {
  shipmentId: string;
  lineNo: number;
  lotId: string;
  productId: string;
  customerId: string;
  quantity: string;
  unit: string;
  shippedAt: string;
}

/** One customer reached by a forward trace, with what it received per product. */
export interface TracedCustomer {
  customerId: string;
  name: string;
  gln?: string;
  quantities: { productId: string; quantity: string; unit: string }[];
  deliveries: number;
  firstShippedAt: string;
  lastShippedAt: string;
}

/** Result of `trace.forward(lot)`: every descendant lot, delivery and customer. */
export interface ForwardTrace {
  lotId: string;
  graph: TraceGraph;
  tree: TraceTree;
  lots: TracedLot[];
  deliveries: TracedDelivery[];
  customers: TracedCustomer[];
}

/** A consumption link in a backward trace: `quantity` of `fromLotId` went into `intoLotId`. */
export interface TracedConsumption {
  fromLotId: string;
  intoLotId: string;
  quantity: string;
  unit: string;
  orderId?: string;
  seq: number;
}

/** A production order / transformation met by a backward trace. */
export interface TracedOrder {
  orderId?: string;
  seq: number;
  type: 'produced' | 'transformed';
  transformation?: 'split' | 'merge' | 'repack';
  eventTime: string;
  inputLotIds: string[];
  outputLotIds: string[];
}

/** Result of `trace.backward(lot)`: every ancestor lot down to the supplier lots. */
export interface BackwardTrace {
  lotId: string;
  graph: TraceGraph;
  tree: TraceTree;
  lots: TracedLot[];
  /** Ancestor lots that were received from suppliers (origin `received`). */
  supplierLots: TracedLot[];
  consumed: TracedConsumption[];
  productionOrders: TracedOrder[];
}

/** Result of `trace.oneStep(lot)`: immediate suppliers and customers with dates (EU 178/2002). */
export interface OneStepTrace {
  lot: Lot;
  /** Receipts of this lot from suppliers (one step back, external). */
  suppliers: {
    supplierId?: string;
    name?: string;
    gln?: string;
    supplierLotNumber?: string;
    quantity: string;
    unit: string;
    receivedAt: string;
    seq: number;
  }[];
  /** Lots this lot was made from (one step back, internal). */
  inputs: {
    lotId: string;
    productId: string;
    quantity: string;
    unit: string;
    orderId?: string;
    date: string;
    seq: number;
  }[];
  /** Deliveries of this lot to customers (one step forward, external). */
  customers: {
    customerId: string;
    name?: string;
    gln?: string;
    shipmentId: string;
    lineNo: number;
    quantity: string;
    unit: string;
    shippedAt: string;
  }[];
  /** Lots made from this lot (one step forward, internal). */
  outputs: {
    lotId: string;
    productId: string;
    quantity: string;
    unit: string;
    orderId?: string;
    date: string;
    seq: number;
  }[];
}

const KIND_NAME: Record<number, TraceNodeKind> = {
  [NodeKind.LOT]: 'lot',
  [NodeKind.DELIVERY]: 'delivery',
  [NodeKind.CUSTOMER]: 'customer',
};

interface Env {
  store: Store;
  index: GenealogyIndex;
  products: Map<string, Product>;
  parties: Map<string, Party>;
}

async function env(store: Store, index: GenealogyIndex): Promise<Env> {
  return { store, index, products: new Map(), parties: new Map() };
}

/** Above this many missing records, one full listing beats point lookups. */
const POINT_LOOKUP_LIMIT = 64;

/**
 * Load the products and parties a trace needs into `e` (point lookups for a few, one listing for many):
 * a trace touches a handful of master records, while a store may hold thousands of customers.
 */
async function ensureMaster(
  e: Env,
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

async function rootOf(
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

function tracedLot(l: Lot, depth: number): TracedLot {
  const t: TracedLot = { lotId: l.id, productId: l.productId, depth, origin: l.origin };
  if (l.supplierId !== undefined) t.supplierId = l.supplierId;
  if (l.supplierLotNumber !== undefined) t.supplierLotNumber = l.supplierLotNumber;
  if (l.expiry !== undefined) t.expiry = l.expiry;
  return t;
}

/** Build nodes (with domain details) for a set of node ids. */
async function describe(
  e: Env,
  ids: Int32Array,
  depth: Int32Array,
): Promise<{ nodes: TraceNode[]; lots: Map<string, Lot>; lines: Map<string, ShipmentLineRecord> }> {
  const { registry } = e.index;
  const lotRefs: string[] = [];
  for (const id of ids) if (registry.kinds[id] === NodeKind.LOT) lotRefs.push(registry.refs[id]!);
  const lots = new Map((await e.store.getLots(lotRefs)).map((l) => [l.id, l]));
  const lines = new Map<string, ShipmentLineRecord>();
  const hasDelivery = Array.prototype.some.call(
    ids,
    (id: number) => registry.kinds[id] === NodeKind.DELIVERY,
  );
  if (hasDelivery) {
    for (const l of await e.store.listShipmentLines({ lotIds: lotRefs }))
      lines.set(`${l.shipmentId}/${l.lineNo}`, l);
  }
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
      if (l) {
        n.lot = { id: l.id, productId: l.productId, origin: l.origin };
        if (l.supplierId !== undefined) n.lot.supplierId = l.supplierId;
        if (l.supplierLotNumber !== undefined) n.lot.supplierLotNumber = l.supplierLotNumber;
        if (l.expiry !== undefined) n.lot.expiry = l.expiry;
      }
    } else if (kind === NodeKind.DELIVERY) {
      const l = lines.get(ref);
      if (l)
        n.delivery = {
          shipmentId: l.shipmentId,
          lineNo: l.lineNo,
          customerId: l.customerId,
          shippedAt: l.shippedAt,
        };
    } else if (kind === NodeKind.CUSTOMER) {
      const p = e.parties.get(ref);
      n.customer = { id: ref, name: p?.name ?? ref };
      if (p?.gln !== undefined) n.customer.gln = p.gln;
    }
    nodes.push(n);
  }
  // Deterministic order whatever the index's append history: by depth, then node id.
  nodes.sort((a, b) => a.depth - b.depth || a.id - b.id);
  return { nodes, lots, lines };
}

function unitOfEdge(
  e: Env,
  edge: GenealogyEdge,
  lots: Map<string, Lot>,
  lines: Map<string, ShipmentLineRecord>,
): string {
  const { registry } = e.index;
  const kind = registry.kinds[edge.src];
  const ref = registry.refs[edge.src]!;
  const productId = kind === NodeKind.LOT ? lots.get(ref)?.productId : lines.get(ref)?.productId;
  return (productId && e.products.get(productId)?.unit) ?? '';
}

function toTraceEdges(
  e: Env,
  edges: GenealogyEdge[],
  lots: Map<string, Lot>,
  lines: Map<string, ShipmentLineRecord>,
): TraceEdge[] {
  return edges.map((x) => ({
    from: x.src,
    to: x.dst,
    quantity: fromSteps(x.quantity, x.scale),
    unit: unitOfEdge(e, x, lots, lines),
    seq: x.seq,
  }));
}

function buildTree(graph: TraceGraph): TraceTree {
  const byId = new Map(graph.nodes.map((n) => [n.id, n]));
  const adj = new Map<number, TraceEdge[]>();
  for (const edge of graph.edges) {
    const k = graph.direction === 'forward' ? edge.from : edge.to;
    let list = adj.get(k);
    if (!list) {
      list = [];
      adj.set(k, list);
    }
    list.push(edge);
  }
  const root: TraceTree = { node: byId.get(graph.root)!, children: [] };
  const expanded = new Set<number>([graph.root]);
  const stack: TraceTree[] = [root];
  while (stack.length) {
    const t = stack.pop()!;
    for (const edge of adj.get(t.node.id) ?? []) {
      const next = graph.direction === 'forward' ? edge.to : edge.from;
      const node = byId.get(next);
      if (!node) continue;
      const child: TraceTree = { node, quantity: edge.quantity, unit: edge.unit, children: [] };
      if (expanded.has(next)) child.repeated = true;
      else {
        expanded.add(next);
        stack.push(child);
      }
      t.children.push(child);
    }
  }
  return root;
}

/** Every descendant lot, delivery and customer of `lotId`, with exact quantities. */
export async function traceForward(
  store: Store,
  index: GenealogyIndex,
  lotId: string,
): Promise<ForwardTrace> {
  const { node } = await rootOf(store, index, lotId);
  const e = await env(store, index);
  const c = index.graph.forwardWithDepth([node]);
  const { nodes, lots, lines } = await describe(e, c.nodes, c.depth);
  const inSet = new Set(c.nodes);
  const rawEdges = (await store.listEdges({ src: Array.from(c.nodes) })).filter((x) => inSet.has(x.dst));
  const graph: TraceGraph = {
    direction: 'forward',
    root: node,
    nodes,
    edges: toTraceEdges(e, rawEdges, lots, lines),
  };
  const depthOf = new Map(nodes.map((n) => [`${n.ref}\u0000${n.kind}`, n.depth]));
  const tracedLots = [...lots.values()]
    .map((l) => tracedLot(l, depthOf.get(`${l.id}\u0000lot`) ?? 0))
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
  return { lotId, graph, tree: buildTree(graph), lots: tracedLots, deliveries, customers: customerList };
}

async function eventsBySeq(store: Store, seqs: Iterable<number>): Promise<Map<number, StoredEvent>> {
  const out = new Map<number, StoredEvent>();
  for (const s of new Set(seqs)) {
    const ev = await store.getEvent(s);
    if (ev) out.set(s, ev);
  }
  return out;
}

function orderOf(ev: StoredEvent | undefined): string | undefined {
  if (!ev) return undefined;
  const p = ev.payload as { orderId?: string };
  return typeof p.orderId === 'string' ? p.orderId : undefined;
}

/** Every ancestor lot of `lotId` down to supplier lots, with quantities consumed and production orders. */
export async function traceBackward(
  store: Store,
  index: GenealogyIndex,
  lotId: string,
): Promise<BackwardTrace> {
  const { node } = await rootOf(store, index, lotId);
  const e = await env(store, index);
  const c = index.graph.backwardWithDepth([node], { kinds: [NodeKind.LOT] });
  const { nodes, lots, lines } = await describe(e, c.nodes, c.depth);
  const inSet = new Set(c.nodes);
  const rawEdges = (await store.listEdges({ dst: Array.from(c.nodes) })).filter((x) => inSet.has(x.src));
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
  return {
    lotId,
    graph,
    tree: buildTree(graph),
    lots: tracedLots,
    supplierLots: tracedLots.filter((l) => l.origin === 'received'),
    consumed,
    productionOrders,
  };
}

/** Immediate suppliers and customers of a lot (one step back, one step forward), with dates. */
export async function traceOneStep(
  store: Store,
  index: GenealogyIndex,
  lotId: string,
): Promise<OneStepTrace> {
  const { lot, node } = await rootOf(store, index, lotId);
  const e = await env(store, index);
  const unitOf = (productId: string) => e.products.get(productId)?.unit ?? '';
  const receipts = await store.listRecords(RECEIPTS, { key: lotId });
  const shipped = await store.listShipmentLines({ lotId });
  await ensureMaster(
    e,
    [lot.productId, ...shipped.map((l) => l.productId)],
    [
      ...receipts.map((r) => (r.value as { supplierId?: string }).supplierId),
      ...shipped.map((l) => l.customerId),
    ],
  );
  const suppliers: OneStepTrace['suppliers'] = receipts.map((r) => {
    const v = r.value as {
      supplierId?: string;
      supplierLotNumber?: string;
      quantity: string;
      receivedAt: string;
      seq: number;
    };
    const s: OneStepTrace['suppliers'][number] = {
      quantity: v.quantity,
      unit: unitOf(lot.productId),
      receivedAt: v.receivedAt,
      seq: v.seq,
    };
    if (v.supplierId !== undefined) {
      s.supplierId = v.supplierId;
      const p = e.parties.get(v.supplierId);
      if (p) s.name = p.name;
      if (p?.gln !== undefined) s.gln = p.gln;
    }
    if (v.supplierLotNumber !== undefined) s.supplierLotNumber = v.supplierLotNumber;
    return s;
  });
  const { registry } = index;
  const inEdges = (await store.listEdges({ dst: [node] })).filter(
    (x) => registry.kinds[x.src] === NodeKind.LOT,
  );
  const outEdges = (await store.listEdges({ src: [node] })).filter(
    (x) => registry.kinds[x.dst] === NodeKind.LOT,
  );
  const events = await eventsBySeq(
    store,
    [...inEdges, ...outEdges].map((x) => x.seq),
  );
  const related = new Map(
    (
      await store.getLots([
        ...inEdges.map((x) => registry.refs[x.src]!),
        ...outEdges.map((x) => registry.refs[x.dst]!),
      ])
    ).map((l) => [l.id, l]),
  );
  await ensureMaster(
    e,
    [...related.values()].map((l) => l.productId),
    [],
  );
  const link = (x: GenealogyEdge, other: number) => {
    const l = related.get(registry.refs[other]!);
    const ev = events.get(x.seq);
    const r: OneStepTrace['inputs'][number] = {
      lotId: registry.refs[other]!,
      productId: l?.productId ?? '',
      quantity: fromSteps(x.quantity, x.scale),
      unit: '',
      date: ev?.eventTime ?? '',
      seq: x.seq,
    };
    const o = orderOf(ev);
    if (o !== undefined) r.orderId = o;
    return r;
  };
  const inputs = inEdges.map((x) => {
    const r = link(x, x.src);
    r.unit = unitOf(r.productId);
    return r;
  });
  const outputs = outEdges.map((x) => {
    const r = link(x, x.dst);
    r.unit = unitOf(lot.productId); // quantity consumed of this lot
    return r;
  });
  const customers: OneStepTrace['customers'] = shipped.map((l) => {
    const p = e.parties.get(l.customerId);
    const product = e.products.get(l.productId);
    const c: OneStepTrace['customers'][number] = {
      customerId: l.customerId,
      shipmentId: l.shipmentId,
      lineNo: l.lineNo,
      quantity: fromSteps(l.quantity, product?.decimals ?? 0),
      unit: product?.unit ?? '',
      shippedAt: l.shippedAt,
    };
    if (p) c.name = p.name;
    if (p?.gln !== undefined) c.gln = p.gln;
    return c;
  });
  return { lot, suppliers, inputs, customers, outputs };
}

/** Refs reached by a trace, by kind — index only, no store reads (the fast path for recall scopes). */
export interface TraceRefs {
  lots: string[];
  /** `shipmentId/lineNo` of each delivery reached. */
  deliveries: string[];
  customers: string[];
}

/** Forward or backward closure of several lots, as refs by kind, straight from the genealogy index. */
export function traceRefs(
  index: GenealogyIndex,
  lotIds: readonly string[],
  direction: 'forward' | 'backward',
): TraceRefs {
  const { registry } = index;
  const roots: number[] = [];
  for (const [i, id] of lotIds.entries()) {
    const n = registry.id(NodeKind.LOT, id);
    if (n === undefined) {
      throw new LotgraphError(ErrorCodes.LOT_NOT_FOUND, `lotIds.${i}: lot "${id}" does not exist`, {
        field: `lotIds.${i}`,
        value: id,
      });
    }
    roots.push(n);
  }
  const nodes = direction === 'forward' ? index.graph.forward(roots) : index.graph.backward(roots);
  const out: TraceRefs = { lots: [], deliveries: [], customers: [] };
  for (const n of nodes) {
    const kind = registry.kinds[n];
    const ref = registry.refs[n]!;
    if (kind === NodeKind.LOT) out.lots.push(ref);
    else if (kind === NodeKind.DELIVERY) out.deliveries.push(ref);
    else if (kind === NodeKind.CUSTOMER) out.customers.push(ref);
  }
  return out;
}
