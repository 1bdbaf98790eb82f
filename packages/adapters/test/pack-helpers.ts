// Shared by the SQLite and PostgreSQL genealogy-pack tests: random sequences of appends, pack rebuilds and
// streams, each stream compared with what the in-memory reference store streams for the same ledger.
import { MemoryStore, type ProjectionChange, type Store } from '@lotgraph/sdk';
import { makeTestEvent } from '@lotgraph/sdk/testing';
import fc from 'fast-check';
import { expect } from 'vitest';

/** One step: append an event with some nodes and edges, rebuild the pack, or stream (and compare). */
export type PackStep =
  | { t: 'append'; nodes: number; edges: number }
  | { t: 'pack' }
  | { t: 'stream'; since: number; until: number | undefined; batch: number };

/** A store with a genealogy pack. */
export type PackStore = Store & { packGenealogy(): Promise<void> };

// Keep the shape of these arbitraries: a reported seed and path replay only against the same generators.
export const packStep: fc.Arbitrary<PackStep> = fc.oneof(
  fc.record({
    t: fc.constant('append' as const),
    nodes: fc.integer({ min: 0, max: 5 }),
    edges: fc.integer({ min: 0, max: 6 }),
  }),
  fc.record({ t: fc.constant('pack' as const) }),
  fc.record({
    t: fc.constant('stream' as const),
    since: fc.integer({ min: 0, max: 12 }),
    until: fc.option(fc.integer({ min: 0, max: 12 }), { nil: undefined }),
    batch: fc.integer({ min: 1, max: 7 }),
  }),
);
export const packSteps = fc.array(packStep, { minLength: 1, maxLength: 25 });
export const packThreshold = fc.integer({ min: 1, max: 10 });

/**
 * The steps fast-check found with seed -1851919563 (path 33:5:3:4:11:15:13:14:16:16:16:16:2:2:5:4:5), with
 * packThreshold 1: the stream asked until seq 3 while the head was 2 wrote a pack claiming "up to seq 3",
 * so the edge appended at seq 3 was never streamed again.
 */
export const SEED_1851919563: { steps: PackStep[]; threshold: number } = {
  steps: [
    { t: 'append', nodes: 0, edges: 0 },
    { t: 'append', nodes: 1, edges: 0 },
    { t: 'stream', since: 0, until: 3, batch: 1 },
    { t: 'append', nodes: 0, edges: 1 },
    { t: 'stream', since: 0, until: undefined, batch: 1 },
  ],
  threshold: 1,
};

/** Flatten a stream into comparable arrays (chunk boundaries may differ; content and order may not). */
export async function flat(store: Store, opts: { sinceSeq?: number; untilSeq?: number; batchSize?: number }) {
  const ids: number[] = [];
  const kinds: number[] = [];
  const refs: string[] = [];
  const edges: number[] = [];
  for await (const c of store.streamGenealogy(opts)) {
    if (c.type === 'nodes') {
      expect(edges, 'nodes come before edges').toEqual([]);
      expect(c.kinds.length).toBeLessThanOrEqual(opts.batchSize ?? 65536);
      c.kinds.forEach((k, i) => {
        ids.push(c.firstId + i);
        kinds.push(k);
        refs.push(c.refs[i]!);
      });
    } else {
      expect(c.src.length).toBeLessThanOrEqual(opts.batchSize ?? 65536);
      c.src.forEach((s, i) => {
        edges.push(s, c.dst[i]!, c.qty[i]!);
      });
    }
  }
  return { ids, kinds, refs, edges };
}

/**
 * Run the steps against `store` and a MemoryStore side by side: every stream step, and a final full
 * stream, must give the same nodes and edges. Returns the final full stream of `store`.
 */
export async function runPackSteps(store: PackStore, steps: readonly PackStep[]) {
  const mem = new MemoryStore();
  let nodes = 0;
  for (const s of steps) {
    if (s.t === 'append') {
      const h = await mem.head();
      const seq = h.seq + 1;
      const changes: ProjectionChange[] = [];
      if (s.nodes > 0)
        changes.push({
          type: 'addNodes',
          firstId: nodes,
          seq,
          nodes: Array.from({ length: s.nodes }, (_, i) => ({ kind: i % 3, ref: `n${nodes + i}` })),
        });
      nodes += s.nodes;
      if (nodes > 0 && s.edges > 0)
        changes.push({
          type: 'addEdges',
          edges: Array.from({ length: s.edges }, (_, i) => ({
            src: (seq * 7 + i) % nodes,
            dst: (seq * 3 + i * 5) % nodes,
            quantity: BigInt(seq * 1000 + i),
            scale: 3,
            seq,
          })),
        });
      const ev = await makeTestEvent(seq, h.hash, `k${seq}`);
      await mem.append({ expectedSeq: h.seq, events: [ev], changes });
      await store.append({ expectedSeq: h.seq, events: [ev], changes });
    } else if (s.t === 'pack') {
      await store.packGenealogy();
    } else {
      const opts = { sinceSeq: s.since, untilSeq: s.until, batchSize: s.batch };
      expect(await flat(store, opts)).toEqual(await flat(mem, opts));
    }
  }
  const all = await flat(store, {});
  expect(all).toEqual(await flat(mem, {}));
  return all;
}
