/**
 * Stable machine codes of GS1 diagnostics. Codes never change meaning; new ones may be added.
 * Each parse result lists *every* problem found, like zod's issues.
 */
export const Gs1DiagnosticCode = {
  /** The input is empty (or holds only a symbology identifier). */
  EMPTY_INPUT: 'EMPTY_INPUT',
  /** The AIM symbology identifier is not one we know. */
  UNKNOWN_SYMBOLOGY: 'UNKNOWN_SYMBOLOGY',
  /** The symbology identifier says the symbol does not carry GS1 data (e.g. `]C0`, `]d1`). */
  NOT_GS1_DATA: 'NOT_GS1_DATA',
  /** Syntax error in the input that is not tied to one AI value (bad AI digits, stray characters). */
  SYNTAX_ERROR: 'SYNTAX_ERROR',
  /** The AI is not in the syntax dictionary (an error unless `permitUnknownAIs`). */
  UNKNOWN_AI: 'UNKNOWN_AI',
  /** Two FNC1 separators in a row, or a separator where an AI was expected (warning in lenient mode). */
  UNEXPECTED_SEPARATOR: 'UNEXPECTED_SEPARATOR',
  /** The data ends with a separator. */
  TRAILING_SEPARATOR: 'TRAILING_SEPARATOR',
  /** The value is shorter than the dictionary allows. */
  VALUE_TOO_SHORT: 'VALUE_TOO_SHORT',
  /** The value is longer than the dictionary allows (often a missing FNC1 separator). */
  VALUE_TOO_LONG: 'VALUE_TOO_LONG',
  /** A character outside the component's character set (N, CSET 82, CSET 39, CSET 64). */
  INVALID_CHARACTER: 'INVALID_CHARACTER',
  /** Wrong GS1 mod-10 check digit (`csum`). */
  CHECK_DIGIT: 'CHECK_DIGIT',
  /** Wrong GS1 alphanumeric check character pair (`csumalpha`). */
  CHECK_CHARACTER_PAIR: 'CHECK_CHARACTER_PAIR',
  /** A component must start with a GS1 Company Prefix (`gcppos1`, `gcppos2`). */
  INVALID_COMPANY_PREFIX: 'INVALID_COMPANY_PREFIX',
  /** Impossible calendar date, or DD=00 where the AI does not allow it. */
  INVALID_DATE: 'INVALID_DATE',
  /** All-zero date (seen in the wild; a warning in lenient mode). */
  ZERO_DATE: 'ZERO_DATE',
  /** Impossible time of day (`hh`, `mi`, `ss`, `hhmi`). */
  INVALID_TIME: 'INVALID_TIME',
  /** Not an ISO 3166-1 country code. */
  INVALID_COUNTRY: 'INVALID_COUNTRY',
  /** Not an ISO 4217 numeric currency code. */
  INVALID_CURRENCY: 'INVALID_CURRENCY',
  /** Not a valid IBAN (ISO 13616 structure and mod-97 check). */
  INVALID_IBAN: 'INVALID_IBAN',
  /** Latitude or longitude out of range. */
  INVALID_COORDINATE: 'INVALID_COORDINATE',
  /** Bad percent-encoding in a `pcenc` component. */
  INVALID_PERCENT_ENCODING: 'INVALID_PERCENT_ENCODING',
  /** Piece number is zero or exceeds the total (`pieceoftotal`, `posinseqslash`). */
  INVALID_PIECE_OF_TOTAL: 'INVALID_PIECE_OF_TOTAL',
  /** The value is not one of the codes allowed by its linter (yesno, winding, mediatype, packagetype, …). */
  INVALID_CODE: 'INVALID_CODE',
  /** The value breaks a structural rule of its linter (zero, nonzero, nozeroprefix, hasnondigit, hyphen). */
  INVALID_VALUE: 'INVALID_VALUE',
  /** North American coupon code structure is wrong (`couponcode`, `couponposoffer`). */
  INVALID_COUPON: 'INVALID_COUPON',
  /** The dictionary names a linter this library does not implement (only with a newer runtime dictionary). */
  UNKNOWN_LINTER: 'UNKNOWN_LINTER',
  /** A `req=` association is not satisfied. */
  REQUIRED_AI_MISSING: 'REQUIRED_AI_MISSING',
  /** An `ex=` association is violated: two AIs that must not appear together. */
  EXCLUSIVE_AIS: 'EXCLUSIVE_AIS',
  /** The same AI appears twice with different values. */
  DUPLICATE_AI_CONFLICT: 'DUPLICATE_AI_CONFLICT',
  /** The same AI appears twice with the same value (warning). */
  DUPLICATE_AI: 'DUPLICATE_AI',
  /** Bracketed syntax error: missing `(`/`)`, empty value. */
  BRACKET_SYNTAX: 'BRACKET_SYNTAX',
  /** Not a usable http(s) URI. */
  DL_INVALID_URI: 'DL_INVALID_URI',
  /** No GS1 Digital Link primary key found in the path. */
  DL_NO_PRIMARY_KEY: 'DL_NO_PRIMARY_KEY',
  /** A path AI that is not a qualifier of the primary key, or qualifiers out of their allowed order. */
  DL_INVALID_QUALIFIER: 'DL_INVALID_QUALIFIER',
  /** An AI in the query string that may not be a Digital Link data attribute. */
  DL_INVALID_ATTRIBUTE: 'DL_INVALID_ATTRIBUTE',
  /** GTIN-8/12/13 in the path (zero-suppressed); allowed only with `permitZeroSuppressedGtin`. */
  DL_ZERO_SUPPRESSED_GTIN: 'DL_ZERO_SUPPRESSED_GTIN',
  /** More problems than {@link MAX_DIAGNOSTICS}: the rest are counted in this last diagnostic, not listed. */
  TOO_MANY_DIAGNOSTICS: 'TOO_MANY_DIAGNOSTICS',
} as const;

/** A stable diagnostic code (see {@link Gs1DiagnosticCode}). */
export type Gs1DiagnosticCode = (typeof Gs1DiagnosticCode)[keyof typeof Gs1DiagnosticCode];

/** One problem found in GS1 input. `offset` is a 0-based character index into the input string. */
export interface Gs1Diagnostic {
  readonly code: Gs1DiagnosticCode;
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly ai?: string;
  readonly offset?: number;
  /** The dictionary linter that reported the problem, when one did. */
  readonly linter?: string;
}

/** Thrown only on programmer misuse (non-string input, bad options, unencodable element lists). */
export class Gs1Error extends Error {
  /** Stable machine code: `GS1_INVALID_ARGUMENT` or `GS1_ENCODE_FAILED`. */
  readonly code: 'GS1_INVALID_ARGUMENT' | 'GS1_ENCODE_FAILED';
  /** Diagnostics explaining an encode failure. */
  readonly diagnostics: readonly Gs1Diagnostic[];
  constructor(
    code: 'GS1_INVALID_ARGUMENT' | 'GS1_ENCODE_FAILED',
    message: string,
    diagnostics: readonly Gs1Diagnostic[] = [],
  ) {
    super(message);
    this.name = 'Gs1Error';
    this.code = code;
    this.diagnostics = diagnostics;
  }
}

/** The most diagnostics one parse lists; beyond it one `TOO_MANY_DIAGNOSTICS` entry counts the rest. */
export const MAX_DIAGNOSTICS = 100;
