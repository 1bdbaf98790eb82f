/**
 * The e-mails lotgraph sends, as typed template functions. Pass your own for any of them
 * (`emailSender({ templates: { expiry: (a) => ({ … }) } })`); build HTML with the {@link html} tag so
 * values are escaped.
 *
 * @module
 */
import type { LowStockItem, StockAlert } from '@lotgraph/sdk';
import { html, type SafeHtml } from './html.js';

/** What a template returns: a subject line, a plain-text body and an HTML body. */
export interface RenderedMail {
  subject: string;
  text: string;
  html: SafeHtml;
}

/** Payload of topic `alert.expiry`: lots on hand expiring within `withinDays` of `date`. */
export interface ExpiryAlert {
  date: string;
  withinDays: number;
  alerts: StockAlert[];
}

/** Payload of topic `alert.lowStock`: products below their threshold on `date`. */
export interface LowStockAlert {
  date: string;
  items: LowStockItem[];
}

/** Payload of topic `alert.holdPlaced`: a hold was placed on a lot. */
export interface HoldPlacedAlert {
  holdId: string;
  lotId: string;
  locationId?: string;
  reasonCode: string;
  note?: string;
  placedAt: string;
}

/** Payload of topic `alert.recallOpened`: a recall (or drill) was opened. */
export interface RecallOpenedAlert {
  recallId: string;
  drill: boolean;
  classification: string;
  reason: string;
  openedAt: string;
  lots: number;
  customers: number;
}

/** Context of the covering e-mail of a recall letter (the letter itself is the attached PDF). */
export interface RecallLetterMail {
  recallId: string;
  drill: boolean;
  customerName: string;
  senderName?: string;
}

/** Every template; override any subset through `emailSender({ templates })`. */
export interface EmailTemplates {
  expiry(alert: ExpiryAlert): RenderedMail;
  lowStock(alert: LowStockAlert): RenderedMail;
  holdPlaced(alert: HoldPlacedAlert): RenderedMail;
  recallOpened(alert: RecallOpenedAlert): RenderedMail;
  recallLetter(mail: RecallLetterMail): RenderedMail;
}

const table = (head: string[], rows: string[][]): SafeHtml =>
  html`<table border="1" cellpadding="4" cellspacing="0"><thead><tr>${head.map(
    (h) => html`<th>${h}</th>`,
  )}</tr></thead><tbody>${rows.map((r) => html`<tr>${r.map((c) => html`<td>${c}</td>`)}</tr>`)}</tbody></table>`;

const plural = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** The built-in templates (English). */
export const defaultTemplates: EmailTemplates = {
  expiry(a) {
    const rows = a.alerts.map((x) => [
      x.lotId,
      x.productId,
      x.locationId,
      `${x.quantity} ${x.unit}`.trim(),
      x.expiry ?? '',
      String(x.daysToExpiry ?? ''),
    ]);
    return {
      subject: `[lotgraph] ${plural(a.alerts.length, 'lot')} expiring within ${a.withinDays} days (${a.date})`,
      text: [
        `Lots on hand expiring within ${a.withinDays} days of ${a.date}:`,
        ...rows.map((r) => `- lot ${r[0]} (${r[1]}) at ${r[2]}: ${r[3]}, expires ${r[4]} (in ${r[5]} days)`),
      ].join('\n'),
      html: html`<p>Lots on hand expiring within ${a.withinDays} days of ${a.date}:</p>${table(
        ['Lot', 'Product', 'Location', 'Quantity', 'Expiry', 'Days'],
        rows,
      )}`,
    };
  },
  lowStock(a) {
    const rows = a.items.map((x) => [
      x.productId,
      `${x.onHand} ${x.unit}`,
      `${x.threshold} ${x.unit}`,
      String(x.lots),
    ]);
    return {
      subject: `[lotgraph] low stock: ${plural(a.items.length, 'product')} below threshold (${a.date})`,
      text: [
        `Products below their threshold on ${a.date}:`,
        ...rows.map((r) => `- ${r[0]}: ${r[1]} on hand, threshold ${r[2]} (${r[3]} lots)`),
      ].join('\n'),
      html: html`<p>Products below their threshold on ${a.date}:</p>${table(
        ['Product', 'On hand', 'Threshold', 'Lots'],
        rows,
      )}`,
    };
  },
  holdPlaced(a) {
    const where = a.locationId ? ` at ${a.locationId}` : ' at every location';
    return {
      subject: `[lotgraph] hold ${a.holdId} placed on lot ${a.lotId} (${a.reasonCode})`,
      text: `Lot ${a.lotId} was put on hold${where} at ${a.placedAt}.\nReason: ${a.reasonCode}${a.note ? `\nNote: ${a.note}` : ''}\nHold id: ${a.holdId}`,
      html: html`<p>Lot <b>${a.lotId}</b> was put on hold${where} at ${a.placedAt}.</p><p>Reason: ${a.reasonCode}</p>${
        a.note ? html`<p>Note: ${a.note}</p>` : ''
      }<p>Hold id: ${a.holdId}</p>`,
    };
  },
  recallOpened(a) {
    const kind = a.drill ? 'Recall drill' : 'Recall';
    return {
      subject: `[lotgraph] ${kind} ${a.recallId} opened (class ${a.classification})`,
      text: `${kind} ${a.recallId} (class ${a.classification}) was opened at ${a.openedAt}.\nReason: ${a.reason}\nScope: ${plural(a.lots, 'lot')}, ${plural(a.customers, 'customer')}.`,
      html: html`<p>${kind} <b>${a.recallId}</b> (class ${a.classification}) was opened at ${a.openedAt}.</p><p>Reason: ${a.reason}</p><p>Scope: ${plural(a.lots, 'lot')}, ${plural(a.customers, 'customer')}.</p>`,
    };
  },
  recallLetter(m) {
    const prefix = m.drill ? '[REHEARSAL] ' : '';
    return {
      subject: `${prefix}Product recall ${m.recallId}: notification for ${m.customerName}`,
      text: `Dear ${m.customerName},\n\nPlease find attached our recall notification ${m.recallId}. Follow the instructions in the letter and confirm receipt.\n\n${m.senderName ?? ''}`.trimEnd(),
      html: html`<p>Dear ${m.customerName},</p><p>Please find attached our recall notification <b>${m.recallId}</b>. Follow the instructions in the letter and confirm receipt.</p>${
        m.senderName ? html`<p>${m.senderName}</p>` : ''
      }`,
    };
  },
};
