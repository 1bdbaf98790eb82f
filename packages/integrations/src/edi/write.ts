/**
 * The EANCOM D96A DESADV / RECADV writer.
 *
 * @module
 */
import { z } from 'zod';
import { parseWith } from '../message.js';
import {
  DOCUMENT_NAMES,
  GIN_BATCH,
  GS1_AGENCY,
  ITEM_BATCH,
  ITEM_GTIN,
  PCI_MARKING,
  PIA_ADDITIONAL,
  QUANTITY_QUALIFIERS,
} from './code-lists.js';
import { DespatchAdvice, type DespatchAdviceInput } from './model.js';
import { DEFAULT_SEPARATORS, formatSegment, formatUna } from './syntax.js';

/** Options of {@link writeDesadv}. */
export interface WriteOptions {
  /** Where to carry the batch number: `PIA` (+1+batch:NB), `GIN` (PCI/GIN+BX) or `both` (default). */
  batchIn?: 'PIA' | 'GIN' | 'both';
  /** Put a line break after each segment (readable; receivers ignore it). Default true. */
  lineBreaks?: boolean;
}

/** EANCOM association-assigned codes (UNH 0057) of the subsets written. */
export const MESSAGE_VERSIONS = { DESADV: 'EAN005', RECADV: 'EAN003' } as const;

const Options = z.strictObject({
  batchIn: z.enum(['PIA', 'GIN', 'both']).optional(),
  lineBreaks: z.boolean().optional(),
});

const day = (d: string) => d.replaceAll('-', '');

/**
 * Write a despatch advice (or receiving advice) as an EANCOM D96A interchange: UNA, UNB, UNH, BGM, DTM,
 * RFF, NAD, CPS, PAC, LIN, PIA, QTY, PCI/DTM/GIN per line, UNT with the segment count, UNZ.
 *
 * @example
 * ```ts
 * const edi = writeDesadv({ sender: '9506000000032', recipient: '9506000000018', controlRef: 'IC1',
 *   preparedAt: '2026-03-01T10:00Z', messageRef: 'M1', documentNumber: 'SH-1', date: '2026-03-01',
 *   buyer: '9506000000018', supplier: '9506000000032', deliveryParty: '9506000000018',
 *   lines: [{ lineNo: 1, gtin: '09506000134369', batch: 'Y1', expiry: '2026-03-20', quantity: '30' }] });
 * ```
 */
export function writeDesadv(advice: DespatchAdviceInput, options: WriteOptions = {}): string {
  const a = parseWith(DespatchAdvice, advice, 'writeDesadv');
  const o = parseWith(Options, options, 'writeDesadv options');
  const batchIn = o.batchIn ?? 'both';
  const sep = DEFAULT_SEPARATORS;
  const seg = (tag: string, ...els: (string | string[])[]) => formatSegment(tag, els, sep);
  const [date, time] = a.preparedAt.slice(0, -1).split('T') as [string, string];
  const message: string[] = [];
  message.push(seg('UNH', a.messageRef, [a.kind, 'D', '96A', 'UN', MESSAGE_VERSIONS[a.kind]]));
  message.push(seg('BGM', DOCUMENT_NAMES[a.kind], a.documentNumber, a.function));
  message.push(seg('DTM', ['137', day(date) + time.replace(':', ''), '203']));
  message.push(seg('DTM', [a.kind === 'DESADV' ? '11' : '50', day(a.date), '102']));
  if (a.deliveryDate) message.push(seg('DTM', ['17', day(a.deliveryDate), '102']));
  if (a.orderRef) message.push(seg('RFF', ['ON', a.orderRef]));
  if (a.despatchRef) message.push(seg('RFF', ['DQ', a.despatchRef]));
  message.push(seg('NAD', 'BY', [a.buyer, '', GS1_AGENCY]));
  message.push(seg('NAD', 'SU', [a.supplier, '', GS1_AGENCY]));
  message.push(seg('NAD', 'DP', [a.deliveryParty, '', GS1_AGENCY]));
  if (a.shipFrom) message.push(seg('NAD', 'SF', [a.shipFrom, '', GS1_AGENCY]));
  message.push(seg('CPS', '1'));
  if (a.packages) message.push(seg('PAC', String(a.packages.count), '', a.packages.type));
  const qty = QUANTITY_QUALIFIERS[a.kind][0];
  for (const l of a.lines) {
    message.push(seg('LIN', String(l.lineNo), '', [l.gtin, ITEM_GTIN]));
    if (batchIn !== 'GIN') message.push(seg('PIA', PIA_ADDITIONAL, [l.batch, ITEM_BATCH]));
    message.push(seg('QTY', [qty, l.quantity, l.unitCode ?? '']));
    if (batchIn !== 'PIA' || l.expiry) {
      message.push(seg('PCI', PCI_MARKING));
      if (l.expiry) message.push(seg('DTM', ['36', day(l.expiry), '102']));
      if (batchIn !== 'PIA') message.push(seg('GIN', GIN_BATCH, l.batch));
    }
  }
  message.push(seg('UNT', String(message.length + 1), a.messageRef));
  const out = [
    formatUna(sep),
    seg(
      'UNB',
      ['UNOC', '3'],
      [a.sender, '14'],
      [a.recipient, '14'],
      [day(date).slice(2), time.replace(':', '')],
      a.controlRef,
      ...(a.test ? ['', '', '', '', '', '1'] : []),
    ),
    ...message,
    seg('UNZ', '1', a.controlRef),
  ];
  return out.join(o.lineBreaks === false ? '' : '\n') + (o.lineBreaks === false ? '' : '\n');
}
