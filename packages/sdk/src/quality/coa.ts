import { PDFDocument, rgb, StandardFonts } from 'pdf-lib';
import { sha256HexSync } from '../ledger/sha256.js';
import type { Store } from '../store/port.js';
import { qualityVerdict } from './queries.js';

/** The Certificate of Analysis of a lot as PDF: product, lot, dates, specification, results, verdict, approver. */
export async function coaPdf(store: Store, lotId: string): Promise<Uint8Array> {
  const v = await qualityVerdict(store, lotId);
  const lot = (await store.getLot(lotId))!;
  const product = await store.getProduct(lot.productId);
  const doc = await PDFDocument.create();
  doc.setTitle(`Certificate of Analysis ${lotId}`);
  doc.setProducer('lotgraph');
  const font = await doc.embedFont(StandardFonts.Helvetica);
  const bold = await doc.embedFont(StandardFonts.HelveticaBold);
  const page = doc.addPage([595.28, 841.89]);
  let y = 790;
  const safe = (t: string) => t.replace(/[^\x20-\x7E\xA0-\xFF]/g, '?');
  const text = (t: string, x: number, size = 10, f = font) => page.drawText(safe(t), { x, y, size, font: f });
  text('Certificate of Analysis', 48, 20, bold);
  y -= 30;
  for (const [k, val] of [
    [
      'Product',
      `${product?.name ?? lot.productId} (${lot.productId})${product?.gtin ? `, GTIN ${product.gtin}` : ''}`,
    ],
    ['Lot', `${lot.id}${lot.supplierLotNumber ? ` (supplier lot ${lot.supplierLotNumber})` : ''}`],
    ['Production date', lot.productionDate ?? '-'],
    ['Expiry / best before', lot.expiry ?? lot.bestBefore ?? '-'],
    ['Origin', lot.originCountry ?? '-'],
  ] as const) {
    text(`${k}:`, 48, 10, bold);
    text(val, 170);
    y -= 16;
  }
  y -= 10;
  const cols = [48, 150, 260, 330, 400, 480];
  for (const [i, h] of ['Test', 'Method', 'Unit', 'Specification', 'Result', 'Conformity'].entries())
    text(h, cols[i]!, 10, bold);
  y -= 6;
  page.drawLine({ start: { x: 48, y }, end: { x: 547, y }, thickness: 0.5, color: rgb(0.3, 0.3, 0.3) });
  y -= 14;
  for (const l of v.lines) {
    const specText =
      l.expected ??
      [l.min !== undefined ? `>= ${l.min}` : '', l.max !== undefined ? `<= ${l.max}` : '']
        .filter(Boolean)
        .join(' ');
    for (const [i, c] of [
      l.name,
      l.method ?? '',
      l.unit ?? '',
      specText,
      l.value ?? '-',
      l.result.toUpperCase(),
    ].entries())
      text(c.length > 22 ? `${c.slice(0, 21)}.` : c, cols[i]!, 9);
    y -= 15;
  }
  y -= 15;
  text(`Verdict: ${v.verdict.toUpperCase()}`, 48, 12, bold);
  y -= 18;
  text(
    v.decision
      ? `Decision: ${v.decision.decision} by ${v.decision.approver} on ${v.decision.at.slice(0, 10)}${v.decision.override ? ' (concession)' : ''}`
      : 'Decision: pending',
    48,
    11,
  );
  y -= 16;
  text(`Certificate hash of the results: ${sha256HexSync(JSON.stringify(v.lines)).slice(0, 16)}`, 48, 8);
  return doc.save();
}
