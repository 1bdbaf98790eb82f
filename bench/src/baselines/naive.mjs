// The naive baseline: what a typical application writes — string ids, Map<string, string[]> adjacency,
// a Set for visited, an array as queue.

export class NaiveGraph {
  /** @param {Iterable<{type:string, key?:string, kind?:string, from?:string, to?:string}>} records */
  constructor(records) {
    /** @type {Map<string, string[]>} */
    this.out = new Map();
    /** @type {Map<string, string[]>} */
    this.in = new Map();
    /** @type {Map<string, string>} */
    this.kind = new Map();
    for (const r of records) {
      if (r.type === 'node') {
        this.kind.set(r.key, r.kind);
        continue;
      }
      this.addEdge(r.from, r.to);
    }
  }

  addEdge(from, to) {
    const o = this.out.get(from);
    if (o) o.push(to);
    else this.out.set(from, [to]);
    const i = this.in.get(to);
    if (i) i.push(from);
    else this.in.set(to, [from]);
  }

  static bfs(adj, roots) {
    const seen = new Set(roots);
    const queue = [...seen];
    for (let h = 0; h < queue.length; h++) {
      const next = adj.get(queue[h]);
      if (!next) continue;
      for (const v of next) {
        if (!seen.has(v)) {
          seen.add(v);
          queue.push(v);
        }
      }
    }
    return queue;
  }

  /** @param {string[]} roots */
  forward(roots) {
    return NaiveGraph.bfs(this.out, roots);
  }

  /** @param {string[]} roots */
  backward(roots) {
    return NaiveGraph.bfs(this.in, roots);
  }

  /** @param {string[]} roots */
  recallScope(roots) {
    const nodes = this.forward(roots);
    const byKind = { lot: [], delivery: [], customer: [] };
    for (const k of nodes) byKind[this.kind.get(k)].push(k);
    return { nodes, byKind };
  }
}
