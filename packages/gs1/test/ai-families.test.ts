import { parseBracketed } from '@lotgraph/gs1';
import { describe, expect, it } from 'vitest';

// End-to-end examples per AI family, built by hand (check digits computed): each valid input must parse
// without diagnostics, each invalid one must yield exactly the listed codes.
const o = { referenceDate: '2026-06-01' };
const codes = (s: string) => parseBracketed(s, o).diagnostics.map((d) => d.code);

const GTIN = '(01)09506000134352';
const valid: string[] = [
  '(00)106141411234567897',
  `${GTIN}(10)ABC-123(21)S/N.1(17)270630(11)250101`,
  `${GTIN}(22)CPV1(10)L(21)S`,
  `${GTIN}(235)TPX-42`,
  '(253)9506000134352DOC1', // GDTI with serial component
  '(255)9506000134352123', // GCN with serial
  '(8003)09506000134352SER9', // GRAI: zero + GRAI + serial
  '(414)9506000134352(254)EXT1', // GLN + extension
  '(414)9506000134352(7040)1A-_', // GLN + UIC with importer index
  '(8018)950600013435123451(8019)123', // GSRN + SRIN
  '(8017)950600013435123451',
  `${GTIN}(8008)26010212`,
  `${GTIN}(7003)2612312359`,
  `${GTIN}(3103)001250(3922)1999`,
  `${GTIN}(30)12(3922)1999`,
  `${GTIN}(422)276(423)276840`,
  `${GTIN}(7030)276ABC`,
  `${GTIN}(7039)999ABC`,
  '(00)106141411234567897(4307)DE(4309)05123456780134567890(4321)1(4330)001234-',
  `${GTIN}(8001)12345678901211`, // width, length, diameter, winding 1, splices
  `${GTIN}(7241)01(8017)950600013435123451`,
  '(8018)950600013435123451(7250)19991231(7252)2(7258)1/2(7259)BABY',
  '(8010)95060001234#-/(8011)123',
  '(415)9506000134352(8020)REF1(8007)GB82WEST12345698765432',
  '(255)9506000134352(3902)1999',
  '(255)9506000134352(8111)0100',
  `${GTIN}(7041)BX(00)106141411234567897`,
  '(8006)095060001343520102(10)L',
  '(8013)1987654Ad4X4bL5ttr2310c2K',
  `${GTIN}(21)S(8014)1987654Ad4X4bL5ttr2310c2K`,
  '(00)106141411234567897(8030)RGlnU2ln',
  `${GTIN}(4300)ACME%20Corp(00)106141411234567897`,
];

const invalid: [string, string[]][] = [
  ['(00)106141411234567890', ['CHECK_DIGIT']],
  ['(8003)19506000134352SER9', ['INVALID_VALUE']], // first digit must be zero
  ['(414)9506000134352(7040)1A-!', ['INVALID_CODE']], // "!" is CSET 82 but not an importer index
  ['(8018)950600013435123451(7258)3/2', ['INVALID_PIECE_OF_TOTAL', 'REQUIRED_AI_MISSING']], // and 7259 missing
  [`${GTIN}(8001)12345678901221`, ['INVALID_CODE']], // 2 is not a winding direction
  [`${GTIN}(8001)00005678901211`, ['INVALID_VALUE']], // width must be non-zero
  [`${GTIN}(3902)1999(8111)0100`, ['REQUIRED_AI_MISSING', 'EXCLUSIVE_AIS', 'REQUIRED_AI_MISSING']],
  [`${GTIN}(422)000`, ['INVALID_COUNTRY']],
  [`${GTIN}(4307)XX`, ['INVALID_COUNTRY', 'REQUIRED_AI_MISSING']],
  ['(00)106141411234567897(4309)18000000013600000000', ['INVALID_COORDINATE']],
  ['(00)106141411234567897(4321)2', ['INVALID_CODE']],
  ['(8006)095060001343520302', ['INVALID_PIECE_OF_TOTAL']],
  ['(8013)1987654Ad4X4bL5ttr2310cXK', ['CHECK_CHARACTER_PAIR']],
  ['(8010)95060001234#-/(8011)0123', ['INVALID_VALUE']],
  ['(415)9506000134352(8020)R(8007)GB82WEST12345698765433', ['INVALID_IBAN']],
  [`${GTIN}(4300)ACME%2`, ['INVALID_PERCENT_ENCODING', 'REQUIRED_AI_MISSING']],
  [`${GTIN}(7241)00(8017)950600013435123451`, ['INVALID_CODE']],
  [`${GTIN}(7003)2612312460`, ['INVALID_TIME']],
  [`${GTIN}(8008)2601022400`, ['INVALID_TIME']],
  [`${GTIN}(3902)100`, ['REQUIRED_AI_MISSING']],
  [`${GTIN}(30)1(3932)00012345`, ['INVALID_CURRENCY']],
  [`${GTIN}(7041)QQQ(00)106141411234567897`, ['INVALID_CODE']],
  [`${GTIN}(8110)012345612345611110123`, []],
  [`${GTIN}(8110)71234567890123`, ['INVALID_COUPON']],
];

describe('AI families end to end', () => {
  it.each(valid)('valid: %s', (input) => {
    expect(codes(input)).toEqual([]);
  });
  it.each(invalid)('invalid: %s', (input, expected) => {
    expect(codes(input)).toEqual(expected);
  });
});
