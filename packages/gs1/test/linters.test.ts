import { gs1CheckCharacterPair, gs1CheckDigit, hasValidCheckDigit, LINTERS } from '@lotgraph/gs1';
import { describe, expect, it } from 'vitest';

const ctx = { referenceYear: 2026 };
const lint = (name: string, data: string) => LINTERS[name]!(data, ctx)?.code;

describe('check digits', () => {
  it('computes GS1 mod-10 check digits for GTIN, SSCC, GLN', () => {
    expect(gs1CheckDigit('0950600013435')).toBe(2); // GTIN 09506000134352
    expect(gs1CheckDigit('10614141123456789')).toBe(7); // SSCC 106141411234567897
    expect(gs1CheckDigit('950600013435')).toBe(2); // GTIN-13 9506000134352
    expect(hasValidCheckDigit('09506000134352')).toBe(true);
    expect(hasValidCheckDigit('09506000134353')).toBe(false);
    expect(lint('csum', '106141411234567897')).toBeUndefined();
    expect(lint('csum', '106141411234567898')).toBe('CHECK_DIGIT');
    expect(lint('csum', '1A')).toBe('INVALID_CHARACTER');
  });

  it('computes the alphanumeric check character pair (csumalpha)', () => {
    expect(gs1CheckCharacterPair('1987654Ad4X4bL5ttr2310c')).toBe('2K');
    expect(lint('csumalpha', '1987654Ad4X4bL5ttr2310c2K')).toBeUndefined();
    expect(lint('csumalpha', '1987654Ad4X4bL5ttr2310cXK')).toBe('CHECK_CHARACTER_PAIR');
    expect(lint('csumalpha', '12345_ABCDEFGHIJKLMCP')).toBeUndefined();
    expect(lint('csumalpha', '2')).toBe('CHECK_CHARACTER_PAIR');
    expect(lint('csumalpha', '22')).toBeUndefined();
  });
});

describe('every dictionary linter', () => {
  const cases: [name: string, good: string[], bad: string[]][] = [
    ['gcppos1', ['9506000134352', '1234'], ['123', '12A4']],
    ['gcppos2', ['09506000134352', '01234'], ['0123', '0A234']],
    ['yymmd0', ['261231', '260200', '240229'], ['261301', '260230', '250229', '260000']],
    ['yymmdd', ['261231', '240229'], ['260200', '261232', '250229']],
    ['yyyymmdd', ['20240229', '19991231'], ['20230229', '20241301', '20240100']],
    ['hh', ['00', '23'], ['24', '9']],
    ['mi', ['00', '59'], ['60']],
    ['ss', ['00', '59'], ['60']],
    ['hhmi', ['0000', '2359'], ['2400', '1260']],
    ['iso3166', ['276', '840', '004'], ['000', '999', '900']],
    ['iso3166999', ['276', '999'], ['000']],
    ['iso3166alpha2', ['DE', 'US'], ['XX', 'de']],
    ['iso4217', ['978', '840', '826', '999'], ['000', '001']],
    ['iso5218', ['0', '1', '2', '9'], ['3']],
    [
      'iban',
      ['GB82WEST12345698765432', 'DE89370400440532013000'],
      ['GB82WEST12345698765433', 'XX82WEST1234', 'GB8'],
    ],
    ['latitude', ['0000000000', '1800000000'], ['1800000001']],
    ['longitude', ['0000000000', '3600000000'], ['3600000001']],
    ['pcenc', ['ABC', 'A%20B', '%2f'], ['A%2', 'A%G0', '%']],
    ['pieceoftotal', ['0102', '0101', '1299'], ['0002', '0300', '0100']],
    ['posinseqslash', ['1/2', '2/2'], ['3/2', '0/2', '12', '1/0']],
    ['nonzero', ['0001', '1'], ['0000']],
    ['zero', ['0'], ['1']],
    ['nozeroprefix', ['1', '10', '123'], ['0', '01', '00', '1A']],
    ['hasnondigit', ['12A', 'A'], ['123']],
    ['hyphen', ['-'], ['+', 'A']],
    ['yesno', ['0', '1'], ['2']],
    ['winding', ['0', '1', '9'], ['2']],
    ['mediatype', ['01', '10', '80', '99'], ['00', '11', '79']],
    ['packagetype', ['BX', 'PX', '1A', '200', 'X11'], ['0', 'XYZ', 'bx']],
    ['importeridx', ['A', 'z', '0', '-', '_'], ['!', 'AB']],
    ['couponcode', ['012345612345611110123'], ['', '71234567890123', '0123456123456111101234']],
    [
      'couponposoffer',
      ['001234561234560123456', '0012345612345611234567'],
      ['201234561234560123456', '0012345612345601234567'],
    ],
  ];
  for (const [name, good, bad] of cases) {
    it(name, () => {
      for (const g of good) expect(lint(name, g), `${name}(${g})`).toBeUndefined();
      for (const b of bad) expect(lint(name, b), `${name}(${b})`).toBeDefined();
    });
  }

  it('names a ZERO_DATE problem for all-zero dates (lenient mode downgrades it)', () => {
    expect(lint('yymmdd', '000000')).toBe('ZERO_DATE');
    expect(lint('yymmd0', '000000')).toBe('ZERO_DATE');
  });

  it('also implements linters of older and newer dictionary releases', () => {
    for (const name of ['key', 'hhmm', 'latlong', 'iso3166list', 'yyyymmd0', 'yymmddhh', 'mm', 'mmoptss']) {
      expect(LINTERS[name], name).toBeTypeOf('function');
    }
    expect(lint('iso3166list', '276840')).toBeUndefined();
    expect(lint('iso3166list', '276000')).toBe('INVALID_COUNTRY');
    expect(lint('yyyymmd0', '20240200')).toBeUndefined();
  });
});
