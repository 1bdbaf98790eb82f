import { GenealogyGraph } from '@lotgraph/core-wasm';
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { StoredEvent } from '../ledger/events.js';
import type { Store } from '../store/port.js';
import { NodeRegistry, type ResolvedGenealogy } from './node-registry.js';
import { TraceCatalogue } from './trace-catalogue.js';

/** Progress of loading the genealogy index from the store. */
export interface LoadProgress {
  phase: 'genealogy';
  nodesLoaded: number;
  nodesTotal: number;
  edgesLoaded: number;
  edgesTotal: number;
}

/** Growable typed array buffer used while streaming chunks in. */
class Grow<T extends Int32Array | Float64Array | Uint8Array> {
  private buf: T;
  length = 0;
  constructor(private readonly make: (n: number) => T) {
    this.buf = make(1024);
  }
  push(chunk: ArrayLike<number>): void {
    if (this.length + chunk.length > this.buf.length) {
      const next = this.make(Math.max(this.buf.length * 2, this.length + chunk.length));
      next.set(this.buf.subarray(0, this.length) as never);
      this.buf = next;
    }
    this.buf.set(chunk as never, this.length);
    this.length += chunk.length;
  }
  view(): T {
    return this.buf.subarray(0, this.length) as T;
  }
}

/**
 * The in-process genealogy index: a core-wasm {@link GenealogyGraph} plus the id ↔ ref registry, kept in
 * step with the store. Loaded once in bulk, then appended to as events commit (never rebuilt); `syncTo`
 * catches up with events another process wrote.
 */
export class GenealogyIndex {
  /** Seq up to which this index reflects the store. */
  seq = 0;

  private constructor(
    readonly graph: GenealogyGraph,
    readonly registry: NodeRegistry,
    /** What traces show of each lot, delivery and edge (see {@link TraceCatalogue}); call `catchUp` first. */
    readonly catalogue: TraceCatalogue,
  ) {}

  /** Load the whole genealogy from the store in streamed chunks, reporting progress. */
  static async load(
    store: Store,
    onProgress?: (p: LoadProgress) => void,
    batchSize?: number,
  ): Promise<GenealogyIndex> {
    const head = await store.head();
    const registry = new NodeRegistry();
    registry.reserve(head.nodeCount);
    const kinds = new Grow((n) => new Uint8Array(n));
    const src = new Grow((n) => new Int32Array(n));
    const dst = new Grow((n) => new Int32Array(n));
    const qty = new Grow((n) => new Float64Array(n));
    const report = () =>
      onProgress?.({
        phase: 'genealogy',
        nodesLoaded: kinds.length,
        nodesTotal: head.nodeCount,
        edgesLoaded: src.length,
        edgesTotal: head.edgeCount,
      });
    report();
    for await (const c of store.streamGenealogy({
      untilSeq: head.seq,
      ...(batchSize ? { batchSize } : {}),
    })) {
      if (c.type === 'nodes') {
        registry.add(c.kinds, c.refs);
        kinds.push(c.kinds);
      } else {
        src.push(c.src);
        dst.push(c.dst);
        qty.push(c.qty);
      }
      report();
    }
    const graph = await GenealogyGraph.create({
      kinds: kinds.view(),
      src: src.view(),
      dst: dst.view(),
      qty: qty.view(),
    });
    const catalogue = TraceCatalogue.open(registry, head.seq);
    const index = new GenealogyIndex(graph, registry, catalogue);
    index.seq = head.seq;
    return index;
  }

  /** Catch up with events written since `this.seq` (by this or another process), up to `untilSeq`. */
  async syncTo(store: Store, untilSeq: number): Promise<void> {
    if (untilSeq <= this.seq) return;
    const src: number[] = [];
    const dst: number[] = [];
    for await (const c of store.streamGenealogy({ sinceSeq: this.seq, untilSeq })) {
      if (c.type === 'nodes') {
        if (c.firstId !== this.registry.count) {
          throw new LotgraphError(
            ErrorCodes.CONFLICT,
            `genealogy out of step: store chunk starts at node ${c.firstId}, the index has ${this.registry.count}`,
            { firstId: c.firstId, nodeCount: this.registry.count },
          );
        }
        this.registry.add(c.kinds, c.refs);
        this.graph.addNodes(c.kinds);
      } else {
        this.graph.addEdges(c.src, c.dst, c.qty);
        for (let i = 0; i < c.src.length; i++) {
          src.push(c.src[i]!);
          dst.push(c.dst[i]!);
        }
      }
    }
    this.catalogue.queueSynced(this.seq, untilSeq, src, dst);
    this.seq = untilSeq;
  }

  /**
   * Apply the genealogy of a batch this process just committed at `seq`; `events` (the batch's events, in
   * seq order) are noted for the trace catalogue's next catch-up, which then reads none of them back.
   */
  applyCommitted(r: ResolvedGenealogy, seq: number, events?: readonly StoredEvent[]): void {
    if (events) this.catalogue.noteCommitted(events);
    if (r.newKinds.length) {
      this.registry.add(r.newKinds, r.newRefs);
      this.graph.addNodes(r.newKinds);
    }
    if (r.edges.length) {
      this.graph.addEdges(
        Int32Array.from(r.edges, (e) => e.src),
        Int32Array.from(r.edges, (e) => e.dst),
        Float64Array.from(r.edges, (e) => Number(e.quantity) / 10 ** e.scale),
      );
      this.catalogue.queueCommitted(r.edges);
    }
    this.seq = seq;
  }

  /** Free the wasm memory. */
  dispose(): void {
    this.graph.dispose();
  }

  /** The index as a portable snapshot (graph bytes, each node's kind and ref), compacted first. */
  snapshot(): GenealogySnapshot {
    this.graph.compact();
    return {
      seq: this.seq,
      snapshot: this.graph.toBytes(),
      kinds: [...this.registry.kinds],
      refs: [...this.registry.refs],
    };
  }
}

/** What `lg.exportGenealogy()` returns: node id = array index into `kinds` and `refs`. */
export interface GenealogySnapshot {
  seq: number;
  snapshot: Uint8Array;
  kinds: number[];
  refs: string[];
}
