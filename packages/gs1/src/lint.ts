// The dictionary's "linters": named content checks applied to one AI component each.
// Every linter named by the 2026-01-27 dictionary is implemented here, plus the ones older and
// newer releases use (key, hhmm, latlong, iso3166list, yyyymmd0, yymmddhh, mm, mmoptss), so a
// dictionary loaded at runtime keeps working.
import { CSET32, gs1CheckCharacterPair } from './check-digit';
import { ISO3166_ALPHA2, ISO3166_NUMERIC, ISO4217, PACKAGE_TYPES } from './code-lists';
import { daysInMonth, resolveTwoDigitYear } from './dates';
import { Gs1DiagnosticCode as C, type Gs1DiagnosticCode } from './diagnostics';

/** A problem reported by a linter; `pos` is relative to the component start. */
export interface LintProblem {
  readonly code: Gs1DiagnosticCode;
  readonly message: string;
  readonly pos?: number;
}

/** Context a linter may need. */
export interface LintContext {
  readonly referenceYear: number;
}

/** A linter: returns undefined when the component is fine. */
export type Linter = (data: string, ctx: LintContext) => LintProblem | undefined;

const problem = (code: Gs1DiagnosticCode, message: string, pos?: number): LintProblem =>
  pos === undefined ? { code, message } : { code, message, pos };

const isDigit = (c: number) => c >= 48 && c <= 57;

function firstNonDigit(s: string): number {
  for (let i = 0; i < s.length; i++) if (!isDigit(s.charCodeAt(i))) return i;
  return -1;
}

const num = (s: string) => {
  if (s.length === 2) return (s.charCodeAt(0) - 48) * 10 + (s.charCodeAt(1) - 48);
  return Number(s);
};
const num2 = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);

const csum: Linter = (d) => {
  // One pass: digits check and the mod-10 sum (weights 3,1,3,… from the right, check digit excluded).
  let sum = 0;
  let weight = 1;
  for (let i = d.length - 1; i >= 0; i--) {
    const c = d.charCodeAt(i) - 48;
    if (!(c >= 0 && c <= 9)) return problem(C.INVALID_CHARACTER, 'check digit data must be numeric', i);
    if (i < d.length - 1) {
      weight = weight === 3 ? 1 : 3;
      sum += c * weight;
    }
  }
  if (d.length < 2) return problem(C.CHECK_DIGIT, 'too short to carry a check digit', 0);
  const expected = (10 - (sum % 10)) % 10;
  if (expected !== d.charCodeAt(d.length - 1) - 48) {
    return problem(C.CHECK_DIGIT, `check digit is ${d[d.length - 1]}, expected ${expected}`, d.length - 1);
  }
  return undefined;
};

const csumalpha: Linter = (d) => {
  if (d.length < 2) return problem(C.CHECK_CHARACTER_PAIR, 'too short to carry a check character pair', 0);
  for (let i = d.length - 2; i < d.length; i++) {
    if (!CSET32.includes(d[i] as string)) {
      return problem(C.CHECK_CHARACTER_PAIR, `check character "${d[i]}" is not in CSET 32`, i);
    }
  }
  const pair = gs1CheckCharacterPair(d.slice(0, -2));
  if (pair === undefined)
    return problem(C.CHECK_CHARACTER_PAIR, 'data cannot carry a check character pair', 0);
  if (pair !== d.slice(-2)) {
    return problem(
      C.CHECK_CHARACTER_PAIR,
      `check characters are ${d.slice(-2)}, expected ${pair}`,
      d.length - 2,
    );
  }
  return undefined;
};

function gcpAt(d: string, start: number): LintProblem | undefined {
  if (d.length - start < 4)
    return problem(C.INVALID_COMPANY_PREFIX, 'too short to hold a GS1 Company Prefix', 0);
  for (let i = start; i < start + 4; i++) {
    if (!isDigit(d.charCodeAt(i)))
      return problem(C.INVALID_COMPANY_PREFIX, 'GS1 Company Prefix must be numeric', i);
  }
  return undefined;
}

function dateYYMMDD(d: string, ctx: LintContext, allowZeroDay: boolean): LintProblem | undefined {
  if (d.length !== 6 || firstNonDigit(d) >= 0)
    return problem(C.INVALID_DATE, 'date must be six digits YYMMDD', 0);
  if (d === '000000') return problem(C.ZERO_DATE, 'all-zero date', 0);
  const year = resolveTwoDigitYear(num2(d, 0), ctx.referenceYear);
  const mm = num2(d, 2);
  const dd = num2(d, 4);
  if (mm < 1 || mm > 12) return problem(C.INVALID_DATE, `month ${d.slice(2, 4)} does not exist`, 2);
  if (dd === 0 && !allowZeroDay) return problem(C.INVALID_DATE, 'day 00 is not allowed for this AI', 4);
  if (dd > daysInMonth(year, mm)) return problem(C.INVALID_DATE, `day ${d.slice(4, 6)} does not exist`, 4);
  return undefined;
}

function dateYYYYMMDD(d: string, allowZeroDay: boolean): LintProblem | undefined {
  if (d.length !== 8 || firstNonDigit(d) >= 0) return problem(C.INVALID_DATE, 'date must be eight digits', 0);
  const year = num(d.slice(0, 4));
  const mm = num(d.slice(4, 6));
  const dd = num(d.slice(6, 8));
  if (mm < 1 || mm > 12) return problem(C.INVALID_DATE, `month ${d.slice(4, 6)} does not exist`, 4);
  if (dd === 0 && !allowZeroDay) return problem(C.INVALID_DATE, 'day 00 is not allowed for this AI', 6);
  if (dd > daysInMonth(year, mm)) return problem(C.INVALID_DATE, `day ${d.slice(6, 8)} does not exist`, 6);
  return undefined;
}

function twoDigitRange(d: string, max: number, what: string): LintProblem | undefined {
  if (d.length !== 2 || firstNonDigit(d) >= 0)
    return problem(C.INVALID_TIME, `${what} must be two digits`, 0);
  if (num(d) > max) return problem(C.INVALID_TIME, `${what} ${d} is out of range`, 0);
  return undefined;
}

const hhmi: Linter = (d) => {
  if (d.length !== 4) return problem(C.INVALID_TIME, 'time must be four digits HHMM', 0);
  return twoDigitRange(d.slice(0, 2), 23, 'hour') ?? shift(twoDigitRange(d.slice(2), 59, 'minute'), 2);
};

function shift(p: LintProblem | undefined, by: number): LintProblem | undefined {
  return p === undefined ? undefined : problem(p.code, p.message, (p.pos ?? 0) + by);
}

function oneOf(values: string, what: string): Linter {
  const set = new Set(values.split(' '));
  return (d) => (set.has(d) ? undefined : problem(C.INVALID_CODE, `"${d}" is not a valid ${what}`, 0));
}

function iso3166(d: string): LintProblem | undefined {
  return ISO3166_NUMERIC.has(d)
    ? undefined
    : problem(C.INVALID_COUNTRY, `${d} is not an ISO 3166 country code`, 0);
}

const latitude: Linter = (d) =>
  d.length !== 10 || firstNonDigit(d) >= 0 || num(d) > 1_800_000_000
    ? problem(C.INVALID_COORDINATE, 'latitude must be 0000000000–1800000000', 0)
    : undefined;
const longitude: Linter = (d) =>
  d.length !== 10 || firstNonDigit(d) >= 0 || num(d) > 3_600_000_000
    ? problem(C.INVALID_COORDINATE, 'longitude must be 0000000000–3600000000', 0)
    : undefined;

const iban: Linter = (d) => {
  if (d.length < 11 || d.length > 34) return problem(C.INVALID_IBAN, 'IBAN must have 11 to 34 characters', 0);
  if (!ISO3166_ALPHA2.has(d.slice(0, 2)))
    return problem(C.INVALID_IBAN, 'IBAN must start with a country code', 0);
  if (!isDigit(d.charCodeAt(2)) || !isDigit(d.charCodeAt(3))) {
    return problem(C.INVALID_IBAN, 'IBAN check digits must be numeric', 2);
  }
  // mod 97 over BBAN + country + check digits, letters as 10..35, computed incrementally.
  let rem = 0;
  const rearranged = d.slice(4) + d.slice(0, 4);
  for (let i = 0; i < rearranged.length; i++) {
    const c = rearranged.charCodeAt(i);
    if (isDigit(c)) rem = (rem * 10 + (c - 48)) % 97;
    else if (c >= 65 && c <= 90) rem = (rem * 100 + (c - 55)) % 97;
    else
      return problem(C.INVALID_IBAN, 'IBAN may hold only digits and upper-case letters', (i + 4) % d.length);
  }
  return rem === 1 ? undefined : problem(C.INVALID_IBAN, 'IBAN check digits are wrong', 2);
};

const pcenc: Linter = (d) => {
  for (let i = 0; i < d.length; i++) {
    if (d[i] !== '%') continue;
    const h = d.slice(i + 1, i + 3);
    if (h.length !== 2 || !/^[0-9A-Fa-f]{2}$/.test(h)) {
      return problem(C.INVALID_PERCENT_ENCODING, '"%" must be followed by two hex digits', i);
    }
    i += 2;
  }
  return undefined;
};

const pieceoftotal: Linter = (d) => {
  if (d.length % 2 !== 0 || firstNonDigit(d) >= 0)
    return problem(C.INVALID_PIECE_OF_TOTAL, 'bad piece/total', 0);
  const piece = num(d.slice(0, d.length / 2));
  const total = num(d.slice(d.length / 2));
  if (piece === 0) return problem(C.INVALID_PIECE_OF_TOTAL, 'piece number must not be zero', 0);
  if (total === 0) return problem(C.INVALID_PIECE_OF_TOTAL, 'total must not be zero', d.length / 2);
  if (piece > total) return problem(C.INVALID_PIECE_OF_TOTAL, `piece ${piece} exceeds total ${total}`, 0);
  return undefined;
};

const posinseqslash: Linter = (d) => {
  const slash = d.indexOf('/');
  if (slash <= 0 || slash === d.length - 1 || d.indexOf('/', slash + 1) >= 0) {
    return problem(C.INVALID_PIECE_OF_TOTAL, 'must be "position/total"', 0);
  }
  const a = d.slice(0, slash);
  const b = d.slice(slash + 1);
  if (firstNonDigit(a) >= 0 || firstNonDigit(b) >= 0)
    return problem(C.INVALID_PIECE_OF_TOTAL, 'non-digit', 0);
  if (num(a) === 0 || num(b) === 0 || a[0] === '0' || b[0] === '0') {
    return problem(C.INVALID_PIECE_OF_TOTAL, 'position and total must be positive without leading zeros', 0);
  }
  if (num(a) > num(b)) return problem(C.INVALID_PIECE_OF_TOTAL, `position ${a} exceeds total ${b}`, 0);
  return undefined;
};

// North American coupon codes (AI 8110 and 8112): a chain of variable-length fields each introduced by
// a length indicator. The reader below walks it once.
class CouponReader {
  p = 0;
  constructor(readonly d: string) {}
  get done() {
    return this.p >= this.d.length;
  }
  digit(): number | undefined {
    if (this.done) return undefined;
    return this.d.charCodeAt(this.p++) - 48;
  }
  take(n: number): string | undefined {
    if (this.d.length - this.p < n) return undefined;
    const s = this.d.slice(this.p, this.p + n);
    this.p += n;
    return s;
  }
}

function couponProblem(message: string, pos: number): LintProblem {
  return problem(C.INVALID_COUPON, message, pos);
}

function couponGcp(
  r: CouponReader,
  label: string,
  maxVli: number,
  allowNine: boolean,
): LintProblem | undefined {
  const at = r.p;
  const vli = r.digit();
  if (vli === undefined) return couponProblem(`missing ${label} length indicator`, at);
  if (allowNine && vli === 9) return undefined;
  if (vli > maxVli) return couponProblem(`invalid ${label} length indicator`, at);
  const gcp = r.take(vli + 6);
  if (gcp === undefined) return couponProblem(`${label} is truncated`, at);
  return undefined;
}

function couponVli(
  r: CouponReader,
  label: string,
  lo: number,
  hi: number,
  plus = 0,
): LintProblem | undefined {
  const at = r.p;
  const vli = r.digit();
  if (vli === undefined) return couponProblem(`missing ${label} length indicator`, at);
  if (vli < lo || vli > hi) return couponProblem(`invalid ${label} length indicator`, at);
  if (r.take(vli + plus) === undefined) return couponProblem(`${label} is truncated`, at);
  return undefined;
}

function couponCodeDigit(
  r: CouponReader,
  label: string,
  ok: (n: number) => boolean,
): LintProblem | undefined {
  const at = r.p;
  const v = r.digit();
  if (v === undefined) return couponProblem(`missing ${label}`, at);
  if (!ok(v)) return couponProblem(`invalid ${label}`, at);
  return undefined;
}

const reqCode = (n: number) => n <= 4 || n === 9;

const couponcode: Linter = (d, ctx) => {
  const bad = firstNonDigit(d);
  if (bad >= 0) return problem(C.INVALID_CHARACTER, 'coupon code must be numeric', bad);
  const r = new CouponReader(d);
  let e =
    couponGcp(r, 'company prefix', 6, false) ??
    (r.take(6) === undefined ? couponProblem('offer code is truncated', r.p) : undefined) ??
    couponVli(r, 'save value', 1, 5) ??
    couponVli(r, 'first purchase requirement', 1, 5) ??
    couponCodeDigit(r, 'first purchase requirement code', reqCode) ??
    (r.take(3) === undefined ? couponProblem('first purchase family code is truncated', r.p) : undefined);
  if (e) return e;
  if (!r.done && d[r.p] === '1') {
    r.p++;
    e =
      couponCodeDigit(r, 'additional purchase rules code', (n) => n <= 3) ??
      couponVli(r, 'second purchase requirement', 1, 5) ??
      couponCodeDigit(r, 'second purchase requirement code', reqCode) ??
      (r.take(3) === undefined
        ? couponProblem('second purchase family code is truncated', r.p)
        : undefined) ??
      couponGcp(r, 'second purchase company prefix', 6, true);
    if (e) return e;
  }
  if (!r.done && d[r.p] === '2') {
    r.p++;
    e =
      couponVli(r, 'third purchase requirement', 1, 5) ??
      couponCodeDigit(r, 'third purchase requirement code', reqCode) ??
      (r.take(3) === undefined ? couponProblem('third purchase family code is truncated', r.p) : undefined) ??
      couponGcp(r, 'third purchase company prefix', 6, true);
    if (e) return e;
  }
  let expiry: string | undefined;
  if (!r.done && d[r.p] === '3') {
    r.p++;
    const at = r.p;
    expiry = r.take(6);
    if (expiry === undefined) return couponProblem('expiration date is truncated', at);
    if (dateYYMMDD(expiry, ctx, false)) return couponProblem('invalid expiration date', at);
  }
  if (!r.done && d[r.p] === '4') {
    r.p++;
    const at = r.p;
    const start = r.take(6);
    if (start === undefined) return couponProblem('start date is truncated', at);
    if (dateYYMMDD(start, ctx, false)) return couponProblem('invalid start date', at);
    if (expiry !== undefined && start > expiry)
      return couponProblem('expiration date is before start date', at);
  }
  if (!r.done && d[r.p] === '5') {
    r.p++;
    e = couponVli(r, 'serial number', 0, 9, 6);
    if (e) return e;
  }
  if (!r.done && d[r.p] === '6') {
    r.p++;
    e = couponVli(r, 'retailer company prefix or GLN', 1, 7, 6);
    if (e) return e;
  }
  if (!r.done && d[r.p] === '9') {
    r.p++;
    e =
      couponCodeDigit(r, 'save value code', (n) => n <= 2 || n === 5 || n === 6) ??
      couponCodeDigit(r, 'save value applies to item', (n) => n <= 2) ??
      couponCodeDigit(r, 'store coupon flag', () => true) ??
      couponCodeDigit(r, "don't multiply flag", (n) => n <= 1);
    if (e) return e;
  }
  if (!r.done) return couponProblem('excess data after the last coupon field', r.p);
  return undefined;
};

const couponposoffer: Linter = (d) => {
  const bad = firstNonDigit(d);
  if (bad >= 0) return problem(C.INVALID_CHARACTER, 'coupon code must be numeric', bad);
  const r = new CouponReader(d);
  const e =
    couponCodeDigit(r, 'format code', (n) => n <= 1) ??
    couponGcp(r, 'funder ID', 6, false) ??
    (r.take(6) === undefined ? couponProblem('offer code is truncated', r.p) : undefined) ??
    couponVli(r, 'serial number', 0, 9, 6);
  if (e) return e;
  if (!r.done) return couponProblem('excess data after the serial number', r.p);
  return undefined;
};

/** Every linter by its dictionary name. */
export const LINTERS: Readonly<Record<string, Linter>> = {
  csum,
  csumalpha,
  key: (d) => gcpAt(d, 0),
  gcppos1: (d) => gcpAt(d, 0),
  gcppos2: (d) => gcpAt(d, 1),
  yymmd0: (d, ctx) => dateYYMMDD(d, ctx, true),
  yymmdd: (d, ctx) => dateYYMMDD(d, ctx, false),
  yyyymmdd: (d) => dateYYYYMMDD(d, false),
  yyyymmd0: (d) => dateYYYYMMDD(d, true),
  yymmddhh: (d, ctx) =>
    d.length !== 8
      ? problem(C.INVALID_DATE, 'must be YYMMDDHH', 0)
      : (dateYYMMDD(d.slice(0, 6), ctx, false) ?? shift(twoDigitRange(d.slice(6), 23, 'hour'), 6)),
  hh: (d) => twoDigitRange(d, 23, 'hour'),
  mi: (d) => twoDigitRange(d, 59, 'minute'),
  mm: (d) => twoDigitRange(d, 59, 'minute'),
  ss: (d) => twoDigitRange(d, 59, 'second'),
  hhmi,
  hhmm: hhmi,
  mmoptss: (d) =>
    d.length !== 2 && d.length !== 4
      ? problem(C.INVALID_TIME, 'must be MM or MMSS', 0)
      : (twoDigitRange(d.slice(0, 2), 59, 'minute') ??
        (d.length === 4 ? shift(twoDigitRange(d.slice(2), 59, 'second'), 2) : undefined)),
  iso3166: (d) => iso3166(d),
  iso3166999: (d) => (d === '999' ? undefined : iso3166(d)),
  iso3166alpha2: (d) =>
    ISO3166_ALPHA2.has(d) ? undefined : problem(C.INVALID_COUNTRY, `${d} is not an ISO 3166 alpha-2 code`, 0),
  iso3166list: (d) => {
    if (d.length % 3 !== 0)
      return problem(C.INVALID_COUNTRY, 'country list must be groups of three digits', 0);
    for (let i = 0; i < d.length; i += 3) {
      const p = shift(iso3166(d.slice(i, i + 3)), i);
      if (p) return p;
    }
    return undefined;
  },
  iso4217: (d) =>
    ISO4217.has(d) ? undefined : problem(C.INVALID_CURRENCY, `${d} is not an ISO 4217 currency`, 0),
  iso5218: oneOf('0 1 2 9', 'ISO/IEC 5218 sex code (0, 1, 2, 9)'),
  iban,
  latitude,
  longitude,
  latlong: (d) =>
    d.length !== 20
      ? problem(C.INVALID_COORDINATE, 'must be 20 digits', 0)
      : (latitude(d.slice(0, 10), { referenceYear: 0 }) ??
        shift(longitude(d.slice(10), { referenceYear: 0 }), 10)),
  pcenc,
  pieceoftotal,
  posinseqslash,
  nonzero: (d) => (/^0*$/.test(d) ? problem(C.INVALID_VALUE, 'must not be zero', 0) : undefined),
  zero: (d) => (d === '0' ? undefined : problem(C.INVALID_VALUE, 'must be "0"', 0)),
  nozeroprefix: (d) => {
    if (d[0] === '0') return problem(C.INVALID_VALUE, 'must not start with a zero', 0);
    const bad = firstNonDigit(d);
    return bad >= 0 ? problem(C.INVALID_CHARACTER, 'must be numeric', bad) : undefined;
  },
  hasnondigit: (d) =>
    firstNonDigit(d) < 0
      ? problem(C.INVALID_VALUE, 'must contain at least one non-digit character', 0)
      : undefined,
  hyphen: (d) => {
    for (let i = 0; i < d.length; i++) if (d[i] !== '-') return problem(C.INVALID_VALUE, 'must be "-"', i);
    return undefined;
  },
  yesno: oneOf('0 1', 'yes/no flag (0 or 1)'),
  winding: oneOf('0 1 9', 'winding direction (0, 1, 9)'),
  mediatype: (d) => {
    const n = d.length === 2 && firstNonDigit(d) < 0 ? num(d) : -1;
    return (n >= 1 && n <= 10) || (n >= 80 && n <= 99)
      ? undefined
      : problem(C.INVALID_CODE, `"${d}" is not an AIDC media type`, 0);
  },
  packagetype: (d) =>
    PACKAGE_TYPES.has(d) ? undefined : problem(C.INVALID_CODE, `"${d}" is not a package type code`, 0),
  importeridx: (d) =>
    d.length === 1 && /^[-0-9A-Za-z_]$/.test(d)
      ? undefined
      : problem(C.INVALID_CODE, `"${d}" is not an importer index`, 0),
  couponcode,
  couponposoffer,
};
