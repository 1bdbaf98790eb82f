import { EpcisOptions, Fsma204Query, ImportOptions } from '../domain/query-schemas.js';
import { parseInput } from '../domain/validate.js';
import { type EpcisDocument, epcisToCommands, exportEpcis } from '../exports/epcis.js';
import { type Fsma204Filter, fsma204Csv, oneStepCsv } from '../exports/regulatory.js';
import type { BatchCommand, LotgraphHost } from '../ledger/host.js';

/** `lg.imports`: see {@link Lotgraph}. */
export function importsFacade(h: LotgraphHost) {
  return {
    /**
     * Replay a GS1 EPCIS 2.0 document (receipts, productions, shipments, as `exports.epcis` writes them) as
     * commands, in chunks of `chunk` commands per transaction (default 500). Idempotent by `eventID`:
     * importing the same document twice appends nothing. Master data (products with their GTINs, parties,
     * locations) must exist. Progress through `onProgress(done, total)`.
     */
    epcis: async (
      doc: unknown,
      options: { chunk?: number; onProgress?: (done: number, total: number) => void } = {},
    ): Promise<{ commands: number; events: number }> => {
      parseInput(ImportOptions, options, 'imports.epcis');
      const cmds = await epcisToCommands(h.store, doc);
      const chunk = options.chunk ?? 500;
      let events = 0;
      for (let i = 0; i < cmds.length; i += chunk) {
        const part = cmds.slice(i, i + chunk) as BatchCommand[];
        const before = (await h.store.head()).seq;
        await h.batch(part);
        events += (await h.store.head()).seq - before;
        options.onProgress?.(Math.min(cmds.length, i + chunk), cmds.length);
      }
      return { commands: cmds.length, events };
    },
  };
}

/** `lg.exports`: see {@link Lotgraph}. */
export function exportsFacade(h: LotgraphHost) {
  return {
    /** EU 178/2002 one step back / one step forward of a lot, as CSV. */
    oneStepCsv: async (lotId: string): Promise<string> => oneStepCsv(await h.oneStep(lotId)),
    /** EU 178/2002 one step back / one step forward of a lot, as JSON (the `trace.oneStep` result). */
    oneStepJson: async (lotId: string): Promise<string> => JSON.stringify(await h.oneStep(lotId), null, 2),
    /** GS1 EPCIS 2.0 JSON-LD document of the goods flow (receipts, productions, transformations, shipments). */
    epcis: async (options: { creationDate?: string } = {}): Promise<EpcisDocument> =>
      exportEpcis(h.store, parseInput(EpcisOptions, options, 'exports.epcis')),
    /** FDA FSMA 204 electronic sortable spreadsheet (CSV, one row per critical tracking event). */
    fsma204Csv: async (filter: Fsma204Filter = {}): Promise<string> =>
      fsma204Csv(h.store, parseInput(Fsma204Query, filter, 'exports.fsma204Csv')),
  };
}
