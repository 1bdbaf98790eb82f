// Bad input is rejected with a typed error naming the argument, before anything reaches wasm memory:
// the graph keeps answering exactly as before.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GenealogyError, type GenealogyGraph, GenealogyGraph as Graph } from '../src/index.js';
import { buildInPieces, planArb } from './plan.js';

type BadCall = {
  name: string;
  code: GenealogyError['code'];
  argument: string;
  run: (g: GenealogyGraph) => unknown;
};

const badCalls = (n: number): BadCall[] => [
  { name: 'src id = n', code: 'OUT_OF_RANGE', argument: 'src[1]', run: (g) => g.addEdges([0, n], [0, 0]) },
  {
    name: 'dst id < 0',
    code: 'OUT_OF_RANGE',
    argument: 'dst[4]',
    run: (g) => g.addEdges([0, 0, 0, 0, 0], [0, 0, 0, 0, -1]),
  },
  { name: 'fractional id', code: 'INVALID_ARGUMENT', argument: 'dst[0]', run: (g) => g.addEdges([0], [0.5]) },
  { name: 'NaN id', code: 'INVALID_ARGUMENT', argument: 'src[0]', run: (g) => g.addEdges([Number.NaN], [0]) },
  { name: 'dst too short', code: 'LENGTH_MISMATCH', argument: 'dst', run: (g) => g.addEdges([0, 0], [0]) },
  {
    name: 'qty too long',
    code: 'LENGTH_MISMATCH',
    argument: 'qty',
    run: (g) => g.addEdges([0], [0], [1, 2]),
  },
  {
    name: 'negative qty',
    code: 'INVALID_QUANTITY',
    argument: 'qty[1]',
    run: (g) => g.addEdges([0, 0], [0, 0], [1, -1]),
  },
  {
    name: 'NaN qty',
    code: 'INVALID_QUANTITY',
    argument: 'qty[0]',
    run: (g) => g.addEdges([0], [0], [Number.NaN]),
  },
  {
    name: 'infinite qty',
    code: 'INVALID_QUANTITY',
    argument: 'qty[0]',
    run: (g) => g.addEdges([0], [0], [Infinity]),
  },
  {
    name: 'src not an array',
    code: 'INVALID_ARGUMENT',
    argument: 'src',
    run: (g) => g.addEdges(5 as never, [0]),
  },
  { name: 'kind 256', code: 'INVALID_ARGUMENT', argument: 'kinds[1]', run: (g) => g.addNodes([0, 256]) },
  { name: 'kind -1', code: 'INVALID_ARGUMENT', argument: 'kinds[0]', run: (g) => g.addNodes([-1]) },
  { name: 'root = n', code: 'OUT_OF_RANGE', argument: 'roots[0]', run: (g) => g.forward([n]) },
  { name: 'root < 0', code: 'OUT_OF_RANGE', argument: 'roots[2]', run: (g) => g.backward([0, 0, -3]) },
  { name: 'scope root', code: 'OUT_OF_RANGE', argument: 'roots[0]', run: (g) => g.recallScope([n + 7]) },
  { name: 'exposure root', code: 'INVALID_ARGUMENT', argument: 'roots[0]', run: (g) => g.exposure([0.25]) },
  {
    name: 'maxDepth -1',
    code: 'INVALID_ARGUMENT',
    argument: 'opts.maxDepth',
    run: (g) => g.forward([0], { maxDepth: -1 }),
  },
  {
    name: 'maxDepth NaN',
    code: 'INVALID_ARGUMENT',
    argument: 'opts.maxDepth',
    run: (g) => g.backwardWithDepth([0], { maxDepth: Number.NaN }),
  },
  {
    name: 'kind filter 300',
    code: 'INVALID_ARGUMENT',
    argument: 'opts.kinds[0]',
    run: (g) => g.forward([0], { kinds: [300] }),
  },
  { name: 'path to', code: 'OUT_OF_RANGE', argument: 'to', run: (g) => g.path(0, n) },
  { name: 'path from', code: 'OUT_OF_RANGE', argument: 'from', run: (g) => g.path(-1, 0) },
  { name: 'successors', code: 'OUT_OF_RANGE', argument: 'node', run: (g) => g.successors(n) },
  {
    name: 'predecessors',
    code: 'INVALID_ARGUMENT',
    argument: 'node',
    run: (g) => g.predecessors('1' as never),
  },
  { name: 'kindOf', code: 'OUT_OF_RANGE', argument: 'node', run: (g) => g.kindOf(n) },
];

function snapshotOf(g: GenealogyGraph) {
  const forward = Array.from({ length: g.nodeCount }, (_, v) => Array.from(g.forward([v])));
  return { bytes: Array.from(g.toBytes()), edges: g.edgeCount, pending: g.pendingEdgeCount, forward };
}

describe('bad input', () => {
  it('is rejected with the right code and argument, and leaves the graph unchanged', async () => {
    const arb = planArb().chain((plan) =>
      fc.record({ plan: fc.constant(plan), call: fc.constantFrom(...badCalls(plan.kinds.length)) }),
    );
    await fc.assert(
      fc.asyncProperty(arb, async ({ plan, call }) => {
        const { graph } = await buildInPieces(plan);
        const before = snapshotOf(graph);
        let error: unknown;
        try {
          call.run(graph);
        } catch (e) {
          error = e;
        }
        expect(error, call.name).toBeInstanceOf(GenealogyError);
        expect(error).toMatchObject({ code: call.code, argument: call.argument });
        expect((error as Error).message).toContain(call.argument.split('[')[0]);
        expect(snapshotOf(graph)).toEqual(before);
        // and it still takes good input
        graph.addEdges([0], [0], [1]);
        expect(graph.edgeCount).toBe(before.edges + 1);
        graph.dispose();
      }),
      { numRuns: 300 },
    );
  });

  it('create() validates everything up front', async () => {
    const kinds = Uint8Array.of(0, 0, 1);
    const cases: [Parameters<typeof Graph.create>, string, string][] = [
      [[{ kinds, src: Int32Array.of(0, 1), dst: Int32Array.of(1) }], 'LENGTH_MISMATCH', 'dst'],
      [
        [{ kinds, src: Int32Array.of(0), dst: Int32Array.of(1), qty: Float64Array.of(1, 2) }],
        'LENGTH_MISMATCH',
        'qty',
      ],
      [[{ kinds, src: Int32Array.of(0, 3), dst: Int32Array.of(1, 1) }], 'OUT_OF_RANGE', 'src[1]'],
      [
        [{ kinds, src: Int32Array.of(0, 1, 2, 0, 1), dst: Int32Array.of(1, 1, 1, 1, -1) }],
        'OUT_OF_RANGE',
        'dst[4]',
      ],
      [
        [{ kinds, src: Int32Array.of(0), dst: Int32Array.of(1), qty: Float64Array.of(-0.5) }],
        'INVALID_QUANTITY',
        'qty[0]',
      ],
      [
        [{ kinds, src: Int32Array.of(0), dst: Int32Array.of(1), qty: Float64Array.of(Number.NaN) }],
        'INVALID_QUANTITY',
        'qty[0]',
      ],
      [[{ src: Int32Array.of(0) }], 'LENGTH_MISMATCH', 'dst'],
      [[{ kinds: [0, 999] as unknown as Uint8Array }], 'INVALID_ARGUMENT', 'kinds[1]'],
      [[{}, { compactThreshold: 0 }], 'INVALID_ARGUMENT', 'options.compactThreshold'],
      [[null as never], 'INVALID_ARGUMENT', 'input'],
    ];
    for (const [args, code, argument] of cases) {
      await expect(Graph.create(...args)).rejects.toMatchObject({ name: 'GenealogyError', code, argument });
    }
  });

  it('every call after dispose() throws DISPOSED', async () => {
    const g = await Graph.create({
      kinds: Uint8Array.of(0, 1),
      src: Int32Array.of(0),
      dst: Int32Array.of(1),
    });
    g.dispose();
    expect(g.disposed).toBe(true);
    const calls: (() => unknown)[] = [
      () => g.nodeCount,
      () => g.edgeCount,
      () => g.byteLength,
      () => g.forward([0]),
      () => g.backward([0]),
      () => g.recallScope([0]),
      () => g.exposure([0]),
      () => g.path(0, 1),
      () => g.addNodes([0]),
      () => g.addEdges([0], [1]),
      () => g.toBytes(),
      () => g.compact(),
      () => g.successors(0),
      () => g.kindOf(0),
    ];
    for (const call of calls) expect(call).toThrow(expect.objectContaining({ code: 'DISPOSED' }));
  });

  it('an empty graph is fine', async () => {
    const g = await Graph.create();
    expect(g.nodeCount).toBe(0);
    expect(g.edgeCount).toBe(0);
    expect(Array.from(g.forward([]))).toEqual([]);
    expect(() => g.forward([0])).toThrow(expect.objectContaining({ code: 'OUT_OF_RANGE' }));
    const first = g.addNodes([1, 2]);
    expect(first).toBe(0);
    g.addEdges([0], [1], [3]);
    expect(Array.from(g.forward([0]))).toEqual([0, 1]);
    const copy = await Graph.fromBytes(g.toBytes());
    expect(copy.nodeCount).toBe(2);
    g.dispose();
    copy.dispose();
  });
});
