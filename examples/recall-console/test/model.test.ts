// Properties of the picture model (src/graph/model.ts) on random genealogies, checked against a plain-JS
// breadth-first search over the same edge lists: every lot and customer of the closure lands in exactly one
// picture node, quantities are conserved when nothing is aggregated, aggregation keeps the picture small,
// and expanding a group shows exactly one more page of its members.
import { GenealogyGraph } from '@lotgraph/core-wasm';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type GenealogyData, KIND_CUSTOMER, KIND_DELIVERY, KIND_LOT } from '../src/graph/data';
import { buildPicture, expandStep } from '../src/graph/model';

interface Gen {
  kinds: number[];
  src: number[];
  dst: number[];
  qty: number[];
  groups: number[];
}

/** Lots 0..L-1 (edges only from lower to higher ids: a DAG), deliveries, then customers. */
const genealogy = fc
  .record({
    lots: fc.integer({ min: 2, max: 40 }),
    deliveries: fc.integer({ min: 0, max: 25 }),
    customers: fc.integer({ min: 1, max: 12 }),
    seed: fc.integer(),
  })
  .chain(({ lots, deliveries, customers }) =>
    fc.record({
      lots: fc.constant(lots),
      deliveries: fc.constant(deliveries),
      customers: fc.constant(customers),
      lotEdges: fc.array(fc.tuple(fc.nat(lots - 1), fc.nat(lots - 1), fc.integer({ min: 1, max: 1000 })), {
        maxLength: 80,
      }),
      shipped: fc.array(fc.tuple(fc.nat(lots - 1), fc.integer({ min: 1, max: 100 })), {
        minLength: deliveries,
        maxLength: deliveries,
      }),
      to: fc.array(fc.nat(customers - 1), { minLength: deliveries, maxLength: deliveries }),
      groups: fc.array(fc.nat(2), { minLength: lots, maxLength: lots }),
      received: fc.array(fc.boolean(), { minLength: lots, maxLength: lots }),
    }),
  )
  .map((r) => {
    const g: Gen = { kinds: [], src: [], dst: [], qty: [], groups: [] };
    for (let i = 0; i < r.lots; i++) g.kinds.push(KIND_LOT);
    for (let i = 0; i < r.deliveries; i++) g.kinds.push(KIND_DELIVERY);
    for (let i = 0; i < r.customers; i++) g.kinds.push(KIND_CUSTOMER);
    for (const [a, b, q] of r.lotEdges)
      if (a < b) {
        g.src.push(a);
        g.dst.push(b);
        g.qty.push(q);
      }
    r.shipped.forEach(([lot, q], d) => {
      g.src.push(lot, r.lots + d);
      g.dst.push(r.lots + d, r.lots + r.deliveries + r.to[d]!);
      g.qty.push(q, q);
    });
    g.groups = [...r.groups, ...new Array(r.deliveries + r.customers).fill(-1)];
    return { g, received: r.received, lots: r.lots };
  });

async function load(g: Gen, received: boolean[]): Promise<GenealogyData> {
  const graph = await GenealogyGraph.create({
    kinds: Uint8Array.from(g.kinds),
    src: Int32Array.from(g.src),
    dst: Int32Array.from(g.dst),
    qty: Float64Array.from(g.qty),
  });
  const n = g.kinds.length;
  return {
    graph,
    seq: 1,
    kinds: Uint8Array.from(g.kinds),
    refs: g.kinds.map((k, i) => `${['LOT', 'DLV', 'CUS'][k]}-${i}`),
    group: Int32Array.from(g.groups),
    groups: [
      { id: 'a', name: 'A', unit: 'kg' },
      { id: 'b', name: 'B', unit: 'kg' },
      { id: 'c', name: 'C', unit: 'pc' },
    ],
    received: Uint8Array.from({ length: n }, (_, i) => (received[i] ? 1 : 0)),
    held: new Uint8Array(n),
    names: {},
    loadMs: 0,
  };
}

/** Plain-JS closure (backward ∪ forward) and the expected folded edges with their quantities. */
function reference(g: Gen, root: number) {
  const walk = (from: number[], to: number[]) => {
    const seen = new Set([root]);
    const queue = [root];
    while (queue.length > 0) {
      const u = queue.shift()!;
      for (let i = 0; i < from.length; i++)
        if (from[i] === u && !seen.has(to[i]!)) {
          seen.add(to[i]!);
          queue.push(to[i]!);
        }
    }
    return seen;
  };
  const closure = new Set([...walk(g.src, g.dst), ...walk(g.dst, g.src)]);
  let qty = 0;
  for (let i = 0; i < g.src.length; i++) {
    const a = g.src[i]!;
    const b = g.dst[i]!;
    if (!closure.has(a) || !closure.has(b) || g.kinds[a] === KIND_DELIVERY) continue;
    if (g.kinds[b] === KIND_DELIVERY) {
      const j = g.src.indexOf(b);
      if (j >= 0 && closure.has(g.dst[j]!)) qty += g.qty[i]!;
    } else qty += g.qty[i]!;
  }
  const visible = [...closure].filter((u) => g.kinds[u] !== KIND_DELIVERY);
  return { closure, visible, qty };
}

describe('genealogy picture model', () => {
  it('places every lot and customer once, keeps the root alone and conserves quantities', async () => {
    await fc.assert(
      fc.asyncProperty(
        genealogy,
        fc.nat(),
        fc.integer({ min: 1, max: 80 }),
        async ({ g, received, lots }, r, threshold) => {
          const data = await load(g, received);
          try {
            const root = r % lots;
            const p = buildPicture(data, root, { threshold });
            const ref = reference(g, root);
            expect(p.stats.closure).toBe(ref.closure.size);
            expect(p.stats.lots + p.stats.customers).toBe(ref.visible.length);
            expect(p.nodes.reduce((s, n) => s + n.count, 0)).toBe(ref.visible.length);
            const roots = p.nodes.filter((n) => n.root);
            expect(roots.map((n) => n.key)).toEqual([`n${root}`]);
            const keys = new Set(p.nodes.map((n) => n.key));
            expect(keys.size).toBe(p.nodes.length);
            for (const e of p.edges) {
              expect(keys.has(e.from) && keys.has(e.to)).toBe(true);
              expect(e.from).not.toBe(e.to);
            }
            if (ref.visible.length <= threshold) {
              expect(p.nodes.some((n) => n.kind === 'group')).toBe(false);
              expect(p.edges.reduce((s, e) => s + e.qty, 0)).toBeCloseTo(ref.qty, 6);
            } else {
              // Aggregated: at most the root, small groups (≤ 3 members) and one node per tier × group.
              expect(p.nodes.length).toBeLessThanOrEqual(1 + 3 * 13);
            }
          } finally {
            data.graph.dispose();
          }
        },
      ),
      { numRuns: 150 },
    );
  });

  it('expanding an aggregate shows one more page of its members and keeps the rest aggregated', async () => {
    await fc.assert(
      fc.asyncProperty(
        genealogy,
        fc.nat(),
        fc.integer({ min: 1, max: 6 }),
        async ({ g, received, lots }, r, page) => {
          const data = await load(g, received);
          try {
            const root = r % lots;
            const before = buildPicture(data, root, { threshold: 1 });
            const group = before.nodes.find((n) => n.kind === 'group');
            fc.pre(group !== undefined);
            const after = buildPicture(data, root, {
              threshold: 1,
              expanded: expandStep(new Map(), group!.expand!, page),
            });
            const shown = after.nodes.filter((n) => n.group === group!.expand);
            expect(shown.length).toBe(Math.min(page, group!.count));
            const rest = after.nodes.find((n) => n.key === group!.key);
            expect(rest?.count ?? 0).toBe(group!.count - shown.length);
            expect(after.nodes.reduce((s, n) => s + n.count, 0)).toBe(
              before.nodes.reduce((s, n) => s + n.count, 0),
            );
          } finally {
            data.graph.dispose();
          }
        },
      ),
      { numRuns: 100 },
    );
  });
});
