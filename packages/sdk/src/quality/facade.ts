import { checkArgs } from '../domain/args.js';
import { DocumentFilter } from '../domain/query-schemas.js';
import { Id } from '../domain/schemas.js';
import { parseInput } from '../domain/validate.js';
import type { LotgraphHost } from '../ledger/host.js';
import { coaPdf } from '../quality/coa.js';
import { type QualityVerdict, qualityVerdict } from '../quality/queries.js';
import type {
  AttachDocumentInput,
  DefineSpecInput,
  QualityDecisionInput,
  RecordTestInput,
} from '../quality/schemas.js';

/** `lg.quality`: see {@link Lotgraph}. */
export function qualityFacade(h: LotgraphHost) {
  return {
    defineSpec: (input: DefineSpecInput) => h.command('defineSpec', input),
    recordResult: (input: RecordTestInput) => h.command('recordResult', input),
    verdict: async (lotId: string): Promise<QualityVerdict> => {
      checkArgs('quality.verdict', { lotId: Id }, { lotId });
      return qualityVerdict(h.store, lotId);
    },
    /** Release (or reject) a lot; a release lifts its QC holds in the same event. */
    decide: (input: QualityDecisionInput) => h.command('decideQuality', input),
    /** Certificate of Analysis (PDF bytes). */
    coa: async (lotId: string): Promise<Uint8Array> => {
      checkArgs('quality.coa', { lotId: Id }, { lotId });
      return coaPdf(h.store, lotId);
    },
  };
}

/** `lg.documents`: see {@link Lotgraph}. */
export function documentsFacade(h: LotgraphHost) {
  return {
    attach: (input: AttachDocumentInput) => h.command('attachDocument', input),
    get: async (documentId: string) => {
      checkArgs('documents.get', { documentId: Id }, { documentId });
      return h.store.getDocument(documentId);
    },
    list: async (filter: { lotId?: string; shipmentId?: string; kind?: string } = {}) =>
      h.store.listDocuments(parseInput(DocumentFilter, filter, 'documents.list')),
  };
}
