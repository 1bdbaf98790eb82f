// Encoding AI lists as element strings and bracketed data.
import { Gs1Error } from './diagnostics';
import { type AiTable, defaultAiTable } from './table';

/** An AI and its value, as accepted by the encoders. */
export interface Gs1ElementInput {
  readonly ai: string;
  readonly value: string;
}

function checkElements(elements: unknown): asserts elements is readonly Gs1ElementInput[] {
  if (!Array.isArray(elements)) throw new Gs1Error('GS1_INVALID_ARGUMENT', 'elements must be an array');
  for (const e of elements) {
    if (!e || typeof e.ai !== 'string' || typeof e.value !== 'string' || !/^\d{2,4}$/.test(e.ai)) {
      throw new Gs1Error('GS1_INVALID_ARGUMENT', `bad element ${JSON.stringify(e)}`);
    }
  }
}

/** Options of {@link formatElementString}. */
export interface FormatElementStringOptions {
  /** Separator written after variable-length values that are not last. Default ASCII 29 (GS). */
  readonly separator?: string;
  readonly table?: AiTable;
}

/**
 * Concatenate AIs into a GS1 element string. A separator (ASCII 29) follows every value whose AI does
 * not have a pre-defined length, except the last. Prefix `]C1`/`]d2` yourself to build a scan.
 * @example
 * formatElementString([{ ai: '01', value: '09506000134352' }, { ai: '10', value: 'ABC' }, { ai: '17', value: '201225' }])
 * // '0109506000134352' + '10ABC' + '\x1d' + '17201225'
 */
export function formatElementString(
  elements: readonly Gs1ElementInput[],
  options: FormatElementStringOptions = {},
): string {
  checkElements(elements);
  const table = options.table ?? defaultAiTable;
  const sep = options.separator ?? '\x1d';
  let out = '';
  elements.forEach((e, i) => {
    out += e.ai + e.value;
    const entry = table.get(e.ai);
    const predefined = entry?.predefinedLength === true && e.value.length === entry.maxLength;
    if (!predefined && i < elements.length - 1) out += sep;
  });
  return out;
}

/**
 * Write AIs in bracketed form, escaping `(` in values as `\(`.
 * @example
 * formatBracketed([{ ai: '01', value: '09506000134352' }, { ai: '10', value: 'A(1' }]) // '(01)09506000134352(10)A\\(1'
 */
export function formatBracketed(elements: readonly Gs1ElementInput[]): string {
  checkElements(elements);
  return elements.map((e) => `(${e.ai})${e.value.replaceAll('(', '\\(')}`).join('');
}
