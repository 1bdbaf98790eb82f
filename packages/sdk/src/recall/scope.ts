/**
 * Recall scope: from suspect lots to every affected lot (with depth and one path explaining why), every
 * delivery and customer with the exact quantities shipped, the attributed quantity of the suspect material
 * in each affected lot and delivery, and the on-hand stock of affected lots by location.
 *
 * Computed in arrays indexed by the lot's position among the closure's lots, and written straight into the
 * columns a case records ({@link PackedScope}): no map keyed by lot id, no object per lot or delivery.
 *
 * @module
 */
import { fromSteps, toSteps } from '../domain/quantity.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { GenealogyIndex } from '../genealogy/genealogy-index.js';
import { ensureMaster, env } from '../genealogy/trace-build.js';
import type { TraceVia } from '../genealogy/trace-types.js';
import { NodeKind, type Store } from '../store/port.js';
import { stockOfLots } from '../store/stock-of-lots.js';
import { useCatalogueTotals } from './balances.js';
import { column, numberColumn, type PackedScope, unpackScope } from './scope-codec.js';
import {
  NOT_LOT,
  type ScopeFacts,
  scopeFactsFromCatalogue,
  scopeFactsFromStore,
  withLotPositions,
} from './scope-facts.js';
import type { RecallScope, ScopeCustomer } from './scope-types.js';

export type { RecallScope, ScopeCustomer, ScopeDelivery, ScopeLot } from './scope-types.js';

/**
 * Compute the scope of suspect lots. Attribution follows the mass: a suspect lot's whole quantity is
 * suspect; each lot passes its suspect share on to what consumed it in proportion to the quantity taken
 * (`quantity taken / everything the lot ever held`), first-level splits exactly; one consumption into several
 * outputs of one event is shared in proportion to the outputs (same unit) or equally (mixed units).
 */
export async function computeScope(
  store: Store,
  index: GenealogyIndex,
  suspectLots: readonly string[],
  options: { maxPaths?: number; via?: TraceVia } = {},
): Promise<RecallScope> {
  return unpackScope(await computeScopeColumns(store, index, suspectLots, options));
}

/** The index nodes of a recall's suspect lots; a lot the index does not know is `LOT_NOT_FOUND` naming `lots.i`. */
export function suspectRoots(registry: GenealogyIndex['registry'], suspectLots: readonly string[]): number[] {
  return suspectLots.map((id, i) => {
    const n = registry.id(NodeKind.LOT, id);
    if (n === undefined)
      throw new LotgraphError(ErrorCodes.LOT_NOT_FOUND, `lots.${i}: lot "${id}" does not exist`, {
        field: `lots.${i}`,
        value: id,
      });
    return n;
  });
}

/** {@link computeScope} in the form a case records it (format 2 of `scope-codec.ts`). */
export async function computeScopeColumns(
  store: Store,
  index: GenealogyIndex,
  suspectLots: readonly string[],
  options: { maxPaths?: number; via?: TraceVia } = {},
): Promise<PackedScope> {
  const { registry, graph } = index;
  const roots = suspectRoots(registry, suspectLots);
  const closure = graph.forwardWithDepth(roots);
  const lotNodes: number[] = [];
  const lotDepth: number[] = [];
  const { kinds, refs } = registry;
  for (let i = 0; i < closure.nodes.length; i++) {
    const n = closure.nodes[i]!;
    if (kinds[n] !== NodeKind.LOT) continue;
    lotNodes.push(n);
    lotDepth.push(closure.depth[i]!);
  }
  const lotIds = lotNodes.map((n) => refs[n]!);
  const fromCatalogue = await useCatalogueTotals(store, index, options.via ?? 'auto');
  const facts = fromCatalogue
    ? scopeFactsFromCatalogue(index, closure.nodes, lotNodes)
    : await scopeFactsFromStore(store, registry, lotIds, lotNodes);
  // Products and customers: through the catalogue's cache of master data when it is caught up.
  const master = await env(store, index, fromCatalogue);
  const productIds = new Set<string>();
  for (const l of facts.lots) if (l) productIds.add(l.productId);
  for (const l of facts.lines) productIds.add(l.productId);
  await ensureMaster(
    master,
    productIds,
    facts.lines.map((l) => l.customerId),
  );
  // On-hand stock of every affected lot.
  const onHandRows = await stockOfLots(store, lotIds, registry.count);
  const onHandLot = withLotPositions(registry, lotNodes, (pos) => {
    const k = new Int32Array(onHandRows.length);
    for (let i = 0; i < onHandRows.length; i++) k[i] = pos(registry.id(NodeKind.LOT, onHandRows[i]!.lotId));
    return k;
  });
  const rootPos = withLotPositions(registry, lotNodes, (pos) => roots.map((r) => pos(r)));
  const { products, parties } = master;
  const L = lotNodes.length;
  const { lots, made, lines, edges } = facts;

  // Mass flow of the suspect material, in base units (numbers; exact for first-level splits).
  const onHand = new Array<bigint>(L).fill(0n);
  for (let i = 0; i < onHandRows.length; i++)
    if (onHandLot[i]! >= 0) onHand[onHandLot[i]!]! += onHandRows[i]!.quantity;
  const taken = new Array<bigint>(L).fill(0n);
  const E = edges.src.length;
  for (let i = 0; i < E; i++) taken[edges.src[i]!]! += edges.quantity[i]!;
  const total = new Float64Array(L);
  const unit = new Array<string | undefined>(L);
  for (let k = 0; k < L; k++) {
    const p = products.get(lots[k]?.productId ?? '');
    unit[k] = p?.unit;
    total[k] = made[k]! > 0 ? made[k]! : Number(taken[k]! + onHand[k]!) / 10 ** (p?.decimals ?? 0);
  }
  const weight = groupWeights(edges, total, unit);
  const order = topologicalOrder(L, edges);
  const attributed = new Float64Array(L); // suspect material, in the suspect unit
  for (const k of rootPos) attributed[k] = total[k]!;
  for (const n of order) {
    const a = attributed[n]!;
    const t = total[n]!;
    for (let j = order.outStart[n]!, end = order.outStart[n + 1]!; j < end; j++) {
      const e = order.outList[j]!;
      const d = edges.dst[e]!;
      if (d < 0 || d === n) continue;
      const q = (Number(edges.quantity[e]!) / 10 ** edges.scale[e]!) * weight[e]!;
      const share = t > 0 ? Math.min(a, (a * q) / t) : 0;
      attributed[d]! += share;
    }
  }
  const suspectProduct = lots[rootPos[0]!]?.productId;
  const attributedUnit = (suspectProduct && products.get(suspectProduct)?.unit) ?? '';
  const suspectDecimals = (suspectProduct && products.get(suspectProduct)?.decimals) || 0;
  const digits = Math.min(6, suspectDecimals);

  // Lots, with one chain from the nearest suspect lot for the first `maxPaths`.
  const maxPaths = options.maxPaths ?? 5000;
  const nearest = nearestRoot(index, roots);
  const lot = {
    lotId: [] as string[],
    productId: [] as string[],
    depth: [] as number[],
    attributed: [] as string[],
    supplierId: [] as (string | undefined)[],
    supplierLotNumber: [] as (string | undefined)[],
    expiry: [] as (string | undefined)[],
    pathLength: [] as (string | undefined)[],
    path: [] as string[],
  };
  for (let k = 0; k < L; k++) {
    const l = lots[k];
    if (!l) continue;
    lot.lotId.push(l.id);
    lot.productId.push(l.productId);
    lot.depth.push(lotDepth[k]!);
    lot.attributed.push(attributed[k]!.toFixed(digits));
    let chain: Int32Array | null = null;
    if (k < maxPaths) {
      const n = lotNodes[k]!;
      const r = nearest(n);
      chain = r === undefined ? null : r === n ? Int32Array.of(n) : graph.path(r, n);
    }
    lot.pathLength.push(chain ? String(chain.length) : undefined);
    if (chain) for (const x of chain) lot.path.push(refs[x]!);
    lot.supplierId.push(l.supplierId);
    lot.supplierLotNumber.push(l.supplierLotNumber);
    lot.expiry.push(l.expiry);
  }

  const { deliveries, customers } = deliveriesOf(facts, products, parties, total, attributed, digits);
  const onHandPacked = onHandColumns(onHandRows, products);
  const packed: PackedScope = {
    format: 2,
    suspectLots: [...suspectLots],
    attributedUnit,
    counts: {
      lots: lot.lotId.length,
      deliveries: lines.length,
      customers: customers.length,
      onHandBalances: onHandRows.length,
    },
    lots: {
      lotId: column(lot.lotId),
      productId: column(lot.productId),
      depth: numberColumn(lot.depth),
      attributed: column(lot.attributed),
      supplierId: column(lot.supplierId),
      supplierLotNumber: column(lot.supplierLotNumber),
      expiry: column(lot.expiry),
      pathLength: column(lot.pathLength),
      path: column(lot.path),
    },
    deliveries,
    customers,
    onHand: onHandPacked,
  };
  return packed;
}

type Products = ReadonlyMap<string, { unit: string; decimals: number }>;

/**
 * Per edge, the share of its quantity that goes to its output: one consumption into several outputs of the
 * same event is stored as one edge per output, each with the full consumed quantity; such a group shares it
 * in proportion to what each output lot holds when all of them are in one unit (a 2 kg + 1 kg split takes
 * 2/3 and 1/3), equally otherwise. 1 for an edge alone in its group or into a delivery.
 */
function groupWeights(
  edges: ScopeFacts['edges'],
  total: Float64Array,
  unit: readonly (string | undefined)[],
): Float64Array {
  const E = edges.src.length;
  const { src, dst, seq } = edges;
  // Group (src, seq) of each edge into a lot: edges of one event are adjacent in the store's order.
  // Per group, in edge order: its size, the sum of its outputs' totals, its first output, one unit or not.
  const group = new Int32Array(E).fill(-1);
  let groups = 0;
  let sorted = true;
  for (let i = 1; i < E && sorted; i++) if (seq[i]! < seq[i - 1]!) sorted = false;
  const bySrc = new Map<number | string, number>();
  let run = Number.NaN;
  for (let i = 0; i < E; i++) {
    if (dst[i] === NOT_LOT) continue;
    if (sorted && seq[i] !== run) {
      bySrc.clear();
      run = seq[i]!;
    }
    const key = sorted ? src[i]! : `${src[i]}:${seq[i]}`;
    let g = bySrc.get(key);
    if (g === undefined) {
      g = groups++;
      bySrc.set(key, g);
    }
    group[i] = g;
  }
  const totalOf = (d: number) => (d < 0 ? 0 : total[d]!);
  const unitOf = (d: number) => (d < 0 ? undefined : unit[d]);
  const size = new Int32Array(groups);
  const sums = new Float64Array(groups);
  const first = new Int32Array(groups);
  const mixed = new Uint8Array(groups);
  for (let i = 0; i < E; i++) {
    const g = group[i]!;
    if (g < 0) continue;
    const d = dst[i]!;
    if (size[g] === 0) first[g] = d;
    else if (unitOf(d) !== unitOf(first[g]!)) mixed[g] = 1;
    size[g]!++;
    sums[g]! += totalOf(d);
  }
  const w = new Float64Array(E).fill(1);
  for (let i = 0; i < E; i++) {
    const g = group[i]!;
    if (g < 0 || size[g]! < 2) continue;
    w[i] = !mixed[g] && sums[g]! > 0 ? totalOf(dst[i]!) / sums[g]! : 1 / size[g]!;
  }
  return w;
}

/**
 * Topological order over the affected lots (Kahn), so every lot has received all of its suspect share
 * before passing it on; lots on a rework cycle come last, in the closure's order. With the out-edges of
 * each lot (`outList[outStart[k] … outStart[k+1])`, in the store's order).
 */
function topologicalOrder(
  L: number,
  edges: ScopeFacts['edges'],
): number[] & { outStart: Int32Array; outList: Int32Array } {
  const { src, dst } = edges;
  const E = src.length;
  const outStart = new Int32Array(L + 1);
  for (let i = 0; i < E; i++) outStart[src[i]! + 1]!++;
  for (let k = 0; k < L; k++) outStart[k + 1]! += outStart[k]!;
  const fill = outStart.slice(0, L);
  const outList = new Int32Array(E);
  for (let i = 0; i < E; i++) outList[fill[src[i]!]!++] = i;
  const indeg = new Int32Array(L);
  for (let i = 0; i < E; i++) if (dst[i]! >= 0 && dst[i] !== src[i]) indeg[dst[i]!]!++;
  const queue: number[] = [];
  for (let k = 0; k < L; k++) if (indeg[k] === 0) queue.push(k);
  const done = new Uint8Array(L);
  const order = [] as unknown as number[] & { outStart: Int32Array; outList: Int32Array };
  for (let head = 0; head < queue.length; head++) {
    const n = queue[head]!;
    if (done[n]) continue;
    done[n] = 1;
    order.push(n);
    for (let j = outStart[n]!, end = outStart[n + 1]!; j < end; j++) {
      const d = dst[outList[j]!]!;
      if (d < 0 || d === n) continue;
      if (--indeg[d]! === 0) queue.push(d);
    }
  }
  for (let k = 0; k < L; k++) if (!done[k]) order.push(k);
  order.outStart = outStart;
  order.outList = outList;
  return order;
}

/** The deliveries (by date, then line number) and the customers (by id) of a scope, as recorded. */
function deliveriesOf(
  facts: ScopeFacts,
  products: Products,
  parties: ReadonlyMap<string, { name: string; gln?: string; contacts?: ScopeCustomer['contacts'] }>,
  total: Float64Array,
  attributed: Float64Array,
  digits: number,
): { deliveries: PackedScope['deliveries']; customers: PackedScope['customers'] } {
  const { lines, lineLot } = facts;
  const n = lines.length;
  const quantity = new Array<string>(n);
  const unit = new Array<string>(n);
  const attr = new Array<string>(n);
  const customers = new Map<
    string,
    Omit<ScopeCustomer, 'lots'> & { sums: Map<string, bigint>; attr: number; lotList: string[] }
  >();
  for (let i = 0; i < n; i++) {
    const l = lines[i]!;
    const p = products.get(l.productId);
    const k = lineLot[i]!;
    const lotTotal = k < 0 ? 0 : total[k]!;
    const q = Number(l.quantity) / 10 ** (p?.decimals ?? 0);
    const a = k < 0 || lotTotal === 0 ? 0 : (attributed[k]! * q) / lotTotal;
    quantity[i] = fromSteps(l.quantity, p?.decimals ?? 0);
    unit[i] = p?.unit ?? '';
    attr[i] = a.toFixed(digits);
    let c = customers.get(l.customerId);
    if (!c) {
      const party = parties.get(l.customerId);
      c = {
        customerId: l.customerId,
        name: party?.name ?? l.customerId,
        contacts: party?.contacts ? party.contacts.map((x) => ({ ...x })) : [],
        deliveries: 0,
        quantities: [],
        attributed: '0',
        firstShippedAt: l.shippedAt,
        lastShippedAt: l.shippedAt,
        sums: new Map(),
        attr: 0,
        lotList: [],
      };
      if (party?.gln !== undefined) c.gln = party.gln;
      customers.set(l.customerId, c);
    }
    c.deliveries++;
    c.lotList.push(l.lotId);
    c.attr += a;
    c.sums.set(l.productId, (c.sums.get(l.productId) ?? 0n) + l.quantity);
    if (l.shippedAt < c.firstShippedAt) c.firstShippedAt = l.shippedAt;
    if (l.shippedAt > c.lastShippedAt) c.lastShippedAt = l.shippedAt;
  }
  const customerList: PackedScope['customers'] = [...customers.values()]
    .map(({ sums, attr, lotList, ...c }) => {
      const { customerId, name, contacts, deliveries, firstShippedAt, lastShippedAt } = c;
      const out: PackedScope['customers'][number] = {
        customerId,
        name,
        contacts,
        deliveries,
        lots: column(sortedUnique(lotList)),
        quantities: [...sums.entries()]
          .sort(([a], [b]) => (a < b ? -1 : 1))
          .map(([productId, q]) => {
            const p = products.get(productId);
            return { productId, quantity: fromSteps(q, p?.decimals ?? 0), unit: p?.unit ?? '' };
          }),
        attributed: attr.toFixed(digits),
        firstShippedAt,
        lastShippedAt,
      };
      if (c.gln !== undefined) out.gln = c.gln;
      return out;
    })
    .sort((a, b) => (a.customerId < b.customerId ? -1 : 1));
  // By date, then line number; stable (the lines' order on a tie). Dates compared by rank.
  const dates = [...new Set(lines.map((l) => l.shippedAt))].sort();
  const rankOf = new Map(dates.map((d, i) => [d, i] as const));
  const rank = new Float64Array(n);
  for (let i = 0; i < n; i++) rank[i] = rankOf.get(lines[i]!.shippedAt)!;
  const idx = Array.from({ length: n }, (_, i) => i);
  idx.sort((a, b) => rank[a]! - rank[b]! || lines[a]!.lineNo - lines[b]!.lineNo || a - b);
  const col = (f: (i: number) => string) => column(idx.map(f));
  return {
    deliveries: {
      shipmentId: col((i) => lines[i]!.shipmentId),
      lineNo: numberColumn(idx.map((i) => lines[i]!.lineNo)),
      lotId: col((i) => lines[i]!.lotId),
      productId: col((i) => lines[i]!.productId),
      customerId: col((i) => lines[i]!.customerId),
      quantity: col((i) => quantity[i]!),
      unit: col((i) => unit[i]!),
      shippedAt: col((i) => lines[i]!.shippedAt),
      attributed: col((i) => attr[i]!),
    },
    customers: customerList,
  };
}

/** The distinct values of `xs`, sorted (as `[...new Set(xs)].sort()`; `xs` is sorted in place). */
function sortedUnique(xs: string[]): string[] {
  xs.sort();
  let n = 0;
  for (let i = 0; i < xs.length; i++) if (i === 0 || xs[i] !== xs[n - 1]) xs[n++] = xs[i]!;
  xs.length = n;
  return xs;
}

/** The on-hand rows by lot, then location (the order `stockOfLots` reads them in). */
function onHandColumns(
  rows: readonly { lotId: string; productId: string; locationId: string; quantity: bigint }[],
  products: Products,
): PackedScope['onHand'] {
  let sorted = rows;
  for (let i = 1; i < rows.length; i++) {
    const a = rows[i - 1]!;
    const b = rows[i]!;
    if (a.lotId < b.lotId || (a.lotId === b.lotId && a.locationId < b.locationId)) continue;
    sorted = [...rows].sort((x, y) =>
      x.lotId < y.lotId ? -1 : x.lotId > y.lotId ? 1 : x.locationId < y.locationId ? -1 : 1,
    );
    break;
  }
  const p = sorted.map((s) => products.get(s.productId));
  return {
    lotId: column(sorted.map((s) => s.lotId)),
    productId: column(sorted.map((s) => s.productId)),
    locationId: column(sorted.map((s) => s.locationId)),
    quantity: column(sorted.map((s, i) => fromSteps(s.quantity, p[i]?.decimals ?? 0))),
    unit: column(sorted.map((_, i) => p[i]?.unit ?? '')),
  };
}

/**
 * The root whose shortest chain to a node is shortest (the first such root on a tie), from one closure per
 * root — rather than one shortest-chain search per root and node.
 */
export function nearestRoot(
  index: GenealogyIndex,
  roots: readonly number[],
): (n: number) => number | undefined {
  if (roots.length === 1) return () => roots[0];
  const count = index.registry.count;
  const dist = new Int32Array(count).fill(-1);
  const root = new Int32Array(count);
  for (const r of roots) {
    const c = index.graph.forwardWithDepth([r]);
    for (let i = 0; i < c.nodes.length; i++) {
      const n = c.nodes[i]!;
      if (dist[n] === -1 || c.depth[i]! < dist[n]!) {
        dist[n] = c.depth[i]!;
        root[n] = r;
      }
    }
  }
  return (n) => (dist[n] === -1 ? undefined : root[n]);
}

/** Sum exact decimal strings of one product (helper for reports). */
export function sumDecimals(values: readonly string[], decimals: number): string {
  let s = 0n;
  for (const v of values) s += toSteps(v, decimals);
  return fromSteps(s, decimals);
}
