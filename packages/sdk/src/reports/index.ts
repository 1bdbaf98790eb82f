/**
 * `@lotgraph/sdk/reports`: the documents an auditor or a customer reads — recall report, notification letters
 * and list, Certificate of Analysis, FSMA 204 and EU 178/2002 spreadsheets, EPCIS — printed for one company.
 * pdf-lib is imported only from here, so an app that never renders a document does not bundle it.
 *
 * @example
 * ```ts
 * import { createReports } from '@lotgraph/sdk/reports';
 * const reports = createReports(lg, {
 *   company: { name: 'Northfield Bakery Ltd', address: ['1 Mill Lane', 'Ashford TN23 1AA', 'United Kingdom'],
 *              contact: { name: 'Quality', email: 'quality@northfield.example' } },
 * });
 * const pdf = await reports.recallReport('R-1', { approval: { name: 'A. Baker', role: 'QA manager', at: '2026-11-23' } });
 * const { pdf: coa, json } = await reports.coa('F-1');
 * ```
 *
 * @module
 */
import * as z from 'zod';
import { checkArgs } from '../domain/args.js';
import { LetterSender } from '../domain/query-schemas.js';
import { Id } from '../domain/schemas.js';
import { parseInput } from '../domain/validate.js';
import { fieldError } from '../errors.js';
import type { EpcisDocument } from '../exports/epcis.js';
import { type Fsma204Filter, Fsma204FilterInput, fsma204Csv } from '../exports/regulatory.js';
import type { Lotgraph } from '../lotgraph.js';
import { coaData, type SignedCoa } from '../quality/coa.js';
import {
  type NotificationRow,
  notificationCsv,
  notificationList,
  type RecallEvidence,
  recallMasterData,
} from '../recall/queries.js';
import { coaPdf } from './coa-pdf.js';
import { customerLetterPdf, type LetterSender as Sender } from './letter.js';
import { Approval, CompanyProfile } from './profile.js';
import { recallReportPdf } from './recall-report.js';

export { FSMA204_COLUMNS, ONE_STEP_COLUMNS, oneStepCsv } from '../exports/regulatory.js';
export {
  type CertificateOfAnalysis,
  type CoaVerification,
  type SignedCoa,
  verifyCoa,
} from '../quality/coa.js';
export {
  NOTIFICATION_COLUMNS,
  type NotificationRow,
  notificationCsv,
  notificationList,
  type RecallMasterData,
  recallMasterData,
} from '../recall/queries.js';
export { coaPdf } from './coa-pdf.js';
export { customerLetterPdf, type LetterContent, type LetterSender, letterContent } from './letter.js';
export { winAnsi, wrapText } from './pdf-kit.js';
export { Approval, CompanyProfile } from './profile.js';
export { lotLabel, productLabel, type RecallDocumentOptions, recallReportPdf } from './recall-report.js';

/** Options of {@link createReports}: the company printed on every document. */
export interface ReportsOptions {
  company: CompanyProfile;
}

const ReportsOptionsSchema = z.strictObject({ company: CompanyProfile });
const ApprovalArg = z.strictObject({ approval: Approval.optional() });

/** The documents of one company, made from one `Lotgraph`. See {@link createReports}. */
export interface Reports {
  /** The company profile every document prints. */
  readonly company: CompanyProfile;
  /** The recall report (timeline, effectiveness, customers per product, lots, mass balance, approval). */
  recallReport(recallId: string, options?: { approval?: Approval }): Promise<Uint8Array>;
  /** One letter per customer in scope (replies go to `sender.contact`, default the company contact). */
  letters(
    recallId: string,
    sender?: Sender,
  ): Promise<{ customerId: string; name: string; email?: string; pdf: Uint8Array }[]>;
  /** The notification list as rows (one per customer and product; the letters list the same rows). */
  notificationList(recallId: string): Promise<NotificationRow[]>;
  /** The notification list as CSV. */
  notificationCsv(recallId: string): Promise<string>;
  /** The Certificate of Analysis: PDF, JSON sidecar (`{ certificate, sha256 }`) and its hash. */
  coa(
    lotId: string,
    options?: { approval?: Approval },
  ): Promise<{ pdf: Uint8Array; json: Uint8Array; sha256: string; certificateNumber: string }>;
  /** FSMA 204 sortable spreadsheet (our lot codes sourced to the company's name and address). */
  fsma204Csv(filter: Fsma204Filter): Promise<string>;
  /** EU 178/2002 one step back / forward of every lot of a recall or of given lots. */
  eu178Csv(query: { recallId: string } | { lotIds: string[] }): Promise<string>;
  /** GS1 EPCIS 2.0 document of the goods flow. */
  epcis(options?: { creationDate?: string }): Promise<EpcisDocument>;
}

const isLotgraph = (lg: unknown): lg is Lotgraph =>
  typeof lg === 'object' &&
  lg !== null &&
  typeof (lg as Lotgraph).recall?.evidence === 'function' &&
  typeof (lg as Lotgraph).store === 'object';

/** The documents of one company: configure the company profile once, print it on every document. */
export function createReports(lg: Lotgraph, options: ReportsOptions): Reports {
  if (!isLotgraph(lg)) throw fieldError(['lg'], 'lg: expected an open Lotgraph', undefined);
  const { company } = parseInput(ReportsOptionsSchema, options, 'createReports') as {
    company: CompanyProfile;
  };
  const store = lg.store;
  const evidence = async (context: string, recallId: string): Promise<RecallEvidence> => {
    checkArgs(context, { recallId: Id }, { recallId });
    return lg.recall.evidence(recallId);
  };
  const issuer = {
    name: company.name,
    address: [...company.address],
    ...(company.gln ? { gln: company.gln } : {}),
    ...(company.contact ? { contact: { ...company.contact } } : {}),
  };
  return {
    company,
    async recallReport(recallId, opts = {}) {
      const { approval } = parseInput(ApprovalArg, opts, 'reports.recallReport');
      const e = await evidence('reports.recallReport', recallId);
      return recallReportPdf(e, {
        company,
        master: await recallMasterData(store, e),
        ...(approval ? { approval } : {}),
      });
    },
    async letters(recallId, sender = {}) {
      const s = parseInput(LetterSender, sender, 'reports.letters');
      const e = await evidence('reports.letters', recallId);
      const master = await recallMasterData(store, e);
      const out = [];
      for (const c of e.scope.customers) {
        const pdf = await customerLetterPdf(e, c.customerId, { master, sender: s, company });
        const email = c.contacts.find((x) => x.email)?.email;
        out.push({ customerId: c.customerId, name: c.name, ...(email ? { email } : {}), pdf });
      }
      return out;
    },
    async notificationList(recallId) {
      const e = await evidence('reports.notificationList', recallId);
      return notificationList(e, await recallMasterData(store, e));
    },
    async notificationCsv(recallId) {
      const e = await evidence('reports.notificationCsv', recallId);
      return notificationCsv(e, await recallMasterData(store, e));
    },
    async coa(lotId, opts = {}) {
      checkArgs('reports.coa', { lotId: Id }, { lotId });
      const { approval } = parseInput(ApprovalArg, opts, 'reports.coa');
      const signed: SignedCoa = await coaData(store, lotId, { issuer, ...(approval ? { approval } : {}) });
      return {
        pdf: await coaPdf(signed, company),
        json: new TextEncoder().encode(JSON.stringify(signed, null, 2)),
        sha256: signed.sha256,
        certificateNumber: signed.certificate.certificateNumber,
      };
    },
    async fsma204Csv(filter) {
      const f = parseInput(Fsma204FilterInput, filter, 'reports.fsma204Csv');
      return fsma204Csv(store, f, {
        site: {
          name: company.name,
          address: company.address.join(', '),
          ...(company.gln ? { gln: company.gln } : {}),
        },
      });
    },
    eu178Csv: (query) => lg.exports.eu178Csv(query),
    epcis: (opts = {}) => lg.exports.epcis(opts),
  };
}
