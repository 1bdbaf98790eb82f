// Parser for the text format of the GS1 Barcode Syntax Dictionary.
// This module must stay import-free: scripts/generate-ai-table.mjs transpiles and runs it directly,
// so the committed table and `loadSyntaxDictionary` can never disagree about the format.

/** Character set of an AI component: N numeric, X CSET 82, Y CSET 39, Z CSET 64 (base64url). */
export type Charset = 'N' | 'X' | 'Y' | 'Z';

/** One component of an AI's data field, e.g. `N6,yymmd0` or `[X..17]`. */
export interface AiComponent {
  readonly charset: Charset;
  readonly minLength: number;
  readonly maxLength: number;
  /** `[...]` in the dictionary: may be omitted once the data is exhausted. */
  readonly optional: boolean;
  /** Names of the linter routines that validate this component, in dictionary order. */
  readonly linters: readonly string[];
}

/** One Application Identifier as described by the dictionary (ranges are expanded). */
export interface AiEntry {
  readonly ai: string;
  readonly title: string;
  /** Flag `*`: pre-defined length, never followed by an FNC1 separator. */
  readonly predefinedLength: boolean;
  /** Flag `?`: permitted as a GS1 Digital Link data attribute (query parameter). */
  readonly dlDataAttribute: boolean;
  readonly components: readonly AiComponent[];
  readonly minLength: number;
  readonly maxLength: number;
  /** Each `req=` attribute: a list of alternatives, each a list of AI patterns that must all be present. */
  readonly req: readonly (readonly (readonly string[])[])[];
  /** Union of all `ex=` attributes: AI patterns that must not appear with this AI. */
  readonly ex: readonly string[];
  /**
   * `dlpkey` attribute: undefined if not a Digital Link primary key; otherwise the alternative ordered
   * qualifier sequences (`dlpkey` alone gives `[[]]`).
   */
  readonly dlpkey?: readonly (readonly string[])[];
}

/** One dictionary line as stored in the generated table: `last` is set for AI ranges (e.g. 3100–3105). */
export type AiLine = AiEntry & { readonly last?: string };

/** Expand range lines into one entry per AI (entries of a range share their component objects). */
export function expandLines(lines: readonly AiLine[]): AiEntry[] {
  const out: AiEntry[] = [];
  for (const { last, ...entry } of lines) {
    if (last === undefined) {
      out.push(entry);
      continue;
    }
    for (let n = Number(entry.ai); n <= Number(last); n++) {
      out.push({ ...entry, ai: String(n).padStart(entry.ai.length, '0') });
    }
  }
  return out;
}

/** A parsed dictionary: release string (if the header names one) and its entries in lexical order. */
export interface SyntaxDictionary {
  readonly release: string | undefined;
  readonly entries: readonly AiEntry[];
}

/** A line of the dictionary text that could not be understood. */
export interface DictionaryProblem {
  readonly line: number;
  readonly message: string;
}

const isDigits = (s: string): boolean => {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
};

const hasAlnum = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if ((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122)) return true;
  }
  return false;
};

function parseComponent(token: string): AiComponent | string {
  let t = token;
  let optional = false;
  if (t.startsWith('[')) {
    const close = t.indexOf(']');
    if (close < 0) return `unterminated optional component "${token}"`;
    optional = true;
    t = t.slice(1, close) + t.slice(close + 1);
  }
  const parts = t.split(',');
  const spec = parts[0] ?? '';
  const charset = spec[0];
  if (charset !== 'N' && charset !== 'X' && charset !== 'Y' && charset !== 'Z') {
    return `unknown character set in "${token}"`;
  }
  const rest = spec.slice(1);
  let minLength: number;
  let maxLength: number;
  if (rest.startsWith('..')) {
    if (!isDigits(rest.slice(2))) return `bad length in "${token}"`;
    minLength = 1;
    maxLength = Number(rest.slice(2));
  } else {
    if (!isDigits(rest)) return `bad length in "${token}"`;
    minLength = Number(rest);
    maxLength = minLength;
  }
  const linters = parts.slice(1).filter((l) => l.length > 0);
  return { charset, minLength, maxLength, optional, linters };
}

function expandAis(spec: string): string[] | undefined {
  const dash = spec.indexOf('-');
  if (dash < 0) return isDigits(spec) ? [spec] : undefined;
  const from = spec.slice(0, dash);
  const to = spec.slice(dash + 1);
  if (!isDigits(from) || !isDigits(to) || from.length !== to.length) return undefined;
  const out: string[] = [];
  for (let n = Number(from); n <= Number(to); n++) out.push(String(n).padStart(from.length, '0'));
  return out;
}

/**
 * Parse the text of a GS1 Barcode Syntax Dictionary into entries (AI ranges expanded).
 * Malformed lines are skipped and reported in `problems`; this function does not throw on bad text.
 */
export function parseDictionaryText(text: string): {
  dictionary: SyntaxDictionary;
  problems: DictionaryProblem[];
} {
  const entries: AiEntry[] = [];
  const problems: DictionaryProblem[] = [];
  let release: string | undefined;
  const lines = text.split(/\r?\n/);
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n] ?? '';
    const trimmed = raw.trim();
    if (trimmed.length === 0) continue;
    if (trimmed.startsWith('#')) {
      const m = /^#\s*Release:\s*(\S+)/.exec(trimmed);
      if (m && release === undefined) release = m[1];
      continue;
    }
    const hash = raw.indexOf('#');
    const body = hash >= 0 ? raw.slice(0, hash) : raw;
    const title = hash >= 0 ? raw.slice(hash + 1).trim() : '';
    const tokens = body.split(/\s+/).filter((t) => t.length > 0);
    const aiSpec = tokens[0] ?? '';
    const ais = expandAis(aiSpec);
    if (!ais) {
      problems.push({ line: n + 1, message: `bad AI "${aiSpec}"` });
      continue;
    }
    let i = 1;
    let flags = '';
    if (tokens[i] !== undefined && !hasAlnum(tokens[i] as string)) {
      flags = tokens[i] as string;
      i++;
    }
    const components: AiComponent[] = [];
    const req: string[][][] = [];
    const ex: string[] = [];
    let dlpkey: string[][] | undefined;
    let bad: string | undefined;
    for (; i < tokens.length; i++) {
      const tok = tokens[i] as string;
      if (/^\[?[NXYZ]/.test(tok)) {
        const c = parseComponent(tok);
        if (typeof c === 'string') {
          bad = c;
          break;
        }
        components.push(c);
        continue;
      }
      const eq = tok.indexOf('=');
      const key = eq < 0 ? tok : tok.slice(0, eq);
      const value = eq < 0 ? '' : tok.slice(eq + 1);
      if (key === 'req') {
        req.push(value.split(',').map((alt) => alt.split('+')));
      } else if (key === 'ex') {
        for (const p of value.split(',')) if (!ex.includes(p)) ex.push(p);
      } else if (key === 'dlpkey') {
        dlpkey = value === '' ? [[]] : value.split('|').map((alt) => alt.split(','));
      }
      // Unknown attributes are ignored: newer dictionaries may add keys we do not use.
    }
    if (bad === undefined && components.length === 0) bad = 'no components';
    if (bad !== undefined) {
      problems.push({ line: n + 1, message: bad });
      continue;
    }
    let minLength = 0;
    let maxLength = 0;
    for (const c of components) {
      if (!c.optional) minLength += c.minLength;
      maxLength += c.maxLength;
    }
    for (const ai of ais) {
      const entry: AiEntry = {
        ai,
        title,
        predefinedLength: flags.includes('*'),
        dlDataAttribute: flags.includes('?'),
        components,
        minLength,
        maxLength,
        req,
        ex,
        ...(dlpkey ? { dlpkey } : {}),
      };
      entries.push(entry);
    }
  }
  return { dictionary: { release, entries }, problems };
}
