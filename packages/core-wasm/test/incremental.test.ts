// Building in pieces (addNodes/addEdges, before and after compaction) answers exactly like building at once.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GenealogyGraph } from '../src/index.js';
import { buildAtOnce, buildInPieces, type Plan, pairs, planArb } from './plan.js';

/** Plans whose quantities are all known or all unknown (create() takes one qty array or none). */
const homogeneous = fc.tuple(planArb(), fc.boolean()).map(
  ([plan, known]): Plan => ({
    ...plan,
    edges: plan.edges.map((e) => ({ ...e, q: known ? (Number.isNaN(e.q) ? 1 : e.q) : Number.NaN })),
  }),
);

function answers(g: GenealogyGraph) {
  const out: unknown[] = [g.nodeCount, g.edgeCount];
  for (let v = 0; v < g.nodeCount; v++) {
    const f = g.forwardWithDepth([v]);
    const b = g.backwardWithDepth([v], { maxDepth: 2 });
    const e = g.exposure([v]);
    const order = Array.from(e.nodes.keys()).sort((i, j) => e.nodes[i]! - e.nodes[j]!);
    out.push(
      g.kindOf(v),
      pairs(f.nodes, f.depth),
      pairs(b.nodes, b.depth),
      order.map((i) => [e.nodes[i], Number(e.share[i]!.toFixed(9))]),
      g.path(0, v)?.length ?? null,
      Array.from(g.successors(v).nodes).sort(),
      Array.from(g.predecessors(v).nodes).sort(),
    );
  }
  return out;
}

describe('incremental building', () => {
  it('pieces (tiny compaction threshold or none) == at once', async () => {
    await fc.assert(
      fc.asyncProperty(homogeneous, async (plan) => {
        const whole = await buildAtOnce(plan);
        const { graph } = await buildInPieces(plan);
        expect(answers(graph)).toEqual(answers(whole));
        graph.compact(); // explicit compaction changes nothing either
        expect(graph.pendingEdgeCount).toBe(0);
        expect(answers(graph)).toEqual(answers(whole));
        whole.dispose();
        graph.dispose();
      }),
      { numRuns: 150 },
    );
  });

  it('compaction happens past the threshold and not before', async () => {
    const { graph } = await buildInPieces({
      kinds: [0, 0, 0, 0],
      edges: [],
      initialNodes: 4,
      pieces: [],
      compactThreshold: 3,
    });
    graph.addEdges([0, 1], [1, 2]);
    expect(graph.pendingEdgeCount).toBe(2);
    graph.addEdges([2], [3]);
    expect(graph.pendingEdgeCount).toBe(3);
    graph.addEdges([3], [0]);
    expect(graph.pendingEdgeCount).toBe(0);
    expect(graph.edgeCount).toBe(4);
    expect(Array.from(graph.forward([0])).sort()).toEqual([0, 1, 2, 3]);
    graph.dispose();
  });

  it('nodes added after edges were appended get edges of their own', async () => {
    const { graph } = await buildInPieces({
      kinds: [0, 1],
      edges: [],
      initialNodes: 2,
      pieces: [],
      compactThreshold: 100,
    });
    graph.addEdges([0], [1], [5]);
    const first = graph.addNodes([2, 2, 2]);
    expect(first).toBe(2);
    graph.addEdges([1, 1, 3], [2, 3, 4], [1, 2, 3]);
    expect(Array.from(graph.forward([0]))).toEqual([0, 1, 3, 2, 4]); // appended lists are read newest first
    expect(Array.from(graph.backward([4])).sort()).toEqual([0, 1, 3, 4]);
    expect(graph.kindOf(4)).toBe(2);
    graph.dispose();
  });

  it('quantities stay exact when storage widens from float32 to float64', async () => {
    const { graph } = await buildInPieces({
      kinds: [0, 0, 0, 0],
      edges: [
        { s: 0, d: 1, q: 3 },
        { s: 1, d: 2, q: 16_777_216 },
      ],
      initialNodes: 4,
      pieces: [],
      compactThreshold: 2,
    });
    graph.addEdges([2], [3], [0.5]); // still float32-exact
    expect(Array.from(graph.successors(2).qty)).toEqual([0.5]);
    graph.addEdges([3, 0], [0, 2], [0.1, 16_777_217]); // not float32-exact: widens
    const bytes = graph.toBytes();
    for (const g of [graph, await GenealogyGraph.fromBytes(bytes)]) {
      expect(Array.from(g.successors(0).qty).sort()).toEqual([16_777_217, 3]);
      expect(Array.from(g.successors(1).qty)).toEqual([16_777_216]);
      expect(Array.from(g.successors(3).qty)).toEqual([0.1]);
      expect(Array.from(g.predecessors(3).qty)).toEqual([0.5]);
    }
    graph.compact();
    expect(Array.from(graph.predecessors(0).qty)).toEqual([0.1]);
    graph.dispose();
  });

  it('quantity encodings move none → decimal → float32 → float64 as values need, every value exact', async () => {
    const g = await GenealogyGraph.create({
      kinds: new Uint8Array(7),
      src: Int32Array.of(0),
      dst: Int32Array.of(1),
    });
    expect(g.quantityEncoding).toBe('none');
    g.addEdges([1, 2], [2, 3], [16_777_216, 0.5]); // an integer count, a half: decimal words
    expect(g.quantityEncoding).toBe('decimal');
    g.compact();
    g.addEdges([3], [4], [2 ** -10]); // a binary fraction of 10 places: float32, and so is every other one
    expect(g.quantityEncoding).toBe('float32');
    g.addEdges([4, 5], [5, 6], [1e-6, 0.1 + 0.2]); // neither float32 nor (0.30000000000000004) decimal
    expect(g.quantityEncoding).toBe('float64');
    const want = [Number.NaN, 16_777_216, 0.5, 2 ** -10, 1e-6, 0.1 + 0.2];
    for (const h of [g, await GenealogyGraph.fromBytes(g.toBytes())]) {
      expect([0, 1, 2, 3, 4, 5].map((v) => h.successors(v).qty[0])).toEqual(want);
      expect([1, 2, 3, 4, 5, 6].map((v) => h.predecessors(v).qty[0])).toEqual(want);
    }
    const decimal = await GenealogyGraph.create({
      kinds: new Uint8Array(3),
      src: Int32Array.of(0, 1),
      dst: Int32Array.of(1, 2),
      qty: Float64Array.of(12.345, 1e6),
    });
    expect(decimal.quantityEncoding).toBe('decimal');
    const binary = await GenealogyGraph.create({
      kinds: new Uint8Array(3),
      src: Int32Array.of(0, 1),
      dst: Int32Array.of(1, 2),
      qty: Float64Array.of(12.345, 2 ** -10), // the second has no decimal word: a second pass → float64
    });
    expect(binary.quantityEncoding).toBe('float64');
    expect(Array.from(binary.predecessors(2).qty)).toEqual([2 ** -10]);
    expect(Array.from(binary.predecessors(1).qty)).toEqual([12.345]);
    for (const x of [g, decimal, binary]) x.dispose();
  });

  it('the encoding depends only on the values (not on order or pieces) and never loses a bit', async () => {
    const family = fc.oneof(
      fc.integer({ min: 0, max: 1 << 24 }),
      fc.integer({ min: 0, max: 10_000_000 }).map((i) => i / 1000),
      fc.integer({ min: 0, max: 7 }).map((k) => 10 ** -k),
      fc.constantFrom(536_870_910, 536_870_911, 4_294_967_295, 1e12),
      fc.double({ min: 0, max: 1e9, noNaN: true, noDefaultInfinity: true }),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.array(family, { minLength: 1, maxLength: 40 }),
        fc.array(fc.integer({ min: 1, max: 7 }), { maxLength: 6 }),
        async (qty, pieces) => {
          const m = qty.length;
          const kinds = new Uint8Array(m + 1);
          const src = Int32Array.from({ length: m }, (_, i) => i);
          const dst = Int32Array.from({ length: m }, (_, i) => i + 1);
          const whole = await GenealogyGraph.create({ kinds, src, dst, qty: Float64Array.from(qty) });
          const split = await GenealogyGraph.create({ kinds }, { compactThreshold: 3 });
          let at = 0;
          for (const size of [...pieces, m]) {
            const end = Math.min(m, at + size);
            if (end > at) split.addEdges(src.subarray(at, end), dst.subarray(at, end), qty.slice(at, end));
            at = end;
          }
          const reversed = await GenealogyGraph.create({
            kinds,
            src: src.slice().reverse(),
            dst: dst.slice().reverse(),
            qty: Float64Array.from(qty).reverse(),
          });
          const encoding = whole.quantityEncoding;
          for (const g of [whole, split, reversed]) {
            expect(g.quantityEncoding).toBe(encoding);
            for (let i = 0; i < m; i++) expect(Object.is(g.successors(i).qty[0], qty[i])).toBe(true);
            g.dispose();
          }
          expect(encoding).not.toBe('none');
        },
      ),
      { numRuns: 200 },
    );
  });
});
