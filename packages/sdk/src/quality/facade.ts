import { checkArgs } from '../domain/args.js';
import { DocumentFilter } from '../domain/query-schemas.js';
import { Id } from '../domain/schemas.js';
import { parseInput } from '../domain/validate.js';
import type { LotgraphHost } from '../ledger/host.js';
import { type CoaVerification, coaData, type SignedCoa, verifyCoa } from '../quality/coa.js';
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
    /**
     * The Certificate of Analysis of a lot as data, with the SHA-256 of its canonical JSON (write it as the
     * JSON sidecar; `createReports(lg).coa(lot)` renders the PDF).
     */
    coaData: async (lotId: string): Promise<SignedCoa> => {
      checkArgs('quality.coaData', { lotId: Id }, { lotId });
      return coaData(h.store, lotId);
    },
    /**
     * Verify a certificate's JSON sidecar: its SHA-256, its number, and that this ledger still yields it.
     * @example
     * const v = await lg.quality.verifyCoa(readFileSync('COA-F1-….json'));
     * if (!v.valid || !v.matchesLedger) console.log(v.problems);
     */
    verifyCoa: async (bytes: Uint8Array | string): Promise<CoaVerification> => verifyCoa(bytes, h.store),
    /**
     * Certificate of Analysis (PDF bytes).
     * @deprecated Use `createReports(lg, { company }).coa(lotId)` from `@lotgraph/sdk/reports`: it prints the
     * issuer and returns the JSON sidecar. This method loads the PDF renderer on first use.
     */
    coa: async (lotId: string): Promise<Uint8Array> => {
      checkArgs('quality.coa', { lotId: Id }, { lotId });
      const { coaPdf } = await import('../reports/coa-pdf.js');
      return coaPdf(await coaData(h.store, lotId));
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
