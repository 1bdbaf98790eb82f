// Element strings: AIs concatenated, variable-length values ended by FNC1 (ASCII 29 when transmitted).
// One left-to-right pass; every index moves forward, so the work is linear in the input length.
import { Gs1DiagnosticCode as C } from './diagnostics';
import type { Gs1ParseOptions, Gs1ParseResult } from './result';
import { aiLengthForPrefix } from './table';
import {
  finish,
  lenientSeverity,
  type ParseContext,
  type RawElement,
  report,
  resolveOptions,
  trimLineEnd,
} from './validate';

const GS = 29;

const isDigitAt = (s: string, i: number) => {
  const c = s.charCodeAt(i);
  return c >= 48 && c <= 57;
};

/**
 * Finds separators with native `indexOf`, remembering the next GS and next substitute position so
 * that each is searched for at most once per occurrence (linear overall, even when one never occurs).
 */
class SeparatorFinder {
  private nextGs = -2;
  private nextSub = -2;
  constructor(
    private readonly s: string,
    private readonly sub: number,
  ) {}
  next(from: number): number {
    if (this.nextGs !== -1 && this.nextGs < from) this.nextGs = this.s.indexOf('\x1d', from);
    if (this.sub === GS) return this.nextGs;
    if (this.nextSub !== -1 && this.nextSub < from)
      this.nextSub = this.s.indexOf(String.fromCharCode(this.sub), from);
    if (this.nextGs < 0) return this.nextSub;
    if (this.nextSub < 0) return this.nextGs;
    return this.nextGs < this.nextSub ? this.nextGs : this.nextSub;
  }
}

/** Split AI data starting at `start` into raw elements. */
export function scanAiData(input: string, start: number, ctx: ParseContext, out: RawElement[]): void {
  const { table, fnc1Substitute: sub, permitUnknownAIs } = ctx.options;
  const finder = new SeparatorFinder(input, sub);
  let i = start;
  while (i < input.length) {
    const c0 = input.charCodeAt(i);
    if (c0 === GS || c0 === sub) {
      const where = i === start ? 'at the start of the data' : 'where an AI was expected';
      report(ctx, C.UNEXPECTED_SEPARATOR, lenientSeverity(ctx), `FNC1 separator ${where}`, undefined, i);
      i++;
      continue;
    }
    const entry = table.lookupAt(input, i);
    const aiLen = entry ? entry.ai.length : 0;
    if (!entry) {
      const sep = finder.next(i);
      const end = sep < 0 ? input.length : sep;
      if (!isDigitAt(input, i) || !isDigitAt(input, i + 1)) {
        report(ctx, C.SYNTAX_ERROR, 'error', 'expected an AI (digits)', undefined, i);
      } else {
        const len = aiLengthForPrefix(input.slice(i, i + 2));
        const ai = input.slice(i, i + len);
        const aiDigits = ai.length === len && [...ai].every((_, k) => isDigitAt(ai, k));
        if (permitUnknownAIs && aiDigits) {
          out.push({
            ai,
            value: input.slice(i + len, end),
            offset: i,
            valueOffset: i + len,
            entry: undefined,
          });
        } else {
          report(ctx, C.UNKNOWN_AI, 'error', `unknown AI (${ai})`, ai, i);
        }
      }
      i = sep < 0 ? input.length : sep + 1;
      if (sep >= 0 && sep === input.length - 1) {
        report(ctx, C.TRAILING_SEPARATOR, 'warning', 'data ends with an FNC1 separator', undefined, sep);
      }
      continue;
    }
    const ai = entry.ai;
    const valueStart = i + aiLen;
    let end: number;
    if (entry.predefinedLength) {
      end = Math.min(valueStart + entry.maxLength, input.length);
      // A separator inside the pre-defined length ends the (too short) value.
      const sep = finder.next(valueStart);
      if (sep >= 0 && sep < end) end = sep;
      out.push({ ai, value: input.slice(valueStart, end), offset: i, valueOffset: valueStart, entry });
      i = end;
      // A separator after a pre-defined-length AI is superfluous but harmless.
      const c1 = input.charCodeAt(i);
      if (c1 === GS || c1 === sub) {
        if (i === input.length - 1) {
          report(ctx, C.TRAILING_SEPARATOR, 'warning', 'data ends with an FNC1 separator', undefined, i);
        }
        i++;
      }
      continue;
    }
    const sep = finder.next(valueStart);
    end = sep < 0 ? input.length : sep;
    out.push({ ai, value: input.slice(valueStart, end), offset: i, valueOffset: valueStart, entry });
    if (sep >= 0 && sep === input.length - 1) {
      report(ctx, C.TRAILING_SEPARATOR, 'warning', 'data ends with an FNC1 separator', undefined, sep);
    }
    i = sep < 0 ? input.length : sep + 1;
  }
}

/**
 * Parse a GS1 element string: AIs concatenated, variable-length values ended by ASCII 29 (or
 * `options.fnc1Substitute`), no leading FNC1.
 * @example
 * parseElementString('0109506000134352172012251010ABC123').batch // 'ABC123'
 */
export function parseElementString(rawInput: string, options?: Gs1ParseOptions): Gs1ParseResult {
  const ctx: ParseContext = { options: resolveOptions(rawInput, options), diagnostics: [] };
  const input = trimLineEnd(rawInput, ctx);
  const raws: RawElement[] = [];
  if (input.length === 0) report(ctx, C.EMPTY_INPUT, 'error', 'no data');
  else scanAiData(input, 0, ctx, raws);
  return finish('elementString', raws, ctx);
}
