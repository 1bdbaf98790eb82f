import { checkArgs, IdList } from '../domain/args.js';
import { Id } from '../domain/schemas.js';
import type { LotgraphHost } from '../ledger/host.js';
import { traceBackward, traceForward, traceOneStep, traceRefs } from './trace.js';
import type { BackwardTrace, ForwardTrace, OneStepTrace, TraceRefs } from './trace-types.js';

/** `lg.trace`: see {@link Lotgraph}. */
export function traceFacade(h: LotgraphHost) {
  return {
    /**
     * Every descendant lot, delivery and customer of a lot, with exact quantities.
     *
     * @example
     * ```ts
     * const { customers, deliveries } = await lg.trace.forward('F-1');
     * ```
     */
    forward: async (lotId: string): Promise<ForwardTrace> => {
      checkArgs('trace.forward', { lotId: Id }, { lotId });
      return h.serial(async () => {
        await h.syncUnlocked();
        return traceForward(h.store, h.index, lotId);
      });
    },
    /** Every ancestor lot down to supplier lots, with quantities consumed and production orders. */
    backward: async (lotId: string): Promise<BackwardTrace> => {
      checkArgs('trace.backward', { lotId: Id }, { lotId });
      return h.serial(async () => {
        await h.syncUnlocked();
        return traceBackward(h.store, h.index, lotId);
      });
    },
    /**
     * Every lot, delivery and customer downstream of one or more lots, as refs only — answered from the
     * in-process index without store reads (the fast path for recall scopes).
     */
    forwardRefs: async (lotIds: string | readonly string[]): Promise<TraceRefs> => {
      checkArgs('trace.forwardRefs', { lotIds: IdList }, { lotIds });
      return h.serial(async () => {
        await h.syncUnlocked();
        return traceRefs(h.index, typeof lotIds === 'string' ? [lotIds] : lotIds, 'forward');
      });
    },
    /** Every lot upstream of one or more lots, as refs only (index only, no store reads). */
    backwardRefs: async (lotIds: string | readonly string[]): Promise<TraceRefs> => {
      checkArgs('trace.backwardRefs', { lotIds: IdList }, { lotIds });
      return h.serial(async () => {
        await h.syncUnlocked();
        return traceRefs(h.index, typeof lotIds === 'string' ? [lotIds] : lotIds, 'backward');
      });
    },
    /** Immediate suppliers and customers with dates (one step back, one step forward). */
    oneStep: async (lotId: string): Promise<OneStepTrace> => {
      checkArgs('trace.oneStep', { lotId: Id }, { lotId });
      return h.serial(async () => {
        await h.syncUnlocked();
        return traceOneStep(h.store, h.index, lotId);
      });
    },
  };
}
