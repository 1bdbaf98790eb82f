// Scanner output: an AIM symbology identifier ("]C1", "]d2", …) followed by the symbol's data.
import { scanBracketed } from './bracketed';
import { hasValidCheckDigit } from './check-digit';
import { Gs1DiagnosticCode as C } from './diagnostics';
import { scanDigitalLink } from './digital-link';
import { scanAiData } from './element-string';
import type { Gs1ParseOptions, Gs1ParseResult } from './result';
import { finish, type ParseContext, type RawElement, report, resolveOptions, trimLineEnd } from './validate';

/** Symbology identifiers of plain (non-GS1) 2D/linear symbols: may carry a Digital Link URI. */
const PLAIN_SYMBOLOGIES = new Set([']C0', ']d1', ']Q1', ']z0', ']J0', ']Q0', ']A0', ']I0', ']X0']);

/**
 * Is the symbology one whose data is a GS1 element string (FNC1 in first position)? `]C1` GS1-128,
 * `]e0`–`]e2` GS1 DataBar / Composite, `]d2` GS1 DataMatrix, `]Q3` GS1 QR, `]J1` GS1 DotCode,
 * `]z1` Aztec with FNC1. Checked on char codes: this is the hot path.
 */
function isGs1AiSymbology(input: string): boolean {
  const a = input.charCodeAt(1);
  const b = input.charCodeAt(2);
  switch (a) {
    case 67: // C
      return b === 49;
    case 100: // d
      return b === 50;
    case 81: // Q
      return b === 51;
    case 101: // e
      return b >= 48 && b <= 50;
    case 74: // J
    case 122: // z
      return b === 49;
    default:
      return false;
  }
}

const isDigits = (s: string) => /^\d+$/.test(s);

/**
 * A scan without symbology identifier that is just a GTIN-8/12/13/14 with a correct check digit (a plain
 * EAN/UPC/ITF-14 from a scanner not configured to send AIM identifiers). Read as an element string it
 * would at best be an internal AI (9x) or fail its associations, so taking it as a GTIN is the useful reading.
 */
export function isPlainGtin(s: string): boolean {
  return (s.length === 8 || s.length === 12 || s.length === 13 || s.length === 14) && hasValidCheckDigit(s);
}

function gtinFromLinear(ctx: ParseContext, data: string, start: number, width: number, raws: RawElement[]) {
  if (data.length !== width || !isDigits(data)) {
    report(ctx, C.SYNTAX_ERROR, 'error', `expected ${width} digits for this symbology`, undefined, start);
    return;
  }
  // The GTIN is carried without AI: report it as (01), padded to 14 digits.
  raws.push({
    ai: '01',
    value: data.padStart(14, '0'),
    offset: start,
    valueOffset: start - (14 - width),
    entry: ctx.options.table.get('01'),
  });
}

/**
 * Parse scanner output with an AIM symbology identifier (`]C1` GS1-128, `]e0` GS1 DataBar, `]d2` GS1
 * DataMatrix, `]Q3` GS1 QR, `]J1` GS1 DotCode, `]E0` EAN-13/UPC-A, `]E4` EAN-8, `]I1` ITF-14, …). FNC1
 * separators arrive as ASCII 29 or as `options.fnc1Substitute`. Plain EAN/UPC/ITF-14 scans map to AI (01);
 * a Digital Link URI in a plain QR/DataMatrix is parsed as such. Without an identifier the data is
 * treated as an element string (or as a URI/bracketed data when it looks like one).
 * @example
 * const r = parseScan(']C10109506000134352172012251010ABC123\x1d3103001250');
 * r.gtin; r.expiry; r.batch; r.netWeight // { value: '1.250', unit: 'kg', ai: '3103' }
 */
export function parseScan(rawInput: string, options?: Gs1ParseOptions): Gs1ParseResult {
  const ctx: ParseContext = { options: resolveOptions(rawInput, options), diagnostics: [] };
  const input = trimLineEnd(rawInput, ctx);
  const raws: RawElement[] = [];
  // Hot path: a GS1 symbol (]C1, ]d2, …) with data.
  if (input.length > 3 && input.charCodeAt(0) === 93 && isGs1AiSymbology(input)) {
    // Some wedges and test tools send the bracketed form after the identifier: "]C1(01)…".
    if (input.charCodeAt(3) === 40) {
      scanBracketed(input.slice(3), ctx, raws);
      shiftOffsets(ctx, raws, 3);
    } else {
      scanAiData(input, 3, ctx, raws);
    }
    return finish('scan', raws, ctx, undefined, input.slice(0, 3));
  }
  let symbology: string | undefined;
  let data = input;
  let start = 0;
  if (input.startsWith(']') && input.length >= 3) {
    symbology = input.slice(0, 3);
    start = 3;
    data = input.slice(3);
  }
  const extra: { symbology?: string; digitalLink?: NonNullable<Gs1ParseResult['digitalLink']> } = {};
  if (symbology) extra.symbology = symbology;
  // A Digital Link in QR/DataMatrix data: lower case, or all upper case (QR alphanumeric mode).
  const looksLikeUri = /^(https?|HTTPS?):\/\//.test(data);
  if (data.length === 0) {
    report(ctx, C.EMPTY_INPUT, 'error', 'no data after the symbology identifier');
  } else if (symbology === undefined) {
    if (looksLikeUri) {
      const dl = scanDigitalLink(input, ctx, raws);
      if (dl) extra.digitalLink = dl;
      return finish('digitalLink', raws, ctx, extra);
    }
    if (input.startsWith('(')) scanBracketed(input, ctx, raws);
    else if (isPlainGtin(input)) gtinFromLinear(ctx, input, 0, input.length, raws);
    else scanAiData(input, 0, ctx, raws);
  } else if (isGs1AiSymbology(input)) {
    scanAiData(input, start, ctx, raws);
  } else if (symbology === ']E0') {
    // EAN-13 and UPC-A: AIM transmits both as 13 digits. Some scanners strip UPC-A's leading zero;
    // that is accepted (with a warning) only in lenient mode, as the Syntax Engine refuses it.
    if (data.length === 12 && ctx.options.lenient) {
      report(ctx, C.SYNTAX_ERROR, 'warning', ']E0 data has 12 digits; read as UPC-A', undefined, start);
      gtinFromLinear(ctx, data, start, 12, raws);
    } else if (data.length !== 13) {
      report(
        ctx,
        C.SYNTAX_ERROR,
        'error',
        `]E0 (EAN-13/UPC-A) data must be 13 digits, got ${data.length}`,
        undefined,
        start,
      );
    } else gtinFromLinear(ctx, data, start, 13, raws);
  } else if (symbology === ']E4') {
    gtinFromLinear(ctx, data, start, 8, raws);
  } else if (symbology === ']E3') {
    // EAN-13/UPC-A with a 2- or 5-digit add-on: the add-on is not GS1 AI data.
    if (data.length === 15 || data.length === 18) {
      gtinFromLinear(ctx, data.slice(0, 13), start, 13, raws);
      report(ctx, C.NOT_GS1_DATA, 'warning', 'EAN/UPC add-on ignored', undefined, start + 13);
    } else gtinFromLinear(ctx, data, start, 13, raws);
  } else if (symbology === ']I1' && data.length === 14 && isDigits(data)) {
    gtinFromLinear(ctx, data, start, 14, raws);
  } else if (
    PLAIN_SYMBOLOGIES.has(symbology) ||
    symbology === ']I1' ||
    /^\][A-Za-z][0-9A-Za-z]$/.test(symbology)
  ) {
    if (looksLikeUri) {
      const dl = scanDigitalLink(data, ctx, raws);
      if (dl) extra.digitalLink = dl;
      // Offsets from scanDigitalLink are relative to the URI; shift them to the scan.
      shiftOffsets(ctx, raws, start);
      return finish('digitalLink', raws, ctx, extra);
    }
    const known = PLAIN_SYMBOLOGIES.has(symbology) || symbology === ']I1' || /^\][EI]/.test(symbology);
    report(
      ctx,
      known ? C.NOT_GS1_DATA : C.UNKNOWN_SYMBOLOGY,
      'error',
      known ? `symbology ${symbology} does not carry GS1 data` : `unknown symbology identifier ${symbology}`,
      undefined,
      0,
    );
  } else {
    report(
      ctx,
      C.UNKNOWN_SYMBOLOGY,
      'error',
      `bad symbology identifier ${JSON.stringify(symbology)}`,
      undefined,
      0,
    );
  }
  return finish('scan', raws, ctx, extra);
}

function shiftOffsets(ctx: ParseContext, raws: RawElement[], by: number) {
  for (let i = 0; i < raws.length; i++) {
    const r = raws[i]!;
    raws[i] = { ...r, offset: r.offset + by, valueOffset: r.valueOffset + by };
  }
  for (let i = 0; i < ctx.diagnostics.length; i++) {
    const d = ctx.diagnostics[i]!;
    if (d.offset !== undefined) ctx.diagnostics[i] = { ...d, offset: d.offset + by };
  }
}
