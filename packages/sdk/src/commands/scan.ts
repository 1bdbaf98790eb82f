import { type Gs1Diagnostic, parse } from '@lotgraph/gs1';
import { ErrorCodes, LotgraphError } from '../errors.js';

/** What `receive` takes from a GS1 barcode. Dates are `YYYY-MM-DD`; quantities exact decimal strings. */
export interface ScanFacts {
  gtin?: string;
  batch?: string;
  expiry?: string;
  bestBefore?: string;
  productionDate?: string;
  /** Net weight / volume (with its unit) or a count (unit absent: the product's base unit). */
  quantity?: { value: string; unit?: string };
  /** (21) serial number: one serialised item. */
  serial?: string;
  /** (00) SSCC of the logistic unit the label is on. */
  sscc?: string;
}

/**
 * Parse a GS1 scan (AIM-prefixed scan, element string, bracketed `(01)…(10)…` or Digital Link) with
 * `@lotgraph/gs1`. Any error diagnostic → GS1_INVALID carrying every diagnostic. Two-digit years are
 * resolved around `referenceDate` (the event day).
 */
export function readScan(text: string, referenceDate: string): ScanFacts {
  const r = parse(text, { referenceDate });
  if (!r.valid) throw gs1Invalid(text, [...r.diagnostics]);
  const facts: ScanFacts = {};
  // A logistic unit's label names its contents' GTIN in (02).
  const gtin = r.gtin ?? r.contentGtin;
  if (gtin !== undefined) facts.gtin = gtin;
  if (r.serial !== undefined) facts.serial = r.serial;
  if (r.sscc !== undefined) facts.sscc = r.sscc;
  if (r.batch !== undefined) facts.batch = r.batch;
  if (r.expiry !== undefined) facts.expiry = r.expiry;
  if (r.bestBefore !== undefined) facts.bestBefore = r.bestBefore;
  if (r.productionDate !== undefined) facts.productionDate = r.productionDate;
  const measure = r.netWeight ?? r.netVolume;
  if (measure) facts.quantity = { value: measure.value, unit: measure.unit };
  else if (r.variableCount !== undefined)
    facts.quantity = { value: r.variableCount.replace(/^0+(?=\d)/, '') };
  else if (r.count !== undefined) facts.quantity = { value: r.count.replace(/^0+(?=\d)/, '') };
  return facts;
}

/** Build the GS1_INVALID error for a scan, carrying every diagnostic (code, severity, AI, offset). */
export function gs1Invalid(text: string, diagnostics: readonly Gs1Diagnostic[]): LotgraphError {
  const first = diagnostics.find((d) => (d as { severity?: string }).severity !== 'warning') as
    | { message?: string }
    | undefined;
  return new LotgraphError(
    ErrorCodes.GS1_INVALID,
    `scan: "${text.length > 60 ? `${text.slice(0, 57)}...` : text}" is not a valid GS1 barcode${first?.message ? `: ${first.message}` : ''}`,
    { field: 'scan', value: text, diagnostics },
  );
}
