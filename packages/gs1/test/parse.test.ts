import {
  Gs1Error,
  parse,
  parseBracketed,
  parseDigitalLink,
  parseElementString,
  parseScan,
  resolveTwoDigitYear,
  validateCombined,
} from '@lotgraph/gs1';
import { describe, expect, it } from 'vitest';

const GS = '\x1d';
const o = { referenceDate: '2026-06-01' };
const codes = (r: { diagnostics: readonly { code: string }[] }) => r.diagnostics.map((d) => d.code);

describe('scanner output with AIM symbology identifiers', () => {
  it('reads a goods-receipt GS1-128 scan with typed fields', () => {
    const r = parseScan(`]C1010950600013435217271231` + `10LOT-42${GS}3103001250`, o);
    expect(r.valid).toBe(true);
    expect(r.syntax).toBe('scan');
    expect(r.symbology).toBe(']C1');
    expect(r.gtin).toBe('09506000134352');
    expect(r.expiry).toBe('2027-12-31');
    expect(r.batch).toBe('LOT-42');
    expect(r.netWeight).toEqual({ value: '1.250', unit: 'kg', ai: '3103' });
    expect(r.elements.map((e) => e.ai)).toEqual(['01', '17', '10', '3103']);
    expect(r.elements[3]).toEqual({
      ai: '3103',
      value: '001250',
      title: 'NET WEIGHT (kg)',
      typed: { kind: 'measure', value: '1.250', unit: 'kg', quantity: 'NET WEIGHT' },
    });
  });

  it('reads a GS1 DataMatrix pick scan', () => {
    const r = parseScan(`]d2010950600013435221SN1${GS}17270600` + `10B7`, o);
    expect(r).toMatchObject({
      valid: true,
      gtin: '09506000134352',
      serial: 'SN1',
      batch: 'B7',
      expiry: '2027-06-30',
    });
  });

  it.each([']C1', ']e0', ']d2', ']Q3', ']J1'])('accepts %s', (id) => {
    expect(parseScan(`${id}0109506000134352`, o).gtin).toBe('09506000134352');
  });

  it('maps plain EAN-13, UPC-A, EAN-8 and ITF-14 scans to AI (01)', () => {
    expect(parseScan(']E09506000134352', o)).toMatchObject({ valid: true, gtin: '09506000134352' });
    expect(parseScan(']E00614141000036', o)).toMatchObject({ gtin: '00614141000036' });
    expect(parseScan(']E496385074', o).gtin).toBe('00000096385074');
    expect(parseScan(']I109506000134352', o).gtin).toBe('09506000134352');
    expect(codes(parseScan(']E09506000134353', o))).toEqual(['CHECK_DIGIT']);
    const addOn = parseScan(']E3950600013435212', o);
    expect(addOn.gtin).toBe('09506000134352');
    expect(addOn.valid).toBe(true);
  });

  it('reads a bare GTIN (scanner without AIM identifiers) as (01), and checks ITF-14 check digits', () => {
    expect(parseScan('9506000134352', o)).toMatchObject({ valid: true, gtin: '09506000134352' });
    expect(parse('96385074', o)).toMatchObject({ valid: true, gtin: '00000096385074' });
    expect(codes(parseScan(']I109506000134353', o))).toEqual(['CHECK_DIGIT']);
    expect(codes(parseScan(']I1123', o))).toEqual(['NOT_GS1_DATA']);
  });

  it('accepts bracketed data after a GS1 symbology identifier', () => {
    const r = parseScan(']C1(01)09506000134352(10)ABC(11)261300', o);
    expect(r).toMatchObject({ symbology: ']C1', gtin: '09506000134352', batch: 'ABC' });
    expect(r.diagnostics).toMatchObject([{ code: 'INVALID_DATE', ai: '11', offset: 34 }]);
  });

  it('drops a wedge line end in lenient mode only', () => {
    expect(codes(parseScan(']C10109506000134352' + '10ABC\r\n', o))).toEqual(['INVALID_CHARACTER']);
    const r = parseScan(']C10109506000134352' + '10ABC\r\n', { ...o, lenient: true });
    expect(r).toMatchObject({ valid: true, batch: 'ABC' });
    expect(r.diagnostics).toMatchObject([{ code: 'SYNTAX_ERROR', severity: 'warning' }]);
  });

  it('accepts a keyboard-wedge FNC1 substitute', () => {
    const r = parseScan(']C10109506000134352' + '10ABC^17271231', { ...o, fnc1Substitute: '^' });
    expect(r).toMatchObject({ valid: true, batch: 'ABC', expiry: '2027-12-31' });
  });

  it('parses a Digital Link carried by a plain QR code', () => {
    const r = parseScan(']Q1https://example.com/01/09506000134352/10/ABC', o);
    expect(r).toMatchObject({ valid: true, syntax: 'digitalLink', symbology: ']Q1', batch: 'ABC' });
  });

  it('rejects non-GS1 and unknown symbologies', () => {
    expect(codes(parseScan(']C0HELLO', o))).toEqual(['NOT_GS1_DATA']);
    expect(codes(parseScan(']d1HELLO', o))).toEqual(['NOT_GS1_DATA']);
    expect(codes(parseScan(']!!0109506000134352', o))).toEqual(['UNKNOWN_SYMBOLOGY']);
    expect(codes(parseScan(']C1', o))).toEqual(['EMPTY_INPUT']);
  });
});

describe('element strings', () => {
  it('splits fixed and variable-length AIs', () => {
    const r = parseElementString(`0109506000134352` + `10ABC${GS}21XYZ${GS}17271231`, o);
    expect(r.elements.map((e) => [e.ai, e.value])).toEqual([
      ['01', '09506000134352'],
      ['10', 'ABC'],
      ['21', 'XYZ'],
      ['17', '271231'],
    ]);
    expect(r.valid).toBe(true);
  });

  it('reports a variable-length value that is too long (a missing FNC1)', () => {
    const r = parseElementString(`0109506000134352` + `10ABCDEFGHIJKLMNOPQRSTUVW`, o);
    expect(codes(r)).toEqual(['VALUE_TOO_LONG']);
    expect(r.diagnostics[0]).toMatchObject({ ai: '10', offset: 38 });
  });

  it('reports every problem with code, AI and offset, not only the first', () => {
    const r = parseElementString(`0109506000134353` + `17271340` + `10A B`, o);
    expect(r.valid).toBe(false);
    expect(r.diagnostics).toMatchObject([
      { code: 'CHECK_DIGIT', ai: '01', offset: 15, severity: 'error', linter: 'csum' },
      { code: 'INVALID_DATE', ai: '17', offset: 20, linter: 'yymmd0' },
      { code: 'INVALID_CHARACTER', ai: '10', offset: 27 },
    ]);
  });

  it('handles separators: doubled (lenient → warning), trailing (warning)', () => {
    const input = `0109506000134352` + `10ABC${GS}${GS}21X${GS}`;
    expect(parseElementString(input, o).diagnostics.map((d) => [d.code, d.severity])).toEqual([
      ['UNEXPECTED_SEPARATOR', 'error'],
      ['TRAILING_SEPARATOR', 'warning'],
    ]);
    const lenient = parseElementString(input, { ...o, lenient: true });
    expect(lenient.valid).toBe(true);
    expect(lenient.serial).toBe('X');
  });

  it('knows unknown AIs only when permitted', () => {
    expect(codes(parseElementString(`0109506000134352` + `2399ABC`, o))).toEqual(['UNKNOWN_AI']);
    const r = parseElementString(`0109506000134352` + `2399ABC`, { ...o, permitUnknownAIs: true });
    expect(r.valid).toBe(true);
    expect(r.elements[1]).toEqual({ ai: '239', value: '9ABC', title: '' });
  });

  it('validates charsets N, X (CSET 82), Y (CSET 39), Z (CSET 64)', () => {
    expect(codes(parseBracketed('(01)09506000134352(10)AB#', o))).toEqual(['INVALID_CHARACTER']);
    expect(codes(parseBracketed('(8010)9506000ABC#-/(8011)1', o))).toEqual([]);
    expect(codes(parseBracketed('(8010)9506000abc(8011)1', o))).toEqual(['INVALID_CHARACTER']);
    expect(codes(parseBracketed('(00)106141411234567897(8030)ABCabc-_09==', o))).toEqual([]);
    expect(codes(parseBracketed('(00)106141411234567897(8030)AB+C', o))).toEqual(['INVALID_CHARACTER']);
    expect(codes(parseBracketed('(01)09506000134352(30)12A', o))).toEqual(['INVALID_CHARACTER']);
  });
});

describe('dates', () => {
  it('applies the GS1 sliding window (-49/+50 years) to two-digit years', () => {
    expect(resolveTwoDigitYear(76, 2026)).toBe(2076);
    expect(resolveTwoDigitYear(77, 2026)).toBe(1977);
    expect(resolveTwoDigitYear(0, 2026)).toBe(2000);
    expect(resolveTwoDigitYear(10, 2070)).toBe(2110);
    expect(parseBracketed('(01)09506000134352(17)761231', o).expiry).toBe('2076-12-31');
    expect(parseBracketed('(01)09506000134352(17)771231', o).expiry).toBe('1977-12-31');
  });

  it('turns DD=00 into the last day of the month only where the linter is yymmd0', () => {
    expect(parseBracketed('(01)09506000134352(17)280200', o).expiry).toBe('2028-02-29');
    expect(parseBracketed('(01)09506000134352(15)270400', o).bestBefore).toBe('2027-04-30');
    // 7006 FIRST FREEZE DATE is yymmdd: DD=00 is an error.
    expect(codes(parseBracketed('(01)09506000134352(7006)270400', o))).toEqual(['INVALID_DATE']);
  });

  it('types date-times and date ranges', () => {
    const r = parseBracketed('(01)09506000134352(7003)2712311530(8008)27010212(7007)270101270105', o);
    expect(r.valid).toBe(true);
    expect(r.expiryDateTime).toBe('2027-12-31T15:30');
    expect(r.elements.map((e) => e.typed)).toEqual([
      undefined,
      { kind: 'dateTime', dateTime: '2027-12-31T15:30' },
      { kind: 'dateTime', dateTime: '2027-01-02T12:00' },
      { kind: 'dateRange', start: '2027-01-01', end: '2027-01-05' },
    ]);
    expect(parseBracketed('(01)09506000134352(8008)270102123059', o).elements[1]?.typed).toEqual({
      kind: 'dateTime',
      dateTime: '2027-01-02T12:30:59',
    });
  });

  it('flags all-zero dates, downgraded to warnings in lenient mode', () => {
    expect(codes(parseBracketed('(01)09506000134352(17)000000', o))).toEqual(['ZERO_DATE']);
    const r = parseBracketed('(01)09506000134352(17)000000', { ...o, lenient: true });
    expect(r.valid).toBe(true);
    expect(r.expiry).toBeUndefined();
  });
});

describe('decimals and amounts', () => {
  it('keeps measures exact with their unit', () => {
    const r = parseBracketed('(01)09506000134352(3102)000525(3150)000002(3305)000001', o);
    expect(r.netWeight).toEqual({ value: '5.25', unit: 'kg', ai: '3102' });
    expect(r.netVolume).toEqual({ value: '2', unit: 'l', ai: '3150' });
    expect(r.grossWeight).toEqual({ value: '0.00001', unit: 'kg', ai: '3305' });
    expect(r.elements[1]?.typed).toEqual({
      kind: 'measure',
      value: '5.25',
      unit: 'kg',
      quantity: 'NET WEIGHT',
    });
  });

  it('types amounts with ISO 4217 currency and rejects unknown currencies', () => {
    const r = parseBracketed('(01)09506000134352(30)5(3932)97812345', o);
    expect(r.price).toEqual({ kind: 'amount', value: '123.45', currencyNumeric: '978', currency: 'EUR' });
    expect(codes(parseBracketed('(01)09506000134352(30)5(3932)00012345', o))).toEqual(['INVALID_CURRENCY']);
    const a = parseBracketed('(255)9506000134352(3902)1999', o);
    expect(a.amount).toEqual({ kind: 'amount', value: '19.99' });
  });
});

describe('associations and repeats', () => {
  it('reports req= (mandatory) associations', () => {
    expect(parseBracketed('(10)ABC', o).diagnostics).toMatchObject([
      {
        code: 'REQUIRED_AI_MISSING',
        ai: '10',
        message: '(10) requires (01) or (02) or (03) or (8006) or (8026)',
      },
    ]);
    expect(codes(parseBracketed('(01)09506000134352(7004)12', o))).toEqual(['REQUIRED_AI_MISSING']);
    expect(codes(parseBracketed('(01)09506000134352(10)A(7004)12', o))).toEqual([]);
    expect(codes(parseBracketed('(10)ABC', { ...o, associations: false }))).toEqual([]);
  });

  it('reports ex= (invalid pair) associations, including n-patterns', () => {
    expect(codes(parseBracketed('(01)09506000134352(02)09506000134352(37)1', o))).toContain('EXCLUSIVE_AIS');
    expect(codes(parseBracketed('(01)09506000134352(3100)000001(3102)000002', o))).toEqual(['EXCLUSIVE_AIS']);
  });

  it('validates associations over the combined AIs of several carriers', () => {
    const noAssoc = { ...o, associations: false };
    const a = parseScan(']C10109506000134352', noAssoc);
    const b = parseScan(']C110LOT7\x1d3103000500', noAssoc);
    expect(a.valid && b.valid).toBe(true);
    expect(validateCombined([...a.elements, ...b.elements])).toEqual([]);
    expect(validateCombined(b.elements).map((d) => d.code)).toEqual([
      'REQUIRED_AI_MISSING',
      'REQUIRED_AI_MISSING',
    ]);
    expect(
      validateCombined([...a.elements, ...b.elements, { ai: '10', value: 'OTHER' }]).map((d) => d.code),
    ).toEqual(['DUPLICATE_AI_CONFLICT']);
  });

  it('reports repeated AIs with conflicting values; identical repeats are warnings', () => {
    expect(codes(parseBracketed('(01)09506000134352(10)A(10)B', o))).toEqual(['DUPLICATE_AI_CONFLICT']);
    const same = parseBracketed('(01)09506000134352(10)A(10)A', o);
    expect(same.valid).toBe(true);
    expect(codes(same)).toEqual(['DUPLICATE_AI']);
  });
});

describe('bracketed syntax', () => {
  it('unescapes \\( in values', () => {
    const r = parseBracketed('(01)09506000134352(10)AB\\(1)', o);
    expect(r.batch).toBe('AB(1)');
  });

  it('reports bracket errors', () => {
    expect(codes(parseBracketed('01)09506000134352', o))).toContain('BRACKET_SYNTAX');
    expect(codes(parseBracketed('(01', o))).toEqual(['BRACKET_SYNTAX']);
    expect(codes(parseBracketed('(AB)x', o))).toEqual(['BRACKET_SYNTAX']);
    expect(codes(parseBracketed('(01)09506000134352(10)', o))).toContain('BRACKET_SYNTAX');
  });
});

describe('GS1 Digital Link', () => {
  it('reads key, qualifiers and attributes from any domain and path prefix', () => {
    const r = parseDigitalLink(
      'https://brand.example.com/shop/p/01/09506000134352/10/AB%2F1/21/S%201?17=271231&3103=000500&linkType=gs1:pip#x',
      o,
    );
    expect(r.elements.map((e) => [e.ai, e.value])).toEqual([
      ['01', '09506000134352'],
      ['10', 'AB/1'],
      ['21', 'S 1'],
      ['17', '271231'],
      ['3103', '000500'],
    ]);
    expect(r.digitalLink).toEqual({
      origin: 'https://brand.example.com',
      pathPrefix: '/shop/p',
      primaryKey: '01',
    });
    expect(codes(r)).toEqual(['INVALID_CHARACTER']); // a space is not CSET 82
  });

  it('enforces key-qualifier order and alternatives', () => {
    expect(parseDigitalLink('https://id.gs1.org/01/09506000134352/22/V/10/L/21/S', o).valid).toBe(true);
    expect(parseDigitalLink('https://id.gs1.org/01/09506000134352/235/T', o).valid).toBe(true);
    expect(codes(parseDigitalLink('https://id.gs1.org/01/09506000134352/21/S/10/L', o))).toEqual([
      'DL_INVALID_QUALIFIER',
    ]);
    expect(codes(parseDigitalLink('https://id.gs1.org/01/09506000134352/10/L/235/T', o))).toContain(
      'DL_INVALID_QUALIFIER',
    );
    expect(codes(parseDigitalLink('https://id.gs1.org/00/106141411234567897/10/L', o))).toContain(
      'DL_INVALID_QUALIFIER',
    );
  });

  it('checks which AIs may be data attributes', () => {
    expect(codes(parseDigitalLink('https://id.gs1.org/01/09506000134352?21=S', o))).toEqual([
      'DL_INVALID_ATTRIBUTE',
    ]);
    const base = 'https://id.gs1.org/01/09506000134352';
    expect(codes(parseDigitalLink(`${base}?17=271231&utm_source=x&singleton&&`, o))).toEqual([]);
    // Numeric parameters must be AIs (as in the GS1 reference implementation).
    expect(codes(parseDigitalLink(`${base}?17=271231&2399=9`, o))).toEqual(['UNKNOWN_AI']);
    // A key qualifier that fits the path belongs there, not in the query.
    expect(codes(parseDigitalLink(`${base}?10=L`, o))).toEqual(['DL_INVALID_ATTRIBUTE']);
    expect(codes(parseDigitalLink(`${base}/235/T?10=L`, o))).toEqual([]);
    // In the query "+" is a space; a literal "+" is %2B.
    expect(codes(parseDigitalLink(`${base}/10/B?90=A+B`, o))).toEqual(['INVALID_CHARACTER']);
    expect(parseDigitalLink(`${base}/10/B?90=A%2BB`, o).elements[2]?.value).toBe('A+B');
    expect(parseDigitalLink(`${base}?00=106141411234567897`, o).valid).toBe(true);
  });

  it('zero-suppressed GTINs only with permitZeroSuppressedGtin', () => {
    const uri = 'https://id.gs1.org/01/9506000134352';
    expect(codes(parseDigitalLink(uri, o))).toEqual(['DL_ZERO_SUPPRESSED_GTIN']);
    expect(parseDigitalLink(uri, { ...o, permitZeroSuppressedGtin: true })).toMatchObject({
      valid: true,
      gtin: '09506000134352',
    });
  });

  it('reads the rightmost primary key; AI pairs before it are prefix (with a warning)', () => {
    const r = parseDigitalLink('https://a.example/00/faux/01/09506000134352', o);
    expect(r).toMatchObject({ valid: true, gtin: '09506000134352' });
    expect(r.digitalLink?.pathPrefix).toBe('/00/faux');
    const w = parseDigitalLink('https://a.example/10/L1/01/09506000134352', o);
    expect(w.valid).toBe(true);
    expect(w.diagnostics).toMatchObject([{ code: 'DL_INVALID_QUALIFIER', severity: 'warning', ai: '10' }]);
  });

  it('checks URI characters, domain and trailing slash', () => {
    expect(codes(parseDigitalLink('https://id.gs1.org/01/09506000134352/10/A B', o))).toContain(
      'DL_INVALID_URI',
    );
    expect(codes(parseDigitalLink('https://a$b/01/09506000134352', o))).toEqual(['DL_INVALID_URI']);
    expect(codes(parseDigitalLink('https://a/01/09506000134352/', o))).toEqual(['DL_INVALID_URI']);
    expect(parseDigitalLink('https://a:8443/01/09506000134352?', o).valid).toBe(true);
    expect(parseDigitalLink('https://[2001:db8::1]/01/09506000134352#frag', o).valid).toBe(true);
  });

  it('reports URIs without a primary key and bad percent-encoding', () => {
    expect(codes(parseDigitalLink('https://example.com/about', o))).toEqual(['DL_NO_PRIMARY_KEY']);
    expect(parseDigitalLink('https://id.gs1.org/01/09506000134352/10', o).diagnostics).toMatchObject([
      { code: 'DL_INVALID_URI', ai: '10', offset: 37 },
    ]);
    expect(codes(parseDigitalLink('ftp://x/01/09506000134352', o))).toEqual(['DL_INVALID_URI']);
    expect(codes(parseDigitalLink('https://id.gs1.org/01/09506000134352/10/A%G1', o))).toContain(
      'DL_INVALID_URI',
    );
  });
});

describe('parse() auto-detection and misuse', () => {
  it('detects each syntax', () => {
    expect(parse(']C10109506000134352', o).syntax).toBe('scan');
    expect(parse('https://id.gs1.org/01/09506000134352', o).syntax).toBe('digitalLink');
    expect(parse('(01)09506000134352', o).syntax).toBe('bracketed');
    expect(parse('0109506000134352', o).syntax).toBe('elementString');
    expect(codes(parse('', o))).toEqual(['EMPTY_INPUT']);
  });

  it('never serves stale options when an options object is mutated between calls', () => {
    const opts: { referenceDate: string; lenient?: boolean } = { referenceDate: '2026-06-01' };
    expect(parse('(01)09506000134352(17)000000', opts).valid).toBe(false);
    opts.lenient = true;
    expect(parse('(01)09506000134352(17)000000', opts).valid).toBe(true);
    opts.referenceDate = '2080-01-01';
    expect(parse('(01)09506000134352(17)200101', opts).expiry).toBe('2120-01-01');
  });

  it('throws Gs1Error only on programmer misuse', () => {
    expect(() => parse(undefined as unknown as string)).toThrow(Gs1Error);
    expect(() => parse('01', { referenceDate: '2026-13-01' })).toThrow(Gs1Error);
    expect(() => parse('01', { fnc1Substitute: '^^' })).toThrow(/single character/);
  });
});
