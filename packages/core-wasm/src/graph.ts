import { DEFAULT_COMPACT_THRESHOLD } from './constants.js';
import { GenealogyError } from './errors.js';
import { type CoreExports, instantiateCore } from './module.js';
import {
  canonicalDecimalWords,
  decodeSnapshot,
  encodeSnapshot,
  QTY_DECIMAL,
  quantityWidth,
} from './snapshot.js';
import type {
  Closure,
  Exposure,
  GraphInput,
  GraphOptions,
  Neighbours,
  RecallScope,
  TraverseOptions,
} from './types.js';
import {
  checkArrayLike,
  checkId,
  checkIds,
  checkKinds,
  checkQuantities,
  checkSameLength,
  checkThreshold,
  depthLimit,
  kindMask,
  MAX_NODES,
} from './validate.js';

const FORWARD = 0;
const BACKWARD = 1;

/** Typed views over one wasm memory buffer; replaced when memory grows (the old buffer is detached). */
interface Views {
  buf: ArrayBuffer;
  i32: Int32Array;
  u8: Uint8Array;
  f64: Float64Array;
}

/** Depth of every result slot from the core's level ends (level d = slots levels[d-1] .. levels[d]). */
function depthFromLevels(levels: Int32Array, count: number): Int32Array {
  const depth = new Int32Array(count);
  let start = 0;
  for (let d = 0; d < levels.length; d++) {
    const end = Math.min(levels[d]!, count);
    if (d > 0 && end > start) depth.fill(d, start, end);
    start = end;
  }
  return depth;
}

/** Copies `len` elements of `from` starting at `start` into `to` (a view on wasm memory). */
function copyInto(to: Int32Array | Float64Array, from: ArrayLike<number>, start: number, len: number): void {
  if (ArrayBuffer.isView(from)) {
    to.set((from as unknown as Int32Array).subarray(start, start + len));
  } else if (Array.isArray(from)) {
    to.set(from.slice(start, start + len) as number[]);
  } else {
    for (let i = 0; i < len; i++) to[i] = from[start + i]!;
  }
}

/**
 * A lot genealogy held in its own WebAssembly instance: dense node ids `0..nodeCount-1`, each with a kind
 * code, and edges from input to output (supplier lot → batch → delivery → customer) with quantities.
 * Edges live in forward and reverse CSR arrays plus a small append buffer that is compacted into them.
 *
 * @example
 * ```ts
 * import { GenealogyGraph } from '@lotgraph/core-wasm';
 * const LOT = 0, DELIVERY = 1, CUSTOMER = 2;
 * const g = await GenealogyGraph.create({
 *   kinds: Uint8Array.of(LOT, LOT, LOT, DELIVERY, CUSTOMER),
 *   src: Int32Array.of(0, 1, 2, 3),
 *   dst: Int32Array.of(2, 2, 3, 4),
 *   qty: Float64Array.of(30, 70, 100, 100),
 * });
 * g.forward([0]);            // Int32Array [0, 2, 3, 4]
 * g.recallScope([0]).countByKind[CUSTOMER]; // 1
 * g.exposure([0]).share;     // Float64Array [1, 0.3, 0.3, 0.3]
 * g.dispose();
 * ```
 */
export class GenealogyGraph {
  #core: CoreExports | null;
  readonly #threshold: number | undefined;
  readonly #stage: number;
  readonly #stageCap: number;
  #v: Views | null = null;
  /** Node count and queue address, cached: both change only in #addNodes. */
  #n = 0;
  #queue = 0;

  private constructor(core: CoreExports, threshold: number | undefined) {
    this.#core = core;
    this.#threshold = threshold;
    this.#stage = core.stagePtr();
    this.#stageCap = core.stageCapacity();
  }

  /** Builds a graph from bulk arrays (CSR by counting sort, O(nodes + edges)). Validates everything first. */
  static async create(input: GraphInput = {}, options: GraphOptions = {}): Promise<GenealogyGraph> {
    if (input === null || typeof input !== 'object') {
      throw new GenealogyError('INVALID_ARGUMENT', 'input must be an object', 'input');
    }
    const threshold = checkThreshold(options?.compactThreshold);
    const { src, dst, qty } = input;
    if (src !== undefined) checkArrayLike(src, 'src');
    if (dst !== undefined) checkArrayLike(dst, 'dst');
    if (qty !== undefined) checkArrayLike(qty, 'qty');
    const srcA = src ?? new Int32Array(0);
    const dstA = dst ?? new Int32Array(0);
    checkSameLength(srcA, dstA, 'src', 'dst');
    if (qty !== undefined) checkSameLength(srcA, qty, 'src', 'qty');
    let kinds: ArrayLike<number>;
    if (input.kinds !== undefined) {
      checkArrayLike(input.kinds, 'kinds');
      checkKinds(input.kinds, 'kinds');
      kinds = input.kinds;
    } else {
      // No kinds: the node count is implied by the largest id, every kind 0.
      let max = -1;
      for (const a of [srcA, dstA])
        for (let i = 0; i < a.length; i++) if ((a[i] as number) > max) max = a[i]!;
      kinds = new Uint8Array(Math.min(max + 1, MAX_NODES));
    }
    const n = kinds.length;
    if (n > MAX_NODES) throw new GenealogyError('OUT_OF_RANGE', `too many nodes (${n})`, 'kinds');
    checkIds(srcA, n, 'src');
    checkIds(dstA, n, 'dst');
    if (qty !== undefined) checkQuantities(qty, 'qty');
    const graph = new GenealogyGraph(await instantiateCore(), threshold);
    graph.#load(kinds, srcA, dstA, qty);
    return graph;
  }

  /** Rebuilds a graph from {@link GenealogyGraph.toBytes} output; a malformed snapshot throws `BAD_SNAPSHOT`. */
  static async fromBytes(bytes: Uint8Array, options: GraphOptions = {}): Promise<GenealogyGraph> {
    const threshold = checkThreshold(options?.compactThreshold);
    const s = decodeSnapshot(bytes);
    const graph = new GenealogyGraph(await instantiateCore(), threshold);
    graph.#load(s.kinds, s.src, s.dst, s.qty ?? undefined);
    return graph;
  }

  /** Number of nodes. */
  get nodeCount(): number {
    return this.#live().nodeCount();
  }

  /** Number of edges (compacted plus appended). */
  get edgeCount(): number {
    const c = this.#live();
    return c.baseEdgeCount() + c.appendedEdgeCount();
  }

  /** Edges appended since the last compaction. */
  get pendingEdgeCount(): number {
    return this.#live().appendedEdgeCount();
  }

  /** Bytes of WebAssembly memory this graph holds (wasm memory grows but never shrinks). */
  get byteLength(): number {
    return this.#live().memory.buffer.byteLength;
  }

  /** Whether {@link GenealogyGraph.dispose} was called. */
  get disposed(): boolean {
    return this.#core === null;
  }

  /** The kind code of one node. */
  kindOf(node: number): number {
    const c = this.#live();
    checkId(node, c.nodeCount(), 'node');
    return new Uint8Array(c.memory.buffer, c.kindsPtr() + node, 1)[0]!;
  }

  /** Adds nodes with the given kind codes; returns the id of the first new node. */
  addNodes(kinds: ArrayLike<number>): number {
    const c = this.#live();
    checkArrayLike(kinds, 'kinds');
    checkKinds(kinds, 'kinds');
    if (c.nodeCount() + kinds.length > MAX_NODES) {
      throw new GenealogyError('OUT_OF_RANGE', 'too many nodes', 'kinds');
    }
    return this.#addNodes(c, kinds);
  }

  /**
   * Appends edges (ids must already exist). They go to the append buffer, which every query reads together
   * with the CSR arrays; once it holds more than the compaction threshold it is merged into them.
   */
  addEdges(src: ArrayLike<number>, dst: ArrayLike<number>, qty?: ArrayLike<number>): void {
    const c = this.#live();
    checkArrayLike(src, 'src');
    checkArrayLike(dst, 'dst');
    checkSameLength(src, dst, 'src', 'dst');
    if (qty !== undefined) {
      checkArrayLike(qty, 'qty');
      checkSameLength(src, qty, 'src', 'qty');
    }
    const n = c.nodeCount();
    checkIds(src, n, 'src');
    checkIds(dst, n, 'dst');
    if (qty !== undefined) checkQuantities(qty, 'qty');
    this.#stageEdges(c, src, dst, qty, (len) => c.appendEdges(len));
    const threshold = this.#threshold ?? Math.max(DEFAULT_COMPACT_THRESHOLD, c.baseEdgeCount() >>> 3);
    if (c.appendedEdgeCount() > threshold) c.compact();
  }

  /** Merges the append buffer into the CSR arrays now (normally automatic). */
  compact(): void {
    this.#live().compact();
  }

  /** Every node reachable downstream (along edges) from any root, roots included, each once. */
  forward(roots: ArrayLike<number>, opts?: TraverseOptions): Int32Array {
    const c = this.#live();
    const count = this.#walk(c, FORWARD, roots, opts);
    const q = this.#queue >> 2;
    return this.#views(c).i32.slice(q, q + count);
  }

  /** Every node reachable upstream (against edges) from any root, roots included, each once. */
  backward(roots: ArrayLike<number>, opts?: TraverseOptions): Int32Array {
    const c = this.#live();
    const count = this.#walk(c, BACKWARD, roots, opts);
    const q = this.#queue >> 2;
    return this.#views(c).i32.slice(q, q + count);
  }

  /** {@link GenealogyGraph.forward} with the hop distance of each node from its nearest root. */
  forwardWithDepth(roots: ArrayLike<number>, opts?: TraverseOptions): Closure {
    return this.#closure(FORWARD, roots, opts);
  }

  /** {@link GenealogyGraph.backward} with the hop distance of each node from its nearest root. */
  backwardWithDepth(roots: ArrayLike<number>, opts?: TraverseOptions): Closure {
    return this.#closure(BACKWARD, roots, opts);
  }

  /** The out-edges of a node (the outputs it went into), one entry per edge. */
  successors(node: number): Neighbours {
    return this.#neighbours(node, FORWARD);
  }

  /** The in-edges of a node (the inputs it was made from), one entry per edge. */
  predecessors(node: number): Neighbours {
    return this.#neighbours(node, BACKWARD);
  }

  /** Everything affected by the roots, in one multi-source pass, with counts per kind. */
  recallScope(roots: ArrayLike<number>): RecallScope {
    const c = this.#live();
    checkArrayLike(roots, 'roots');
    checkIds(roots, this.#n, 'roots');
    let count: number;
    if (roots.length <= this.#stageCap) {
      this.#stageRoots(c, roots);
      count = c.scopeFrom(roots.length);
    } else {
      this.#seed(c, roots, true);
      count = c.scope();
    }
    const v = this.#views(c);
    const q = this.#queue >> 2;
    const nodes = v.i32.slice(q, q + count);
    const levels = this.#levels(c, v);
    const cp = c.countsPtr() >> 2;
    const countByKind = new Uint32Array(v.i32.slice(cp, cp + 256).buffer);
    const kp = c.resultKindsPtr();
    const kinds = v.u8.slice(kp, kp + count);
    let depth: Int32Array | undefined;
    return {
      nodes,
      get depth(): Int32Array {
        depth ??= depthFromLevels(levels, count);
        return depth;
      },
      countByKind,
      byKind(kind: number): Int32Array {
        const out = new Int32Array(countByKind[kind] ?? 0);
        let j = 0;
        for (let i = 0; i < count; i++) if (kinds[i] === kind) out[j++] = nodes[i]!;
        return out;
      },
    };
  }

  /**
   * Estimated share of the roots in every downstream node, propagated through edge quantities:
   * share(root) = 1; share(v) = Σ share(u)·qty(u→v) / Σ qty(in-edges of v). When an in-edge of v has an
   * unknown quantity, or they sum to 0, v's in-edges weigh equally. On cycles the shares are iterated to a
   * fixed point (see the README). Floats: an estimate, not a mass balance.
   */
  exposure(roots: ArrayLike<number>): Exposure {
    const c = this.#live();
    this.#seed(c, roots);
    const count = c.exposure();
    const buf = c.memory.buffer;
    return {
      nodes: new Int32Array(buf, c.queuePtr(), count).slice(),
      share: new Float64Array(buf, c.sharePtr(), count).slice(),
    };
  }

  /** One shortest chain `from → … → to` following edge direction, or null when `to` is not downstream. */
  path(from: number, to: number): Int32Array | null {
    const c = this.#live();
    const n = c.nodeCount();
    checkId(from, n, 'from');
    checkId(to, n, 'to');
    const len = c.path(from, to);
    return len === 0 ? null : new Int32Array(c.memory.buffer, c.queuePtr(), len).slice();
  }

  /** A compact, versioned, little-endian snapshot of the whole graph (see {@link GenealogyGraph.fromBytes}). */
  toBytes(): Uint8Array {
    const c = this.#live();
    const buf = c.memory.buffer;
    const n = c.nodeCount();
    const mb = c.baseEdgeCount();
    const ma = c.appendedEdgeCount();
    const src = new Int32Array(mb + ma);
    const dst = new Int32Array(mb + ma);
    // Quantities are written as stored: the raw words of the graph's lossless encoding, base edges (in
    // reverse-CSR order, like `src`/`dst`) then appended ones.
    const encoding = c.qtyMode();
    const width = quantityWidth(encoding);
    const qtyWords = width > 0 ? new Uint8Array(width * (mb + ma)) : null;
    if (mb > 0) {
      const rOff = new Int32Array(buf, c.rOffPtr(), n + 1);
      src.set(new Int32Array(buf, c.rAdjPtr(), mb));
      for (let v = 0; v < n; v++) dst.fill(v, rOff[v]!, rOff[v + 1]!);
      if (qtyWords) qtyWords.set(new Uint8Array(buf, c.rQtyPtr(), width * mb));
    }
    if (ma > 0) {
      src.set(new Int32Array(buf, c.appSrcPtr(), ma), mb);
      dst.set(new Int32Array(buf, c.appDstPtr(), ma), mb);
      if (qtyWords) qtyWords.set(new Uint8Array(buf, c.appQtyPtr(), width * ma), width * mb);
    }
    if (qtyWords && encoding === QTY_DECIMAL) canonicalDecimalWords(qtyWords);
    return encodeSnapshot({ kinds: new Uint8Array(buf, c.kindsPtr(), n), src, dst, encoding, qtyWords });
  }

  /** Drops the WebAssembly instance (and its memory); any later call throws `DISPOSED`. */
  dispose(): void {
    this.#core = null;
  }

  /**
   * Quantity encoding in wasm memory (chosen from the values, always lossless; see assembly/index.ts):
   * `none` (no quantity known, nothing stored), `float32`, `decimal` (32-bit decimal words) or `float64`.
   */
  get quantityEncoding(): 'none' | 'float32' | 'decimal' | 'float64' {
    return (['none', 'float32', 'decimal', 'float64'] as const)[this.#live().qtyMode()]!;
  }

  #views(c: CoreExports): Views {
    let v = this.#v;
    // Growing wasm memory detaches the old buffer (byteLength 0): only then are new views needed.
    if (v === null || v.buf.byteLength === 0) {
      const buf = c.memory.buffer as ArrayBuffer;
      v = { buf, i32: new Int32Array(buf), u8: new Uint8Array(buf), f64: new Float64Array(buf) };
      this.#v = v;
    }
    return v;
  }

  #levels(c: CoreExports, v: Views): Int32Array {
    const l = c.levelsPtr() >> 2;
    return v.i32.slice(l, l + c.levelCount());
  }

  /** Copies validated roots (at most the stage capacity) into the stage. */
  #stageRoots(c: CoreExports, roots: ArrayLike<number>): void {
    const i32 = this.#views(c).i32;
    const at = this.#stage >> 2;
    if (roots.length === 1) i32[at] = roots[0]!;
    else if (ArrayBuffer.isView(roots) || Array.isArray(roots)) i32.set(roots as ArrayLike<number>, at);
    else for (let i = 0; i < roots.length; i++) i32[at + i] = roots[i]!;
  }

  #live(): CoreExports {
    if (this.#core === null) throw new GenealogyError('DISPOSED', 'this GenealogyGraph was disposed');
    return this.#core;
  }

  #addNodes(c: CoreExports, kinds: ArrayLike<number>): number {
    const first = c.addNodes(kinds.length);
    const view = new Uint8Array(c.memory.buffer, c.kindsPtr() + first, kinds.length);
    if (ArrayBuffer.isView(kinds) || Array.isArray(kinds)) view.set(kinds as ArrayLike<number>);
    else for (let i = 0; i < kinds.length; i++) view[i] = kinds[i]!;
    this.#n = c.nodeCount();
    this.#queue = c.queuePtr();
    return first;
  }

  /** Bulk load into a fresh core: nodes, then a two-pass counting sort over staged chunks of edges. */
  #load(
    kinds: ArrayLike<number>,
    src: ArrayLike<number>,
    dst: ArrayLike<number>,
    qty: ArrayLike<number> | undefined,
  ) {
    const c = this.#live();
    this.#addNodes(c, kinds);
    if (src.length === 0) return;
    c.buildBegin(src.length, qty ? 1 : 0);
    this.#stageEdges(c, src, dst, null, (len) => c.buildCount(len));
    c.buildAlloc();
    this.#stageEdges(c, src, dst, qty, (len) => c.buildPlace(len));
    // Some quantity had no 32-bit decimal word: one more pass stores them all as float32 or float64.
    if (c.buildFinish() !== 0) this.#stageEdges(c, src, dst, qty, (len) => c.buildRequantify(len));
  }

  /** Feeds edges through the fixed staging area in chunks; `qty` undefined = unknown (NaN), null = not needed. */
  #stageEdges(
    c: CoreExports,
    src: ArrayLike<number>,
    dst: ArrayLike<number>,
    qty: ArrayLike<number> | undefined | null,
    consume: (len: number) => void,
  ): void {
    const cap = c.stageCapacity();
    for (let start = 0; start < src.length; start += cap) {
      const len = Math.min(cap, src.length - start);
      const base = c.stagePtr();
      const buf = c.memory.buffer; // fresh views per chunk: consume() may grow memory
      copyInto(new Int32Array(buf, base, len), src, start, len);
      copyInto(new Int32Array(buf, base + 4 * cap, len), dst, start, len);
      if (qty !== null) {
        const q = new Float64Array(buf, base + 8 * cap, len);
        if (qty) copyInto(q, qty, start, len);
        else q.fill(Number.NaN);
      }
      consume(len);
    }
  }

  #seed(c: CoreExports, roots: ArrayLike<number>, validated = false): void {
    if (!validated) {
      checkArrayLike(roots, 'roots');
      checkIds(roots, c.nodeCount(), 'roots');
    }
    c.queryBegin();
    const cap = c.stageCapacity();
    for (let start = 0; start < roots.length; start += cap) {
      const len = Math.min(cap, roots.length - start);
      copyInto(new Int32Array(c.memory.buffer, c.stagePtr(), len), roots, start, len);
      c.querySeed(len);
    }
  }

  /** Validates and runs one closure; the result is the first `count` slots of the queue. */
  #walk(
    c: CoreExports,
    direction: number,
    roots: ArrayLike<number>,
    opts: TraverseOptions | undefined,
  ): number {
    let maxDepth = MAX_NODES;
    let mask: Uint8Array | null = null;
    if (opts !== undefined) {
      if (opts === null || typeof opts !== 'object') {
        throw new GenealogyError('INVALID_ARGUMENT', 'opts must be an object', 'opts');
      }
      maxDepth = depthLimit(opts.maxDepth);
      mask = kindMask(opts.kinds);
    }
    checkArrayLike(roots, 'roots');
    checkIds(roots, this.#n, 'roots');
    if (mask) this.#views(c).u8.set(mask, c.maskPtr());
    if (roots.length <= this.#stageCap) {
      this.#stageRoots(c, roots);
      return c.closureFrom(roots.length, direction, maxDepth, mask ? 1 : 0);
    }
    this.#seed(c, roots, true);
    return c.closure(direction, maxDepth, mask ? 1 : 0);
  }

  #closure(direction: number, roots: ArrayLike<number>, opts: TraverseOptions | undefined): Closure {
    const c = this.#live();
    const count = this.#walk(c, direction, roots, opts);
    const v = this.#views(c);
    const q = this.#queue >> 2;
    return { nodes: v.i32.slice(q, q + count), depth: depthFromLevels(this.#levels(c, v), count) };
  }

  #neighbours(node: number, direction: number): Neighbours {
    const c = this.#live();
    const n = c.nodeCount();
    checkId(node, n, 'node');
    const buf = c.memory.buffer;
    const mb = c.baseEdgeCount();
    const nodes: number[] = [];
    const qty: number[] = [];
    if (mb > 0) {
      const rOff = new Int32Array(buf, c.rOffPtr(), n + 1);
      const rAdj = new Int32Array(buf, c.rAdjPtr(), mb);
      const rq = c.rQtyPtr();
      if (direction === BACKWARD) {
        for (let i = rOff[node]!; i < rOff[node + 1]!; i++) {
          nodes.push(rAdj[i]!);
          qty.push(c.qtyAt(rq, i));
        }
      } else {
        // Quantities are stored once, in reverse order. Both CSRs are stable, so the j-th edge node→v in
        // the forward list is the j-th occurrence of node in v's reverse list.
        const fOff = new Int32Array(buf, c.fOffPtr(), n + 1);
        const fAdj = new Int32Array(buf, c.fAdjPtr(), mb);
        const seen = new Map<number, number>();
        for (let i = fOff[node]!; i < fOff[node + 1]!; i++) {
          const v = fAdj[i]!;
          const j = seen.get(v) ?? 0;
          seen.set(v, j + 1);
          let k = 0;
          let q = Number.NaN;
          for (let p = rOff[v]!; p < rOff[v + 1]!; p++) {
            if (rAdj[p] === node && k++ === j) {
              q = c.qtyAt(rq, p);
              break;
            }
          }
          nodes.push(v);
          qty.push(q);
        }
      }
    }
    const ma = c.appendedEdgeCount();
    if (ma > 0) {
      const next = new Int32Array(buf, direction === FORWARD ? c.appNextOutPtr() : c.appNextInPtr(), ma);
      const other = new Int32Array(buf, direction === FORWARD ? c.appDstPtr() : c.appSrcPtr(), ma);
      const aq = c.appQtyPtr();
      const edges: number[] = [];
      for (let e = c.appendedHead(direction, node); e >= 0; e = next[e]!) edges.push(e);
      for (let i = edges.length - 1; i >= 0; i--) {
        nodes.push(other[edges[i]!]!);
        qty.push(c.qtyAt(aq, edges[i]!));
      }
    }
    return { nodes: Int32Array.from(nodes), qty: Float64Array.from(qty) };
  }
}
