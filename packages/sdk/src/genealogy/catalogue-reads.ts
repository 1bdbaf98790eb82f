/**
 * The trace catalogue's queue of genealogy additions, and the read of other processes' edges.
 *
 * @module
 */
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { GenealogyEdge, Store } from '../store/port.js';

/** Genealogy additions not yet described by the catalogue, in commit order. */
export type Pending =
  | { type: 'exact'; edges: GenealogyEdge[] }
  | { type: 'fetch'; sinceSeq: number; untilSeq: number; src: number[]; dst: number[] };

/** The exact edges of another process's appends, known to the index by their endpoints only. */
export async function fetchEdges(
  store: Store,
  p: Extract<Pending, { type: 'fetch' }>,
): Promise<GenealogyEdge[]> {
  const got = (await store.listEdges({ src: [...new Set(p.src)], dst: [...new Set(p.dst)] })).filter(
    (e) => e.seq > p.sinceSeq && e.seq <= p.untilSeq,
  );
  if (got.length !== p.src.length) {
    throw new LotgraphError(
      ErrorCodes.CONFLICT,
      `trace catalogue out of step: ${got.length} edges read for seqs ${p.sinceSeq + 1}…${p.untilSeq}, the index has ${p.src.length}`,
      { sinceSeq: p.sinceSeq, untilSeq: p.untilSeq },
    );
  }
  return got;
}
