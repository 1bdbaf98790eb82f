/**
 * TEST ORACLE: the recall scope as computed before the columnar rewrite (kept verbatim, maps keyed by lot id,
 * objects per row), so that property tests can check the new computation gives the same answers.
 *
 * Recall scope: from suspect lots to every affected lot (with depth and one path explaining why), every
 * delivery and customer with the exact quantities shipped, the attributed quantity of the suspect material
 * in each affected lot and delivery, and the on-hand stock of affected lots by location.
 *
 * @module
 */
import { fromSteps } from '../src/domain/quantity.js';
import type { GenealogyIndex } from '../src/genealogy/genealogy-index.js';
import { TOTAL_SCALE } from '../src/genealogy/lot-totals.js';
import { ensureMaster, env } from '../src/genealogy/trace-build.js';
import type { LineFacts, LotFacts } from '../src/genealogy/trace-catalogue.js';
import type { TraceVia } from '../src/genealogy/trace-types.js';
import { useCatalogueTotals } from '../src/recall/balances.js';
import {
  nearestRoot,
  type RecallScope,
  type ScopeCustomer,
  type ScopeDelivery,
  type ScopeLot,
  suspectRoots,
} from '../src/recall/scope.js';
import { massBalances } from '../src/stock/mass-balance.js';
import { type GenealogyEdge, NodeKind, type Store } from '../src/store/port.js';
import { stockOfLots } from '../src/store/stock-of-lots.js';

/**
 * Compute the scope of suspect lots. Attribution follows the mass: a suspect lot's whole quantity is
 * suspect; each lot passes its suspect share on to what consumed it in proportion to the quantity taken
 * (`quantity taken / everything the lot ever held`), first-level splits exactly; one consumption into several
 * outputs of one event is shared in proportion to the outputs (same unit) or equally (mixed units).
 */
export async function oracleScope(
  store: Store,
  index: GenealogyIndex,
  suspectLots: readonly string[],
  options: { maxPaths?: number; via?: TraceVia } = {},
): Promise<RecallScope> {
  const { registry, graph } = index;
  const roots = suspectRoots(registry, suspectLots);
  const closure = graph.forwardWithDepth(roots);
  const depthOf = new Map<number, number>();
  for (let i = 0; i < closure.nodes.length; i++) depthOf.set(closure.nodes[i]!, closure.depth[i]!);
  const lotNodes = [...closure.nodes].filter((n) => registry.kinds[n] === NodeKind.LOT);
  const lotIds = lotNodes.map((n) => registry.refs[n]!);
  const fromCatalogue = await useCatalogueTotals(store, index, options.via ?? 'auto');
  const facts = fromCatalogue
    ? scopeFactsFromCatalogue(index, closure.nodes, lotNodes)
    : await scopeFactsFromStore(store, lotIds, lotNodes);
  const { lots, lines, edges, madeOf } = facts;
  // Products and customers: through the catalogue's cache of master data when it is caught up.
  const master = await env(store, index, fromCatalogue);
  const productIds = new Set<string>();
  for (const l of lots.values()) productIds.add(l.productId);
  for (const l of lines) productIds.add(l.productId);
  await ensureMaster(
    master,
    productIds,
    lines.map((l) => l.customerId),
  );
  const products = master.products;

  // On-hand stock of every affected lot.
  const onHandRows = await stockOfLots(store, lotIds, registry.count);
  const onHandSteps = new Map<string, bigint>();
  for (const s of onHandRows) onHandSteps.set(s.lotId, (onHandSteps.get(s.lotId) ?? 0n) + s.quantity);

  // Mass flow of the suspect material, in base units (numbers; exact for first-level splits).
  const decimalsOfLot = (n: number) =>
    products.get(lots.get(registry.refs[n]!)?.productId ?? '')?.decimals ?? 0;
  const taken = new Map<number, bigint>();
  for (const e of edges) taken.set(e.src, (taken.get(e.src) ?? 0n) + e.quantity);
  const totals = new Map<number, number>();
  const total = (n: number) => {
    let x = totals.get(n);
    if (x === undefined) {
      const made = madeOf.get(registry.refs[n]!) ?? 0;
      x =
        made > 0
          ? made
          : Number((taken.get(n) ?? 0n) + (onHandSteps.get(registry.refs[n]!) ?? 0n)) /
            10 ** decimalsOfLot(n);
      totals.set(n, x);
    }
    return x;
  };
  // One consumption into several outputs of the same event is stored as one edge per output, each with the
  // full consumed quantity: such a group shares it in proportion to what each output lot holds when all of
  // them are in one unit (a 2 kg + 1 kg split takes 2/3 and 1/3), equally otherwise.
  const groupKey = (e: { src: number; seq: number }) => `${e.src}:${e.seq}`;
  const groups = new Map<string, number[]>();
  for (const e of edges)
    if (registry.kinds[e.dst] === NodeKind.LOT) {
      const g = groups.get(groupKey(e));
      if (g) g.push(e.dst);
      else groups.set(groupKey(e), [e.dst]);
    }
  const unitOfLot = (n: number) => products.get(lots.get(registry.refs[n]!)?.productId ?? '')?.unit;
  const groupSums = new Map<string, { sum: number; oneUnit: boolean }>();
  const groupWeight = (e: { src: number; seq: number; dst: number }) => {
    const key = groupKey(e);
    const g = groups.get(key);
    if (!g || g.length < 2) return 1;
    let k = groupSums.get(key);
    if (!k) {
      k = {
        sum: g.reduce((s, d) => s + total(d), 0),
        oneUnit: g.every((d) => unitOfLot(d) === unitOfLot(g[0]!)),
      };
      groupSums.set(key, k);
    }
    return k.oneUnit && k.sum > 0 ? total(e.dst) / k.sum : 1 / g.length;
  };
  const attributed = new Map<number, number>(); // suspect material, in the suspect unit
  for (const r of roots) attributed.set(r, total(r));
  const out = new Map<number, typeof edges>();
  for (const e of edges) {
    const list = out.get(e.src);
    if (list) list.push(e);
    else out.set(e.src, [e]);
  }
  // Topological order over the affected lots (Kahn), so every lot has received all of its suspect share
  // before passing it on; lots on a rework cycle are processed last, in breadth-first order.
  const inClosure = new Set(lotNodes);
  const indeg = new Map<number, number>();
  for (const e of edges)
    if (e.src !== e.dst && inClosure.has(e.dst)) indeg.set(e.dst, (indeg.get(e.dst) ?? 0) + 1);
  const queue = lotNodes.filter((n) => !indeg.get(n));
  const order: number[] = [];
  const done = new Set<number>();
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head]!;
    if (done.has(n)) continue;
    done.add(n);
    order.push(n);
    for (const e of out.get(n) ?? []) {
      if (!inClosure.has(e.dst) || e.dst === n) continue;
      const d = (indeg.get(e.dst) ?? 0) - 1;
      indeg.set(e.dst, d);
      if (d === 0) queue.push(e.dst);
    }
  }
  for (const n of lotNodes) if (!done.has(n)) order.push(n);
  for (const n of order) {
    const a = attributed.get(n) ?? 0;
    const t = total(n);
    for (const e of out.get(n) ?? []) {
      if (e.dst === n) continue;
      const w = registry.kinds[e.dst] === NodeKind.LOT ? groupWeight(e) : 1;
      const q = (Number(e.quantity) / 10 ** e.scale) * w;
      const share = t > 0 ? Math.min(a, (a * q) / t) : 0;
      attributed.set(e.dst, (attributed.get(e.dst) ?? 0) + share);
    }
  }
  const suspectProduct = lots.get(suspectLots[0]!)?.productId;
  const attributedUnit = (suspectProduct && products.get(suspectProduct)?.unit) ?? '';
  const suspectDecimals = (suspectProduct && products.get(suspectProduct)?.decimals) || 0;
  const fmtAttr = (x: number) => x.toFixed(Math.min(6, suspectDecimals));

  const maxPaths = options.maxPaths ?? 5000;
  const nearest = nearestRoot(index, roots);
  const scopeLots: ScopeLot[] = [];
  for (const [i, n] of lotNodes.entries()) {
    const l = lots.get(registry.refs[n]!);
    if (!l) continue;
    const s: ScopeLot = {
      lotId: l.id,
      productId: l.productId,
      depth: depthOf.get(n) ?? 0,
      attributed: fmtAttr(attributed.get(n) ?? 0),
    };
    if (i < maxPaths) {
      const r = nearest(n);
      const best = r === undefined ? null : r === n ? Int32Array.of(n) : graph.path(r, n);
      if (best) s.path = [...best].map((x) => registry.refs[x]!);
    }
    copyLotFacts(l, s);
    scopeLots.push(s);
  }

  const deliveries: ScopeDelivery[] = [];
  const customers = new Map<
    string,
    ScopeCustomer & { sums: Map<string, bigint>; attr: number; lotSet: Set<string> }
  >();
  for (const l of lines) {
    const p = products.get(l.productId);
    const lotNode = registry.id(NodeKind.LOT, l.lotId);
    const lotTotal = lotNode === undefined ? 0 : total(lotNode);
    const q = Number(l.quantity) / 10 ** (p?.decimals ?? 0);
    const attr =
      lotNode === undefined || lotTotal === 0 ? 0 : ((attributed.get(lotNode) ?? 0) * q) / lotTotal;
    deliveries.push({
      shipmentId: l.shipmentId,
      lineNo: l.lineNo,
      lotId: l.lotId,
      productId: l.productId,
      customerId: l.customerId,
      quantity: fromSteps(l.quantity, p?.decimals ?? 0),
      unit: p?.unit ?? '',
      shippedAt: l.shippedAt,
      attributed: fmtAttr(attr),
    });
    let c = customers.get(l.customerId);
    if (!c) {
      const party = master.parties.get(l.customerId);
      c = {
        customerId: l.customerId,
        name: party?.name ?? l.customerId,
        contacts: party?.contacts ? structuredClone(party.contacts) : [],
        deliveries: 0,
        lots: [],
        quantities: [],
        attributed: '0',
        firstShippedAt: l.shippedAt,
        lastShippedAt: l.shippedAt,
        sums: new Map(),
        attr: 0,
        lotSet: new Set(),
      };
      if (party?.gln !== undefined) c.gln = party.gln;
      customers.set(l.customerId, c);
    }
    c.deliveries++;
    c.lotSet.add(l.lotId);
    c.attr += attr;
    c.sums.set(l.productId, (c.sums.get(l.productId) ?? 0n) + l.quantity);
    if (l.shippedAt < c.firstShippedAt) c.firstShippedAt = l.shippedAt;
    if (l.shippedAt > c.lastShippedAt) c.lastShippedAt = l.shippedAt;
  }
  const customerList: ScopeCustomer[] = [...customers.values()]
    .map(({ sums, attr, lotSet, ...c }) => ({
      ...c,
      lots: [...lotSet].sort(),
      attributed: fmtAttr(attr),
      quantities: [...sums.entries()]
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([productId, q]) => {
          const p = products.get(productId);
          return { productId, quantity: fromSteps(q, p?.decimals ?? 0), unit: p?.unit ?? '' };
        }),
    }))
    .sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
  deliveries.sort((a, b) =>
    a.shippedAt < b.shippedAt ? -1 : a.shippedAt > b.shippedAt ? 1 : a.lineNo - b.lineNo,
  );
  const onHand = onHandRows
    .map((s) => {
      const p = products.get(s.productId);
      return {
        lotId: s.lotId,
        productId: s.productId,
        locationId: s.locationId,
        quantity: fromSteps(s.quantity, p?.decimals ?? 0),
        unit: p?.unit ?? '',
      };
    })
    .sort((a, b) => (a.lotId < b.lotId ? -1 : a.lotId > b.lotId ? 1 : a.locationId < b.locationId ? -1 : 1));
  return {
    suspectLots: [...suspectLots],
    attributedUnit,
    lots: scopeLots,
    deliveries,
    customers: customerList,
    onHand,
    counts: {
      lots: scopeLots.length,
      deliveries: deliveries.length,
      customers: customerList.length,
      onHandBalances: onHand.length,
    },
  };
}

/** What a scope reads about its closure: lot facts, shipment lines, lot out-edges, what each lot ever held. */
interface ScopeFacts {
  lots: Map<string, LotFacts>;
  /** Shipment lines of the affected lots, in the store's order (seq, shipment id, line number). */
  lines: LineFacts[];
  /** Every edge out of an affected lot, in the store's order. */
  edges: GenealogyEdge[];
  /** Per affected lot with a record: received + produced + returned, as the mass balance counts them. */
  madeOf: Map<string, number>;
}

async function scopeFactsFromStore(store: Store, lotIds: string[], lotNodes: number[]): Promise<ScopeFacts> {
  const lots = new Map<string, LotFacts>((await store.getLots(lotIds)).map((l) => [l.id, l]));
  const lines = await store.listShipmentLines({ lotIds });
  const edges = await store.listEdges({ src: lotNodes });
  // What each affected lot ever held (received + produced + returned): the denominator of its shares.
  const madeOf = new Map<string, number>();
  for (const b of await massBalances(store, lotIds))
    madeOf.set(b.lotId, Number(b.received) + Number(b.produced) + Number(b.returned));
  return { lots, lines, edges, madeOf };
}

/** The same from the index's catalogue and its per-lot totals (caught up by the caller): no store reads. */
function scopeFactsFromCatalogue(index: GenealogyIndex, closure: Int32Array, lotNodes: number[]): ScopeFacts {
  const { registry, catalogue } = index;
  const lots = new Map<string, LotFacts>();
  const madeOf = new Map<string, number>();
  const inScope = new Set<string>();
  const edgeIds: number[] = [];
  // As the decimal's value (both round the same real number once while |v| ≤ 2^53).
  const num = (v: bigint) =>
    v === 0n
      ? 0
      : v <= SAFE && v >= -SAFE
        ? Number(v) / 10 ** TOTAL_SCALE
        : Number(fromSteps(v, TOTAL_SCALE));
  for (const n of lotNodes) {
    inScope.add(registry.refs[n]!);
    for (const e of catalogue.edgesAt(n, 'out')) edgeIds.push(e);
    const l = catalogue.lot(n);
    if (!l) continue;
    lots.set(l.id, l);
    const [received, produced, returned] = catalogue.totalsOf(n);
    madeOf.set(l.id, num(received) + num(produced) + num(returned));
  }
  edgeIds.sort((a, b) => a - b);
  // A line and its lot → delivery edge come from one `shipped` event: the line's seq is the edge's.
  const lines: (LineFacts & { seq: number })[] = [];
  for (const d of closure) {
    if (registry.kinds[d] !== NodeKind.DELIVERY) continue;
    const l = catalogue.line(d);
    if (!l || !inScope.has(l.lotId)) continue;
    const lotNode = registry.id(NodeKind.LOT, l.lotId);
    const seq = catalogue
      .edgesAt(d, 'in')
      .map((e) => catalogue.edge(e))
      .find((e) => e.src === lotNode)?.seq;
    if (seq !== undefined) lines.push({ ...l, seq });
  }
  lines.sort(
    (a, b) =>
      a.seq - b.seq ||
      (a.shipmentId < b.shipmentId ? -1 : a.shipmentId > b.shipmentId ? 1 : 0) ||
      a.lineNo - b.lineNo,
  );
  return { lots, lines, edges: edgeIds.map((e) => catalogue.edge(e)), madeOf };
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

function copyLotFacts(l: LotFacts, s: ScopeLot): void {
  if (l.supplierId !== undefined) s.supplierId = l.supplierId;
  if (l.supplierLotNumber !== undefined) s.supplierLotNumber = l.supplierLotNumber;
  if (l.expiry !== undefined) s.expiry = l.expiry;
}
