import { beforeEach, describe, expect, it } from 'vitest';
import { bindSuite, collect, expectCode, type SuiteState } from './conformance-kit.js';
import { type GenealogyEdge, NodeKind, type Store } from './port.js';

/** Store conformance: genealogy. */
export function genealogyConformance(s: SuiteState): void {
  let store: Store;
  beforeEach(() => {
    store = s.store;
  });
  const { put, snapshot } = bindSuite(() => store);

  describe('genealogy', () => {
    it('assigns dense node ids, finds them by ref, rejects a wrong firstId or a duplicate node', async () => {
      await put([
        {
          type: 'addNodes',
          firstId: 0,
          seq: 1,
          nodes: [
            { kind: NodeKind.LOT, ref: 'L1' },
            { kind: NodeKind.LOT, ref: 'L2' },
          ],
        },
        { type: 'addNodes', firstId: 2, seq: 1, nodes: [{ kind: NodeKind.CUSTOMER, ref: 'L1' }] },
      ]);
      expect(await store.head()).toMatchObject({ nodeCount: 3, edgeCount: 0 });
      const ids = await store.findNodeIds(NodeKind.LOT, ['L2', 'L1', 'missing']);
      expect([...ids.entries()].sort()).toEqual([
        ['L1', 0],
        ['L2', 1],
      ]);
      expect([...(await store.findNodeIds(NodeKind.CUSTOMER, ['L1'])).entries()]).toEqual([['L1', 2]]);
      const before = await snapshot();
      await expectCode(
        put([{ type: 'addNodes', firstId: 5, seq: 2, nodes: [{ kind: 0, ref: 'X' }] }]),
        'CONFLICT',
      );
      await expectCode(
        put([{ type: 'addNodes', firstId: 3, seq: 2, nodes: [{ kind: 0, ref: 'L1' }] }]),
        'CONFLICT',
      );
      await expectCode(
        put([
          {
            type: 'addNodes',
            firstId: 3,
            seq: 2,
            nodes: [
              { kind: 0, ref: 'Y' },
              { kind: 0, ref: 'Y' },
            ],
          },
        ]),
        'CONFLICT',
      );
      expect(await snapshot()).toEqual(before);
    });

    it('stores edges with exact quantities, lists them by src/dst, and streams typed-array chunks', async () => {
      await put([
        {
          type: 'addNodes',
          firstId: 0,
          seq: 1,
          nodes: [0, 1, 2, 3, 4].map((i) => ({
            kind: i === 4 ? NodeKind.DELIVERY : NodeKind.LOT,
            ref: `N${i}`,
          })),
        },
        {
          type: 'addEdges',
          edges: [
            { src: 0, dst: 2, quantity: 1_500n, scale: 3, seq: 1 },
            { src: 1, dst: 2, quantity: 2n ** 60n, scale: 0, seq: 1 },
          ],
        },
      ]);
      await put([
        { type: 'addNodes', firstId: 5, seq: 2, nodes: [{ kind: NodeKind.CUSTOMER, ref: 'C' }] },
        {
          type: 'addEdges',
          edges: [
            { src: 2, dst: 3, quantity: 7n, scale: 1, seq: 2 },
            { src: 3, dst: 4, quantity: 5n, scale: 1, seq: 2 },
            { src: 4, dst: 5, quantity: 5n, scale: 1, seq: 2 },
          ],
        },
      ]);
      expect(await store.head()).toMatchObject({ seq: 2, nodeCount: 6, edgeCount: 5 });
      expect(await store.listEdges({ dst: [2] })).toEqual([
        { src: 0, dst: 2, quantity: 1_500n, scale: 3, seq: 1 },
        { src: 1, dst: 2, quantity: 2n ** 60n, scale: 0, seq: 1 },
      ]);
      expect((await store.listEdges({ src: [2, 4] })).map((e) => [e.src, e.dst])).toEqual([
        [2, 3],
        [4, 5],
      ]);
      expect(await store.listEdges({ src: [] })).toEqual([]);
      await expectCode(
        put([{ type: 'addEdges', edges: [{ src: 0, dst: 99, quantity: 1n, scale: 0, seq: 3 }] }]),
        'VALIDATION_FAILED',
      );

      // streamEdges (when the store has it): listEdges({}) as columns, pages of at most batchSize, to a seq.
      if (store.streamEdges) {
        const all = await store.listEdges({});
        for (const [untilSeq, batchSize] of [
          [2, 2],
          [2, 1],
          [1, 5],
          [0, 3],
          [9, undefined],
        ] as const) {
          const got: GenealogyEdge[] = [];
          for await (const c of store.streamEdges({ untilSeq, ...(batchSize ? { batchSize } : {}) })) {
            expect(c.src).toBeInstanceOf(Int32Array);
            expect(c.src.length).toBeGreaterThan(0);
            expect(c.src.length).toBeLessThanOrEqual(batchSize ?? 65536);
            for (let i = 0; i < c.src.length; i++)
              got.push({
                src: c.src[i]!,
                dst: c.dst[i]!,
                quantity: c.quantity[i]!,
                scale: c.scale[i]!,
                seq: c.seq[i]!,
              });
          }
          expect(got).toEqual(all.filter((e) => e.seq <= untilSeq));
        }
      }

      const chunks = await collect(store.streamGenealogy({ batchSize: 2 }));
      const nodeChunks = chunks.filter((c) => c.type === 'nodes');
      const edgeChunks = chunks.filter((c) => c.type === 'edges');
      // nodes come first, then edges
      expect(chunks.findIndex((c) => c.type === 'edges')).toBe(nodeChunks.length);
      for (const c of chunks) {
        if (c.type === 'nodes') {
          expect(c.kinds).toBeInstanceOf(Uint8Array);
          expect(c.kinds.length).toBeLessThanOrEqual(2);
          expect(c.refs.length).toBe(c.kinds.length);
        } else {
          expect(c.src).toBeInstanceOf(Int32Array);
          expect(c.dst).toBeInstanceOf(Int32Array);
          expect(c.qty).toBeInstanceOf(Float64Array);
          expect(c.src.length).toBeLessThanOrEqual(2);
        }
      }
      let next = 0;
      const kinds: number[] = [];
      const refs: string[] = [];
      for (const c of nodeChunks) {
        if (c.type !== 'nodes') continue;
        expect(c.firstId).toBe(next);
        next += c.kinds.length;
        kinds.push(...c.kinds);
        refs.push(...c.refs);
      }
      expect(kinds).toEqual([0, 0, 0, 0, 1, 2]);
      expect(refs).toEqual(['N0', 'N1', 'N2', 'N3', 'N4', 'C']);
      const src: number[] = [];
      const dst: number[] = [];
      const qty: number[] = [];
      for (const c of edgeChunks) {
        if (c.type !== 'edges') continue;
        src.push(...c.src);
        dst.push(...c.dst);
        qty.push(...c.qty);
      }
      expect(src).toEqual([0, 1, 2, 3, 4]);
      expect(dst).toEqual([2, 2, 3, 4, 5]);
      expect(qty[0]).toBe(1.5);
      expect(qty[1]).toBe(2 ** 60);
      expect(qty[2]).toBeCloseTo(0.7, 12);

      // Incremental: only what events after seq 1 created.
      const later = await collect(store.streamGenealogy({ sinceSeq: 1 }));
      const laterNodes = later.filter((c) => c.type === 'nodes');
      expect(laterNodes).toHaveLength(1);
      expect(laterNodes[0]).toMatchObject({ type: 'nodes', firstId: 5, refs: ['C'] });
      const laterEdges = later.flatMap((c) => (c.type === 'edges' ? [...c.src] : []));
      expect(laterEdges).toEqual([2, 3, 4]);
      // Bounded: up to seq 1 only.
      const early = await collect(store.streamGenealogy({ untilSeq: 1 }));
      expect(early.flatMap((c) => (c.type === 'nodes' ? c.refs : []))).toEqual([
        'N0',
        'N1',
        'N2',
        'N3',
        'N4',
      ]);
      expect(early.flatMap((c) => (c.type === 'edges' ? [...c.dst] : []))).toEqual([2, 2]);
      expect(await collect(store.streamGenealogy({ sinceSeq: 2 }))).toEqual([]);
    });
  });
}
