import * as z from 'zod';
import { checkArgs, IdList } from '../domain/args.js';
import { Gtin, Id, normaliseGtin, SerialNumber } from '../domain/schemas.js';
import type { LotgraphHost } from '../ledger/host.js';
import { type DeliverySerials, type SerialInfo, serialInfo, withSerials } from '../serials/queries.js';
import { traceBackward, traceForward, traceOneStep, traceRefs } from './trace.js';
import type { BackwardTrace, ForwardTrace, OneStepTrace, TraceRefs } from './trace-types.js';

const ForwardOptions = z.strictObject({ serials: z.boolean().optional() });

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
    forward: async (
      lotId: string,
      options: { serials?: boolean } = {},
    ): Promise<
      Omit<ForwardTrace, 'deliveries'> & {
        deliveries: (ForwardTrace['deliveries'][number] & DeliverySerials)[];
      }
    > => {
      const a = checkArgs('trace.forward', { lotId: Id, options: ForwardOptions }, { lotId, options });
      return h.serial(async () => {
        await h.syncUnlocked();
        const t = await traceForward(h.store, h.index, lotId);
        // Item level on request: the serials each delivery carried (one store query per 1,000 shipments).
        // (On the trace itself, not a spread copy: a spread would build its lazy graph and tree.)
        if (a.options.serials) t.deliveries = await withSerials(h.store, t.deliveries);
        return t;
      });
    },
    /**
     * Backward from one serialised item: the serial (lot, state, where it went) and its lot's genealogy.
     *
     * @example
     * ```ts
     * await lg.serials.commission({ lotId: 'F-1', locationId: 'WH', serials: ['S1'] });
     * const { serial, lot } = await lg.trace.fromSerial('09506000134352', 'S1'); // serial.lotId === 'F-1'
     * ```
     */
    fromSerial: async (gtin: string, serial: string): Promise<{ serial: SerialInfo; lot: BackwardTrace }> => {
      const a = checkArgs('trace.fromSerial', { gtin: Gtin, serial: SerialNumber }, { gtin, serial });
      return h.serial(async () => {
        await h.syncUnlocked();
        const info = await serialInfo(h.store, normaliseGtin(a.gtin), a.serial);
        return { serial: info, lot: await traceBackward(h.store, h.index, info.lotId) };
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
