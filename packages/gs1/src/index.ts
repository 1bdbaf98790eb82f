/**
 * @lotgraph/gs1 — GS1 barcode (AIM scan, element string, bracketed) and GS1 Digital Link parsing,
 * validation against the GS1 Barcode Syntax Dictionary, and encoding. No runtime dependencies.
 * @packageDocumentation
 */
export { DICTIONARY_RELEASE } from './ai-table.generated';
export { parseBracketed } from './bracketed';
export { gs1CheckCharacterPair, gs1CheckDigit, hasValidCheckDigit } from './check-digit';
export { resolveTwoDigitYear } from './dates';
export { type Gs1Diagnostic, Gs1DiagnosticCode, Gs1Error, MAX_DIAGNOSTICS } from './diagnostics';
export type { AiComponent, AiEntry, Charset, DictionaryProblem } from './dictionary';
export { type FormatDigitalLinkOptions, formatDigitalLink, parseDigitalLink } from './digital-link';
export { parseElementString } from './element-string';
export {
  type FormatElementStringOptions,
  formatBracketed,
  formatElementString,
  type Gs1ElementInput,
} from './format';
export { LINTERS, type LintContext, type Linter, type LintProblem } from './lint';
export { parse } from './parse';
export type {
  Gs1AmountValue,
  Gs1DateRangeValue,
  Gs1DateTimeValue,
  Gs1DateValue,
  Gs1Element,
  Gs1MeasureValue,
  Gs1ParseOptions,
  Gs1ParseResult,
  Gs1PercentValue,
  Gs1Quantity,
  Gs1Syntax,
  Gs1TypedValue,
} from './result';
export { parseScan } from './scan';
export { type AiTable, defaultAiTable, loadSyntaxDictionary } from './table';
export { validateCombined } from './validate';
