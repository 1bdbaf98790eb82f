// A graph big enough to cross the staging chunk size (65,536 edges) on create, append and roots.
import { describe, expect, it } from 'vitest';
import { GenealogyGraph } from '../src/index.js';
import { ReferenceGraph } from '../src/reference.js';

function lcg(seed: number) {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

describe('large graphs', () => {
  it('150k nodes / 300k edges (+ 70k appended): closures, scope and path match the reference', async () => {
    const rand = lcg(42);
    const n = 150_000;
    const m = 300_000;
    const kinds = Uint8Array.from({ length: n }, () => Math.floor(rand() * 3));
    // mostly "downstream" edges (higher id) with some back edges, so there are long chains and cycles
    const edge = () => {
      const s = Math.floor(rand() * n);
      const d = rand() < 0.97 ? Math.min(n - 1, s + 1 + Math.floor(rand() * 50)) : Math.floor(rand() * n);
      return [s, d] as const;
    };
    const src = new Int32Array(m);
    const dst = new Int32Array(m);
    const qty = new Float64Array(m);
    for (let i = 0; i < m; i++) [src[i], dst[i], qty[i]] = [...edge(), Math.floor(rand() * 100)];
    const graph = await GenealogyGraph.create({ kinds, src, dst, qty }, { compactThreshold: 100_000 });
    const reference = new ReferenceGraph(kinds, src, dst, qty);
    const more = Array.from({ length: 70_000 }, edge);
    graph.addEdges(
      more.map((e) => e[0]),
      more.map((e) => e[1]),
    );
    reference.addEdges(
      more.map((e) => e[0]),
      more.map((e) => e[1]),
    );
    expect(graph.pendingEdgeCount).toBe(70_000);
    const sorted = (a: Iterable<number>) => Array.from(a).sort((x, y) => x - y);
    const check = () => {
      for (const roots of [
        [0],
        [n - 1],
        [12_345, 99_999, 12_345],
        Array.from({ length: 70_000 }, (_, i) => i * 2),
      ]) {
        expect(sorted(graph.forward(roots))).toEqual(sorted(reference.closure('forward', roots).keys()));
        expect(sorted(graph.backward(roots, { maxDepth: 3 }))).toEqual(
          sorted(reference.closure('backward', roots, 3).keys()),
        );
      }
      const scope = graph.recallScope([777]);
      expect(Array.from(scope.countByKind)).toEqual(reference.recallScope([777]).countByKind);
      const chain = graph.path(5, n - 2);
      expect(chain?.length ?? null).toBe(reference.shortestPathLength(5, n - 2));
      if (chain) expect(reference.isChain(chain)).toBe(true);
    };
    check();
    const copy = await GenealogyGraph.fromBytes(graph.toBytes());
    expect(copy.edgeCount).toBe(m + 70_000);
    graph.compact();
    expect(graph.pendingEdgeCount).toBe(0);
    check();
    expect(sorted(copy.forward([3]))).toEqual(sorted(graph.forward([3])));
    graph.dispose();
    copy.dispose();
  });

  it('many append/compaction rounds (memory blocks grown, moved and reused) keep answering right', async () => {
    const rand = lcg(7);
    const n = 20_000;
    const kinds = Uint8Array.from({ length: n }, () => Math.floor(rand() * 3));
    const graph = await GenealogyGraph.create({ kinds }, { compactThreshold: 3_000 });
    const reference = new ReferenceGraph(kinds);
    const sorted = (a: Iterable<number>) => Array.from(a).sort((x, y) => x - y);
    for (let round = 0; round < 25; round++) {
      const size = 1 + Math.floor(rand() * 4_000);
      const src = Array.from({ length: size }, () => Math.floor(rand() * n));
      const dst = src.map((s) => Math.min(n - 1, s + 1 + Math.floor(rand() * 200)));
      const qty =
        round % 3 === 0 ? undefined : src.map(() => (round > 12 ? rand() : Math.floor(rand() * 50)));
      graph.addEdges(src, dst, qty);
      reference.addEdges(src, dst, qty);
      if (round % 5 === 4) graph.addNodes([1, 2]);
      if (round % 5 === 4) reference.addNodes([1, 2]);
      const root = Math.floor(rand() * n);
      expect(sorted(graph.forward([root]))).toEqual(sorted(reference.closure('forward', [root]).keys()));
      expect(sorted(graph.backward([root]))).toEqual(sorted(reference.closure('backward', [root]).keys()));
      expect(graph.path(root, n - 1)?.length ?? null).toBe(reference.shortestPathLength(root, n - 1));
      expect(graph.exposure([root]).nodes.length).toBe(reference.closure('forward', [root]).size);
      expect(graph.edgeCount).toBe(reference.edgeCount);
    }
    const v = 12_345;
    const out = graph.successors(v);
    expect(Array.from(out.nodes, (d, i) => `${d}:${out.qty[i]}`).sort()).toEqual(
      reference
        .successors(v)
        .map((e) => `${e.node}:${e.qty}`)
        .sort(),
    );
    graph.dispose();
  });
});
