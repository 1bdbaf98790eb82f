/**
 * The EANCOM D96A DESADV / RECADV reader: every message of an interchange back to {@link DespatchAdvice}
 * data, with envelope counts, references and the code values checked.
 *
 * @module
 */
import { ValidationError } from '@lotgraph/sdk';
import {
  DATE_FORMATS,
  DATE_QUALIFIERS,
  DOCUMENT_NAMES,
  GIN_BATCH,
  GS1_AGENCY,
  ITEM_BATCH,
  ITEM_GTIN,
  MESSAGE_FUNCTIONS,
  PACKAGE_TYPES,
  PARTY_QUALIFIERS,
  PCI_MARKING,
  PIA_ADDITIONAL,
  QUANTITY_QUALIFIERS,
  REFERENCE_QUALIFIERS,
} from './code-lists.js';
import { DespatchAdvice, type DespatchLine } from './model.js';
import { EdifactError, parseSegments, type Segment } from './syntax.js';

/** Segments of DESADV / RECADV this reader skips without reading (they carry nothing lotgraph stores). */
const SKIPPED = new Set([
  'FTX',
  'TDT',
  'TOD',
  'LOC',
  'MEA',
  'IMD',
  'ALI',
  'EQD',
  'SEL',
  'HAN',
  'CTA',
  'COM',
  'CNT',
  'QVR',
  'DLM',
  'TSR',
  'GIR',
  'SGP',
  'RFF',
]);

const get = (s: Segment, el: number, comp = 1): string => s.elements[el - 1]?.[comp - 1] ?? '';

function need(s: Segment, el: number, comp: number, what: string): string {
  const v = get(s, el, comp);
  if (v === '') throw new EdifactError(s.tag, s.index, el, comp, `${what} is missing`);
  return v;
}

function oneOf<T extends string>(
  s: Segment,
  el: number,
  comp: number,
  allowed: readonly T[],
  what: string,
): T {
  const v = need(s, el, comp, what);
  if (!(allowed as readonly string[]).includes(v))
    throw new EdifactError(s.tag, s.index, el, comp, `${what} "${v}" is not one of ${allowed.join(', ')}`);
  return v as T;
}

function date(s: Segment): { qualifier: string; value: string } {
  const qualifier = oneOf(s, 1, 1, DATE_QUALIFIERS, 'date qualifier (2005)');
  const format = oneOf(s, 1, 3, DATE_FORMATS, 'date format (2379)');
  const v = need(s, 1, 2, 'date');
  const re = format === '102' ? /^\d{8}$/ : /^\d{12}$/;
  if (!re.test(v))
    throw new EdifactError(s.tag, s.index, 1, 2, `date "${v}" does not match format ${format}`);
  const d = `${v.slice(0, 4)}-${v.slice(4, 6)}-${v.slice(6, 8)}`;
  if (
    Number.isNaN(Date.parse(`${d}T00:00:00Z`)) ||
    new Date(`${d}T00:00:00Z`).toISOString().slice(0, 10) !== d
  )
    throw new EdifactError(s.tag, s.index, 1, 2, `"${v}" is not a calendar date`);
  return { qualifier, value: format === '102' ? d : `${d}T${v.slice(8, 10)}:${v.slice(10, 12)}Z` };
}

/** One message read from an interchange. */
export interface ReadAdvice {
  /** The advice (validated like {@link writeDesadv}'s input). */
  advice: DespatchAdvice;
  /** Segment positions of the message (UNH … UNT), for error reports of your own. */
  segments: { first: number; last: number };
}

/**
 * Read every DESADV / RECADV message of an EANCOM interchange. Throws {@link EdifactError} naming the
 * segment and the element/component position for a syntax error, a code value outside the lists in
 * `code-lists.ts`, a wrong UNT/UNZ count or reference, a line without a batch number, or a batch in PIA
 * and GIN that disagree.
 */
export function readDespatchAdvices(text: string): ReadAdvice[] {
  const { segments, separators } = parseSegments(text);
  const first = segments[0];
  if (first?.tag !== 'UNB')
    throw new EdifactError(
      first?.tag ?? 'UNB',
      first?.index ?? 0,
      0,
      0,
      'the interchange must start with UNB',
    );
  oneOf(first, 1, 1, ['UNOA', 'UNOB', 'UNOC', 'UNOD'], 'syntax identifier (0001)');
  oneOf(first, 1, 2, ['3', '4'], 'syntax version (0002)');
  const sender = need(first, 2, 1, 'sender id');
  const recipient = need(first, 3, 1, 'recipient id');
  oneOf(first, 2, 2, ['14'], 'sender id qualifier (0007, 14 = GS1 GLN)');
  oneOf(first, 3, 2, ['14'], 'recipient id qualifier (0007, 14 = GS1 GLN)');
  const controlRef = need(first, 5, 1, 'interchange control reference');
  const test = get(first, 11) === '1';
  const last = segments[segments.length - 1]!;
  if (last.tag !== 'UNZ')
    throw new EdifactError(last.tag, last.index, 0, 0, 'the interchange must end with UNZ');
  if (get(last, 2) !== controlRef)
    throw new EdifactError(
      'UNZ',
      last.index,
      2,
      1,
      `control reference "${get(last, 2)}" differs from UNB's "${controlRef}"`,
    );

  const out: ReadAdvice[] = [];
  let i = 1;
  while (i < segments.length - 1) {
    const unh = segments[i]!;
    if (unh.tag !== 'UNH')
      throw new EdifactError(unh.tag, unh.index, 0, 0, 'expected UNH (start of a message)');
    const kind = oneOf(unh, 2, 1, ['DESADV', 'RECADV'] as const, 'message type (0065)');
    oneOf(unh, 2, 2, ['D'], 'message version (0052)');
    oneOf(unh, 2, 3, ['96A'], 'message release (0054)');
    oneOf(unh, 2, 4, ['UN'], 'controlling agency (0051)');
    const end = segments.findIndex((s, k) => k > i && s.tag === 'UNT');
    if (end < 0) throw new EdifactError('UNH', unh.index, 0, 0, 'message has no UNT');
    const unt = segments[end]!;
    const count = end - i + 1;
    if (get(unt, 1) !== String(count))
      throw new EdifactError(
        'UNT',
        unt.index,
        1,
        1,
        `segment count "${get(unt, 1)}" but the message has ${count} segments`,
      );
    if (get(unt, 2) !== get(unh, 1))
      throw new EdifactError(
        'UNT',
        unt.index,
        2,
        1,
        `message reference "${get(unt, 2)}" differs from UNH's "${get(unh, 1)}"`,
      );
    const body = segments.slice(i + 1, end);
    const advice = readMessage(kind, unh, body, separators.decimal);
    const parsed = DespatchAdvice.safeParse({ ...advice, kind, sender, recipient, controlRef, test });
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new ValidationError(
        parsed.error.issues.map((x) => ({
          code: 'custom' as const,
          path: x.path.map(String),
          message: x.message,
        })),
        `edifact message ${get(unh, 1)} (segments ${unh.index}-${unt.index}): ${issue.path.join('.')}`,
      );
    }
    out.push({ advice: parsed.data, segments: { first: unh.index, last: unt.index } });
    i = end + 1;
  }
  if (get(last, 1) !== String(out.length))
    throw new EdifactError(
      'UNZ',
      last.index,
      1,
      1,
      `message count "${get(last, 1)}" but the interchange has ${out.length}`,
    );
  return out;
}

function readMessage(kind: 'DESADV' | 'RECADV', unh: Segment, body: Segment[], decimal: string) {
  const parties: Record<string, string> = {};
  const lines: Partial<DespatchLine>[] = [];
  const head: Record<string, unknown> = { messageRef: get(unh, 1) };
  let line: (Partial<DespatchLine> & { pia?: string; gin?: string; gs?: Segment }) | undefined;
  let inPci = false;
  const qtyCodes = QUANTITY_QUALIFIERS[kind] as readonly string[];
  const bgm = body[0];
  if (bgm?.tag !== 'BGM')
    throw new EdifactError(bgm?.tag ?? 'UNT', bgm?.index ?? unh.index, 0, 0, 'expected BGM after UNH');
  oneOf(bgm, 1, 1, [DOCUMENT_NAMES[kind]], 'document name (1001)');
  head.documentNumber = need(bgm, 2, 1, 'document number (1004)');
  head.function = oneOf(bgm, 3, 1, MESSAGE_FUNCTIONS, 'message function (1225)');
  const finishLine = () => {
    if (!line) return;
    const batch = line.gin ?? line.pia;
    if (line.gin !== undefined && line.pia !== undefined && line.gin !== line.pia)
      throw new EdifactError(
        'GIN',
        line.gs!.index,
        2,
        1,
        `batch "${line.gin}" differs from the PIA batch "${line.pia}"`,
      );
    if (batch === undefined)
      throw new EdifactError(
        'LIN',
        line.gs!.index,
        0,
        0,
        `line ${line.lineNo} has no batch number (PIA NB or GIN BX)`,
      );
    if (line.quantity === undefined)
      throw new EdifactError('LIN', line.gs!.index, 0, 0, `line ${line.lineNo} has no QTY`);
    const { pia: _p, gin: _g, gs: _s, ...rest } = line;
    lines.push({ ...rest, batch });
    line = undefined;
  };
  for (const s of body.slice(1)) {
    switch (s.tag) {
      case 'DTM': {
        const d = date(s);
        if (line && inPci) {
          if (d.qualifier !== '36')
            throw new EdifactError(
              'DTM',
              s.index,
              1,
              1,
              `qualifier "${d.qualifier}" in a line's PCI group (expected 36)`,
            );
          line.expiry = d.value;
        } else if (!line) {
          if (d.qualifier === '137') head.preparedAt = d.value.length === 10 ? `${d.value}T00:00Z` : d.value;
          else if (d.qualifier === (kind === 'DESADV' ? '11' : '50')) head.date = d.value.slice(0, 10);
          else if (d.qualifier === '17') head.deliveryDate = d.value.slice(0, 10);
          else
            throw new EdifactError(
              'DTM',
              s.index,
              1,
              1,
              `qualifier "${d.qualifier}" is not used in the ${kind} heading`,
            );
        } else if (d.qualifier === '36') line.expiry = d.value;
        else throw new EdifactError('DTM', s.index, 1, 1, `qualifier "${d.qualifier}" is not used on a line`);
        break;
      }
      case 'RFF': {
        if (line) break;
        const q = oneOf(s, 1, 1, REFERENCE_QUALIFIERS, 'reference qualifier (1153)');
        head[q === 'ON' ? 'orderRef' : 'despatchRef'] = need(s, 1, 2, 'reference (1154)');
        break;
      }
      case 'NAD': {
        const q = oneOf(s, 1, 1, PARTY_QUALIFIERS, 'party qualifier (3035)');
        oneOf(s, 2, 3, [GS1_AGENCY], 'code list agency (3055, 9 = GS1)');
        if (parties[q] !== undefined)
          throw new EdifactError('NAD', s.index, 1, 1, `party ${q} is given twice`);
        parties[q] = need(s, 2, 1, 'party id (3039)');
        break;
      }
      case 'CPS':
        finishLine();
        inPci = false;
        need(s, 1, 1, 'hierarchical id (7164)');
        break;
      case 'PAC': {
        const count = need(s, 1, 1, 'number of packages (7224)');
        if (!/^\d{1,8}$/.test(count))
          throw new EdifactError('PAC', s.index, 1, 1, `"${count}" is not a number of packages`);
        const type = oneOf(s, 3, 1, PACKAGE_TYPES, 'package type (7065)');
        if (!line && head.packages === undefined) head.packages = { count: Number(count), type };
        break;
      }
      case 'LIN': {
        finishLine();
        inPci = false;
        const no = need(s, 1, 1, 'line number (1082)');
        if (!/^\d{1,6}$/.test(no))
          throw new EdifactError('LIN', s.index, 1, 1, `line number "${no}" is not a number`);
        oneOf(s, 3, 2, [ITEM_GTIN], 'item type (7143, SRV = GTIN)');
        line = { lineNo: Number(no), gtin: need(s, 3, 1, 'GTIN (7140)'), gs: s };
        break;
      }
      case 'PIA': {
        if (!line) throw new EdifactError('PIA', s.index, 0, 0, 'PIA before any LIN');
        oneOf(s, 1, 1, [PIA_ADDITIONAL, '5'], 'product id function (4347)');
        for (let el = 2; el <= s.elements.length; el++)
          if (get(s, el, 2) === ITEM_BATCH) line.pia = need(s, el, 1, 'batch number');
        break;
      }
      case 'QTY': {
        if (!line) throw new EdifactError('QTY', s.index, 0, 0, 'QTY before any LIN');
        const q = oneOf(s, 1, 1, qtyCodes, 'quantity qualifier (6063)');
        if (q !== qtyCodes[0]) break; // e.g. RECADV's 194 (accepted) next to 48 (received): read the first
        const raw = need(s, 1, 2, 'quantity (6060)');
        const norm = decimal === '.' ? raw : raw.replace(decimal, '.');
        if (!/^\d+(\.\d+)?$/.test(norm))
          throw new EdifactError('QTY', s.index, 1, 2, `"${raw}" is not a quantity`);
        line.quantity = norm;
        const unit = get(s, 1, 3);
        if (unit !== '') line.unitCode = unit;
        break;
      }
      case 'PCI':
        if (!line) break;
        oneOf(s, 1, 1, [PCI_MARKING, '17', '30'], 'marking instructions (4233)');
        inPci = true;
        break;
      case 'GIN': {
        if (!line) break;
        const q = oneOf(s, 1, 1, [GIN_BATCH, 'BJ'], 'identity number qualifier (7405)');
        if (q === GIN_BATCH) line.gin = need(s, 2, 1, 'batch number (7402)');
        break;
      }
      default:
        if (!SKIPPED.has(s.tag))
          throw new EdifactError(s.tag, s.index, 0, 0, `segment ${s.tag} is not part of ${kind}`);
    }
  }
  finishLine();
  if (lines.length === 0) throw new EdifactError('UNH', unh.index, 0, 0, 'message has no LIN');
  for (const [q, field] of [
    ['BY', 'buyer'],
    ['SU', 'supplier'],
    ['DP', 'deliveryParty'],
  ] as const)
    if (parties[q] === undefined) throw new EdifactError('UNH', unh.index, 0, 0, `message has no NAD+${q}`);
    else head[field] = parties[q];
  if (parties.SF !== undefined) head.shipFrom = parties.SF;
  if (head.date === undefined)
    throw new EdifactError('BGM', bgm.index, 0, 0, `message has no DTM+${kind === 'DESADV' ? '11' : '50'}`);
  if (head.preparedAt === undefined) throw new EdifactError('BGM', bgm.index, 0, 0, 'message has no DTM+137');
  return { ...head, lines };
}
