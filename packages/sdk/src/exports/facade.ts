import * as z from 'zod';
import { EpcisOptions, ImportOptions } from '../domain/query-schemas.js';
import { Id, LIMITS } from '../domain/schemas.js';
import { parseInput } from '../domain/validate.js';
import { type EpcisDocument, epcisToCommands, exportEpcis } from '../exports/epcis.js';
import {
  FSMA204_COLUMNS,
  type Fsma204Filter,
  Fsma204FilterInput,
  fsma204Csv,
  fsma204Rows,
  type OneStepMasterData,
  oneStepCsv,
} from '../exports/regulatory.js';
import type { BatchCommand, LotgraphHost } from '../ledger/host.js';
import { requireCase } from '../recall/queries.js';

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

/** Which lots an EU 178/2002 report covers: one recall's scope, or given lots. */
const Eu178Query = z.union([
  z.strictObject({ recallId: Id }),
  z.strictObject({ lotIds: z.array(Id).min(1).max(LIMITS.items) }),
]);

/** `lg.exports`: see {@link Lotgraph}. */
export function exportsFacade(h: LotgraphHost) {
  const master = async (): Promise<OneStepMasterData> => ({
    products: new Map((await h.store.listProducts()).map((p) => [p.id, p])),
    parties: new Map((await h.store.listParties()).map((p) => [p.id, p])),
  });
  return {
    /** EU 178/2002 one step back / one step forward of a lot, as CSV (product description, names, addresses). */
    oneStepCsv: async (lotId: string): Promise<string> => oneStepCsv(await h.oneStep(lotId), await master()),
    /** EU 178/2002 one step back / one step forward of every lot of a recall's scope, or of given lots, as CSV. */
    eu178Csv: async (query: { recallId: string } | { lotIds: string[] }): Promise<string> => {
      const q = parseInput(Eu178Query, query, 'exports.eu178Csv');
      const lotIds =
        'recallId' in q ? (await requireCase(h.store, q.recallId)).scope.lots.map((l) => l.lotId) : q.lotIds;
      const traces = [];
      for (const id of lotIds) traces.push(await h.oneStep(id));
      return oneStepCsv(traces, await master());
    },
    /** EU 178/2002 one step back / one step forward of a lot, as JSON (the `trace.oneStep` result). */
    oneStepJson: async (lotId: string): Promise<string> => JSON.stringify(await h.oneStep(lotId), null, 2),
    /** GS1 EPCIS 2.0 JSON-LD document of the goods flow (receipts, productions, transformations, shipments). */
    epcis: async (options: { creationDate?: string } = {}): Promise<EpcisDocument> =>
      exportEpcis(h.store, parseInput(EpcisOptions, options, 'exports.epcis')),
    /**
     * FDA FSMA 204 records as rows of {@link FSMA204_COLUMNS}: every receiving, transformation and shipping
     * event of a recall's scope (`{ recallId }`), of given lots (`{ lotIds }`), or of a product / lot / dates.
     */
    fsma204: async (
      filter: Fsma204Filter = {},
    ): Promise<{ columns: readonly string[]; rows: string[][] }> => ({
      columns: FSMA204_COLUMNS,
      rows: await fsma204Rows(h.store, parseInput(Fsma204FilterInput, filter, 'exports.fsma204')),
    }),
    /** FDA FSMA 204 electronic sortable spreadsheet (CSV, one row per critical tracking event and lot). */
    fsma204Csv: async (filter: Fsma204Filter = {}): Promise<string> =>
      fsma204Csv(h.store, parseInput(Fsma204FilterInput, filter, 'exports.fsma204Csv')),
  };
}
