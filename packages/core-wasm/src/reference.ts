// Plain-TypeScript implementation of the genealogy algorithms, written for clarity, not speed.
// Tests use it as the oracle for the WebAssembly core. Not exported from the package entry.
import { EXPOSURE_MAX_ITERATIONS, EXPOSURE_TOLERANCE } from './constants.js';

interface Edge {
  readonly node: number;
  readonly qty: number; // NaN = unknown
}

/** A graph of plain arrays: adjacency lists in both directions. */
export class ReferenceGraph {
  readonly kinds: number[] = [];
  private readonly out: Edge[][] = [];
  private readonly inn: Edge[][] = [];

  constructor(
    kinds: ArrayLike<number> = [],
    src: ArrayLike<number> = [],
    dst: ArrayLike<number> = [],
    qty?: ArrayLike<number>,
  ) {
    this.addNodes(kinds);
    this.addEdges(src, dst, qty);
  }

  get nodeCount(): number {
    return this.kinds.length;
  }

  get edgeCount(): number {
    return this.out.reduce((s, l) => s + l.length, 0);
  }

  addNodes(kinds: ArrayLike<number>): number {
    const first = this.kinds.length;
    for (let i = 0; i < kinds.length; i++) {
      this.kinds.push(kinds[i]!);
      this.out.push([]);
      this.inn.push([]);
    }
    return first;
  }

  addEdges(src: ArrayLike<number>, dst: ArrayLike<number>, qty?: ArrayLike<number>): void {
    for (let i = 0; i < src.length; i++) {
      const s = src[i]!;
      const d = dst[i]!;
      const q = qty ? qty[i]! : Number.NaN;
      this.out[s]!.push({ node: d, qty: q });
      this.inn[d]!.push({ node: s, qty: q });
    }
  }

  successors(node: number): Edge[] {
    return this.out[node]!;
  }

  predecessors(node: number): Edge[] {
    return this.inn[node]!;
  }

  /** Breadth-first closure: node → hops from the nearest root, limited by `maxDepth`. */
  closure(
    direction: 'forward' | 'backward',
    roots: ArrayLike<number>,
    maxDepth = Infinity,
  ): Map<number, number> {
    const adj = direction === 'forward' ? this.out : this.inn;
    const depth = new Map<number, number>();
    let frontier: number[] = [];
    for (let i = 0; i < roots.length; i++) {
      const r = roots[i]!;
      if (!depth.has(r)) {
        depth.set(r, 0);
        frontier.push(r);
      }
    }
    for (let d = 1; d <= maxDepth && frontier.length > 0; d++) {
      const next: number[] = [];
      for (const v of frontier) {
        for (const e of adj[v]!) {
          if (!depth.has(e.node)) {
            depth.set(e.node, d);
            next.push(e.node);
          }
        }
      }
      frontier = next;
    }
    return depth;
  }

  /** Closure filtered by kind, as the wasm core reports it. */
  traverse(
    direction: 'forward' | 'backward',
    roots: ArrayLike<number>,
    opts: { maxDepth?: number; kinds?: ArrayLike<number> } = {},
  ): Map<number, number> {
    const all = this.closure(direction, roots, opts.maxDepth ?? Infinity);
    if (!opts.kinds) return all;
    const keep = new Set(Array.from(opts.kinds));
    return new Map([...all].filter(([v]) => keep.has(this.kinds[v]!)));
  }

  /** Affected nodes and their count per kind code. */
  recallScope(roots: ArrayLike<number>): { nodes: Map<number, number>; countByKind: number[] } {
    const nodes = this.closure('forward', roots);
    const countByKind = new Array<number>(256).fill(0);
    for (const v of nodes.keys()) countByKind[this.kinds[v]!]!++;
    return { nodes, countByKind };
  }

  /** Number of nodes on a shortest chain from → to (1 when from === to), or null when unreachable. */
  shortestPathLength(from: number, to: number): number | null {
    const d = this.closure('forward', [from]).get(to);
    return d === undefined ? null : d + 1;
  }

  /** Whether every consecutive pair of `chain` is an edge. */
  isChain(chain: ArrayLike<number>): boolean {
    for (let i = 0; i + 1 < chain.length; i++) {
      const next = chain[i + 1]!;
      if (!this.out[chain[i]!]!.some((e) => e.node === next)) return false;
    }
    return true;
  }

  /**
   * Attributed share of the roots in every downstream node (see the README for the semantics).
   * Strongly connected components are found by mutual reachability, which is simple and obviously right.
   */
  exposure(roots: ArrayLike<number>): Map<number, number> {
    const down = [...this.closure('forward', roots).keys()];
    const isRoot = new Set(Array.from(roots));
    const inDown = new Set(down);
    // Reachability inside the downstream set, ignoring edges into roots (roots are fixed at 1).
    const reach = new Map<number, Set<number>>();
    for (const v of down) {
      const seen = new Set<number>([v]);
      const stack = [v];
      while (stack.length > 0) {
        const u = stack.pop()!;
        for (const e of this.out[u]!) {
          if (isRoot.has(e.node) || seen.has(e.node)) continue;
          seen.add(e.node);
          stack.push(e.node);
        }
      }
      reach.set(v, seen);
    }
    const compOf = new Map<number, number>();
    const comps: number[][] = [];
    for (const v of down) {
      if (compOf.has(v)) continue;
      const members = down.filter((u) => reach.get(v)!.has(u) && reach.get(u)!.has(v));
      for (const u of members) compOf.set(u, comps.length);
      comps.push(members);
    }
    // Topological order of the components (Kahn over the condensation).
    const indeg = new Array<number>(comps.length).fill(0);
    const succ = comps.map(() => new Set<number>());
    for (const u of down) {
      for (const e of this.out[u]!) {
        if (isRoot.has(e.node) || !inDown.has(e.node)) continue;
        const a = compOf.get(u)!;
        const b = compOf.get(e.node)!;
        if (a !== b && !succ[a]!.has(b)) {
          succ[a]!.add(b);
          indeg[b]!++;
        }
      }
    }
    const order: number[] = [];
    const ready = indeg.flatMap((d, c) => (d === 0 ? [c] : []));
    while (ready.length > 0) {
      const c = ready.pop()!;
      order.push(c);
      for (const b of succ[c]!) if (--indeg[b]! === 0) ready.push(b);
    }

    const share = new Map<number, number>();
    for (const v of down) share.set(v, isRoot.has(v) ? 1 : 0);
    const pull = (v: number): number => {
      const ins = this.inn[v]!;
      let total = 0;
      for (const e of ins) total += e.qty;
      let sum = 0;
      for (const e of ins) {
        const s = share.get(e.node) ?? 0;
        sum += total > 0 ? (s * e.qty) / total : s / ins.length;
      }
      return Math.min(1, sum);
    };
    for (const c of order) {
      const members = comps[c]!.filter((v) => !isRoot.has(v));
      if (members.length === 0) continue;
      const cyclic = members.length > 1 || this.out[members[0]!]!.some((e) => e.node === members[0]);
      if (!cyclic) {
        share.set(members[0]!, pull(members[0]!));
        continue;
      }
      for (let it = 0; it < EXPOSURE_MAX_ITERATIONS; it++) {
        const next = members.map(pull);
        let delta = 0;
        members.forEach((v, i) => {
          delta = Math.max(delta, Math.abs(next[i]! - share.get(v)!));
          share.set(v, next[i]!);
        });
        if (delta <= EXPOSURE_TOLERANCE) break;
      }
    }
    return share;
  }
}
