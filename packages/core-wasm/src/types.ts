/** Bulk input for {@link GenealogyGraph.create}: nodes are the dense ids `0..kinds.length-1`. */
export interface GraphInput {
  /** Kind code per node (the caller's codes, e.g. 0 lot, 1 delivery, 2 customer); its length is the node count. */
  kinds?: Uint8Array;
  /** Edge sources (the input side of each edge). */
  src?: Int32Array;
  /** Edge targets (the output side); same length as `src`. */
  dst?: Int32Array;
  /** Edge quantities (finite, `>= 0`); omit when unknown. Same length as `src`. */
  qty?: Float64Array;
}

/** Tuning for a graph. */
export interface GraphOptions {
  /**
   * Number of appended (not yet compacted) edges that triggers a compaction into the CSR arrays.
   * Default: the larger of 65,536 and one eighth of the compacted edge count.
   */
  compactThreshold?: number;
}

/** Options of the closure queries. */
export interface TraverseOptions {
  /** Only nodes at most this many hops from the nearest root (roots are at depth 0). Default: unlimited. */
  maxDepth?: number;
  /** Report only nodes of these kinds. The walk itself still passes through every node. */
  kinds?: ArrayLike<number>;
}

/** A closure with the hop distance of every node from its nearest root. */
export interface Closure {
  /** Reached nodes, each once, in breadth-first order. */
  nodes: Int32Array;
  /** `depth[i]` = hops from the nearest root to `nodes[i]` (roots 0). */
  depth: Int32Array;
}

/** Everything affected by a set of suspect nodes, split by kind. */
export interface RecallScope {
  /** Every affected node (roots included), each once, in breadth-first order. */
  nodes: Int32Array;
  /** Hops from the nearest root, parallel to `nodes`. */
  depth: Int32Array;
  /** Number of affected nodes per kind code (length 256). */
  countByKind: Uint32Array;
  /** The affected nodes of one kind, in breadth-first order. */
  byKind(kind: number): Int32Array;
}

/** Attributed shares of the roots in every downstream node. */
export interface Exposure {
  /** Nodes downstream of the roots, roots included, in breadth-first order. */
  nodes: Int32Array;
  /** `share[i]` in `[0, 1]`: estimated fraction of `nodes[i]` that comes from the roots (roots 1). */
  share: Float64Array;
}

/** The edges on one side of a node: one entry per edge, duplicates kept. */
export interface Neighbours {
  /** The node at the other end of each edge. */
  nodes: Int32Array;
  /** The quantity of each edge (`NaN` when unknown). */
  qty: Float64Array;
}
