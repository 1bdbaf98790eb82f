/**
 * The genealogy pack shared by the SQL adapters: every genealogy node and edge up to a ledger seq, kept as
 * typed arrays in one row, so that opening a large store reads a few blobs instead of millions of rows.
 * The pack is a cache: the `nodes` and `edges` tables stay the truth, and rows appended after the pack are
 * streamed from them.
 *
 * @module
 */
import type { GenealogyChunk } from '@lotgraph/sdk';

/** True on little-endian hosts (packs are stored little-endian; other hosts ignore them). */
export const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** The genealogy pack: every node and edge up to a seq, as typed arrays (see `genealogy_pack`). */
export interface GenealogyPack {
  uptoSeq: number;
  nodeCount: number;
  edgeCount: number;
  kinds: Uint8Array;
  refs: string[];
  src: Int32Array;
  dst: Int32Array;
  qty: Float64Array;
}

/** Chunks collected from a stream. */
export interface Collector {
  chunks: GenealogyChunk[];
  add(c: GenealogyChunk): void;
  rows(): number;
  concat(): { kinds: Uint8Array; refs: string[]; src: Int32Array; dst: Int32Array; qty: Float64Array };
}

/** Collects streamed chunks (to write a pack from a stream that was read anyway). */
export function newCollector(): Collector {
  const chunks: GenealogyChunk[] = [];
  let rows = 0;
  return {
    chunks,
    add(c) {
      chunks.push(c);
      rows += c.type === 'nodes' ? c.kinds.length : c.src.length;
    },
    rows: () => rows,
    concat() {
      const nodes = chunks.filter((c) => c.type === 'nodes');
      const edges = chunks.filter((c) => c.type === 'edges');
      const n = nodes.reduce((s, c) => s + c.kinds.length, 0);
      const m = edges.reduce((s, c) => s + c.src.length, 0);
      const kinds = new Uint8Array(n);
      const refs: string[] = [];
      let o = 0;
      for (const c of nodes) {
        kinds.set(c.kinds, o);
        o += c.kinds.length;
        for (const r of c.refs) refs.push(r);
      }
      const src = new Int32Array(m);
      const dst = new Int32Array(m);
      const qty = new Float64Array(m);
      o = 0;
      for (const c of edges) {
        src.set(c.src, o);
        dst.set(c.dst, o);
        qty.set(c.qty, o);
        o += c.src.length;
      }
      return { kinds, refs, src, dst, qty };
    },
  };
}
