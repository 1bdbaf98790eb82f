import { checkArgs } from '../domain/args.js';
import { LetterSender } from '../domain/query-schemas.js';
import { Id } from '../domain/schemas.js';
import { parseInput } from '../domain/validate.js';
import type { Json } from '../ledger/events.js';
import type { LotgraphHost } from '../ledger/host.js';
import {
  caseOf,
  notificationCsv,
  type OpenedEvent,
  type RecallEvidence,
  recallEvidence,
  recallMasterData,
} from '../recall/queries.js';
import {
  RECALL,
  type RecallAcknowledgeInput,
  type RecallCloseInput,
  type RecallNotifyInput,
  type RecallOpenInput,
} from '../recall/schemas.js';

/** `lg.recall`: see {@link Lotgraph}. */
export function recallFacade(h: LotgraphHost) {
  // Mass balances from the trace catalogue's per-lot totals once they are filled (the index caught up).
  const evidence = (recallId: string, opened?: OpenedEvent): Promise<RecallEvidence> =>
    h.serial(async () => {
      // The evidence as of the case's own event while the index is still there: nothing to catch up.
      if (opened?.seq !== h.index.seq) await h.syncUnlocked();
      return recallEvidence(h.store, recallId, h.index, opened);
    });
  const evidenceOf = async (context: string, recallId: string): Promise<RecallEvidence> => {
    checkArgs(context, { recallId: Id }, { recallId });
    return evidence(recallId);
  };
  return {
    open: async (input: RecallOpenInput): Promise<RecallEvidence> => {
      const opened = await h.command('recallOpen', input);
      // From the case's own event: no read-back of the case, nor of the stock its scope just read; as of
      // the opening while no other process's events have been synced since (else as of the store's head).
      return evidence(opened.payload.recallId, opened);
    },
    /** Record that a customer was notified (channel, contact). */
    notify: (input: RecallNotifyInput) => h.command('recallNotify', input),
    /** Record a customer's answer: quantities returned, destroyed or corrected per product. */
    acknowledge: (input: RecallAcknowledgeInput) => h.command('recallAcknowledge', input),
    /** Close the case with a summary. */
    close: (input: RecallCloseInput) => h.command('recallClose', input),
    /** The evidence document: timeline vs targets, effectiveness, mass balances, scope, steps. */
    evidence: (recallId: string): Promise<RecallEvidence> => evidenceOf('recall.evidence', recallId),
    /** Alias of {@link Lotgraph.recall.evidence}. */
    get: (recallId: string): Promise<RecallEvidence> => evidenceOf('recall.get', recallId),
    /**
     * The recall report as PDF bytes (a drill is marked on every page).
     * @deprecated Use `createReports(lg, { company }).recallReport(recallId)` from `@lotgraph/sdk/reports`
     * (company profile, approval block). This method loads the PDF renderer on first use.
     */
    reportPdf: async (recallId: string): Promise<Uint8Array> => {
      const ev = await evidenceOf('recall.reportPdf', recallId);
      const { recallReportPdf } = await import('../reports/recall-report.js');
      return recallReportPdf(ev, { master: await recallMasterData(h.store, ev) });
    },
    /**
     * The notification letter to each customer in scope, as PDF bytes (marked as rehearsal for a drill).
     * @deprecated Use `createReports(lg, { company }).letters(recallId)` from `@lotgraph/sdk/reports`. This
     * method loads the PDF renderer on first use.
     */
    letters: async (
      recallId: string,
      sender: { name?: string; contact?: string } = {},
    ): Promise<{ customerId: string; name: string; pdf: Uint8Array }[]> => {
      parseInput(LetterSender, sender, 'recall.letters');
      const ev = await evidenceOf('recall.letters', recallId);
      const master = await recallMasterData(h.store, ev);
      const { customerLetterPdf } = await import('../reports/letter.js');
      const out = [];
      for (const c of ev.scope.customers)
        out.push({
          customerId: c.customerId,
          name: c.name,
          pdf: await customerLetterPdf(ev, c.customerId, { master, sender }),
        });
      return out;
    },
    /** The notification list as CSV: one row per customer and product, with only that product's lots. */
    notificationCsv: async (recallId: string): Promise<string> => {
      const ev = await evidenceOf('recall.notificationCsv', recallId);
      return notificationCsv(ev, await recallMasterData(h.store, ev));
    },
    /** Every case (recalls and drills), newest last. */
    list: async () =>
      (await h.store.listRecords(RECALL))
        .map((r) => caseOf(r.value) as unknown as Json)
        .sort((a, b) => (a as { openedSeq: number }).openedSeq - (b as { openedSeq: number }).openedSeq),
  };
}
