// The wasm core must give the same answers as the plain-TS reference on random genealogies with cycles,
// self-loops, duplicate edges and isolated nodes, whether built at once or in pieces (with compaction).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { buildInPieces, edgeMultiset, pairs, planArb, rootsArb, sortedEntries, widePlanArb } from './plan.js';

const runs = { numRuns: 200 };

const traverseOpts = fc.record(
  {
    maxDepth: fc.oneof(fc.integer({ min: 0, max: 4 }), fc.constant(Infinity)),
    kinds: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
  },
  { requiredKeys: [] },
);

const withRoots = planArb().chain((plan) =>
  fc.record({ plan: fc.constant(plan), roots: rootsArb(plan.kinds.length), opts: traverseOpts }),
);

type Built = Awaited<ReturnType<typeof buildInPieces>>;
type Opts = { maxDepth?: number; kinds?: number[] };

/** Forward and backward closures (plain and with depths) equal the reference's, each node once. */
function expectClosuresMatch({ graph, reference }: Built, roots: number[], opts: Opts) {
  for (const dir of ['forward', 'backward'] as const) {
    const closure =
      dir === 'forward' ? graph.forwardWithDepth(roots, opts) : graph.backwardWithDepth(roots, opts);
    const plain = dir === 'forward' ? graph.forward(roots, opts) : graph.backward(roots, opts);
    expect(new Set(closure.nodes).size).toBe(closure.nodes.length); // each node once
    expect(Array.from(plain)).toEqual(Array.from(closure.nodes));
    expect(pairs(closure.nodes, closure.depth)).toEqual(sortedEntries(reference.traverse(dir, roots, opts)));
  }
}

/** recallScope: nodes with depths, counts per kind, and byKind = the nodes of that kind in result order. */
function expectScopeMatches({ graph, reference }: Built, roots: number[]) {
  const scope = graph.recallScope(roots);
  const expected = reference.recallScope(roots);
  expect(pairs(scope.nodes, scope.depth)).toEqual(sortedEntries(expected.nodes));
  expect(Array.from(scope.countByKind)).toEqual(expected.countByKind);
  for (let k = 0; k < 4; k++) {
    const ofKind = Array.from(scope.byKind(k));
    expect(ofKind.length).toBe(expected.countByKind[k]);
    expect(ofKind).toEqual(Array.from(scope.nodes).filter((v) => reference.kinds[v] === k));
  }
}

describe('wasm core == reference', () => {
  it('forward and backward closures (maxDepth, kinds), with depths', async () => {
    await fc.assert(
      fc.asyncProperty(withRoots, async ({ plan, roots, opts }) => {
        const built = await buildInPieces(plan);
        expectClosuresMatch(built, roots, opts);
        built.graph.dispose();
      }),
      runs,
    );
  });

  it('wide graphs (levels of more than 64 nodes): closures with depths and recallScope', async () => {
    const wide = widePlanArb().chain((plan) =>
      fc.record({ plan: fc.constant(plan), roots: rootsArb(plan.kinds.length), opts: traverseOpts }),
    );
    await fc.assert(
      fc.asyncProperty(wide, async ({ plan, roots, opts }) => {
        const built = await buildInPieces(plan);
        expectClosuresMatch(built, roots, opts);
        expectScopeMatches(built, roots);
        built.graph.dispose();
      }),
      { numRuns: 60 },
    );
  });

  it('recallScope: nodes, depths, counts per kind and byKind', async () => {
    await fc.assert(
      fc.asyncProperty(withRoots, async ({ plan, roots }) => {
        const built = await buildInPieces(plan);
        expectScopeMatches(built, roots);
        built.graph.dispose();
      }),
      runs,
    );
  });

  it('exposure: same downstream nodes, shares within 1e-9, in [0, 1], roots 1', async () => {
    await fc.assert(
      fc.asyncProperty(withRoots, async ({ plan, roots }) => {
        const { graph, reference } = await buildInPieces(plan);
        const got = graph.exposure(roots);
        const expected = reference.exposure(roots);
        expect(Array.from(got.nodes).sort((a, b) => a - b)).toEqual(
          [...expected.keys()].sort((a, b) => a - b),
        );
        got.nodes.forEach((v, i) => {
          const share = got.share[i]!;
          expect(share).toBeGreaterThanOrEqual(0);
          expect(share).toBeLessThanOrEqual(1);
          expect(Math.abs(share - expected.get(v)!)).toBeLessThanOrEqual(1e-9);
          if (roots.includes(v)) expect(share).toBe(1);
        });
        graph.dispose();
      }),
      runs,
    );
  });

  it('path: a valid chain as short as the reference shortest path, or null exactly when unreachable', async () => {
    const arb = planArb().chain((plan) =>
      fc.record({
        plan: fc.constant(plan),
        from: fc.nat(plan.kinds.length - 1),
        to: fc.nat(plan.kinds.length - 1),
      }),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ plan, from, to }) => {
        const { graph, reference } = await buildInPieces(plan);
        const chain = graph.path(from, to);
        const length = reference.shortestPathLength(from, to);
        if (length === null) {
          expect(chain).toBeNull();
        } else {
          expect(chain).not.toBeNull();
          expect(chain!.length).toBe(length);
          expect(chain![0]).toBe(from);
          expect(chain![chain!.length - 1]).toBe(to);
          expect(reference.isChain(chain!)).toBe(true);
        }
        graph.dispose();
      }),
      runs,
    );
  });

  it('successors / predecessors / counts / kinds', async () => {
    await fc.assert(
      fc.asyncProperty(planArb(), async (plan) => {
        const { graph, reference } = await buildInPieces(plan);
        expect(graph.nodeCount).toBe(reference.nodeCount);
        expect(graph.edgeCount).toBe(reference.edgeCount);
        for (let v = 0; v < graph.nodeCount; v++) {
          expect(graph.kindOf(v)).toBe(reference.kinds[v]);
          const out = graph.successors(v);
          const ins = graph.predecessors(v);
          const refOut = reference.successors(v);
          const refIn = reference.predecessors(v);
          expect(edgeMultiset(out.nodes, out.qty)).toEqual(
            edgeMultiset(
              refOut.map((e) => e.node),
              refOut.map((e) => e.qty),
            ),
          );
          expect(edgeMultiset(ins.nodes, ins.qty)).toEqual(
            edgeMultiset(
              refIn.map((e) => e.node),
              refIn.map((e) => e.qty),
            ),
          );
        }
        graph.dispose();
      }),
      runs,
    );
  });
});
