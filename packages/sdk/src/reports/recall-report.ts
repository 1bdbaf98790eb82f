/**
 * The recall report as PDF: header, timeline, effectiveness, customers per product (with lots and their
 * dates), affected lots, stock on hand, mass balance with its columns explained, and the approval block.
 * A drill is marked as such on every page.
 *
 * @module
 */
import type { Lot } from '../domain/schemas.js';
import { notificationList, type RecallEvidence, type RecallMasterData } from '../recall/queries.js';
import { PdfWriter } from './pdf-kit.js';
import type { Approval, CompanyProfile } from './profile.js';

/** What the recall documents print besides the evidence: issuer, master data, approval. */
export interface RecallDocumentOptions {
  company?: CompanyProfile;
  master?: Partial<RecallMasterData>;
  approval?: Approval;
}

/** "Sesame loaf 800 g (GTIN 0950…)" — the product as people know it, with its id for the system. */
export function productLabel(productId: string, master: Partial<RecallMasterData> = {}): string {
  const p = master.products?.get(productId);
  if (!p) return productId;
  return `${p.name}${p.gtin ? `, GTIN ${p.gtin}` : ''} [${productId}]`;
}

/** "L-1 (best before 2026-01-02, expiry …)" — a lot id with the dates a customer checks on the pack. */
export function lotLabel(lotId: string, lot: Pick<Lot, 'bestBefore' | 'expiry'> | undefined): string {
  const dates = [
    lot?.bestBefore ? `best before ${lot.bestBefore}` : '',
    lot?.expiry ? `expiry ${lot.expiry}` : '',
  ].filter(Boolean);
  return dates.length ? `${lotId} (${dates.join(', ')})` : lotId;
}

const title = (e: RecallEvidence) => `${e.drill ? 'Mock recall (drill)' : 'Recall'} ${e.recallId}`;

/** Render the recall report of a case. */
export async function recallReportPdf(
  e: RecallEvidence,
  options: RecallDocumentOptions = {},
): Promise<Uint8Array> {
  const m = options.master ?? {};
  const w = await PdfWriter.create({
    title: title(e),
    reference: `Recall report ${e.recallId}`,
    createdAt: e.timeline.openedAt,
    ...(options.company ? { company: options.company } : {}),
    ...(e.drill
      ? { banner: 'MOCK RECALL - DRILL - NO PRODUCT WAS RECALLED, NO CUSTOMER WAS CONTACTED' }
      : {}),
  });
  w.para(title(e), { size: 18, bold: true });
  w.para(`Class ${e.classification} - ${e.reason}`, { size: 11 });
  w.para(`Status: ${e.status}`, { size: 11 });
  w.heading('Suspect lots');
  for (const id of e.scope.suspectLots) {
    const lot = m.lots?.get(id);
    const sl = e.scope.lots.find((l) => l.lotId === id);
    const supplier = lot?.supplierId ? (m.parties?.get(lot.supplierId)?.name ?? lot.supplierId) : undefined;
    w.para(
      `${lotLabel(id, lot)}: ${productLabel(lot?.productId ?? sl?.productId ?? '', m)}${supplier ? `; supplier ${supplier}` : ''}${lot?.supplierLotNumber ? `, supplier lot ${lot.supplierLotNumber}` : ''}`,
      { indent: 12, hang: 12 },
    );
  }

  w.heading('Timeline');
  const t = e.timeline;
  w.para(`Opened: ${t.openedAt}`);
  w.para(`Scope computed and customer list produced: ${t.scopeComputedAt} (${t.scopeMs.toFixed(1)} ms)`);
  if (t.firstNotificationAt) w.para(`First notification: ${t.firstNotificationAt}`);
  if (t.lastNotificationAt) w.para(`Last notification: ${t.lastNotificationAt}`);
  if (t.closedAt) w.para(`Closed: ${t.closedAt} (${t.hoursToClose?.toFixed(2)} h after opening)`);
  w.para(
    `Customer list after ${t.hoursToList.toFixed(3)} h: target ${t.targetHours} h ${t.metTarget ? 'MET' : 'NOT MET'}; FSMA 204 24 h ${t.within24h ? 'MET' : 'NOT MET'}`,
  );

  w.heading('Effectiveness (21 CFR 7.42)');
  const f = e.effectiveness;
  w.para(
    `Level ${f.level}: ${(f.requiredShare * 100).toFixed(0)} % of consignees required; reached ${f.notified} of ${f.consignees} (${(f.consigneesReachedShare * 100).toFixed(1)} %), acknowledged ${f.acknowledged} - ${f.met ? 'MET' : 'NOT MET'}`,
  );
  for (const q of f.quantityShipped) {
    const acc = f.quantityAccountedFor.find((x) => x.productId === q.productId);
    w.para(
      `${productLabel(q.productId, m)}: shipped ${q.quantity} ${q.unit}, accounted for ${acc?.quantity ?? '0'} ${q.unit}`,
      { indent: 12, hang: 12 },
    );
  }
  w.para(`Quantity accounted for: ${(f.quantityAccountedShare * 100).toFixed(1)} %`);

  const rows = notificationList(e, m);
  w.heading(`Customers to notify (${e.scope.customers.length}), per product`);
  let last = '';
  for (const r of rows) {
    if (r.customerId !== last) {
      last = r.customerId;
      w.gap(3);
      w.para(
        `${r.customerName} [${r.customerId}]${r.customerGln ? `, GLN ${r.customerGln}` : ''}${r.customerAddress ? `, ${r.customerAddress}` : ''}${r.contact?.email ? ` - ${r.contact.email}` : ''}`,
        { bold: true, hang: 12 },
      );
    }
    w.para(
      `${productLabel(r.productId, m)}: ${r.quantity} ${r.unit} in ${r.deliveries} ${r.deliveries === 1 ? 'delivery' : 'deliveries'}, ${r.firstShippedAt.slice(0, 10)} to ${r.lastShippedAt.slice(0, 10)}; lots ${r.lots.map((l) => lotLabel(l.lotId, l)).join(', ')}`,
      { indent: 12, hang: 12 },
    );
  }

  w.heading(
    `Affected lots (${e.scope.lots.length}); attributed suspect quantity in ${e.scope.attributedUnit}`,
  );
  for (const l of e.scope.lots) {
    w.para(
      `${lotLabel(l.lotId, m.lots?.get(l.lotId) ?? (l.expiry ? { expiry: l.expiry } : undefined))}: ${productLabel(l.productId, m)}; depth ${l.depth}, attributed ${l.attributed} ${e.scope.attributedUnit}${l.path ? `, via ${l.path.join(' > ')}` : ''}`,
      { hang: 12 },
    );
  }

  w.heading(`Still on hand (${e.scope.onHand.length})`);
  if (e.scope.onHand.length === 0) w.para('None of the affected lots is in stock.');
  for (const s of e.scope.onHand)
    w.para(`${s.lotId} at ${s.locationId}: ${s.quantity} ${s.unit} (${productLabel(s.productId, m)})`, {
      hang: 12,
    });

  w.heading(`Mass balance (tolerance ${(e.tolerance * 100).toFixed(2)} %)`);
  w.para(
    'How to read it: in = received + produced + returned (what entered the lot); consumed = used as an input of production or a transformation; shipped = sent to customers; adjusted = net stock adjustments and corrections (signed); on hand = in stock now. Variance = in - consumed - shipped + adjusted - on hand, in the lot\'s unit and as a share of "in": zero when every movement is recorded. OK = within tolerance.',
    { size: 8.5 },
  );
  w.gap(3);
  for (const b of e.massBalance) {
    w.para(
      `${b.lotId}${b.suspect ? ' [suspect]' : ''}: in ${b.received} received + ${b.produced} produced + ${b.returned} returned; consumed ${b.consumed}, shipped ${b.shipped}, adjusted ${b.adjusted}, on hand ${b.onHand}; variance ${b.balance} ${b.unit} (${b.variancePercent.toFixed(2)} %) - ${b.withinTolerance ? 'OK' : 'OUT OF TOLERANCE'}`,
      { hang: 12 },
    );
  }

  w.approval(options.approval, 'This report');
  return w.save();
}
