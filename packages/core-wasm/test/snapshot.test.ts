// toBytes / fromBytes: round trips (also with appended, uncompacted edges) and rejects damaged snapshots.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { GenealogyError, GenealogyGraph, SNAPSHOT_MAGIC, SNAPSHOT_VERSION } from '../src/index.js';
import { buildInPieces, edgeMultiset, pairs, planArb } from './plan.js';

function edgesOf(g: GenealogyGraph): string[] {
  const out: string[] = [];
  for (let v = 0; v < g.nodeCount; v++) {
    const s = g.successors(v);
    out.push(...edgeMultiset(s.nodes, s.qty).map((e) => `${v}>${e}`));
  }
  return out.sort();
}

function expectBadSnapshot(bytes: Uint8Array) {
  return expect(GenealogyGraph.fromBytes(bytes)).rejects.toMatchObject({
    code: 'BAD_SNAPSHOT',
    argument: 'bytes',
  });
}

describe('snapshots', () => {
  it('round trip keeps kinds, edges with quantities (unknown too) and every answer', async () => {
    await fc.assert(
      fc.asyncProperty(planArb(), async (plan) => {
        const { graph, reference } = await buildInPieces(plan); // often with pending appended edges
        const bytes = graph.toBytes();
        const copy = await GenealogyGraph.fromBytes(bytes);
        expect(copy.nodeCount).toBe(graph.nodeCount);
        expect(copy.edgeCount).toBe(graph.edgeCount);
        expect(edgesOf(copy)).toEqual(edgesOf(graph));
        for (let v = 0; v < copy.nodeCount; v++) {
          expect(copy.kindOf(v)).toBe(reference.kinds[v]);
          const f = copy.forwardWithDepth([v]);
          expect(pairs(f.nodes, f.depth)).toEqual(
            [...reference.closure('forward', [v])].sort((a, b) => a[0] - b[0]),
          );
        }
        // once loaded, the encoding is canonical: a second round trip gives the same bytes
        const again = await GenealogyGraph.fromBytes(copy.toBytes());
        expect(Array.from(again.toBytes())).toEqual(Array.from(copy.toBytes()));
        again.dispose();
        graph.dispose();
        copy.dispose();
      }),
      { numRuns: 150 },
    );
  });

  it('has the documented header', async () => {
    const g = await GenealogyGraph.create({
      kinds: Uint8Array.of(0, 1, 2),
      src: Int32Array.of(0, 1),
      dst: Int32Array.of(1, 2),
      qty: Float64Array.of(1.5, 2),
    });
    const bytes = g.toBytes();
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    expect(String.fromCharCode(...bytes.subarray(0, 4))).toBe('LGGR');
    expect(view.getUint32(0, true)).toBe(SNAPSHOT_MAGIC);
    expect(view.getUint16(4, true)).toBe(SNAPSHOT_VERSION);
    expect(view.getUint16(6, true)).toBe(1); // quantities present
    expect(view.getUint32(8, true)).toBe(3);
    expect(view.getUint32(12, true)).toBe(2);
    expect(bytes.length).toBe(16 + 3 + 1 + 8 + 8 + 4 + 16); // header, kinds, pad, src, dst, pad, qty
    // a graph without quantities has no quantity section
    const bare = await GenealogyGraph.create({
      kinds: Uint8Array.of(0, 0),
      src: Int32Array.of(0),
      dst: Int32Array.of(1),
    });
    expect(bare.toBytes().length).toBe(16 + 4 + 8);
    g.dispose();
    bare.dispose();
  });

  it('rejects truncation at every length, wrong magic, wrong version, unknown flags, trailing bytes', async () => {
    const g = await GenealogyGraph.create({
      kinds: Uint8Array.of(0, 1, 2),
      src: Int32Array.of(0, 1, 1),
      dst: Int32Array.of(1, 2, 2),
      qty: Float64Array.of(1, 2, 3),
    });
    const bytes = g.toBytes();
    for (let len = 0; len < bytes.length; len++) await expectBadSnapshot(bytes.slice(0, len));
    const magic = bytes.slice();
    magic[0] = 0x58;
    await expectBadSnapshot(magic);
    const version = bytes.slice();
    version[4] = 2;
    await expectBadSnapshot(version);
    const flags = bytes.slice();
    flags[6] = 3;
    await expectBadSnapshot(flags);
    await expectBadSnapshot(Uint8Array.from([...bytes, 0]));
    const err = await GenealogyGraph.fromBytes(bytes.slice(0, 10)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GenealogyError);
    // an unaligned copy of a good snapshot is fine
    const shifted = new Uint8Array(bytes.length + 1);
    shifted.set(bytes, 1);
    const copy = await GenealogyGraph.fromBytes(shifted.subarray(1));
    expect(Array.from(copy.forward([0]))).toEqual([0, 1, 2]);
    g.dispose();
    copy.dispose();
  });

  it('rejects edges outside the node range and negative or infinite quantities', async () => {
    const g = await GenealogyGraph.create({
      kinds: Uint8Array.of(0, 1),
      src: Int32Array.of(0),
      dst: Int32Array.of(1),
      qty: Float64Array.of(4),
    });
    const bytes = g.toBytes();
    const view = (b: Uint8Array) => new DataView(b.buffer);
    // n = 2: kinds at 16, src at 20, dst at 24, qty at 32
    expect(bytes.length).toBe(40);
    const badDst = bytes.slice();
    view(badDst).setInt32(24, 2, true);
    await expectBadSnapshot(badDst);
    const negSrc = bytes.slice();
    view(negSrc).setInt32(20, -1, true);
    await expectBadSnapshot(negSrc);
    for (const q of [-1, Infinity]) {
      const badQty = bytes.slice();
      view(badQty).setFloat64(32, q, true);
      await expectBadSnapshot(badQty);
    }
    g.dispose();
  });
});
