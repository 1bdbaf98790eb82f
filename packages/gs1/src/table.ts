import { AI_ENTRIES, DICTIONARY_RELEASE } from './ai-table.generated';
import { Gs1Error } from './diagnostics';
import type { AiEntry, DictionaryProblem } from './dictionary';
import { parseDictionaryText } from './dictionary';

/** A lookup table of AIs built from a syntax dictionary. Pass one as `options.table` to any parse function. */
export interface AiTable {
  readonly release: string;
  /** Look up an AI by its digits. */
  get(ai: string): AiEntry | undefined;
  /** Find the AI that starts at `input[i]` (no allocation; AIs are prefix-free). */
  lookupAt(input: string, i: number): AiEntry | undefined;
  /** All entries, in lexical order. */
  readonly entries: readonly AiEntry[];
  /** Problems met while loading a runtime dictionary text (empty for the built-in table). */
  readonly problems: readonly DictionaryProblem[];
}

function buildTable(release: string, entries: readonly AiEntry[], problems: readonly DictionaryProblem[]) {
  const map = new Map<string, AiEntry>();
  // Direct-indexed by the AI's numeric value, one array per AI length (2, 3, 4 digits).
  // Dense arrays (filled, not holey) so element access stays on V8's fast path.
  const byLength: (AiEntry | undefined)[][] = [0, 0, 100, 1000, 10000].map((n) =>
    new Array(n).fill(undefined),
  );
  for (const e of entries) {
    map.set(e.ai, e);
    const arr = byLength[e.ai.length];
    if (arr) arr[Number(e.ai)] = e;
  }
  const table: AiTable = {
    release,
    entries,
    problems,
    get: (ai) => map.get(ai),
    lookupAt: (input, i) => {
      let n = 0;
      for (let len = 1; len <= 4; len++) {
        const c = input.charCodeAt(i + len - 1) - 48;
        if (!(c >= 0 && c <= 9)) return undefined;
        n = n * 10 + c;
        if (len >= 2) {
          const e = byLength[len]![n];
          if (e) return e;
        }
      }
      return undefined;
    },
  };
  return table;
}

/** The table generated from the dictionary release shipped with this package. */
export const defaultAiTable: AiTable = buildTable(DICTIONARY_RELEASE, AI_ENTRIES, []);

/**
 * Build an AI table from the text of a (newer) GS1 Barcode Syntax Dictionary, for use as `options.table`.
 * Malformed lines are skipped and listed in `table.problems`.
 * @example
 * const table = loadSyntaxDictionary(await (await fetch(url)).text());
 * parse(scan, { table });
 */
export function loadSyntaxDictionary(text: string): AiTable {
  if (typeof text !== 'string')
    throw new Gs1Error('GS1_INVALID_ARGUMENT', 'dictionary text must be a string');
  const { dictionary, problems } = parseDictionaryText(text);
  return buildTable(dictionary.release ?? 'unknown', dictionary.entries, problems);
}

// Length of AIs by their first two digits (GS1 General Specifications, "AI length" table). Used to
// step over AIs the dictionary does not know when `permitUnknownAIs` is on.
const AI_LENGTH_BY_PREFIX: Record<string, number> = {};
for (let p = 0; p < 100; p++) {
  const k = String(p).padStart(2, '0');
  let len = 4;
  if (p <= 22 || p === 30 || p === 37 || p >= 90) len = 2;
  else if ((p >= 23 && p <= 29) || (p >= 40 && p <= 42) || p === 71) len = 3;
  AI_LENGTH_BY_PREFIX[k] = len;
}

/** Known AI length for a two-digit prefix (for unknown AIs). */
export function aiLengthForPrefix(prefix: string): number {
  return AI_LENGTH_BY_PREFIX[prefix] ?? 4;
}

/**
 * Could `ai` be an AI the dictionary does not list (for `permitUnknownAIs`)? As in the Syntax Engine: its
 * length must be the one the AI prefix table gives its first two digits, and no known AI may be a prefix
 * of it — so `(000)` is not an unknown AI but (00) followed by data.
 */
export function isPossibleUnknownAi(table: AiTable, ai: string): boolean {
  return (
    /^\d{2,4}$/.test(ai) &&
    ai.length === aiLengthForPrefix(ai.slice(0, 2)) &&
    table.lookupAt(ai, 0) === undefined
  );
}

/** Does the AI match a dictionary pattern such as `31nn` or `390n` (`n` = any digit)? */
export function aiMatchesPattern(ai: string, pattern: string): boolean {
  if (ai.length !== pattern.length) return false;
  for (let i = 0; i < ai.length; i++) {
    const p = pattern[i];
    if (p !== 'n' && p !== ai[i]) return false;
  }
  return true;
}
