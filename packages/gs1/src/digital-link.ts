// GS1 Digital Link URIs: https://<domain>/<optional prefix>/<key AI>/<key>/<qualifier AI>/<value>...?<AI>=<value>&...
import { Gs1DiagnosticCode as C, Gs1Error } from './diagnostics';
import type { Gs1ParseOptions, Gs1ParseResult } from './result';
import type { AiTable } from './table';
import { defaultAiTable } from './table';
import { finish, type ParseContext, type RawElement, report, resolveOptions, trimLineEnd } from './validate';

const HEX = '0123456789ABCDEF';
const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return -1;
}

/** Percent-decode (UTF-8); `plusIsSpace` for query components. Returns undefined on bad escapes. */
function percentDecode(s: string, plusIsSpace: boolean): string | undefined {
  if (!s.includes('%') && !(plusIsSpace && s.includes('+'))) return s;
  const bytes: number[] = [];
  let out = '';
  const flush = () => {
    if (bytes.length === 0) return true;
    try {
      out += utf8.decode(new Uint8Array(bytes));
    } catch {
      return false;
    }
    bytes.length = 0;
    return true;
  };
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    if (ch === 37) {
      const hi = hexValue(s.charCodeAt(i + 1));
      const lo = hexValue(s.charCodeAt(i + 2));
      if (hi < 0 || lo < 0) return undefined;
      bytes.push(hi * 16 + lo);
      i += 2;
      continue;
    }
    if (!flush()) return undefined;
    out += plusIsSpace && ch === 43 ? ' ' : s[i];
  }
  return flush() ? out : undefined;
}

const isAllDigits = (s: string) => {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
};

// Characters allowed anywhere in a URI (RFC 3986, including "%"), and those not allowed in its domain.
const URI_CHARS = new Uint8Array(128);
for (const ch of "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~:/?#[]@!$&'()*+,;=%") {
  URI_CHARS[ch.charCodeAt(0)] = 1;
}
const BAD_DOMAIN = new Uint8Array(128);
for (const ch of "_~?#@!$&'()*+,;=%") BAD_DOMAIN[ch.charCodeAt(0)] = 1;

/** Is `seq` (qualifier AIs after the key) an ordered subsequence of one of the key's alternatives? */
function isQualifierSequence(alternatives: readonly (readonly string[])[], seq: readonly string[]): boolean {
  return alternatives.some((alt) => {
    let k = 0;
    for (const q of seq) {
      while (k < alt.length && alt[k] !== q) k++;
      if (k === alt.length) return false;
      k++;
    }
    return true;
  });
}

/** Split a Digital Link URI into raw elements (path key + qualifiers, then query attributes). */
export function scanDigitalLink(input: string, ctx: ParseContext, out: RawElement[]) {
  const { table, permitUnknownAIs, permitZeroSuppressedGtin } = ctx.options;
  // The scheme is all lower case or all upper case (QR alphanumeric mode); mixed case is not a GS1 DL URI.
  const m = /^(https?|HTTPS?):\/\//.exec(input);
  if (!m) {
    report(
      ctx,
      C.DL_INVALID_URI,
      'error',
      /^https?:\/\//i.test(input)
        ? 'the scheme must be all lower case or all upper case (http://, https://, HTTP://, HTTPS://)'
        : 'a GS1 Digital Link URI starts with http:// or https://',
      undefined,
      0,
    );
    return undefined;
  }
  for (let i = 0; i < input.length; i++) {
    const c = input.charCodeAt(i);
    if (c >= 128 || URI_CHARS[c] !== 1) {
      report(
        ctx,
        C.DL_INVALID_URI,
        'error',
        `character ${JSON.stringify(input[i])} must be percent-encoded`,
        undefined,
        i,
      );
      break;
    }
  }
  const authStart = m[0].length;
  let pathStart = authStart;
  for (; pathStart < input.length; pathStart++) {
    const c = input.charCodeAt(pathStart);
    if (c === 47 || c === 63 || c === 35) break; // "/", "?", "#"
  }
  if (pathStart === authStart) {
    report(ctx, C.DL_INVALID_URI, 'error', 'URI has no domain', undefined, authStart);
    return undefined;
  }
  for (let i = authStart; i < pathStart; i++) {
    const c = input.charCodeAt(i);
    if (c < 128 && BAD_DOMAIN[c] === 1) {
      report(
        ctx,
        C.DL_INVALID_URI,
        'error',
        `character "${input[i]}" is not allowed in the domain`,
        undefined,
        i,
      );
      break;
    }
  }
  const hash = input.indexOf('#', pathStart);
  const uriEnd = hash < 0 ? input.length : hash;
  const q = input.indexOf('?', pathStart);
  const pathEnd = q >= 0 && q < uriEnd ? q : uriEnd;
  const origin = input.slice(0, pathStart);
  // Segments with their offsets.
  const segs: { text: string; offset: number }[] = [];
  let s = pathStart + 1;
  while (s <= pathEnd && pathStart < pathEnd) {
    let e = input.indexOf('/', s);
    if (e < 0 || e > pathEnd) e = pathEnd;
    segs.push({ text: input.slice(s, e), offset: s });
    s = e + 1;
  }
  if (segs.length > 1 && segs[segs.length - 1]?.text === '') {
    report(ctx, C.DL_INVALID_URI, 'error', 'the URI path must not end with "/"', undefined, pathEnd - 1);
    segs.pop();
  }
  // The AI of a path segment, looked up in place (no string hashing on the hot path).
  const segEntry = (seg: { text: string; offset: number }) => {
    const e = table.lookupAt(input, seg.offset);
    return e !== undefined && e.ai.length === seg.text.length ? e : undefined;
  };
  // Walk AI/value pairs back from the end of the path; the first primary key met (the rightmost)
  // starts the GS1 part of the path, everything before it is the path prefix.
  let keyIndex = -1;
  for (let j = segs.length - 2; j >= 0; j -= 2) {
    const entry = segEntry(segs[j]!);
    if (!entry) break;
    if (entry.dlpkey) {
      keyIndex = j;
      break;
    }
  }
  if (keyIndex < 0 && segs.length >= 3) {
    // A path ending in an AI without its value ("/01/…/10"): say so rather than "no primary key".
    const lastSeg = segs[segs.length - 1]!;
    const k = segs[segs.length - 3]?.text ?? '';
    if (isAllDigits(lastSeg.text) && table.get(lastSeg.text) && table.get(k)?.dlpkey) {
      report(
        ctx,
        C.DL_INVALID_URI,
        'error',
        `(${lastSeg.text}) in the path has no value`,
        lastSeg.text,
        lastSeg.offset,
      );
      return { origin, pathPrefix: input.slice(pathStart, pathEnd) };
    }
  }
  if (keyIndex < 0) {
    report(
      ctx,
      C.DL_NO_PRIMARY_KEY,
      'error',
      'no GS1 Digital Link primary key in the URI path',
      undefined,
      pathStart,
    );
    return { origin, pathPrefix: input.slice(pathStart, pathEnd) };
  }
  // AI/value pairs just before the key are part of the prefix: probably misplaced data, so warn.
  for (let j = keyIndex - 2; j >= 0; j -= 2) {
    const ai = segs[j]?.text ?? '';
    if (!isAllDigits(ai) || !table.get(ai)) break;
    report(
      ctx,
      C.DL_INVALID_QUALIFIER,
      'warning',
      `(${ai}) comes before the primary key (${segs[keyIndex]?.text}); it is read as part of the path prefix`,
      ai,
      segs[j]?.offset,
    );
  }
  const pathPrefix = keyIndex === 0 ? '' : input.slice(pathStart, (segs[keyIndex]?.offset ?? pathStart) - 1);
  const keyAi = segs[keyIndex]?.text ?? '';
  const alternatives = table.get(keyAi)?.dlpkey ?? [[]];
  const qualifiers: string[] = [];
  for (let j = keyIndex; j + 1 < segs.length; j += 2) {
    const aiSeg = segs[j]!;
    const valSeg = segs[j + 1]!;
    let value = percentDecode(valSeg.text, false);
    if (value === undefined) {
      report(
        ctx,
        C.DL_INVALID_URI,
        'error',
        `bad percent-encoding in the value of (${aiSeg.text})`,
        aiSeg.text,
        valSeg.offset,
      );
      continue;
    }
    if (aiSeg.text === '01' && isZeroSuppressedGtin(value)) {
      if (!permitZeroSuppressedGtin) {
        report(
          ctx,
          C.DL_ZERO_SUPPRESSED_GTIN,
          'error',
          `GTIN-${value.length} must be written as 14 digits`,
          '01',
          valSeg.offset,
        );
      }
      value = value.padStart(14, '0');
    }
    if (j > keyIndex) qualifiers.push(aiSeg.text);
    out.push({
      ai: aiSeg.text,
      value,
      offset: aiSeg.offset,
      valueOffset: valSeg.offset,
      entry: segEntry(aiSeg),
    });
  }
  checkQualifiers(ctx, keyAi, alternatives, qualifiers, segs[keyIndex]?.offset);
  if (q >= 0 && q < uriEnd) {
    let p = q + 1;
    let nextEq = -2; // cached position of the next "=" (keeps "?a&a&a…" linear)
    while (p <= uriEnd) {
      let amp = input.indexOf('&', p);
      if (amp < 0 || amp > uriEnd) amp = uriEnd;
      if (nextEq !== -1 && nextEq < p) nextEq = input.indexOf('=', p);
      const eq = nextEq;
      // Parameters without "=" and non-numeric parameters (linkType, utm_*, …) are not GS1 data.
      if (eq > p && eq < amp && isAllDigits(input.slice(p, eq))) {
        const key = input.slice(p, eq);
        const entry = table.get(key);
        let value = percentDecode(input.slice(eq + 1, amp), true);
        if (value === undefined) {
          report(
            ctx,
            C.DL_INVALID_URI,
            'error',
            `bad percent-encoding in the value of (${key})`,
            key,
            eq + 1,
          );
        } else if (!entry) {
          // Even where unknown AIs are permitted, they are not Digital Link data attributes.
          report(
            ctx,
            permitUnknownAIs ? C.DL_INVALID_ATTRIBUTE : C.UNKNOWN_AI,
            'error',
            permitUnknownAIs
              ? `unknown AI (${key}) is not a permitted data attribute in the query`
              : `unknown AI (${key}) in the query`,
            key,
            p,
          );
        } else if (out.some((o) => o.ai === key)) {
          // The Syntax Engine forbids a repeated AI in a Digital Link, even with the same value.
          report(ctx, C.DUPLICATE_AI, 'error', `(${key}) appears more than once in the URI`, key, p);
        } else {
          if (entry && !entry.dlDataAttribute) {
            const why = entry.dlpkey
              ? 'a primary key belongs in the path'
              : 'not permitted as a data attribute';
            report(ctx, C.DL_INVALID_ATTRIBUTE, 'error', `(${key}) in the query: ${why}`, key, p);
          } else if (entry && belongsInPath(key, alternatives, qualifiers)) {
            report(
              ctx,
              C.DL_INVALID_ATTRIBUTE,
              'error',
              `(${key}) is a key qualifier of (${keyAi}) and belongs in the path`,
              key,
              p,
            );
          }
          // As the reference implementation does, a zero-suppressed GTIN in the query is padded.
          if (key === '01' && isZeroSuppressedGtin(value)) value = value.padStart(14, '0');
          out.push({ ai: key, value, offset: p, valueOffset: eq + 1, entry });
        }
      }
      p = amp + 1;
    }
  }
  return { origin, pathPrefix, primaryKey: keyAi };
}

const isZeroSuppressedGtin = (v: string) =>
  (v.length === 8 || v.length === 12 || v.length === 13) && isAllDigits(v);

/**
 * Would inserting `ai` somewhere after the key make a valid key-qualifier path? Then it belongs there.
 * Alternatives hold each AI once, so that is: some alternative has `ai`, lacks it in the path, and
 * already accepts the path's qualifiers in order.
 */
function belongsInPath(
  ai: string,
  alternatives: readonly (readonly string[])[],
  qualifiers: readonly string[],
) {
  if (qualifiers.includes(ai)) return false;
  return alternatives.some((alt) => alt.includes(ai) && isQualifierSequence([alt], qualifiers));
}

function checkQualifiers(
  ctx: ParseContext,
  keyAi: string,
  alternatives: readonly (readonly string[])[],
  qualifiers: readonly string[],
  offset: number | undefined,
) {
  if (qualifiers.length === 0 || isQualifierSequence(alternatives, qualifiers)) return;
  const allowed = new Set(alternatives.flat());
  const stray = qualifiers.find((q) => !allowed.has(q));
  const msg = stray
    ? `(${stray}) is not a key qualifier of (${keyAi})`
    : `key qualifiers of (${keyAi}) must follow the order ${alternatives.map((a) => a.join(',')).join(' or ')}`;
  report(ctx, C.DL_INVALID_QUALIFIER, 'error', msg, stray ?? keyAi, offset);
}

/**
 * Parse a GS1 Digital Link URI (any domain and path prefix; key qualifiers in the path in their allowed
 * order; data attributes in the query; non-AI query parameters ignored).
 * @example
 * parseDigitalLink('https://id.gs1.org/01/09506000134352/10/ABC123?17=201225').expiry // '2020-12-25'
 */
export function parseDigitalLink(rawInput: string, options?: Gs1ParseOptions): Gs1ParseResult {
  const ctx: ParseContext = { options: resolveOptions(rawInput, options), diagnostics: [] };
  const input = trimLineEnd(rawInput, ctx);
  const raws: RawElement[] = [];
  const dl =
    input.length === 0 ? report(ctx, C.EMPTY_INPUT, 'error', 'no data') : scanDigitalLink(input, ctx, raws);
  return finish('digitalLink', raws, ctx, dl ? { digitalLink: dl } : {});
}

// Unreserved characters (RFC 3986) pass; everything else, including "+" and "/", is percent-encoded.
function percentEncode(s: string): string {
  let out = '';
  for (const byte of new TextEncoder().encode(s)) {
    const ok =
      (byte >= 48 && byte <= 57) ||
      (byte >= 65 && byte <= 90) ||
      (byte >= 97 && byte <= 122) ||
      byte === 45 ||
      byte === 46 ||
      byte === 95 ||
      byte === 126;
    out += ok ? String.fromCharCode(byte) : `%${HEX[byte >> 4]}${HEX[byte & 15]}`;
  }
  return out;
}

/** Options of {@link formatDigitalLink}. */
export interface FormatDigitalLinkOptions {
  /** Origin or origin plus path prefix, e.g. `https://example.com/dl`. Default `https://id.gs1.org`. */
  readonly domain?: string;
  readonly table?: AiTable;
}

/**
 * Encode AIs as a GS1 Digital Link URI: primary key and its qualifiers (in their defined order) in the
 * path, every other AI as a query attribute. Throws {@link Gs1Error} (`GS1_ENCODE_FAILED`) if the list has
 * no primary key or holds an AI that cannot be a data attribute.
 * @example
 * formatDigitalLink([{ ai: '01', value: '09506000134352' }, { ai: '10', value: 'ABC' }])
 * // 'https://id.gs1.org/01/09506000134352/10/ABC'
 */
export function formatDigitalLink(
  elements: readonly { readonly ai: string; readonly value: string }[],
  options: FormatDigitalLinkOptions = {},
): string {
  if (!Array.isArray(elements)) throw new Gs1Error('GS1_INVALID_ARGUMENT', 'elements must be an array');
  const table = options.table ?? defaultAiTable;
  let base = options.domain ?? 'https://id.gs1.org';
  if (!/^https?:\/\//i.test(base)) base = `https://${base}`;
  base = base.replace(/\/+$/, '');
  const keyIdx = elements.findIndex((e) => table.get(e.ai)?.dlpkey);
  if (keyIdx < 0) throw new Gs1Error('GS1_ENCODE_FAILED', 'no GS1 Digital Link primary key among the AIs');
  const key = elements[keyIdx]!;
  const alternatives = table.get(key.ai)?.dlpkey ?? [[]];
  const others = elements.filter((_, i) => i !== keyIdx);
  // Choose the qualifier sequence that places the most of the given AIs in the path, preferring one
  // whose left-over AIs may all be query attributes (GTIN with 235 and a batch: /01/…/235/…?10=…).
  const leftoversOk = (alt: readonly string[]) =>
    others.every((e) => alt.includes(e.ai) || table.get(e.ai)?.dlDataAttribute !== false);
  let best: readonly string[] = [];
  let bestScore = -1;
  for (const alt of alternatives) {
    const score = alt.filter((a) => others.some((e) => e.ai === a)).length + (leftoversOk(alt) ? 1000 : 0);
    if (score > bestScore) {
      best = alt;
      bestScore = score;
    }
  }
  let path = `/${key.ai}/${percentEncode(key.value)}`;
  const used = new Set<number>();
  for (const q of best) {
    const i = others.findIndex((e, k) => e.ai === q && !used.has(k));
    if (i < 0) continue;
    used.add(i);
    path += `/${q}/${percentEncode(others[i]!.value)}`;
  }
  const query: string[] = [];
  others.forEach((e, i) => {
    if (used.has(i)) return;
    const entry = table.get(e.ai);
    if (entry && !entry.dlDataAttribute) {
      throw new Gs1Error('GS1_ENCODE_FAILED', `(${e.ai}) cannot be a Digital Link data attribute`);
    }
    query.push(`${e.ai}=${percentEncode(e.value)}`);
  });
  return base + path + (query.length > 0 ? `?${query.join('&')}` : '');
}
