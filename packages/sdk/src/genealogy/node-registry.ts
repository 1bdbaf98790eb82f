import type { NodeRef, RefEdge } from '../projection/types.js';
import type { GenealogyEdge, ProjectionChange } from '../store/port.js';

/** Genealogy changes resolved to dense ids, ready for the store and (after commit) for the index. */
export interface ResolvedGenealogy {
  changes: ProjectionChange[];
  firstId: number;
  newKinds: number[];
  newRefs: string[];
  edges: GenealogyEdge[];
}

/** 32-bit FNV-1a of `kind` and the UTF-16 code units of `ref`. */
function hashOf(kind: number, ref: string): number {
  let h = (0x811c9dc5 ^ kind) >>> 0;
  h = Math.imul(h, 0x01000193);
  for (let i = 0; i < ref.length; i++) h = Math.imul(h ^ ref.charCodeAt(i), 0x01000193);
  return h | 0;
}

/**
 * The mapping between genealogy node ids and domain refs (kind + ref), mirrored from the store.
 *
 * The ref → id lookup is an open-addressing hash table in typed arrays (slot → id + 1, and each node's
 * hash), not a `Map`: at a million nodes a `Map` costs tens of megabytes and most of the index's load
 * time (a `set` per node), where the table is two `Int32Array`s filled in one pass.
 */
export class NodeRegistry {
  readonly kinds: number[] = [];
  readonly refs: string[] = [];
  /** Per node: its hash. */
  private hashes = new Int32Array(1024);
  /** Open addressing, linear probing: node id + 1 per slot, 0 = empty; at most half full. */
  private table = new Int32Array(2048);

  /** Number of nodes. */
  get count(): number {
    return this.kinds.length;
  }

  /** The id of node `(kind, ref)`, if it exists. */
  id(kind: number, ref: string): number | undefined {
    const { table, kinds, refs } = this;
    const mask = table.length - 1;
    const h = hashOf(kind, ref);
    for (let slot = h & mask; ; slot = (slot + 1) & mask) {
      const v = table[slot]!;
      if (v === 0) return undefined;
      const id = v - 1;
      if (this.hashes[id] === h && kinds[id] === kind && refs[id] === ref) return id;
    }
  }

  /** Make room for `n` nodes in all (a bulk load knows its size: one allocation instead of doublings). */
  reserve(n: number): void {
    if (n > this.hashes.length) {
      const next = new Int32Array(n);
      next.set(this.hashes.subarray(0, this.count));
      this.hashes = next;
    }
    if (n * 2 > this.table.length) this.rehash(n * 2);
  }

  private rehash(atLeast: number): void {
    let size = this.table.length;
    while (size < atLeast) size *= 2;
    this.table = new Int32Array(size);
    for (let id = 0; id < this.count; id++) this.place(id);
  }

  /** Put node `id` in the table (over an earlier node with the same kind and ref). */
  private place(id: number): void {
    const { table, hashes, kinds, refs } = this;
    const mask = table.length - 1;
    const h = hashes[id]!;
    let slot = h & mask;
    for (; table[slot] !== 0; slot = (slot + 1) & mask) {
      const other = table[slot]! - 1;
      if (hashes[other] === h && kinds[other] === kinds[id] && refs[other] === refs[id]) break;
    }
    table[slot] = id + 1;
  }

  /** Append nodes (ids continue densely; a `(kind, ref)` added again now names the new id). */
  add(kinds: ArrayLike<number>, refs: readonly string[]): void {
    const need = this.count + refs.length;
    if (need > this.hashes.length || need * 2 > this.table.length)
      this.reserve(Math.max(need, this.hashes.length * 2));
    for (let i = 0; i < refs.length; i++) {
      const id = this.kinds.length;
      this.hashes[id] = hashOf(kinds[i]!, refs[i]!);
      this.kinds.push(kinds[i]!);
      this.refs.push(refs[i]!);
      this.place(id);
    }
  }

  /** Resolve refs to ids, allocating new dense ids for nodes that do not exist yet (not committed). */
  resolve(nodes: NodeRef[], edges: RefEdge[], seq: number): ResolvedGenealogy {
    const r = this.resolver();
    return r.resolve(nodes, edges, seq);
  }

  /**
   * A resolver for several events in a row (a batch): nodes allocated for an earlier event are known to the
   * later ones; `merged()` gives everything allocated, for the index once the batch is committed.
   */
  resolver(): {
    resolve(nodes: NodeRef[], edges: RefEdge[], seq: number): ResolvedGenealogy;
    merged(): ResolvedGenealogy;
  } {
    const fresh = new Map<string, number>();
    const allKinds: number[] = [];
    const allRefs: string[] = [];
    const allEdges: GenealogyEdge[] = [];
    const base = this.count;
    return {
      resolve: (nodes, edges, seq) => {
        const firstId = base + allKinds.length;
        const newKinds: number[] = [];
        const newRefs: string[] = [];
        const idOf = (n: NodeRef): number => {
          const known = this.id(n.kind, n.ref);
          if (known !== undefined) return known;
          const k = `${n.kind}\u0000${n.ref}`;
          let id = fresh.get(k);
          if (id === undefined) {
            id = base + allKinds.length;
            fresh.set(k, id);
            allKinds.push(n.kind);
            allRefs.push(n.ref);
            newKinds.push(n.kind);
            newRefs.push(n.ref);
          }
          return id;
        };
        for (const n of nodes) idOf(n);
        const resolvedEdges: GenealogyEdge[] = edges.map((e) => ({
          src: idOf(e.src),
          dst: idOf(e.dst),
          quantity: e.quantity,
          scale: e.scale,
          seq,
        }));
        allEdges.push(...resolvedEdges);
        const changes: ProjectionChange[] = [];
        if (newKinds.length) {
          changes.push({
            type: 'addNodes',
            firstId,
            seq,
            nodes: newKinds.map((kind, i) => ({ kind, ref: newRefs[i]! })),
          });
        }
        if (resolvedEdges.length) changes.push({ type: 'addEdges', edges: resolvedEdges });
        return { changes, firstId, newKinds, newRefs, edges: resolvedEdges };
      },
      merged: () => ({ changes: [], firstId: base, newKinds: allKinds, newRefs: allRefs, edges: allEdges }),
    };
  }
}
