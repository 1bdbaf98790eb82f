import type { Gs1Diagnostic } from './diagnostics';
import type { AiTable } from './table';

/** Options accepted by every parse function. */
export interface Gs1ParseOptions {
  /** `YYYY-MM-DD` the two-digit-year sliding window is anchored to. Default: today (UTC). */
  readonly referenceDate?: string;
  /** Check `req=` and `ex=` associations between AIs. Default true. */
  readonly associations?: boolean;
  /** Accept AIs the dictionary does not know (their length is taken from the AI prefix table). */
  readonly permitUnknownAIs?: boolean;
  /** Accept GTIN-8/12/13 (zero-suppressed) in a Digital Link path; they are padded to 14 digits. */
  readonly permitZeroSuppressedGtin?: boolean;
  /** Downgrade defects seen in the wild (doubled or leading separators, all-zero dates) to warnings. */
  readonly lenient?: boolean;
  /** AI table to use, e.g. from `loadSyntaxDictionary`. Default: the built-in table. */
  readonly table?: AiTable;
  /**
   * Character a keyboard-wedge scanner sends in place of FNC1/GS (ASCII 29), e.g. `'^'` or `'~'`.
   * ASCII 29 is always accepted as well.
   */
  readonly fnc1Substitute?: string;
}

/** A date `YYYY-MM-DD`. */
export interface Gs1DateValue {
  readonly kind: 'date';
  readonly date: string;
}
/** A date-time `YYYY-MM-DDTHH:MM[:SS]` (local to the label; no zone). */
export interface Gs1DateTimeValue {
  readonly kind: 'dateTime';
  readonly dateTime: string;
}
/** A date range, e.g. harvest dates (7007). */
export interface Gs1DateRangeValue {
  readonly kind: 'dateRange';
  readonly start: string;
  readonly end: string;
}
/** A measured quantity with implied decimal point, as an exact decimal string, e.g. `"1.250"` kg. */
export interface Gs1MeasureValue {
  readonly kind: 'measure';
  /** Exact decimal string (never a float). */
  readonly value: string;
  /** Unit as written in the dictionary title, e.g. `kg`, `l`, `m²`, `lb`. */
  readonly unit: string;
  /** What is measured, from the dictionary title, e.g. `NET WEIGHT`. */
  readonly quantity: string;
}
/** A monetary amount; `currency` (ISO 4217 alpha) when the AI carries one. */
export interface Gs1AmountValue {
  readonly kind: 'amount';
  readonly value: string;
  readonly currency?: string;
  readonly currencyNumeric?: string;
}
/** A percentage with implied decimal point (394n). */
export interface Gs1PercentValue {
  readonly kind: 'percent';
  readonly value: string;
}

/** Typed interpretation of an AI value. */
export type Gs1TypedValue =
  | Gs1DateValue
  | Gs1DateTimeValue
  | Gs1DateRangeValue
  | Gs1MeasureValue
  | Gs1AmountValue
  | Gs1PercentValue;

/** One AI element string, in input order. */
export interface Gs1Element {
  readonly ai: string;
  /** Raw value exactly as encoded (percent-decoded for Digital Link). */
  readonly value: string;
  /** Dictionary title, e.g. `BATCH/LOT` (empty for unknown AIs). */
  readonly title: string;
  readonly typed?: Gs1TypedValue;
}

/** A measure extracted into a convenience field. */
export interface Gs1Quantity {
  readonly value: string;
  readonly unit: string;
  readonly ai: string;
}

/** Which input syntax was parsed. */
export type Gs1Syntax = 'scan' | 'elementString' | 'bracketed' | 'digitalLink';

/** Result of every parse function. Never thrown; `valid` is false when any error diagnostic exists. */
export interface Gs1ParseResult {
  readonly valid: boolean;
  readonly syntax: Gs1Syntax;
  readonly elements: readonly Gs1Element[];
  readonly diagnostics: readonly Gs1Diagnostic[];
  /** AIM symbology identifier, e.g. `]C1`, when the input had one. */
  readonly symbology?: string;
  /** For Digital Link input: the URI's origin and path prefix before the primary key. */
  readonly digitalLink?: {
    readonly origin: string;
    readonly pathPrefix: string;
    readonly primaryKey?: string;
  };

  /** (00) SSCC. */
  readonly sscc?: string;
  /** (01) GTIN, 14 digits. */
  readonly gtin?: string;
  /** (02) GTIN of contained trade items. */
  readonly contentGtin?: string;
  /** (10) batch or lot number. */
  readonly batch?: string;
  /** (21) serial number. */
  readonly serial?: string;
  /** (22) consumer product variant. */
  readonly cpv?: string;
  /** (20) internal product variant. */
  readonly variant?: string;
  /** (17) expiration date `YYYY-MM-DD` (DD=00 resolved to the month's last day). */
  readonly expiry?: string;
  /** (15) best before date. */
  readonly bestBefore?: string;
  /** (16) sell by date. */
  readonly sellBy?: string;
  /** (11) production date. */
  readonly productionDate?: string;
  /** (13) packaging date. */
  readonly packagingDate?: string;
  /** (12) due date. */
  readonly dueDate?: string;
  /** (7003) expiration date and time. */
  readonly expiryDateTime?: string;
  /** (30) variable count of items. */
  readonly variableCount?: string;
  /** (37) count of trade items contained. */
  readonly count?: string;
  /** (310n, 320n, 356n) net weight. */
  readonly netWeight?: Gs1Quantity;
  /** (315n, 316n, 357n, 360n, 361n, 364n–366n) net volume. */
  readonly netVolume?: Gs1Quantity;
  /** (330n, 340n) logistic gross weight. */
  readonly grossWeight?: Gs1Quantity;
  /** (390n/391n) amount payable, (392n/393n) price. */
  readonly amount?: Gs1AmountValue;
  readonly price?: Gs1AmountValue;
  /** (414) GLN of a physical location. */
  readonly gln?: string;
}
