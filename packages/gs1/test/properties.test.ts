import {
  type AiComponent,
  type AiEntry,
  defaultAiTable,
  formatBracketed,
  formatDigitalLink,
  formatElementString,
  gs1CheckCharacterPair,
  gs1CheckDigit,
  parse,
  parseBracketed,
  parseDigitalLink,
  parseElementString,
  parseScan,
} from '@lotgraph/gs1';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const o = { referenceDate: '2026-06-01', associations: false } as const;

const DIGITS = '0123456789';
const CSET82 = `!"%&'()*+,-./${DIGITS}:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;
const CSET39 = `#-/${DIGITS}ABCDEFGHIJKLMNOPQRSTUVWXYZ`;
const CSET64 = `-${DIGITS}ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz`;

const chars = (alphabet: string, min: number, max: number) =>
  fc
    .array(fc.integer({ min: 0, max: alphabet.length - 1 }), { minLength: min, maxLength: max })
    .map((ix) => ix.map((i) => alphabet[i]).join(''));
const pad = (n: number, w: number) => String(n).padStart(w, '0');

/** Linters whose constraints the generator below knows how to satisfy. */
const GENERATABLE = new Set([
  'csum',
  'csumalpha',
  'gcppos1',
  'gcppos2',
  'yymmd0',
  'yymmdd',
  'yyyymmdd',
  'hh',
  'mi',
  'ss',
  'hhmi',
  'iso3166',
  'iso3166999',
  'iso3166alpha2',
  'iso4217',
  'iso5218',
  'nonzero',
  'zero',
  'yesno',
  'winding',
  'pcenc',
  'pieceoftotal',
  'hyphen',
  'latitude',
  'longitude',
  'mediatype',
  'nozeroprefix',
  'hasnondigit',
  'packagetype',
  'importeridx',
  'posinseqslash',
]);

function componentValue(c: AiComponent): fc.Arbitrary<string> {
  const l = new Set(c.linters);
  const len = (min: number, max: number) => fc.integer({ min, max });
  if (l.has('yymmd0') || l.has('yymmdd')) {
    return fc
      .tuple(len(0, 99), len(1, 12), len(l.has('yymmd0') ? 0 : 1, 28))
      .map(([y, m, d]) => pad(y, 2) + pad(m, 2) + pad(d, 2));
  }
  if (l.has('yyyymmdd')) {
    return fc
      .tuple(len(1900, 2099), len(1, 12), len(1, 28))
      .map(([y, m, d]) => pad(y, 4) + pad(m, 2) + pad(d, 2));
  }
  if (l.has('hhmi')) return fc.tuple(len(0, 23), len(0, 59)).map(([h, m]) => pad(h, 2) + pad(m, 2));
  if (l.has('hh')) return len(0, 23).map((h) => pad(h, 2));
  if (l.has('mi') || l.has('ss')) return len(0, 59).map((m) => pad(m, 2));
  if (l.has('iso3166') || l.has('iso3166999'))
    return fc
      .constantFrom('276', '840', '826', '250', '999')
      .filter((x) => l.has('iso3166999') || x !== '999');
  if (l.has('iso3166alpha2')) return fc.constantFrom('DE', 'US', 'GB', 'FR');
  if (l.has('iso4217')) return fc.constantFrom('978', '840', '826');
  if (l.has('iso5218')) return fc.constantFrom('0', '1', '2', '9');
  if (l.has('yesno')) return fc.constantFrom('0', '1');
  if (l.has('winding')) return fc.constantFrom('0', '1', '9');
  if (l.has('zero')) return fc.constant('0');
  if (l.has('hyphen')) return fc.constant('-');
  if (l.has('mediatype')) return fc.constantFrom('01', '10', '80');
  if (l.has('packagetype')) return fc.constantFrom('BX', 'PX', 'CT', '1A');
  if (l.has('importeridx')) return fc.constantFrom('A', '0', '-', '_', 'z');
  if (l.has('posinseqslash')) return len(1, 9).chain((t) => len(1, t).map((p) => `${p}/${t}`));
  if (l.has('latitude')) return len(0, 1_800_000_000).map((n) => pad(n, 10));
  if (l.has('longitude')) return len(0, 2_000_000_000).map((n) => pad(n, 10));
  if (l.has('pieceoftotal')) {
    const w = c.maxLength / 2;
    return len(1, 10 ** w - 1).chain((t) => len(1, t).map((p) => pad(p, w) + pad(t, w)));
  }
  if (l.has('csumalpha')) {
    // GCP (4 digits) + CSET 82 data + check character pair; hasnondigit satisfied by a letter.
    return fc
      .tuple(chars(DIGITS, 4, 4), chars(CSET82.replace('%', ''), 0, c.maxLength - 7))
      .map(([gcp, rest]) => {
        const data = `${gcp}A${rest}`;
        return data + gs1CheckCharacterPair(data);
      });
  }
  if (l.has('csum')) {
    return chars(DIGITS, c.minLength - 1, c.maxLength - 1).map((d) => d + gs1CheckDigit(d));
  }
  let alphabet =
    c.charset === 'N' ? DIGITS : c.charset === 'X' ? CSET82 : c.charset === 'Y' ? CSET39 : CSET64;
  if (l.has('pcenc')) alphabet = alphabet.replace('%', '');
  let arb = chars(alphabet, c.minLength, c.maxLength);
  if (l.has('gcppos1') || l.has('gcppos2')) {
    const k = l.has('gcppos2') ? 5 : 4;
    arb = fc
      .tuple(chars(DIGITS, k, k), chars(alphabet, Math.max(0, c.minLength - k), Math.max(0, c.maxLength - k)))
      .map(([a, b]) => a + b);
  }
  if (l.has('nonzero')) arb = arb.map((s) => (/^0*$/.test(s) ? `${s.slice(0, -1)}1` : s));
  if (l.has('nozeroprefix')) arb = arb.map((s) => (s[0] === '0' ? `1${s.slice(1)}` : s));
  if (l.has('hasnondigit')) arb = arb.map((s) => (/^\d*$/.test(s) ? `${s.slice(0, -1)}A` : s));
  return arb;
}

function entryValue(e: AiEntry): fc.Arbitrary<string> {
  const comps = e.components;
  const firstOptional = comps.findIndex((c) => c.optional);
  const mandatory = firstOptional < 0 ? comps.length : firstOptional;
  return fc
    .integer({ min: mandatory, max: comps.length })
    .chain((n) => fc.tuple(...comps.slice(0, n).map(componentValue)))
    .map((parts) => parts.join(''));
}

const generatable = defaultAiTable.entries.filter((e) =>
  e.components.every((c) => c.linters.every((l) => GENERATABLE.has(l))),
);
const byAi = new Map(generatable.map((e) => [e.ai, e]));

/** A list of distinct AIs with values that satisfy the dictionary (associations aside). */
const elementList = fc
  .uniqueArray(fc.constantFrom(...generatable.map((e) => e.ai)), { minLength: 1, maxLength: 6 })
  .chain((ais) => fc.tuple(...ais.map((ai) => entryValue(byAi.get(ai)!).map((value) => ({ ai, value })))));

const pairs = (r: { elements: readonly { ai: string; value: string }[] }) =>
  r.elements.map((e) => [e.ai, e.value]);
const sorted = (xs: string[][]) => [...xs].sort((a, b) => (a.join('=') < b.join('=') ? -1 : 1));

describe('format → parse round trips (fast-check)', () => {
  it('covers most of the dictionary with the generator', () => {
    expect(generatable.length).toBeGreaterThan(500);
  });

  it('element string', () => {
    fc.assert(
      fc.property(elementList, (els) => {
        const r = parseElementString(formatElementString(els), o);
        expect(r.diagnostics).toEqual([]);
        expect(pairs(r)).toEqual(els.map((e) => [e.ai, e.value]));
        // …and as a scan with a symbology identifier and a wedge substitute for FNC1.
        const scan = parseScan(`]d2${formatElementString(els, { separator: '^' })}`, {
          ...o,
          fnc1Substitute: '^',
        });
        if (!els.some((e) => e.value.includes('^'))) expect(pairs(scan)).toEqual(pairs(r));
      }),
      { numRuns: 400 },
    );
  });

  it('bracketed', () => {
    fc.assert(
      fc.property(elementList, (els) => {
        const r = parseBracketed(formatBracketed(els), o);
        expect(r.diagnostics).toEqual([]);
        expect(pairs(r)).toEqual(els.map((e) => [e.ai, e.value]));
      }),
      { numRuns: 400 },
    );
  });

  const keys = generatable.filter((e) => e.dlpkey);
  const attributes = generatable.filter((e) => e.dlDataAttribute);
  const dlList = fc
    .tuple(
      fc.constantFrom(...keys),
      fc.uniqueArray(fc.constantFrom(...attributes.map((e) => e.ai)), { maxLength: 5 }),
      fc.constantFrom('https://id.gs1.org', 'https://example.com/some/prefix', 'http://x.test'),
    )
    .chain(([key, attrs, domain]) => {
      // Qualifiers from one alternative sequence of the key (mixing alternatives is invalid).
      const alternative = fc
        .constantFrom(...(key.dlpkey ?? [[]]))
        .map((alt) => alt.filter((q) => byAi.has(q) && !attrs.includes(q)));
      return fc
        .tuple(
          entryValue(key).map((value) => ({ ai: key.ai, value })),
          alternative
            .chain((quals) => fc.subarray([...quals]))
            .chain((qs) =>
              fc.tuple(...qs.map((q) => entryValue(byAi.get(q)!).map((value) => ({ ai: q, value })))),
            ),
          fc.tuple(
            ...attrs
              .filter((a) => a !== key.ai)
              .map((a) => entryValue(byAi.get(a)!).map((value) => ({ ai: a, value }))),
          ),
        )
        .map(([k, qs, as]) => ({ domain, els: [k, ...qs, ...as] }));
    });

  it('Digital Link', () => {
    fc.assert(
      fc.property(dlList, ({ domain, els }) => {
        const uri = formatDigitalLink(els, { domain });
        const r = parseDigitalLink(uri, o);
        expect(r.diagnostics).toEqual([]);
        expect(sorted(pairs(r))).toEqual(sorted(els.map((e) => [e.ai, e.value])));
        expect(r.digitalLink?.origin).toBe(domain.replace(/^(https?:\/\/[^/]+).*$/, '$1'));
      }),
      { numRuns: 300 },
    );
  });
});

describe('robustness (fast-check)', () => {
  const prefixes = [
    '',
    ']C1',
    ']d2',
    ']Q1',
    ']E0',
    '(',
    '(01)',
    'https://',
    'https://id.gs1.org/01/',
    '01',
    '\x1d',
  ];
  const noisy = fc.tuple(
    fc.constantFrom(...prefixes),
    fc.string({ unit: fc.constantFrom(...'0123456789()\\/%?&=+#\x1d^AZaz -_.'.split('')), maxLength: 80 }),
  );

  it('never throws on arbitrary strings, and always returns a well-formed result', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ maxLength: 200 }),
          noisy.map(([p, s]) => p + s),
          fc.string({ unit: 'binary', maxLength: 100 }),
        ),
        (s) => {
          for (const fn of [parse, parseScan, parseElementString, parseBracketed, parseDigitalLink]) {
            const r = fn(s, { referenceDate: '2026-06-01' });
            expect(typeof r.valid).toBe('boolean');
            expect(r.valid).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
            for (const d of r.diagnostics) {
              expect(d.message.length).toBeGreaterThan(0);
              if (d.offset !== undefined) expect(d.offset).toBeGreaterThanOrEqual(0);
            }
          }
          parse(s, {
            referenceDate: '2026-06-01',
            lenient: true,
            permitUnknownAIs: true,
            fnc1Substitute: '^',
          });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('handles 100k-character inputs of every shape (linear-time parsing; no timing assertion)', () => {
    const n = 100_000;
    const inputs = [
      '('.repeat(n),
      `(01)${'\\('.repeat(n / 2)}`,
      `]C1${'1'.repeat(n)}`,
      `]C1${'0109506000134352'.repeat(n / 16)}`,
      `]C1${'10A\x1d'.repeat(n / 4)}`,
      `]C1${'3103001250'.repeat(n / 10)}`,
      `]C1${'\x1d'.repeat(n)}`,
      `https://id.gs1.org/${'01/'.repeat(n / 3)}`,
      `https://id.gs1.org/01/09506000134352?${'10=A&'.repeat(n / 5)}`,
      `https://id.gs1.org/01/${'%'.repeat(n)}`,
      `https://x/${'a/'.repeat(n / 2)}01/09506000134352`,
      `${'9'.repeat(n)}`,
      `]Q1https://${'x'.repeat(n)}`,
    ];
    for (const s of inputs) {
      const r = parse(s, { referenceDate: '2026-06-01' });
      expect(r.valid).toBe(!r.diagnostics.some((d) => d.severity === 'error'));
      parse(s, { referenceDate: '2026-06-01', lenient: true, permitUnknownAIs: true });
    }
  });
});
