// The strong baseline: what a careful engineer writes in plain JavaScript over typed arrays.
// - CSR built with a counting sort (O(n + m), two passes, no per-node arrays);
// - BFS with an Int32Array queue that doubles as the result buffer;
// - an epoch-stamped visited array: a query costs O(nodes touched), never O(n) for clearing.

/**
 * Build one CSR direction: for each node u, targets[offsets[u] .. offsets[u+1]) are its neighbours.
 * @param {number} n @param {Int32Array} from @param {Int32Array} to
 */
export function buildCsr(n, from, to) {
  const m = from.length;
  const offsets = new Int32Array(n + 1);
  for (let i = 0; i < m; i++) offsets[from[i] + 1]++;
  for (let u = 0; u < n; u++) offsets[u + 1] += offsets[u];
  const fill = offsets.slice(0, n);
  const targets = new Int32Array(m);
  for (let i = 0; i < m; i++) targets[fill[from[i]]++] = to[i];
  return { offsets, targets };
}

export class CsrGraph {
  /** @param {Uint8Array} kinds @param {Int32Array} src @param {Int32Array} dst */
  constructor(kinds, src, dst) {
    const n = kinds.length;
    this.n = n;
    this.kinds = kinds;
    this.fwd = buildCsr(n, src, dst);
    this.rev = buildCsr(n, dst, src);
    this.stamp = new Uint32Array(n);
    this.epoch = 0;
    this.queue = new Int32Array(n);
  }

  /** Bytes held by the index (CSR both ways + visited stamps + queue; kinds are the caller's). */
  get byteLength() {
    return (
      this.fwd.offsets.byteLength +
      this.fwd.targets.byteLength +
      this.rev.offsets.byteLength +
      this.rev.targets.byteLength +
      this.stamp.byteLength +
      this.queue.byteLength
    );
  }

  /** Multi-source BFS; returns the number of nodes reached (they sit in this.queue[0..count)). */
  bfs(csr, roots) {
    const { offsets, targets } = csr;
    const stamp = this.stamp;
    const queue = this.queue;
    let epoch = ++this.epoch;
    if (epoch === 0xffffffff) {
      stamp.fill(0);
      this.epoch = epoch = 1;
    }
    let tail = 0;
    for (let i = 0; i < roots.length; i++) {
      const r = roots[i];
      if (stamp[r] !== epoch) {
        stamp[r] = epoch;
        queue[tail++] = r;
      }
    }
    for (let head = 0; head < tail; head++) {
      const u = queue[head];
      const end = offsets[u + 1];
      for (let e = offsets[u]; e < end; e++) {
        const v = targets[e];
        if (stamp[v] !== epoch) {
          stamp[v] = epoch;
          queue[tail++] = v;
        }
      }
    }
    return tail;
  }

  forward(roots) {
    return this.queue.slice(0, this.bfs(this.fwd, roots));
  }

  backward(roots) {
    return this.queue.slice(0, this.bfs(this.rev, roots));
  }

  /** Affected nodes split by kind, in one pass. */
  recallScope(roots) {
    const count = this.bfs(this.fwd, roots);
    const nodes = this.queue.slice(0, count);
    const countByKind = new Uint32Array(256);
    const kinds = this.kinds;
    for (let i = 0; i < count; i++) countByKind[kinds[nodes[i]]]++;
    return { nodes, countByKind };
  }
}
