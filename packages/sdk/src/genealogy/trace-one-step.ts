import { RECEIPTS } from '../commands/records.js';
import { fromSteps } from '../domain/quantity.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import { type GenealogyEdge, NodeKind, type Store } from '../store/port.js';
import type { GenealogyIndex } from './genealogy-index.js';
import { ensureMaster, env, eventsBySeq, orderOf, rootOf, useCatalogue } from './trace-build.js';
import type { LineFacts } from './trace-catalogue.js';
import type { OneStepTrace, TraceRefs, TraceVia } from './trace-types.js';

/** The one-step neighbourhood of a lot node: lot → lot edges in and out, deliveries, related lots' products. */
interface Links {
  inEdges: GenealogyEdge[];
  outEdges: GenealogyEdge[];
  /** Shipment lines of the lot, in the store's order (seq, shipment id, line number). */
  shipped: LineFacts[];
  /** Product of a related lot node (undefined when it has no lot record). */
  productOf: Map<number, string>;
}

async function linksFromStore(
  store: Store,
  index: GenealogyIndex,
  node: number,
  lotId: string,
): Promise<Links> {
  const { registry } = index;
  const [shipped, inAll, outAll] = await Promise.all([
    store.listShipmentLines({ lotId }),
    store.listEdges({ dst: [node] }),
    store.listEdges({ src: [node] }),
  ]);
  const inEdges = inAll.filter((x) => registry.kinds[x.src] === NodeKind.LOT);
  const outEdges = outAll.filter((x) => registry.kinds[x.dst] === NodeKind.LOT);
  const related = await store.getLots([
    ...inEdges.map((x) => registry.refs[x.src]!),
    ...outEdges.map((x) => registry.refs[x.dst]!),
  ]);
  const productOf = new Map<number, string>();
  for (const l of related) {
    const n = registry.id(NodeKind.LOT, l.id);
    if (n !== undefined) productOf.set(n, l.productId);
  }
  return { inEdges, outEdges, shipped, productOf };
}

/** The same from the index's catalogue (caught up by the caller): no edge, lot or line reads. */
function linksFromCatalogue(index: GenealogyIndex, node: number, lotId: string): Links {
  const { registry, catalogue } = index;
  const kinds = registry.kinds;
  const inEdges: GenealogyEdge[] = [];
  const outEdges: GenealogyEdge[] = [];
  const shipped: (LineFacts & { seq: number })[] = [];
  const productOf = new Map<number, string>();
  const relate = (n: number) => {
    const l = catalogue.lot(n);
    if (l) productOf.set(n, l.productId);
  };
  for (const i of catalogue.edgesAt(node, 'in')) {
    const x = catalogue.edge(i);
    if (kinds[x.src] !== NodeKind.LOT) continue;
    inEdges.push(x);
    relate(x.src);
  }
  const seen = new Set<number>();
  for (const i of catalogue.edgesAt(node, 'out')) {
    const x = catalogue.edge(i);
    if (kinds[x.dst] === NodeKind.LOT) {
      outEdges.push(x);
      relate(x.dst);
    } else if (kinds[x.dst] === NodeKind.DELIVERY && !seen.has(x.dst)) {
      // The line and its lot → delivery edge are written by the same `shipped` event: line seq = edge seq.
      seen.add(x.dst);
      const l = catalogue.line(x.dst);
      if (l && l.lotId === lotId) shipped.push({ ...l, seq: x.seq });
    }
  }
  shipped.sort(
    (a, b) =>
      a.seq - b.seq ||
      (a.shipmentId < b.shipmentId ? -1 : a.shipmentId > b.shipmentId ? 1 : 0) ||
      a.lineNo - b.lineNo,
  );
  return { inEdges, outEdges, shipped, productOf };
}

/**
 * Immediate suppliers and customers of a lot (one step back, one step forward), with dates. Links, related
 * lots and deliveries come from the catalogue or the store (`via`, as for full traces); the lot record,
 * its receipts and the linking events are read from the store either way (not kept in memory).
 */
export async function traceOneStep(
  store: Store,
  index: GenealogyIndex,
  lotId: string,
  via: TraceVia = 'auto',
): Promise<OneStepTrace> {
  const fromCatalogue = await useCatalogue(store, index, via);
  const { lot, node } = await rootOf(store, index, lotId);
  const e = await env(store, index, fromCatalogue);
  const unitOf = (productId: string) => e.products.get(productId)?.unit ?? '';
  const [receipts, links] = await Promise.all([
    store.listRecords(RECEIPTS, { key: lotId }),
    fromCatalogue ? linksFromCatalogue(index, node, lotId) : linksFromStore(store, index, node, lotId),
  ]);
  const { inEdges, outEdges, shipped, productOf } = links;
  const [events] = await Promise.all([
    eventsBySeq(
      store,
      [...inEdges, ...outEdges].map((x) => x.seq),
    ),
    ensureMaster(
      e,
      [lot.productId, ...shipped.map((l) => l.productId), ...productOf.values()],
      [
        ...receipts.map((r) => (r.value as { supplierId?: string }).supplierId),
        ...shipped.map((l) => l.customerId),
      ],
    ),
  ]);
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
  const link = (x: GenealogyEdge, other: number, unit: string) => {
    const ev = events.get(x.seq);
    const productId = productOf.get(other) ?? '';
    const r: OneStepTrace['inputs'][number] = {
      lotId: registry.refs[other]!,
      productId,
      quantity: fromSteps(x.quantity, x.scale),
      unit: unit === '' ? unitOf(productId) : unit,
      date: ev?.eventTime ?? '',
      seq: x.seq,
    };
    const o = orderOf(ev);
    if (o !== undefined) r.orderId = o;
    return r;
  };
  const inputs = inEdges.map((x) => link(x, x.src, ''));
  // An output shows the quantity consumed of this lot, so in this lot's unit.
  const outputs = outEdges.map((x) => link(x, x.dst, unitOf(lot.productId)));
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
  // Count by kind first so each list is allocated once at its size (closures reach 100k+ nodes).
  const { kinds, refs } = registry;
  const sizes = [0, 0, 0];
  for (let i = 0; i < nodes.length; i++) {
    const k = kinds[nodes[i]!]!;
    if (k <= NodeKind.CUSTOMER) sizes[k]!++;
  }
  const lists = sizes.map((size) => new Array<string>(size));
  const at = [0, 0, 0];
  for (let i = 0; i < nodes.length; i++) {
    const n = nodes[i]!;
    const k = kinds[n]!;
    if (k <= NodeKind.CUSTOMER) lists[k]![at[k]!++] = refs[n]!;
  }
  return {
    lots: lists[NodeKind.LOT]!,
    deliveries: lists[NodeKind.DELIVERY]!,
    customers: lists[NodeKind.CUSTOMER]!,
  };
}
