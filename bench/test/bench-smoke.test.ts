// Smoke test of the benchmark workspace: the generator is deterministic and has the promised shape, and the
// baselines agree with each other (and with core-wasm) on a small generated graph. No timing assertions.
import { GenealogyGraph } from '@lotgraph/core-wasm';
import { describe, expect, it } from 'vitest';
// @ts-expect-error — plain ESM JavaScript, no declarations
import { CsrGraph } from '../src/baselines/csr.mjs';
// @ts-expect-error — plain ESM JavaScript, no declarations
import { NaiveGraph } from '../src/baselines/naive.mjs';
// @ts-expect-error — plain ESM JavaScript, no declarations
import { generate, keyToId, nodeKey, randomSets, records } from '../src/generator.mjs';
// @ts-expect-error — plain ESM JavaScript, no declarations
import { parseSize } from '../src/run.mjs';

const sorted = (a: ArrayLike<number>) => Int32Array.from(a).sort();

function hasCycle(n: number, src: Int32Array, dst: Int32Array): boolean {
  // Kahn's algorithm: a cycle exists iff not every node can be removed.
  const indeg = new Int32Array(n);
  for (const d of dst) indeg[d]!++;
  const off = new Int32Array(n + 1);
  for (const s of src) off[s + 1]!++;
  for (let i = 0; i < n; i++) off[i + 1]! += off[i]!;
  const fill = off.slice(0, n);
  const tgt = new Int32Array(src.length);
  for (let i = 0; i < src.length; i++) tgt[fill[src[i]!]!++] = dst[i]!;
  const q: number[] = [];
  for (let i = 0; i < n; i++) if (indeg[i] === 0) q.push(i);
  let removed = 0;
  while (q.length) {
    const u = q.pop()!;
    removed++;
    for (let e = off[u]!; e < off[u + 1]!; e++) if (--indeg[tgt[e]!]! === 0) q.push(tgt[e]!);
  }
  return removed < n;
}

describe('generator', () => {
  const g = generate(20_000, { seed: 11 });

  it('is deterministic for a seed and differs across seeds', () => {
    const h = generate(20_000, { seed: 11 });
    expect(h.counts).toEqual(g.counts);
    expect(Buffer.from(h.src.buffer).equals(Buffer.from(g.src.buffer))).toBe(true);
    expect(Buffer.from(h.dst.buffer).equals(Buffer.from(g.dst.buffer))).toBe(true);
    expect(Buffer.from(h.qty.buffer).equals(Buffer.from(g.qty.buffer))).toBe(true);
    expect(Buffer.from(h.kinds.buffer).equals(Buffer.from(g.kinds.buffer))).toBe(true);
    const other = generate(20_000, { seed: 12 });
    expect(Buffer.from(other.src.buffer).equals(Buffer.from(g.src.buffer))).toBe(false);
  });

  it('has the promised shape', () => {
    const { kinds, src, dst, qty, counts } = g;
    expect(counts.lots).toBe(20_000);
    expect(kinds.length).toBe(counts.nodes);
    expect(counts.nodes).toBe(counts.lots + counts.deliveries + counts.customers);
    expect(counts.customers).toBeGreaterThanOrEqual(1000);
    expect(src.length).toBe(counts.edges);
    expect(dst.length).toBe(src.length);
    expect(qty.length).toBe(src.length);
    let badKind = -1;
    for (let i = 0; i < kinds.length; i++) {
      if (kinds[i] !== (i < counts.lots ? 0 : i < counts.lots + counts.deliveries ? 1 : 2)) badKind = i;
    }
    expect(badKind).toBe(-1);
    let zero = 0;
    for (let i = 0; i < src.length; i++) {
      if (!(src[i]! >= 0 && src[i]! < counts.nodes && dst[i]! >= 0 && dst[i]! < counts.nodes)) {
        throw new Error(`edge ${i} out of range`);
      }
      if (!(Number.isFinite(qty[i]!) && qty[i]! >= 0)) throw new Error(`qty ${i} invalid`);
      if (qty[i] === 0) zero++;
      // customers are sinks; deliveries only point at customers
      if (kinds[src[i]!] === 2) throw new Error(`edge ${i} leaves a customer`);
      if (kinds[src[i]!] === 1 && kinds[dst[i]!] !== 2) throw new Error(`edge ${i}: delivery → non-customer`);
    }
    expect(zero).toBeGreaterThan(0); // edge quantities include zeros

    // intermediate batches have 2–8 inputs
    const indeg = new Int32Array(counts.nodes);
    const outdeg = new Int32Array(counts.nodes);
    for (let i = 0; i < src.length; i++) {
      indeg[dst[i]!]!++;
      outdeg[src[i]!]!++;
    }
    for (const b of g.samples.intermediateLots) {
      if (indeg[b]! < 2 || indeg[b]! > 8) throw new Error(`batch ${b} has ${indeg[b]} inputs`);
    }
    // heavy hitters feed far more batches than typical raw lots
    let typical = 0;
    for (const r of g.samples.typicalRawLots) typical += outdeg[r]!;
    typical /= g.samples.typicalRawLots.length;
    for (const h of g.samples.heavyHitterLots) expect(outdeg[h]).toBeGreaterThan(20 * typical);
    // each silo feeds hundreds of batches at 20k lots (thousands at 100k and above)
    expect(
      Math.min(...Array.from(g.samples.heavyHitterLots as Int32Array, (h) => outdeg[h]!)),
    ).toBeGreaterThan(200);
  });

  it('contains at least one cycle (rework loops)', () => {
    expect(hasCycle(g.counts.nodes, g.src, g.dst)).toBe(true);
  });

  it('string records describe the same graph', () => {
    let nodes = 0;
    let edges = 0;
    let bad = 0;
    for (const r of records(g)) {
      if (r.type === 'node') {
        if (keyToId(r.key) !== nodes) bad++;
        nodes++;
      } else {
        if (keyToId(r.from) !== g.src[edges] || keyToId(r.to) !== g.dst[edges]) bad++;
        edges++;
      }
    }
    expect(bad).toBe(0);
    expect(nodes).toBe(g.counts.nodes);
    expect(edges).toBe(g.counts.edges);
  });
});

describe('baselines agree', () => {
  const g = generate(5_000, { seed: 3 });
  const csr = new CsrGraph(g.kinds, g.src, g.dst);
  const naive = new NaiveGraph(records(g));
  const sets = [
    ...randomSets(g.samples.typicalRawLots, 10, 10, 1),
    ...randomSets(g.samples.heavyHitterLots, 10, 3, 2),
    ...randomSets(g.samples.finishedLots, 1, 10, 3),
    ...randomSets(g.samples.reworkLots, 1, 2, 4),
  ];
  const keys = (s: Int32Array) => Array.from(s, (id) => nodeKey(g, id) as string);

  it('CSR and naive Map give the same forward and backward closures and recall counts', () => {
    for (const s of sets) {
      const f = sorted(csr.forward(s));
      expect(sorted(naive.forward(keys(s)).map(keyToId))).toEqual(f);
      expect(sorted(naive.backward(keys(s)).map(keyToId))).toEqual(sorted(csr.backward(s)));
      // each node once
      expect(new Set(f).size).toBe(f.length);
      const r = csr.recallScope(s);
      const nr = naive.recallScope(keys(s));
      expect([nr.byKind.lot.length, nr.byKind.delivery.length, nr.byKind.customer.length]).toEqual([
        r.countByKind[0],
        r.countByKind[1],
        r.countByKind[2],
      ]);
    }
  });

  it('core-wasm gives the same closures as the baselines', async () => {
    const w = await GenealogyGraph.create({ kinds: g.kinds, src: g.src, dst: g.dst, qty: g.qty });
    try {
      for (const s of sets) {
        expect(sorted(w.forward(s))).toEqual(sorted(csr.forward(s)));
        expect(sorted(w.backward(s))).toEqual(sorted(csr.backward(s)));
        expect(Array.from(w.recallScope(s).countByKind.subarray(0, 3))).toEqual(
          Array.from(csr.recallScope(s).countByKind.subarray(0, 3)),
        );
      }
    } finally {
      w.dispose();
    }
  });

  it('parses sizes', () => {
    expect(parseSize('100k')).toBe(100_000);
    expect(parseSize('1m')).toBe(1_000_000);
    expect(parseSize('5M')).toBe(5_000_000);
  });
});
