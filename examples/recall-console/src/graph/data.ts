// A genealogy held client-side: the core-wasm snapshot exported by the service (`lg.exportGenealogy()`),
// plus a sidecar naming each node (refs), its product (group), the received lots, the lots on hold and the
// customers' names. The same files can be exported once and served statically: the console then draws
// pictures without a service (`#/genealogy/<lot>?snapshot=<folder>/`).
import { GenealogyGraph } from '@lotgraph/core-wasm';
import { ApiError, getBytes, getJson } from '../api';

export const KIND_LOT = 0;
export const KIND_DELIVERY = 1;
export const KIND_CUSTOMER = 2;

/** `nodes.json`: per-node arrays indexed by genealogy node id. */
export interface Sidecar {
  seq: number;
  kinds: number[];
  refs: string[];
  /** Index into `groups` (the lot's product), -1 for none. */
  group: number[];
  groups: { id: string; name: string; unit: string }[];
  /** Node ids of lots received from suppliers (the first tier of a picture). */
  received: number[];
  /** Node ids of lots with an active hold. */
  held: number[];
  /** Customer names by party id. */
  names: Record<string, string>;
}

export interface GenealogyData {
  graph: GenealogyGraph;
  seq: number;
  kinds: Uint8Array;
  refs: string[];
  group: Int32Array;
  groups: Sidecar['groups'];
  received: Uint8Array;
  held: Uint8Array;
  names: Record<string, string>;
  /** Milliseconds spent fetching and loading (for the status line). */
  loadMs: number;
}

/** The node id of a ref of a given kind, or undefined. */
export function nodeOf(data: GenealogyData, ref: string, kind = KIND_LOT): number | undefined {
  let i = data.refs.indexOf(ref);
  while (i >= 0 && data.kinds[i] !== kind) i = data.refs.indexOf(ref, i + 1);
  return i >= 0 ? i : undefined;
}

/** Fetch `<base>snapshot.bin` and `<base>nodes.json` and load them; retries when they disagree on seq. */
export async function loadGenealogy(base: string): Promise<GenealogyData> {
  const t0 = performance.now();
  for (let attempt = 0; attempt < 3; attempt++) {
    const [snap, side] = await Promise.all([
      getBytes(`${base}snapshot.bin`),
      getJson<Sidecar>(`${base}nodes.json`),
    ]);
    const seq = snap.headers.get('x-lotgraph-seq');
    if (seq !== null && Number(seq) !== side.seq) continue; // a write landed between the two exports
    const graph = await GenealogyGraph.fromBytes(snap.bytes);
    if (graph.nodeCount !== side.refs.length) {
      graph.dispose();
      throw new ApiError(
        0,
        'SNAPSHOT_MISMATCH',
        `the snapshot has ${graph.nodeCount} nodes, its sidecar ${side.refs.length}`,
      );
    }
    const n = side.refs.length;
    const received = new Uint8Array(n);
    for (const i of side.received) received[i] = 1;
    const held = new Uint8Array(n);
    for (const i of side.held) held[i] = 1;
    return {
      graph,
      seq: side.seq,
      kinds: Uint8Array.from(side.kinds),
      refs: side.refs,
      group: Int32Array.from(side.group),
      groups: side.groups,
      received,
      held,
      names: side.names,
      loadMs: performance.now() - t0,
    };
  }
  throw new ApiError(
    0,
    'SNAPSHOT_MISMATCH',
    'the genealogy kept changing while it was being loaded; try again',
  );
}
