import { RECEIPTS } from '../commands/records.js';
import { fromSteps } from '../domain/quantity.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import { type GenealogyEdge, NodeKind, type Store } from '../store/port.js';
import type { GenealogyIndex } from './genealogy-index.js';
import { ensureMaster, env, eventsBySeq, orderOf, rootOf } from './trace-build.js';
import type { OneStepTrace, TraceRefs } from './trace-types.js';

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
