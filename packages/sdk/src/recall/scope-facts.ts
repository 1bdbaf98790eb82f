/**
 * What a recall scope reads about its closure — lot facts, shipment lines, the lots' out-edges and what each
 * lot ever held — from the trace catalogue (no store reads) or from the store, in arrays indexed by the
 * lot's position among the closure's lots (not maps keyed by lot id).
 *
 * @module
 */
import { fromSteps } from '../domain/quantity.js';
import type { GenealogyIndex } from '../genealogy/genealogy-index.js';
import { TOTAL_SCALE } from '../genealogy/lot-totals.js';
import type { NodeRegistry } from '../genealogy/node-registry.js';
import type { LineFacts, LotFacts } from '../genealogy/trace-catalogue.js';
import { massBalances } from '../stock/mass-balance.js';
import { type GenealogyEdge, NodeKind, type Store } from '../store/port.js';

/** An edge's `dst` that is a lot outside the closure's lots. */
export const OTHER_LOT = -1;
/** An edge's `dst` that is not a lot (a delivery). */
export const NOT_LOT = -2;

/** The facts of a scope; "lot k" is `lotNodes[k]`. */
export interface ScopeFacts {
  /** Lot k's record (undefined: no lot record). */
  lots: (LotFacts | undefined)[];
  /** Lot k's received + produced + returned, as the mass balance counts them (0 without a record). */
  made: Float64Array;
  /** Shipment lines of the affected lots, in the store's order (seq, shipment id, line number). */
  lines: LineFacts[];
  /** Per line: k of its lot (-1: none of the closure's lots). */
  lineLot: Int32Array;
  /** Every edge out of an affected lot, in the store's order: src (k), dst (k, OTHER_LOT or NOT_LOT). */
  edges: { src: Int32Array; dst: Int32Array; quantity: bigint[]; scale: Uint8Array; seq: Float64Array };
}

const scratch = new WeakMap<NodeRegistry, Int32Array>();

/**
 * Run `fn` with `pos[node]` = k for every lot k of `lotNodes` (-1 for any other node). Synchronous: the
 * shared scratch array is reset before `fn`'s caller can run anything else.
 */
export function withLotPositions<R>(
  registry: NodeRegistry,
  lotNodes: readonly number[],
  fn: (pos: (node: number | undefined) => number) => R,
): R {
  let a = scratch.get(registry);
  if (!a || a.length < registry.count) {
    a = new Int32Array(Math.max(registry.count, (a?.length ?? 0) * 2, 1024)).fill(-1);
    scratch.set(registry, a);
  }
  const arr = a;
  for (let k = 0; k < lotNodes.length; k++) arr[lotNodes[k]!] = k;
  try {
    return fn((n) => (n === undefined || n >= arr.length ? -1 : arr[n]!));
  } finally {
    for (let k = 0; k < lotNodes.length; k++) arr[lotNodes[k]!] = -1;
  }
}

/**
 * Edge columns with node ids at both ends (as the catalogue's `edgeRows` gives them) turned, in place, into
 * lot positions: src k, dst k, OTHER_LOT or NOT_LOT.
 */
function edgePositions(
  registry: NodeRegistry,
  pos: (n: number) => number,
  rows: ScopeFacts['edges'],
): ScopeFacts['edges'] {
  const { kinds } = registry;
  const { src, dst } = rows;
  for (let i = 0; i < src.length; i++) {
    src[i] = pos(src[i]!);
    const d = dst[i]!;
    const k = pos(d);
    dst[i] = kinds[d] !== NodeKind.LOT ? NOT_LOT : k < 0 ? OTHER_LOT : k;
  }
  return rows;
}

function edgeRowsOf(list: readonly GenealogyEdge[]): ScopeFacts['edges'] {
  return {
    src: Int32Array.from(list, (e) => e.src),
    dst: Int32Array.from(list, (e) => e.dst),
    quantity: list.map((e) => e.quantity),
    scale: Uint8Array.from(list, (e) => e.scale),
    seq: Float64Array.from(list, (e) => e.seq),
  };
}

/** The facts from store reads (the lots' records, their lines and out-edges, one ledger pass). */
export async function scopeFactsFromStore(
  store: Store,
  registry: NodeRegistry,
  lotIds: string[],
  lotNodes: number[],
): Promise<ScopeFacts> {
  const byId = new Map<string, LotFacts>((await store.getLots(lotIds)).map((l) => [l.id, l]));
  const lines = await store.listShipmentLines({ lotIds });
  const edges = await store.listEdges({ src: lotNodes });
  // What each affected lot ever held (received + produced + returned): the denominator of its shares.
  const balances = await massBalances(store, lotIds);
  return withLotPositions(registry, lotNodes, (pos) => {
    const made = new Float64Array(lotNodes.length);
    for (const b of balances) {
      const k = pos(registry.id(NodeKind.LOT, b.lotId));
      if (k >= 0) made[k] = Number(b.received) + Number(b.produced) + Number(b.returned);
    }
    const lineLot = new Int32Array(lines.length);
    for (let i = 0; i < lines.length; i++) lineLot[i] = pos(registry.id(NodeKind.LOT, lines[i]!.lotId));
    return {
      lots: lotIds.map((id) => byId.get(id)),
      made,
      lines,
      lineLot,
      edges: edgePositions(registry, pos, edgeRowsOf(edges)),
    };
  });
}

const SAFE = BigInt(Number.MAX_SAFE_INTEGER);

/** As the decimal's value (both round the same real number once while |v| ≤ 2^53). */
const num = (v: bigint) =>
  v === 0n ? 0 : v <= SAFE && v >= -SAFE ? Number(v) / 10 ** TOTAL_SCALE : Number(fromSteps(v, TOTAL_SCALE));

/** The same from the index's catalogue and its per-lot totals (caught up by the caller): no store reads. */
export function scopeFactsFromCatalogue(
  index: GenealogyIndex,
  closure: Int32Array,
  lotNodes: number[],
): ScopeFacts {
  const { registry, catalogue } = index;
  return withLotPositions(registry, lotNodes, (pos) => {
    const L = lotNodes.length;
    const lots = new Array<LotFacts | undefined>(L);
    const made = new Float64Array(L);
    for (let k = 0; k < L; k++) {
      const n = lotNodes[k]!;
      const l = catalogue.lot(n);
      lots[k] = l;
      if (!l) continue;
      const [received, produced, returned] = catalogue.totalsOf(n);
      made[k] = num(received) + num(produced) + num(returned);
    }
    const edges = edgePositions(registry, pos, catalogue.edgeRows(catalogue.edgesOutOf(lotNodes)));
    // The closure's deliveries whose lot is one of its lots; a line and its lot → delivery edge come from
    // one `shipped` event: the line's seq is the edge's.
    const { kinds } = registry;
    const dNodes: number[] = [];
    const dLots: number[] = [];
    for (let i = 0; i < closure.length; i++) {
      const d = closure[i]!;
      if (kinds[d] !== NodeKind.DELIVERY) continue;
      const lotNode = catalogue.lineLotNode(d);
      if (lotNode === undefined || pos(lotNode) < 0) continue;
      dNodes.push(d);
      dLots.push(lotNode);
    }
    const seqs = catalogue.firstEdgeSeqs(dLots, dNodes);
    const found: LineFacts[] = [];
    const foundLot: number[] = [];
    const foundSeq: number[] = [];
    for (let i = 0; i < dNodes.length; i++) {
      if (seqs[i] === -1) continue;
      const l = catalogue.line(dNodes[i]!);
      if (!l) continue;
      found.push(l);
      foundLot.push(pos(dLots[i]!));
      foundSeq.push(seqs[i]!);
    }
    const idx = found.map((_, i) => i);
    idx.sort((a, b) => {
      const x = found[a]!;
      const y = found[b]!;
      return (
        foundSeq[a]! - foundSeq[b]! ||
        (x.shipmentId < y.shipmentId ? -1 : x.shipmentId > y.shipmentId ? 1 : 0) ||
        x.lineNo - y.lineNo ||
        a - b
      );
    });
    const lines = idx.map((i) => found[i]!);
    // A loop: a typed array's `from` with a map function goes through the iterator protocol.
    const lineLot = new Int32Array(idx.length);
    for (let i = 0; i < idx.length; i++) lineLot[i] = foundLot[idx[i]!]!;
    return { lots, made, lines, lineLot, edges };
  });
}
