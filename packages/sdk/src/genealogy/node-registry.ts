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

/**
 * The mapping between genealogy node ids and domain refs (kind + ref), mirrored from the store. One map per
 * kind keeps lookups cheap at a million nodes.
 */
export class NodeRegistry {
  readonly kinds: number[] = [];
  readonly refs: string[] = [];
  private byKind = new Map<number, Map<string, number>>();

  /** Number of nodes. */
  get count(): number {
    return this.kinds.length;
  }

  /** The id of node `(kind, ref)`, if it exists. */
  id(kind: number, ref: string): number | undefined {
    return this.byKind.get(kind)?.get(ref);
  }

  /** Append nodes (ids continue densely). */
  add(kinds: ArrayLike<number>, refs: readonly string[]): void {
    for (let i = 0; i < refs.length; i++) {
      const kind = kinds[i]!;
      let m = this.byKind.get(kind);
      if (!m) {
        m = new Map();
        this.byKind.set(kind, m);
      }
      m.set(refs[i]!, this.kinds.length);
      this.kinds.push(kind);
      this.refs.push(refs[i]!);
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
