/**
 * The notification letter to one customer: what to do, which of their deliveries are affected (per product,
 * with lots, best-before dates and quantities — the same rows as the notification list), and where to
 * answer. A drill's letters say so in a banner: they are for rehearsal, not sending.
 *
 * @module
 */
import { fieldError } from '../errors.js';
import {
  type NotificationRow,
  notificationList,
  type RecallEvidence,
  type RecallMasterData,
} from '../recall/queries.js';
import { PdfWriter } from './pdf-kit.js';
import { type CompanyProfile, contactLine } from './profile.js';
import { lotLabel, productLabel } from './recall-report.js';

/** Who sends the letter and where customers answer (defaults: the company profile's name and contact). */
export interface LetterSender {
  name?: string;
  contact?: string;
}

/** The content of one letter, before layout: the rows it lists come from {@link notificationList}. */
export interface LetterContent {
  customerId: string;
  to: string[];
  rows: NotificationRow[];
  paragraphs: { text: string; size?: number; bold?: boolean; indent?: number }[];
}

/** Build the content of the letter to one customer. */
export function letterContent(
  e: RecallEvidence,
  customerId: string,
  options: { master?: Partial<RecallMasterData>; sender?: LetterSender; company?: CompanyProfile } = {},
): LetterContent {
  const c = e.scope.customers.find((x) => x.customerId === customerId);
  if (!c)
    throw fieldError(
      ['customerId'],
      `customer "${customerId}" is not in the scope of recall ${e.recallId}`,
      customerId,
    );
  const m = options.master ?? {};
  const rows = notificationList(e, m).filter((r) => r.customerId === customerId);
  const party = m.parties?.get(customerId);
  const contact = c.contacts[0];
  const replyTo = options.sender?.contact ?? contactLine(options.company?.contact);
  const from = options.sender?.name ?? options.company?.name;
  const to = [`${c.name}${c.gln ? ` (GLN ${c.gln})` : ''}`];
  if (party?.address) to.push(party.address);
  if (contact) to.push(`Attn: ${[contact.name, contact.email, contact.phone].filter(Boolean).join(', ')}`);
  const p: LetterContent['paragraphs'] = [];
  if (from) p.push({ text: `From: ${from}`, size: 11, bold: true });
  for (const [i, line] of to.entries())
    p.push({ text: i === 0 ? `To: ${line}` : line, size: 11, indent: i === 0 ? 0 : 20 });
  p.push({ text: `Date: ${e.timeline.openedAt.slice(0, 10)}   Reference: ${e.recallId}`, size: 11 });
  p.push({ text: `URGENT: PRODUCT RECALL (Class ${e.classification})`, size: 16, bold: true });
  p.push({ text: `Reason: ${e.reason}`, size: 11 });
  p.push({ text: 'Our records show that you received the following affected deliveries:', size: 11 });
  for (const r of rows) {
    p.push({
      text: `${productLabel(r.productId, m)}: ${r.quantity} ${r.unit} in ${r.deliveries} ${r.deliveries === 1 ? 'delivery' : 'deliveries'}`,
      size: 11,
      bold: true,
      indent: 12,
    });
    for (const d of r.lines) {
      const lot = r.lots.find((l) => l.lotId === d.lotId);
      p.push({
        text: `${d.shippedAt.slice(0, 10)}, shipment ${d.shipmentId} line ${d.lineNo}: lot ${lotLabel(d.lotId, lot)}, ${d.quantity} ${d.unit}`,
        indent: 24,
      });
    }
    for (const g of r.serials ?? [])
      p.push({
        text: `Serial numbers of lot ${g.lotId} (GTIN ${g.gtin}): ${g.serials.join(', ')}`,
        indent: 24,
      });
  }
  p.push({ text: 'What to do', size: 11, bold: true });
  for (const t of [
    '1. Stop selling and using these lots immediately and set the stock aside.',
    '2. Count what you still hold, and what you have sold or used.',
    '3. Return or destroy the stock as instructed, and tell us the quantities returned, destroyed or sold.',
    `4. Confirm receipt of this notice by quoting ${e.recallId}${replyTo ? ` to ${replyTo}` : ''}.`,
  ])
    p.push({ text: t, size: 11 });
  return { customerId, to, rows, paragraphs: p };
}

/** Render the notification letter to one customer as PDF. */
export async function customerLetterPdf(
  e: RecallEvidence,
  customerId: string,
  options: { master?: Partial<RecallMasterData>; sender?: LetterSender; company?: CompanyProfile } = {},
): Promise<Uint8Array> {
  const content = letterContent(e, customerId, options);
  const w = await PdfWriter.create({
    title: `Recall ${e.recallId} - notice to ${content.to[0]}`,
    reference: `Recall ${e.recallId} - ${customerId}`,
    ...(options.company ? { company: options.company } : {}),
    ...(e.drill ? { banner: 'MOCK RECALL - DRILL - REHEARSAL COPY, NOT TO BE SENT' } : {}),
  });
  for (const [i, para] of content.paragraphs.entries()) {
    if (para.size === 16 || para.text === 'What to do' || content.paragraphs[i - 1]?.size === 16) w.gap(6);
    w.para(para.text, { ...para, hang: 12 });
  }
  return w.save();
}
