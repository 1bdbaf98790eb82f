// Bracketed ("human readable") syntax: (01)09506000134352(10)ABC. A literal "(" in a value is written "\(".
import { Gs1DiagnosticCode as C } from './diagnostics';
import type { Gs1ParseOptions, Gs1ParseResult } from './result';
import { isPossibleUnknownAi } from './table';
import { finish, type ParseContext, type RawElement, report, resolveOptions, trimLineEnd } from './validate';

/** Split bracketed data into raw elements (linear: each character is visited once). */
export function scanBracketed(input: string, ctx: ParseContext, out: RawElement[]): void {
  const { table, permitUnknownAIs } = ctx.options;
  let i = 0;
  if (input[0] !== '(') {
    report(ctx, C.BRACKET_SYNTAX, 'error', 'bracketed data must start with "("', undefined, 0);
    while (i < input.length && input[i] !== '(') i++;
  }
  while (i < input.length) {
    const open = i;
    i++; // past "("
    const aiStart = i;
    while (i < input.length && input[i] !== ')' && input[i] !== '(') i++;
    const ai = input.slice(aiStart, i);
    let good = input[i] === ')';
    if (!good) report(ctx, C.BRACKET_SYNTAX, 'error', 'missing ")" after AI', undefined, i);
    else i++;
    const valueStart = i;
    let value = '';
    let chunk = i;
    while (i < input.length && input[i] !== '(') {
      if (input[i] === '\\' && input[i + 1] === '(') {
        value += input.slice(chunk, i);
        chunk = i + 1;
        i += 2;
        continue;
      }
      i++;
    }
    value += input.slice(chunk, i);
    if (!good) continue;
    const entry = table.get(ai);
    if (!/^\d{2,4}$/.test(ai)) {
      report(ctx, C.BRACKET_SYNTAX, 'error', `"(${ai})" is not an AI`, undefined, open);
      good = false;
    } else if (!entry && !permitUnknownAIs) {
      report(ctx, C.UNKNOWN_AI, 'error', `unknown AI (${ai})`, ai, open);
      good = false;
    } else if (!entry && !isPossibleUnknownAi(table, ai)) {
      report(
        ctx,
        C.UNKNOWN_AI,
        'error',
        `(${ai}) cannot be an AI: its length or prefix clashes with the AI table`,
        ai,
        open,
      );
      good = false;
    }
    if (good && value.length === 0) {
      report(ctx, C.BRACKET_SYNTAX, 'error', `(${ai}) has no value`, ai, valueStart);
    }
    if (good) out.push({ ai, value, offset: open, valueOffset: valueStart, entry });
  }
}

/**
 * Parse bracketed GS1 data such as `(01)09506000134352(17)201225(10)ABC123`.
 * @example
 * parseBracketed('(01)09506000134352(10)AB\\(1').batch // 'AB(1'
 */
export function parseBracketed(rawInput: string, options?: Gs1ParseOptions): Gs1ParseResult {
  const ctx: ParseContext = { options: resolveOptions(rawInput, options), diagnostics: [] };
  const input = trimLineEnd(rawInput, ctx);
  const raws: RawElement[] = [];
  if (input.length === 0) report(ctx, C.EMPTY_INPUT, 'error', 'no data');
  else scanBracketed(input, ctx, raws);
  return finish('bracketed', raws, ctx);
}
