import { parseBracketed } from './bracketed';
import { parseDigitalLink } from './digital-link';
import { parseElementString } from './element-string';
import type { Gs1ParseOptions, Gs1ParseResult } from './result';
import { isPlainGtin, parseScan } from './scan';
import { resolveOptions } from './validate';

/**
 * Parse any GS1 input, detecting its syntax: `]xx…` scanner output, `http(s)://` Digital Link, `(`
 * bracketed data, a bare GTIN-8/12/13/14 with valid check digit as (01), otherwise an element string. Never throws on bad input; see `diagnostics`.
 * @example
 * const r = parse(']d201095060001343521799123110ABC123\x1d21S1');
 * if (r.valid) console.log(r.gtin, r.expiry, r.batch); // 09506000134352 2099-12-31 ABC123
 */
export function parse(input: string, options?: Gs1ParseOptions): Gs1ParseResult {
  if (typeof input !== 'string') resolveOptions(input, options); // throws the typed misuse error
  if (input.startsWith(']')) return parseScan(input, options);
  if (/^https?:\/\//i.test(input)) return parseDigitalLink(input, options);
  if (input.startsWith('(')) return parseBracketed(input, options);
  // A bare GTIN-8/12/13/14 (EAN/UPC without symbology identifier) is read as (01).
  if (isPlainGtin(input)) return parseScan(input, options);
  return parseElementString(input, options);
}
