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
        const width = { none: 0, float32: 4, decimal: 4, float64: 8 }[graph.quantityEncoding];
        const at = Math.ceil((16 + graph.nodeCount) / 4) * 4 + 8 * graph.edgeCount;
        expect(bytes.length).toBe((width === 8 ? Math.ceil(at / 8) * 8 : at) + width * graph.edgeCount);
        const copy = await GenealogyGraph.fromBytes(bytes);
        expect(copy.quantityEncoding).toBe(graph.quantityEncoding);
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
    expect(view.getUint16(6, true)).toBe(2); // quantities as 32-bit decimal words
    expect(view.getUint32(8, true)).toBe(3);
    expect(view.getUint32(12, true)).toBe(2);
    expect(bytes.length).toBe(16 + 3 + 1 + 8 + 8 + 8); // header, kinds, pad, src, dst, qty words
    expect(view.getUint32(36, true)).toBe((1 << 29) | 15); // 1.5 = 15 / 10^1 (smallest scale: one word per value)
    expect(view.getUint32(40, true)).toBe(2); // 2 = 2 / 10^0
    // float32 (2^-10 has no decimal word with at most 7 places) and float64 (0.1 + 0.2) sections
    for (const [q, flags, width, at] of [
      [2 ** -10, 1, 4, 36],
      [0.1 + 0.2, 3, 8, 40],
    ] as const) {
      const h = await GenealogyGraph.create({
        kinds: Uint8Array.of(0, 1, 2),
        src: Int32Array.of(0),
        dst: Int32Array.of(1),
        qty: Float64Array.of(q),
      });
      h.addEdges([1], [2]); // quantity unknown
      const b = h.toBytes();
      const v = new DataView(b.buffer, b.byteOffset, b.byteLength);
      expect(v.getUint16(6, true)).toBe(flags);
      expect(b.length).toBe(at + 2 * width);
      expect(width === 4 ? v.getFloat32(at, true) : v.getFloat64(at, true)).toBe(q);
      const back = await GenealogyGraph.fromBytes(b);
      expect(Array.from(back.successors(0).qty)).toEqual([q]);
      expect(Array.from(back.successors(1).qty)).toEqual([Number.NaN]);
      h.dispose();
      back.dispose();
    }
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
    version[4] = 3;
    await expectBadSnapshot(version);
    const flags = bytes.slice();
    flags[6] = 4;
    await expectBadSnapshot(flags);
    const wider = bytes.slice();
    wider[6] = 3; // float64 declared, 4-byte words present: the lengths disagree
    await expectBadSnapshot(wider);
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
    // n = 2: kinds at 16, src at 20, dst at 24, one decimal word at 28
    expect(bytes.length).toBe(32);
    const badDst = bytes.slice();
    view(badDst).setInt32(24, 2, true);
    await expectBadSnapshot(badDst);
    const negSrc = bytes.slice();
    view(negSrc).setInt32(20, -1, true);
    await expectBadSnapshot(negSrc);
    for (const k of [0, 3, 6]) {
      const reserved = bytes.slice(); // mantissa 2^29 - 1 is never written
      view(reserved).setUint32(28, (k << 29) | 0x1fffffff, true);
      await expectBadSnapshot(reserved);
    }
    const unknown = bytes.slice();
    view(unknown).setUint32(28, 0xffffffff, true);
    const loaded = await GenealogyGraph.fromBytes(unknown);
    expect(Array.from(loaded.successors(0).qty)).toEqual([Number.NaN]);
    loaded.dispose();
    // float32 and float64 sections: negative and infinite values are refused
    for (const [q, put] of [
      [2 ** -10, (b: Uint8Array, x: number) => view(b).setFloat32(28, x, true)],
      [0.1 + 0.2, (b: Uint8Array, x: number) => view(b).setFloat64(32, x, true)],
    ] as const) {
      const h = await GenealogyGraph.create({
        kinds: Uint8Array.of(0, 1),
        src: Int32Array.of(0),
        dst: Int32Array.of(1),
        qty: Float64Array.of(q),
      });
      for (const x of [-1, Infinity]) {
        const b = h.toBytes();
        put(b, x);
        await expectBadSnapshot(b);
      }
      h.dispose();
    }
    g.dispose();
  });

  it('reads version 1 snapshots (float64 quantity section)', async () => {
    // n = 3, m = 2: kinds at 16, pad to 20, src at 20, dst at 28, pad to 40, f64 at 40
    const bytes = new Uint8Array(56);
    const view = new DataView(bytes.buffer);
    view.setUint32(0, SNAPSHOT_MAGIC, true);
    view.setUint16(4, 1, true);
    view.setUint16(6, 1, true);
    view.setUint32(8, 3, true);
    view.setUint32(12, 2, true);
    bytes.set([0, 1, 2], 16);
    view.setInt32(20, 0, true);
    view.setInt32(24, 1, true);
    view.setInt32(28, 1, true);
    view.setInt32(32, 2, true);
    view.setFloat64(40, 2.5, true);
    view.setFloat64(48, Number.NaN, true);
    const g = await GenealogyGraph.fromBytes(bytes);
    expect(Array.from(g.forward([0]))).toEqual([0, 1, 2]);
    expect(Array.from(g.successors(0).qty)).toEqual([2.5]);
    expect(Array.from(g.successors(1).qty)).toEqual([Number.NaN]);
    expect(g.kindOf(2)).toBe(2);
    const v2 = g.toBytes(); // written back in the current version, as decimal words
    expect(new DataView(v2.buffer).getUint16(4, true)).toBe(SNAPSHOT_VERSION);
    expect(new DataView(v2.buffer).getUint16(6, true)).toBe(2);
    const flags = bytes.slice();
    flags[6] = 2; // version 1 had only bit 0
    await expectBadSnapshot(flags);
    g.dispose();
  });
});
