import { checkArgs, FunctionArg, StoreArg } from '../domain/args.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import { NodeRegistry } from '../genealogy/node-registry.js';
import { projectEvent } from '../projection/projectors.js';
import type { Store } from '../store/port.js';

/** Progress of {@link rebuildProjections}. */
export interface RebuildProgress {
  phase: 'rebuild';
  events: number;
  total: number;
}

/**
 * Replay the ledger of `source` into the empty store `target`: the same events (same seqs and hashes) with
 * projections recomputed from them. Proves that projections are derived data.
 */
export async function rebuildProjections(
  source: Store,
  target: Store,
  onProgress?: (p: RebuildProgress) => void,
): Promise<void> {
  checkArgs(
    'rebuildProjections',
    { source: StoreArg, target: StoreArg, onProgress: FunctionArg.optional() },
    { source, target, onProgress },
  );
  const head = await target.head();
  if (head.seq !== 0) {
    throw new LotgraphError(ErrorCodes.CONFLICT, `target store is not empty (head seq ${head.seq})`, {
      headSeq: head.seq,
    });
  }
  const total = (await source.head()).seq;
  const registry = new NodeRegistry();
  const ctx = { product: (id: string) => target.getProduct(id), lot: (id: string) => target.getLot(id) };
  const page = 500;
  let done = 0;
  for (let from = 1; from <= total; from += page) {
    for (const e of await source.readEvents(from, page)) {
      if (e.seq > total) break;
      const p = await projectEvent(ctx, e);
      const g = registry.resolve(p.nodes, p.edges, e.seq);
      await target.append({ expectedSeq: e.seq - 1, events: [e], changes: [...p.changes, ...g.changes] });
      registry.add(g.newKinds, g.newRefs);
      done++;
    }
    onProgress?.({ phase: 'rebuild', events: done, total });
  }
}
