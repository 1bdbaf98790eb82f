import { formatBracketed, formatDigitalLink, formatElementString, Gs1Error, parse } from '@lotgraph/gs1';
import { describe, expect, it } from 'vitest';

const GS = '\x1d';
const gtin = { ai: '01', value: '09506000134352' };

describe('formatElementString', () => {
  it('writes ASCII 29 only after variable-length values that are not last', () => {
    expect(
      formatElementString([
        gtin,
        { ai: '10', value: 'ABC' },
        { ai: '17', value: '271231' },
        { ai: '3103', value: '001250' },
        { ai: '21', value: 'S1' },
      ]),
    ).toBe(`0109506000134352` + `10ABC${GS}` + `17271231` + `3103001250` + `21S1`);
    // 8001 has a fixed length but is not in the pre-defined-length table: it needs a separator.
    expect(formatElementString([{ ai: '8001', value: '12345678901231' }, gtin])).toBe(
      `800112345678901231${GS}0109506000134352`,
    );
    expect(formatElementString([{ ai: '10', value: 'A' }, gtin], { separator: '^' })).toBe(
      '10A^0109506000134352',
    );
  });

  it('rejects malformed element lists with a typed error', () => {
    expect(() => formatElementString([{ ai: 'x1', value: '1' }])).toThrow(Gs1Error);
    expect(() => formatElementString('01' as never)).toThrow(Gs1Error);
  });
});

describe('formatBracketed', () => {
  it('escapes "(" in values', () => {
    expect(formatBracketed([gtin, { ai: '10', value: 'A(1)' }])).toBe('(01)09506000134352(10)A\\(1)');
  });
});

describe('formatDigitalLink', () => {
  it('puts key and qualifiers in the path in their defined order and the rest in the query', () => {
    expect(
      formatDigitalLink([
        { ai: '17', value: '271231' },
        { ai: '21', value: 'S/1' },
        gtin,
        { ai: '10', value: 'L+1' },
      ]),
    ).toBe('https://id.gs1.org/01/09506000134352/10/L%2B1/21/S%2F1?17=271231');
  });

  it('uses a given domain and path prefix', () => {
    const uri = formatDigitalLink([gtin], { domain: 'brand.example.com/dl/' });
    expect(uri).toBe('https://brand.example.com/dl/01/09506000134352');
    expect(parse(uri, { referenceDate: '2026-01-01' }).digitalLink?.pathPrefix).toBe('/dl');
  });

  it('chooses the qualifier alternative that fits (235 for GTIN)', () => {
    expect(formatDigitalLink([gtin, { ai: '235', value: 'TPX1' }])).toBe(
      'https://id.gs1.org/01/09506000134352/235/TPX1',
    );
  });

  it('prefers the alternative that leaves only valid attributes for the query', () => {
    const uri = formatDigitalLink([gtin, { ai: '10', value: 'L' }, { ai: '235', value: 'T' }]);
    expect(uri).toBe('https://id.gs1.org/01/09506000134352/235/T?10=L');
    expect(parse(uri, { referenceDate: '2026-01-01' }).valid).toBe(true);
  });

  it('throws GS1_ENCODE_FAILED without a primary key or with a non-attribute AI in the query', () => {
    expect(() => formatDigitalLink([{ ai: '10', value: 'A' }])).toThrowError(/primary key/);
    try {
      formatDigitalLink([
        { ai: '00', value: '106141411234567897' },
        { ai: '21', value: 'S' },
      ]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(Gs1Error);
      expect((e as Gs1Error).code).toBe('GS1_ENCODE_FAILED');
    }
  });
});
