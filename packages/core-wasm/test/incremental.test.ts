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
});
