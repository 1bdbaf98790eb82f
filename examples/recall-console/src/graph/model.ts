// From a genealogy closure to a picture small enough to read: deliveries folded into lot → customer edges,
// lots placed in tiers (supplier lots → batches → finished lots → customers), and — beyond a node
// threshold — lots aggregated per tier and product, customers into one node, each aggregate expandable on
// demand (a page of its heaviest members at a time).
import { type GenealogyData, KIND_CUSTOMER, KIND_DELIVERY, KIND_LOT } from './data';

export const TIERS = ['Supplier lots', 'Batches', 'Finished lots', 'Customers'] as const;

export interface PictureNode {
  key: string;
  kind: 'lot' | 'customer' | 'group';
  tier: number;
  label: string;
  sub: string;
  /** Members (1 for a single lot or customer). */
  count: number;
  /** Members on hold. */
  held: number;
  root: boolean;
  /** Lot id (single lots) — clicking re-centres on it. */
  ref?: string;
  /** Aggregates: the group to expand (or to page further). */
  expand?: string;
  /** Members shown out of an aggregate: its group. */
  group?: string;
}

export interface PictureEdge {
  from: string;
  to: string;
  qty: number;
  unit: string;
  /** Genealogy edges folded into this one. */
  count: number;
}

export interface Picture {
  root: string;
  nodes: PictureNode[];
  edges: PictureEdge[];
  stats: { closure: number; lots: number; customers: number; aggregated: boolean };
}

export interface PictureOptions {
  /** Above this many lots + customers, aggregate (default 60). */
  threshold?: number;
  /** Groups expanded by the user → how many members to show. */
  expanded?: ReadonlyMap<string, number>;
}

/** Build the picture of everything upstream and downstream of `root` (a genealogy node id). */
export function buildPicture(data: GenealogyData, root: number, options: PictureOptions = {}): Picture {
  const threshold = options.threshold ?? 60;
  const expanded = options.expanded ?? new Map<string, number>();
  const g = data.graph;
  const back = g.backward([root]);
  const fwd = g.forward([root]);
  const inClosure = new Set<number>();
  for (const n of back) inClosure.add(n);
  for (const n of fwd) inClosure.add(n);

  // Edges inside the closure; deliveries folded into lot → customer; batch = a lot consumed by lots.
  const edges: { from: number; to: number; qty: number }[] = [];
  const tier = new Map<number, number>();
  const deliveryCustomer = new Map<number, number>();
  const deliveryIn: { from: number; delivery: number; qty: number }[] = [];
  for (const u of inClosure) {
    const kind = data.kinds[u];
    if (kind === KIND_CUSTOMER) {
      tier.set(u, 3);
      continue;
    }
    const out = g.successors(u);
    let feedsLots = false;
    for (let i = 0; i < out.nodes.length; i++) {
      const v = out.nodes[i]!;
      if (data.kinds[v] === KIND_LOT) feedsLots = true;
      if (!inClosure.has(v)) continue;
      const q = out.qty[i]!;
      if (kind === KIND_DELIVERY) deliveryCustomer.set(u, v);
      else if (data.kinds[v] === KIND_DELIVERY) deliveryIn.push({ from: u, delivery: v, qty: q });
      else edges.push({ from: u, to: v, qty: q });
    }
    if (kind === KIND_LOT) tier.set(u, data.received[u] ? 0 : feedsLots ? 1 : 2);
  }
  for (const d of deliveryIn) {
    const c = deliveryCustomer.get(d.delivery);
    if (c !== undefined) edges.push({ from: d.from, to: c, qty: d.qty });
  }

  // Weight of each node (sum of its edge quantities, in its own unit) to pick the members shown first.
  const weight = new Map<number, number>();
  for (const e of edges) {
    const q = Number.isFinite(e.qty) ? e.qty : 0;
    weight.set(e.from, (weight.get(e.from) ?? 0) + q);
    weight.set(e.to, (weight.get(e.to) ?? 0) + q);
  }
  const visible = [...tier.keys()];
  const lots = visible.filter((u) => data.kinds[u] === KIND_LOT).length;
  const customers = visible.length - lots;
  const aggregated = visible.length > threshold;

  const groupKey = (u: number) =>
    data.kinds[u] === KIND_CUSTOMER ? 't3:customers' : `t${tier.get(u)}:g${data.group[u]}`;
  const unitOf = (u: number) => data.groups[data.group[u] ?? -1]?.unit ?? '';
  const groupName = (u: number) =>
    data.kinds[u] === KIND_CUSTOMER ? 'Customers' : (data.groups[data.group[u] ?? -1]?.name ?? 'Lots');

  // Which picture node each genealogy node lands in.
  const keyOf = new Map<number, string>();
  const members = new Map<string, number[]>();
  if (aggregated) {
    for (const u of visible) {
      if (u === root) continue;
      const k = groupKey(u);
      const m = members.get(k);
      if (m) m.push(u);
      else members.set(k, [u]);
    }
  }
  const nodes: PictureNode[] = [];
  const single = (u: number): PictureNode => {
    const isCustomer = data.kinds[u] === KIND_CUSTOMER;
    const ref = data.refs[u]!;
    return {
      key: `n${u}`,
      kind: isCustomer ? 'customer' : 'lot',
      tier: tier.get(u)!,
      label: isCustomer ? (data.names[ref] ?? ref) : ref,
      sub: isCustomer ? ref : groupName(u),
      count: 1,
      held: data.held[u] ? 1 : 0,
      root: u === root,
      ...(isCustomer ? {} : { ref }),
    };
  };
  for (const u of visible) {
    if (!aggregated || u === root) {
      keyOf.set(u, `n${u}`);
      nodes.push(single(u));
    }
  }
  for (const [k, m] of members) {
    // Small groups are shown as they are; big ones aggregated unless expanded (a page at a time).
    const show = m.length <= 3 ? m.length : Math.min(m.length, expanded.get(k) ?? 0);
    m.sort((a, b) => (weight.get(b) ?? 0) - (weight.get(a) ?? 0) || a - b);
    for (const u of m.slice(0, show)) {
      keyOf.set(u, `n${u}`);
      nodes.push({ ...single(u), group: k });
    }
    const rest = m.slice(show);
    if (rest.length === 0) continue;
    const first = rest[0]!;
    const isCustomers = data.kinds[first] === KIND_CUSTOMER;
    const held = rest.reduce((s, u) => s + (data.held[u] ?? 0), 0);
    const noun = isCustomers ? 'customer' : 'lot';
    nodes.push({
      key: k,
      kind: 'group',
      tier: tier.get(first)!,
      label: show > 0 ? `${groupName(first)}: ${rest.length} more` : groupName(first),
      sub: `${rest.length} ${noun}${rest.length === 1 ? '' : 's'}`,
      count: rest.length,
      held,
      root: false,
      expand: k,
    });
    for (const u of rest) keyOf.set(u, k);
  }

  // Picture edges: summed per (from, to) key pair; edges inside one aggregate are dropped.
  const byPair = new Map<string, PictureEdge>();
  for (const e of edges) {
    const a = keyOf.get(e.from);
    const b = keyOf.get(e.to);
    if (a === undefined || b === undefined || a === b) continue;
    const pk = `${a}>${b}`;
    let pe = byPair.get(pk);
    if (!pe) {
      pe = { from: a, to: b, qty: 0, unit: unitOf(e.from), count: 0 };
      byPair.set(pk, pe);
    }
    if (Number.isFinite(e.qty)) pe.qty += e.qty;
    pe.count++;
  }
  return {
    root: `n${root}`,
    nodes,
    edges: [...byPair.values()],
    stats: { closure: inClosure.size, lots, customers, aggregated },
  };
}

/** Next page size of a group when its aggregate is clicked. */
export function expandStep(
  expanded: ReadonlyMap<string, number>,
  key: string,
  page = 40,
): Map<string, number> {
  const next = new Map(expanded);
  next.set(key, (expanded.get(key) ?? 0) + page);
  return next;
}
