// Cases where lotgraph disagreed with the GS1 Barcode Syntax Engine (issue #14 case 12), each pinned.
import {
  Gs1DiagnosticCode as C,
  formatElementString,
  MAX_DIAGNOSTICS,
  parse,
  parseDigitalLink,
  parseElementString,
  parseScan,
} from '@lotgraph/gs1';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

const codes = (r: { diagnostics: readonly { code: string; severity: string }[] }) =>
  r.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code);

describe('GS1 Syntax Engine agreement', () => {
  it('(8030) with (253)/(255)/(8003) needs their optional serial component', () => {
    for (const bare of [
      '(253)1231231231232(8030)ABC123',
      '(255)1231231231232(8030)ABC123',
      '(8003)01234567890128(8030)ABC123',
    ]) {
      const r = parse(bare);
      expect(r.valid, bare).toBe(false);
      expect(codes(r)).toContain(C.REQUIRED_AI_MISSING);
    }
    for (const serial of [
      '(253)1231231231232XYZ(8030)ABC123',
      '(255)12312312312321234(8030)ABC123',
      '(8003)01234567890128A1(8030)ABC123',
      '(01)09520123456788(21)ABC(8030)ABC123',
      '(00)123456789012345675(8030)ABC123',
    ])
      expect(parse(serial).valid, serial).toBe(true);
  });

  it('a mixed-case Digital Link scheme is not a GS1 DL URI; an all upper-case one is', () => {
    for (const u of [
      'HtTp://a/b/00/006141411234567890',
      'hTTPS://id.gs1.org/01/09520123456788',
      'Https://id.gs1.org/01/09520123456788',
    ]) {
      const r = parse(u);
      expect(r.valid, u).toBe(false);
      expect(codes(r)).toEqual([C.DL_INVALID_URI]);
    }
    for (const u of [
      'HTTPS://a/00/006141411234567890',
      'HTTP://a/00/006141411234567890',
      'http://a/00/006141411234567890',
    ])
      expect(parseDigitalLink(u).valid, u).toBe(true);
  });

  it('reads an upper-case HTTPS:// Digital Link in QR scan data', () => {
    const r = parseScan(']Q1HTTPS://ID.GS1.ORG/01/09520123456788/10/ABC');
    expect(r.valid).toBe(true);
    expect(r.gtin).toBe('09520123456788');
    expect(r.syntax).toBe('digitalLink');
  });

  it('accepts a GTIN-13 as a query attribute (padded), refuses it in the path by default', () => {
    const r = parse('https://example.com/8004/9520614141234567?01=9520123456788');
    expect(r.valid).toBe(true);
    expect(r.elements.map((e) => [e.ai, e.value])).toEqual([
      ['8004', '9520614141234567'],
      ['01', '09520123456788'],
    ]);
    expect(codes(parse('https://brand.example.com/01/9520123456788'))).toEqual([C.DL_ZERO_SUPPRESSED_GTIN]);
  });

  it('refuses a repeated AI in a Digital Link, between path and query or within the query', () => {
    for (const u of [
      'https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&01=09520123456788',
      'https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&10=ABC123',
      'https://id.gs1.org/01/09520123456788/10/ABC123?99=XYZ789&99=XYZ789',
    ]) {
      const r = parse(u);
      expect(r.valid, u).toBe(false);
      expect(codes(r)).toContain(C.DUPLICATE_AI);
    }
    // Element strings keep tolerating an identical repeat (a warning), as the engine does.
    expect(parse('(400)ABC(400)ABC').valid).toBe(true);
  });

  it('EAN-13/UPC-A scan data must have 13 digits (12 only in lenient mode)', () => {
    expect(parseScan(']E09506000134352').valid).toBe(true);
    for (const bad of [']E0416000336108', ']E095060001343521', ']E0950600013435'])
      expect(parseScan(bad).valid, bad).toBe(false);
    const lenient = parseScan(']E0416000336108', { lenient: true });
    expect(lenient.valid).toBe(true);
    expect(lenient.gtin).toBe('00416000336108');
    expect(lenient.diagnostics.map((d) => d.severity)).toEqual(['warning']);
  });

  it('caps diagnostics: 1 MB of FNC1s gives MAX_DIAGNOSTICS + 1 entries, the last counting the rest', () => {
    const r = parseScan(`]C1${'\x1d'.repeat(1_000_000)}`);
    expect(r.valid).toBe(false);
    expect(r.diagnostics).toHaveLength(MAX_DIAGNOSTICS + 1);
    const last = r.diagnostics[MAX_DIAGNOSTICS]!;
    expect(last.code).toBe(C.TOO_MANY_DIAGNOSTICS);
    expect(last.severity).toBe('error');
    expect(last.message).toMatch(/^\d+ more problems not listed/);
  });

  it('unknown AIs in a Digital Link query are not data attributes, even with permitUnknownAIs', () => {
    const u = 'https://example.com/01/09520123456788?123456=ABC';
    expect(codes(parse(u))).toEqual([C.UNKNOWN_AI]);
    expect(codes(parse(u, { permitUnknownAIs: true }))).toEqual([C.DL_INVALID_ATTRIBUTE]);
    expect(
      codes(parse('https://example.com/01/09520123456788?99=XYZ&89=ABC123', { permitUnknownAIs: true })),
    ).toEqual([C.DL_INVALID_ATTRIBUTE]);
  });

  it('property: whatever parse accepts with permitUnknownAIs, formatElementString writes and parses back', () => {
    const ai = fc.oneof(
      fc.constantFrom('01', '10', '17', '21', '99', '89', '3103', '8030', '415', '7003'),
      fc.stringMatching(/^[0-9]{2,6}$/),
    );
    const value = fc.stringMatching(/^[0-9A-Z]{1,12}$/);
    const input = fc.oneof(
      fc
        .array(fc.tuple(ai, value), { minLength: 1, maxLength: 4 })
        .map((els) => els.map(([a, v]) => `(${a})${v}`).join('')),
      fc
        .tuple(ai, value, ai, value)
        .map(([a, v, b, w]) => `https://example.com/01/09520123456788?${a}=${v}&${b}=${w}`),
    );
    fc.assert(
      fc.property(input, (text) => {
        const r = parse(text, { permitUnknownAIs: true });
        if (!r.valid) return;
        const pairs = r.elements.map((e) => ({ ai: e.ai, value: e.value }));
        const es = formatElementString(pairs);
        const again = parseElementString(es, { permitUnknownAIs: true });
        expect(again.elements.map((e) => [e.ai, e.value])).toEqual(pairs.map((p) => [p.ai, p.value]));
      }),
      { numRuns: 500 },
    );
  });
});
