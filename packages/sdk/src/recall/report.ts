/**
 * The recall report as PDF (pdf-lib: runs in Node and browsers). A drill is marked as such on every page.
 *
 * @module
 */

import { PDFDocument, type PDFFont, type PDFPage, rgb, StandardFonts } from 'pdf-lib';
import { fieldError } from '../errors.js';
import type { RecallEvidence } from './queries.js';

const A4: [number, number] = [595.28, 841.89];
const MARGIN = 48;

/** WinAnsi (the standard fonts' encoding) cannot draw everything: replace what it cannot. */
function safe(text: string): string {
  return text
    .replace(/[‘’]/g, "'")
    .replace(/[“”]/g, '"')
    .replace(/[–—]/g, '-')
    .replace(/[×]/g, 'x')
    .replace(/[^\x20-\x7E\xA0-\xFF]/g, '?');
}

class Writer {
  page!: PDFPage;
  y = 0;
  constructor(
    private readonly doc: PDFDocument,
    private readonly font: PDFFont,
    private readonly bold: PDFFont,
    private readonly banner: string | undefined,
  ) {
    this.newPage();
  }
  newPage() {
    this.page = this.doc.addPage(A4);
    this.y = A4[1] - MARGIN;
    if (this.banner) {
      this.page.drawText(safe(this.banner), {
        x: MARGIN,
        y: A4[1] - 28,
        size: 10,
        font: this.bold,
        color: rgb(0.75, 0.1, 0.1),
      });
    }
  }
  line(text: string, opts: { size?: number; bold?: boolean; indent?: number } = {}) {
    const size = opts.size ?? 9.5;
    if (this.y < MARGIN + size) this.newPage();
    const font = opts.bold ? this.bold : this.font;
    let t = safe(text);
    const maxWidth = A4[0] - 2 * MARGIN - (opts.indent ?? 0);
    while (t.length > 4 && font.widthOfTextAtSize(t, size) > maxWidth) t = `${t.slice(0, -4)}...`;
    this.page.drawText(t, { x: MARGIN + (opts.indent ?? 0), y: this.y, size, font });
    this.y -= size * 1.45;
  }
  gap(h = 6) {
    this.y -= h;
  }
}

/** Render the recall report: header, timeline, effectiveness, customers, affected lots, mass balance. */
export async function recallReportPdf(e: RecallEvidence): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  doc.setTitle(`${e.drill ? 'Mock recall (drill)' : 'Recall'} ${e.recallId}`);
  doc.setProducer('lotgraph');
  doc.setCreationDate(new Date(e.timeline.openedAt));
  const w = new Writer(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
    e.drill ? 'MOCK RECALL - DRILL - NO PRODUCT WAS RECALLED, NO CUSTOMER WAS CONTACTED' : undefined,
  );
  w.line(`${e.drill ? 'Mock recall (drill)' : 'Recall'} ${e.recallId}`, { size: 18, bold: true });
  w.line(`Class ${e.classification} - ${e.reason}`, { size: 11 });
  w.line(`Suspect lots: ${e.scope.suspectLots.join(', ')}`, { size: 11 });
  w.line(`Status: ${e.status}`, { size: 11 });
  w.gap();
  w.line('Timeline', { size: 12, bold: true });
  const t = e.timeline;
  w.line(`Opened: ${t.openedAt}`);
  w.line(`Scope computed and customer list produced: ${t.scopeComputedAt} (${t.scopeMs.toFixed(1)} ms)`);
  if (t.firstNotificationAt) w.line(`First notification: ${t.firstNotificationAt}`);
  if (t.lastNotificationAt) w.line(`Last notification: ${t.lastNotificationAt}`);
  if (t.closedAt) w.line(`Closed: ${t.closedAt} (${t.hoursToClose?.toFixed(2)} h after opening)`);
  w.line(
    `Customer list after ${t.hoursToList.toFixed(3)} h: target ${t.targetHours} h ${t.metTarget ? 'MET' : 'NOT MET'}; FSMA 204 24 h ${t.within24h ? 'MET' : 'NOT MET'}`,
  );
  w.gap();
  w.line('Effectiveness (21 CFR 7.42)', { size: 12, bold: true });
  const f = e.effectiveness;
  w.line(
    `Level ${f.level}: ${(f.requiredShare * 100).toFixed(0)} % of consignees required; reached ${f.notified}/${f.consignees} (${(f.consigneesReachedShare * 100).toFixed(1)} %), acknowledged ${f.acknowledged} - ${f.met ? 'MET' : 'NOT MET'}`,
  );
  for (const q of f.quantityShipped) {
    const acc = f.quantityAccountedFor.find((x) => x.productId === q.productId);
    w.line(
      `${q.productId}: shipped ${q.quantity} ${q.unit}, accounted for ${acc?.quantity ?? '0'} ${q.unit}`,
      { indent: 12 },
    );
  }
  w.line(`Quantity accounted for: ${(f.quantityAccountedShare * 100).toFixed(1)} %`);
  w.gap();
  w.line(`Customers to notify (${e.scope.customers.length})`, { size: 12, bold: true });
  for (const c of e.scope.customers) {
    const q = c.quantities.map((x) => `${x.quantity} ${x.unit} ${x.productId}`).join(', ');
    w.line(
      `${c.customerId} ${c.name}${c.gln ? ` (GLN ${c.gln})` : ''}: ${q}; ${c.deliveries} deliveries; lots ${c.lots.join(' ')}`,
    );
  }
  w.gap();
  w.line(`Affected lots (${e.scope.lots.length}), attributed suspect quantity in ${e.scope.attributedUnit}`, {
    size: 12,
    bold: true,
  });
  for (const l of e.scope.lots) {
    w.line(
      `${l.lotId} (${l.productId}) depth ${l.depth}, attributed ${l.attributed}${l.path ? `, via ${l.path.join(' > ')}` : ''}`,
    );
  }
  w.gap();
  w.line(`Still on hand (${e.scope.onHand.length})`, { size: 12, bold: true });
  for (const s of e.scope.onHand) w.line(`${s.lotId} at ${s.locationId}: ${s.quantity} ${s.unit}`);
  w.gap();
  w.line(`Mass balance (tolerance ${(e.tolerance * 100).toFixed(2)} %)`, { size: 12, bold: true });
  for (const b of e.massBalance) {
    w.line(
      `${b.lotId}${b.suspect ? ' [suspect]' : ''}: in ${b.received}+${b.produced}+${b.returned}, consumed ${b.consumed}, shipped ${b.shipped}, adjusted ${b.adjusted}, on hand ${b.onHand}, variance ${b.balance} ${b.unit} (${b.variancePercent.toFixed(2)} %) ${b.withinTolerance ? 'OK' : 'OUT OF TOLERANCE'}`,
    );
  }
  return doc.save();
}

/**
 * The notification letter to one customer: what to do, which of their deliveries are affected (lots, dates,
 * quantities), and how to answer. A drill's letters say so in a banner — they are for rehearsal, not sending.
 */
export async function customerLetterPdf(
  e: RecallEvidence,
  customerId: string,
  sender: { name?: string; contact?: string } = {},
): Promise<Uint8Array> {
  const c = e.scope.customers.find((x) => x.customerId === customerId);
  if (!c)
    throw fieldError(
      ['customerId'],
      `customer "${customerId}" is not in the scope of recall ${e.recallId}`,
      customerId,
    );
  const doc = await PDFDocument.create();
  doc.setTitle(`Recall ${e.recallId} - notice to ${c.name}`);
  doc.setProducer('lotgraph');
  const w = new Writer(
    doc,
    await doc.embedFont(StandardFonts.Helvetica),
    await doc.embedFont(StandardFonts.HelveticaBold),
    e.drill ? 'MOCK RECALL - DRILL - REHEARSAL COPY, NOT TO BE SENT' : undefined,
  );
  w.line(`${sender.name ?? 'Product recall notice'}`, { size: 11, bold: true });
  w.gap(8);
  w.line(`To: ${c.name}${c.gln ? ` (GLN ${c.gln})` : ''}`, { size: 11 });
  const contact = c.contacts[0];
  if (contact)
    w.line(`Attn: ${[contact.name, contact.email, contact.phone].filter(Boolean).join(', ')}`, { size: 11 });
  w.line(`Date: ${e.timeline.openedAt.slice(0, 10)}   Reference: ${e.recallId}`, { size: 11 });
  w.gap(8);
  w.line(`URGENT: PRODUCT RECALL (Class ${e.classification})`, { size: 16, bold: true });
  w.gap(4);
  w.line(`Reason: ${e.reason}`, { size: 11 });
  w.gap(4);
  w.line('Our records show that you received the following affected deliveries:', { size: 11 });
  w.gap(2);
  for (const d of e.scope.deliveries.filter((x) => x.customerId === customerId)) {
    w.line(
      `Shipment ${d.shipmentId} line ${d.lineNo}, ${d.shippedAt.slice(0, 10)}: lot ${d.lotId}, ${d.quantity} ${d.unit} ${d.productId}`,
      {
        indent: 12,
      },
    );
  }
  w.gap(4);
  w.line(`In total: ${c.quantities.map((q) => `${q.quantity} ${q.unit} ${q.productId}`).join(', ')}.`, {
    size: 11,
  });
  w.gap(6);
  for (const t of [
    '1. Stop selling and using these lots immediately and set the stock aside.',
    '2. Count what you still hold, and what you have sold or used.',
    '3. Return or destroy the stock as instructed, and tell us the quantities returned, destroyed or sold.',
    `4. Confirm receipt of this notice by quoting ${e.recallId}${sender.contact ? ` to ${sender.contact}` : ''}.`,
  ])
    w.line(t, { size: 11 });
  return doc.save();
}
