// Validation of AI elements against the dictionary, and assembly of the result model.
// Every syntax (scan, element string, bracketed, Digital Link) ends here.
import { CHARSET_NAME, charsetTable, firstInvalidChar } from './charset';
import { ISO4217 } from './code-lists';
import { fullDateToIso, gs1DateToIso, isIsoDate, todayIso } from './dates';
import {
  Gs1DiagnosticCode as C,
  type Gs1Diagnostic,
  type Gs1DiagnosticCode,
  Gs1Error,
  MAX_DIAGNOSTICS,
} from './diagnostics';
import type { AiEntry } from './dictionary';
import { LINTERS, type LintContext, type Linter } from './lint';
import type {
  Gs1AmountValue,
  Gs1Element,
  Gs1ParseOptions,
  Gs1ParseResult,
  Gs1Quantity,
  Gs1Syntax,
  Gs1TypedValue,
} from './result';
import { type AiTable, aiMatchesPattern, defaultAiTable } from './table';

/** An AI and its raw value as found by a syntax parser, with offsets into the input. */
export interface RawElement {
  readonly ai: string;
  readonly value: string;
  readonly offset: number;
  readonly valueOffset: number;
  /** The dictionary entry, when the scanner already looked it up. */
  readonly entry?: AiEntry | undefined;
}

/** Options with defaults applied. */
export interface ResolvedOptions {
  readonly referenceYear: number;
  readonly referenceDate: string;
  readonly associations: boolean;
  readonly permitUnknownAIs: boolean;
  readonly permitZeroSuppressedGtin: boolean;
  readonly lenient: boolean;
  readonly table: AiTable;
  readonly fnc1Substitute: number;
}

/** Mutable state of one parse. */
export interface ParseContext {
  readonly options: ResolvedOptions;
  readonly diagnostics: Gs1Diagnostic[];
  /** Diagnostics past {@link MAX_DIAGNOSTICS}: counted, not kept (a 1 MB input must not make 1M objects). */
  omitted?: { errors: number; warnings: number };
}

/** Validate arguments (throws {@link Gs1Error} only on programmer misuse) and apply defaults. */
export function resolveOptions(input: unknown, options: Gs1ParseOptions | undefined): ResolvedOptions {
  if (typeof input !== 'string') {
    throw new Gs1Error(
      'GS1_INVALID_ARGUMENT',
      `GS1 input must be a string, got ${input === null ? 'null' : typeof input}`,
    );
  }
  if (options !== undefined && (typeof options !== 'object' || options === null)) {
    throw new Gs1Error('GS1_INVALID_ARGUMENT', 'options must be an object');
  }
  // One-entry memo compared by value (not by object identity, so mutated or inline option objects are
  // safe): scanning stations call with the same options over and over.
  const o = options ?? NO_OPTIONS;
  const m = memo;
  if (
    m !== undefined &&
    m.referenceDate === o.referenceDate &&
    m.associations === o.associations &&
    m.permitUnknownAIs === o.permitUnknownAIs &&
    m.permitZeroSuppressedGtin === o.permitZeroSuppressedGtin &&
    m.lenient === o.lenient &&
    m.table === o.table &&
    m.fnc1Substitute === o.fnc1Substitute &&
    (o.referenceDate !== undefined || m.day === Math.floor(Date.now() / 86_400_000))
  ) {
    return m.resolved;
  }
  const resolved = resolveUncached(options);
  memo = {
    referenceDate: o.referenceDate,
    associations: o.associations,
    permitUnknownAIs: o.permitUnknownAIs,
    permitZeroSuppressedGtin: o.permitZeroSuppressedGtin,
    lenient: o.lenient,
    table: o.table,
    fnc1Substitute: o.fnc1Substitute,
    day: Math.floor(Date.now() / 86_400_000),
    resolved,
  };
  return resolved;
}

const NO_OPTIONS: Gs1ParseOptions = {};
let memo: (Gs1ParseOptions & { day: number; resolved: ResolvedOptions }) | undefined;

function resolveUncached(options: Gs1ParseOptions | undefined): ResolvedOptions {
  const o = options ?? {};
  if (typeof o !== 'object') throw new Gs1Error('GS1_INVALID_ARGUMENT', 'options must be an object');
  const referenceDate = o.referenceDate ?? todayIso();
  if (typeof referenceDate !== 'string' || !isIsoDate(referenceDate)) {
    throw new Gs1Error(
      'GS1_INVALID_ARGUMENT',
      `referenceDate must be a YYYY-MM-DD date, got ${String(referenceDate)}`,
    );
  }
  const sub = o.fnc1Substitute;
  if (sub !== undefined && (typeof sub !== 'string' || sub.length !== 1)) {
    throw new Gs1Error('GS1_INVALID_ARGUMENT', 'fnc1Substitute must be a single character');
  }
  return {
    referenceYear: Number(referenceDate.slice(0, 4)),
    referenceDate,
    associations: o.associations ?? true,
    permitUnknownAIs: o.permitUnknownAIs ?? false,
    permitZeroSuppressedGtin: o.permitZeroSuppressedGtin ?? false,
    lenient: o.lenient ?? false,
    table: o.table ?? defaultAiTable,
    fnc1Substitute: sub === undefined ? 29 : sub.charCodeAt(0),
  };
}

/** Record a diagnostic. */
export function report(
  ctx: ParseContext,
  code: Gs1DiagnosticCode,
  severity: 'error' | 'warning',
  message: string,
  ai?: string,
  offset?: number,
  linter?: string,
): void {
  if (ctx.diagnostics.length >= MAX_DIAGNOSTICS) {
    if (!ctx.omitted) ctx.omitted = { errors: 0, warnings: 0 };
    const o = ctx.omitted;
    if (severity === 'error') o.errors++;
    else o.warnings++;
    return;
  }
  const d: { -readonly [K in keyof Gs1Diagnostic]: Gs1Diagnostic[K] } = { code, severity, message };
  if (ai !== undefined) d.ai = ai;
  if (offset !== undefined) d.offset = offset;
  if (linter !== undefined) d.linter = linter;
  ctx.diagnostics.push(d);
}

/**
 * Keyboard wedges often end a scan with CR/LF. In lenient mode that line end is dropped with a warning;
 * otherwise it stays in the data and is reported where it breaks a value.
 */
export function trimLineEnd(input: string, ctx: ParseContext): string {
  const last = input.charCodeAt(input.length - 1);
  if (!ctx.options.lenient || (last !== 10 && last !== 13)) return input;
  let end = input.length;
  while (end > 0 && (input.charCodeAt(end - 1) === 10 || input.charCodeAt(end - 1) === 13)) end--;
  report(ctx, C.SYNTAX_ERROR, 'warning', 'line end after the data ignored', undefined, end);
  return input.slice(0, end);
}

/** Errors that lenient mode downgrades to warnings. */
export function lenientSeverity(ctx: ParseContext): 'error' | 'warning' {
  return ctx.options.lenient ? 'warning' : 'error';
}

/** Validate one value against its dictionary entry; returns true if no error was reported. */
function validateValue(ctx: ParseContext, entry: AiEntry, plan: EntryPlan, el: RawElement): boolean {
  const { ai, value } = el;
  let ok = true;
  if (value.length < entry.minLength) {
    report(
      ctx,
      C.VALUE_TOO_SHORT,
      'error',
      `(${ai}) value "${value}" is shorter than ${entry.minLength}`,
      ai,
      el.valueOffset,
    );
    ok = false;
  } else if (value.length > entry.maxLength) {
    report(
      ctx,
      C.VALUE_TOO_LONG,
      'error',
      `(${ai}) value is longer than ${entry.maxLength} characters`,
      ai,
      el.valueOffset + entry.maxLength,
    );
    ok = false;
  }
  const lintCtx: LintContext = ctx.options;
  let pos = 0;
  const comps = entry.components;
  for (let ci = 0; ci < comps.length; ci++) {
    const comp = comps[ci]!;
    if (pos >= value.length) break;
    const part = value.slice(pos, pos + comp.maxLength);
    const partOffset = el.valueOffset + pos;
    pos += part.length;
    const bad = firstInvalidChar(part, comp.charset, plan.charsets[ci]);
    if (bad >= 0) {
      const ch = part[bad] as string;
      const shown = ch.charCodeAt(0) < 32 ? `\\x${ch.charCodeAt(0).toString(16).padStart(2, '0')}` : ch;
      report(
        ctx,
        C.INVALID_CHARACTER,
        'error',
        `(${ai}) character "${shown}" is not ${CHARSET_NAME[comp.charset]}`,
        ai,
        partOffset + bad,
      );
      ok = false;
      continue;
    }
    if (part.length < comp.minLength) continue; // already reported as too short
    const fns = plan.linters[ci]!;
    for (let li = 0; li < fns.length; li++) {
      const linter = fns[li];
      const name = comp.linters[li]!;
      if (!linter) {
        report(
          ctx,
          C.UNKNOWN_LINTER,
          'warning',
          `(${ai}) linter "${name}" is not implemented`,
          ai,
          partOffset,
          name,
        );
        continue;
      }
      const p = linter(part, lintCtx);
      if (p) {
        const severity = p.code === C.ZERO_DATE ? lenientSeverity(ctx) : 'error';
        report(ctx, p.code, severity, `(${ai}) ${p.message}`, ai, partOffset + (p.pos ?? 0), name);
        if (severity === 'error') ok = false;
        break;
      }
    }
  }
  return ok;
}

const DATE_LINTERS = new Set(['yymmd0', 'yymmdd', 'yyyymmdd', 'yyyymmd0']);

function toDate(part: string, linter: string, referenceYear: number): string | undefined {
  if (linter === 'yyyymmdd' || linter === 'yyyymmd0') {
    return fullDateToIso(part, linter === 'yyyymmd0');
  }
  return gs1DateToIso(part, referenceYear, linter === 'yymmd0');
}

/** Insert a decimal point `decimals` places from the right and drop redundant leading zeros. */
export function impliedDecimal(digits: string, decimals: number): string {
  const padded = digits.length <= decimals ? digits.padStart(decimals + 1, '0') : digits;
  const intEnd = padded.length - decimals;
  let z = 0;
  while (z < intEnd - 1 && padded.charCodeAt(z) === 48) z++;
  const int = padded.slice(z, intEnd);
  return decimals === 0 ? int : `${int}.${padded.slice(padded.length - decimals)}`;
}

function unitFromTitle(ai: string, title: string): { unit: string; quantity: string } {
  const open = title.indexOf('(');
  const close = title.lastIndexOf(')');
  if (open >= 0 && close > open) {
    return { unit: title.slice(open + 1, close), quantity: title.slice(0, open).trim() };
  }
  if (ai.startsWith('337')) return { unit: 'kg/m²', quantity: 'KG PER AREA' };
  return { unit: '', quantity: title };
}

type TypedPlan =
  | { readonly kind: 'measure'; readonly decimals: number; readonly unit: string; readonly quantity: string }
  | { readonly kind: 'amount'; readonly decimals: number; readonly withCurrency: boolean }
  | { readonly kind: 'percent'; readonly decimals: number }
  | { readonly kind: 'date'; readonly firstLinter: string; readonly firstLength: number }
  | { readonly kind: 'none' };

type MutableResult = { -readonly [K in keyof Gs1ParseResult]: Gs1ParseResult[K] };

// One setter per convenience field: constant property names keep the result object's stores monomorphic.
const FIELD_SETTERS: Record<string, (r: MutableResult, v: unknown) => void> = {
  sscc: (r, v) => {
    r.sscc ??= v as never;
  },
  gtin: (r, v) => {
    r.gtin ??= v as never;
  },
  contentGtin: (r, v) => {
    r.contentGtin ??= v as never;
  },
  batch: (r, v) => {
    r.batch ??= v as never;
  },
  serial: (r, v) => {
    r.serial ??= v as never;
  },
  cpv: (r, v) => {
    r.cpv ??= v as never;
  },
  variant: (r, v) => {
    r.variant ??= v as never;
  },
  variableCount: (r, v) => {
    r.variableCount ??= v as never;
  },
  count: (r, v) => {
    r.count ??= v as never;
  },
  gln: (r, v) => {
    r.gln ??= v as never;
  },
  expiry: (r, v) => {
    r.expiry ??= v as never;
  },
  bestBefore: (r, v) => {
    r.bestBefore ??= v as never;
  },
  sellBy: (r, v) => {
    r.sellBy ??= v as never;
  },
  productionDate: (r, v) => {
    r.productionDate ??= v as never;
  },
  packagingDate: (r, v) => {
    r.packagingDate ??= v as never;
  },
  dueDate: (r, v) => {
    r.dueDate ??= v as never;
  },
  expiryDateTime: (r, v) => {
    r.expiryDateTime ??= v as never;
  },
  netWeight: (r, v) => {
    r.netWeight ??= v as never;
  },
  netVolume: (r, v) => {
    r.netVolume ??= v as never;
  },
  grossWeight: (r, v) => {
    r.grossWeight ??= v as never;
  },
  amount: (r, v) => {
    r.amount ??= v as never;
  },
  price: (r, v) => {
    r.price ??= v as never;
  },
};

/** What we precompute once per dictionary entry: how to type its value and which convenience field it fills. */
interface EntryPlan {
  readonly typed: TypedPlan;
  readonly field: string | undefined;
  readonly setField: ((r: MutableResult, v: unknown) => void) | undefined;
  readonly fieldIsDate: boolean;
  /** Character-set membership table per component. */
  readonly charsets: readonly Uint8Array[];
  /** Linter functions per component (undefined where the name is not implemented). */
  readonly linters: readonly (readonly (Linter | undefined)[])[];
}

const planCache = new WeakMap<AiEntry, EntryPlan>();

function entryPlan(entry: AiEntry): EntryPlan {
  let plan = planCache.get(entry);
  if (!plan) {
    const field = fieldFor(entry.ai);
    plan = {
      typed: typedPlan(entry),
      field,
      setField: field === undefined ? undefined : FIELD_SETTERS[field],
      fieldIsDate: field !== undefined && DATE_FIELD_NAMES.has(field),
      charsets: entry.components.map((c) => charsetTable(c.charset)),
      linters: entry.components.map((c) =>
        c.linters.map((name) => (Object.hasOwn(LINTERS, name) ? LINTERS[name] : undefined)),
      ),
    };
    planCache.set(entry, plan);
  }
  return plan;
}

function fieldFor(ai: string): string | undefined {
  const named = STRING_FIELDS[ai] ?? DATE_FIELDS[ai];
  if (named) return named;
  if (ai === '7003') return 'expiryDateTime';
  if (ai.length !== 4) return undefined;
  const fam = ai.slice(0, 3);
  if (NET_WEIGHT.includes(fam)) return 'netWeight';
  if (NET_VOLUME.includes(fam)) return 'netVolume';
  if (GROSS_WEIGHT.includes(fam)) return 'grossWeight';
  if (fam === '390' || fam === '391') return 'amount';
  if (fam === '392' || fam === '393') return 'price';
  return undefined;
}

function typedPlan(entry: AiEntry): TypedPlan {
  const ai = entry.ai;
  let plan: TypedPlan = { kind: 'none' };
  if (ai.length === 4 && ai >= '3100' && ai <= '3699') {
    plan = { kind: 'measure', decimals: Number(ai[3]), ...unitFromTitle(ai, entry.title) };
  } else if (ai.length === 4 && ai >= '3900' && ai <= '3959') {
    const family = ai.slice(0, 3);
    const decimals = Number(ai[3]);
    if (family === '394') plan = { kind: 'percent', decimals };
    else plan = { kind: 'amount', decimals, withCurrency: family === '391' || family === '393' };
  } else {
    const first = entry.components[0];
    const firstLinter = first?.linters.find((l) => DATE_LINTERS.has(l));
    if (first && firstLinter) plan = { kind: 'date', firstLinter, firstLength: first.maxLength };
  }
  return plan;
}

function typedValue(
  entry: AiEntry,
  plan: TypedPlan,
  value: string,
  referenceYear: number,
): Gs1TypedValue | undefined {
  switch (plan.kind) {
    case 'none':
      return undefined;
    case 'measure':
      return {
        kind: 'measure',
        value: impliedDecimal(value, plan.decimals),
        unit: plan.unit,
        quantity: plan.quantity,
      };
    case 'percent':
      return { kind: 'percent', value: impliedDecimal(value, plan.decimals) };
    case 'amount': {
      if (!plan.withCurrency) return { kind: 'amount', value: impliedDecimal(value, plan.decimals) };
      const currencyNumeric = value.slice(0, 3);
      const v: Gs1AmountValue = {
        kind: 'amount',
        value: impliedDecimal(value.slice(3), plan.decimals),
        currencyNumeric,
      };
      const alpha = ISO4217.get(currencyNumeric);
      return alpha ? { ...v, currency: alpha } : v;
    }
    case 'date':
      break;
  }
  const date = toDate(value.slice(0, plan.firstLength), plan.firstLinter, referenceYear);
  if (date === undefined) return undefined;
  if (value.length === plan.firstLength) return { kind: 'date', date };
  const comps = entry.components;
  let pos = plan.firstLength;
  let time = '';
  for (let i = 1; i < comps.length && pos < value.length; i++) {
    const c = comps[i]!;
    const part = value.slice(pos, pos + c.maxLength);
    pos += part.length;
    const l = c.linters[0] ?? '';
    if (DATE_LINTERS.has(l)) {
      const end = toDate(part, l, referenceYear);
      return end ? { kind: 'dateRange', start: date, end } : undefined;
    }
    if (l === 'hhmi' || l === 'hhmm') time = `${part.slice(0, 2)}:${part.slice(2, 4)}`;
    else if (l === 'hh') time = `${part}:00`;
    else if (l === 'mi' || l === 'mm') time = `${time.slice(0, 2)}:${part}`;
    else if (l === 'ss') time = `${time}:${part}`;
  }
  return time ? { kind: 'dateTime', dateTime: `${date}T${time}` } : { kind: 'date', date };
}

const DATE_FIELD_NAMES = new Set([
  'expiry',
  'bestBefore',
  'sellBy',
  'productionDate',
  'packagingDate',
  'dueDate',
  'expiryDateTime',
]);
const NET_WEIGHT = ['310', '320', '356'];
const NET_VOLUME = ['315', '316', '357', '360', '361', '364', '365', '366'];
const GROSS_WEIGHT = ['330', '340'];

const STRING_FIELDS: Record<string, string> = {
  '00': 'sscc',
  '01': 'gtin',
  '02': 'contentGtin',
  '10': 'batch',
  '21': 'serial',
  '22': 'cpv',
  '20': 'variant',
  '30': 'variableCount',
  '37': 'count',
  '414': 'gln',
};
const DATE_FIELDS: Record<string, string> = {
  '7003': 'expiryDateTime',
  '17': 'expiry',
  '15': 'bestBefore',
  '16': 'sellBy',
  '11': 'productionDate',
  '13': 'packagingDate',
  '12': 'dueDate',
};

interface AssociationProblem {
  readonly code: Gs1DiagnosticCode;
  readonly message: string;
  readonly ai: string;
}

function associationProblems(list: readonly AiEntry[]): AssociationProblem[] {
  const entries = new Map(list.map((e) => [e.ai, e] as const));
  const problems: AssociationProblem[] = [];
  const present = [...entries.keys()];
  const anyMatch = (pattern: string) => present.some((ai) => aiMatchesPattern(ai, pattern));
  const reportedEx = new Set<string>();
  for (const [ai, entry] of entries) {
    for (const group of entry.req) {
      if (!group.some((alt) => alt.every(anyMatch))) {
        const wanted = group.map((alt) => alt.map((p) => `(${p})`).join('+')).join(' or ');
        problems.push({ code: C.REQUIRED_AI_MISSING, message: `(${ai}) requires ${wanted}`, ai });
      }
    }
    for (const pattern of entry.ex) {
      for (const other of present) {
        if (other === ai || !aiMatchesPattern(other, pattern)) continue;
        const key = ai < other ? `${ai}|${other}` : `${other}|${ai}`;
        if (reportedEx.has(key)) continue;
        reportedEx.add(key);
        problems.push({
          code: C.EXCLUSIVE_AIS,
          message: `(${ai}) and (${other}) must not appear together`,
          ai,
        });
      }
    }
  }
  return problems;
}

// Scans repeat the same few AI combinations, so association results are memoised per table in a trie
// keyed by entry identity (no string keys to build and hash on the hot path).
interface AssociationNode {
  readonly next: Map<AiEntry, AssociationNode>;
  problems?: AssociationProblem[];
}
const associationCache = new WeakMap<object, AssociationNode>();
let associationNodes = 0;

function checkAssociations(ctx: ParseContext, raws: readonly RawElement[], entries: readonly AiEntry[]) {
  // Fast path: the same AI sequence as the previous parse (a scanning station reads the same label type).
  const last = lastAssociation;
  if (last && last.table === ctx.options.table && sameEntries(last.entries, entries)) {
    reportAssociations(ctx, raws, last.problems);
    return;
  }
  let root = associationCache.get(ctx.options.table);
  if (!root || associationNodes > 50_000) {
    root = { next: new Map() };
    associationNodes = 0;
    associationCache.set(ctx.options.table, root);
  }
  let node: AssociationNode = root;
  for (const entry of entries) {
    let child: AssociationNode | undefined = node.next.get(entry);
    if (!child) {
      child = { next: new Map() };
      associationNodes++;
      node.next.set(entry, child);
    }
    node = child;
  }
  node.problems ??= associationProblems(entries);
  lastAssociation = { table: ctx.options.table, entries, problems: node.problems };
  reportAssociations(ctx, raws, node.problems);
}

let lastAssociation:
  | { table: object; entries: readonly AiEntry[]; problems: readonly AssociationProblem[] }
  | undefined;

function sameEntries(a: readonly AiEntry[], b: readonly AiEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function reportAssociations(
  ctx: ParseContext,
  raws: readonly RawElement[],
  problems: readonly AssociationProblem[],
) {
  if (problems.length === 0) return;
  // First offset of each AI, built once (a find() per problem would be quadratic on long inputs).
  const firstOffset = new Map<string, number>();
  for (const r of raws) if (!firstOffset.has(r.ai)) firstOffset.set(r.ai, r.offset);
  for (const p of problems) report(ctx, p.code, 'error', p.message, p.ai, firstOffset.get(p.ai));
}

/** Validate raw elements and build the result. */
export function finish(
  syntax: Gs1Syntax,
  raws: readonly RawElement[],
  ctx: ParseContext,
  extra?: Partial<Pick<Gs1ParseResult, 'symbology' | 'digitalLink'>>,
  symbology?: string,
): Gs1ParseResult {
  const { table, referenceYear } = ctx.options;
  const elements: Gs1Element[] = [];
  const result: MutableResult = {
    valid: false,
    syntax,
    elements,
    diagnostics: ctx.diagnostics,
  };
  const sym = symbology ?? extra?.symbology;
  if (sym !== undefined) result.symbology = sym;
  if (extra?.digitalLink !== undefined) result.digitalLink = extra.digitalLink;
  // Duplicates: a linear look-back for the usual handful of AIs, a Map beyond that (keeps long inputs linear).
  const seen = raws.length > 16 ? new Map<string, string>() : undefined;
  const unique: AiEntry[] = [];
  for (let i = 0; i < raws.length; i++) {
    const raw = raws[i]!;
    const entry = raw.entry ?? table.get(raw.ai);
    let prev: string | undefined;
    if (seen) {
      prev = seen.get(raw.ai);
      if (prev === undefined) seen.set(raw.ai, raw.value);
    } else {
      for (let k = 0; k < i; k++) {
        if (raws[k]!.ai === raw.ai) {
          prev = raws[k]!.value;
          break;
        }
      }
    }
    if (prev !== undefined) {
      if (prev === raw.value) {
        report(ctx, C.DUPLICATE_AI, 'warning', `(${raw.ai}) appears more than once`, raw.ai, raw.offset);
      } else {
        report(
          ctx,
          C.DUPLICATE_AI_CONFLICT,
          'error',
          `(${raw.ai}) appears twice with different values`,
          raw.ai,
          raw.offset,
        );
      }
    }
    if (!entry) {
      elements.push({ ai: raw.ai, value: raw.value, title: '' });
      continue;
    }
    if (prev === undefined) unique.push(entry);
    const plan = entryPlan(entry);
    const ok = validateValue(ctx, entry, plan, raw);
    const typed = ok ? typedValue(entry, plan.typed, raw.value, referenceYear) : undefined;
    elements.push(
      typed
        ? { ai: raw.ai, value: raw.value, title: entry.title, typed }
        : { ai: raw.ai, value: raw.value, title: entry.title },
    );
    const set = plan.setField;
    if (!ok || prev !== undefined || set === undefined) continue;
    if (typed === undefined) {
      if (!plan.fieldIsDate) set(result, raw.value);
    } else if (typed.kind === 'date' || typed.kind === 'dateTime') {
      set(result, typed.kind === 'date' ? typed.date : typed.dateTime);
    } else if (typed.kind === 'measure') {
      set(result, { value: typed.value, unit: typed.unit, ai: raw.ai } satisfies Gs1Quantity);
    } else if (typed.kind === 'amount') {
      set(result, typed);
    }
  }
  if (ctx.options.associations) {
    checkAssociations(ctx, raws, unique);
    checkDigitalSignature(ctx, raws);
  }
  const omitted = ctx.omitted;
  if (omitted) {
    ctx.diagnostics.push({
      code: C.TOO_MANY_DIAGNOSTICS,
      severity: omitted.errors > 0 ? 'error' : 'warning',
      message: `${omitted.errors + omitted.warnings} more problems not listed (${omitted.errors} errors, ${omitted.warnings} warnings)`,
    });
  }
  result.valid = !ctx.diagnostics.some((d) => d.severity === 'error');
  return result;
}

/** Length of the mandatory part of the keys whose optional serial component a (8030) signature needs. */
const SERIALISED_KEY_BASE: Readonly<Record<string, number>> = { '253': 13, '255': 13, '8003': 14 };

/**
 * (8030) digital signature: besides its dictionary association, the Syntax Engine requires that a
 * (253), (255) or (8003) it is associated with carries its optional serial component — a signature
 * over a class of documents, coupons or assets identifies nothing.
 */
function checkDigitalSignature(ctx: ParseContext, raws: readonly RawElement[]) {
  const sig = raws.find((r) => r.ai === '8030');
  if (!sig) return;
  const present = new Set(raws.map((r) => r.ai));
  const other = [['00'], ['01', '21'], ['8004'], ['8006', '21'], ['8010', '8011'], ['8017'], ['8018']];
  if (other.some((alt) => alt.every((ai) => present.has(ai)))) return;
  const keys = raws.filter((r) => SERIALISED_KEY_BASE[r.ai] !== undefined);
  if (keys.length === 0 || keys.some((r) => r.value.length > (SERIALISED_KEY_BASE[r.ai] as number))) return;
  report(
    ctx,
    C.REQUIRED_AI_MISSING,
    'error',
    `(8030) requires the serial component of (${keys.map((k) => k.ai).join(')/(')})`,
    '8030',
    sig.offset,
  );
}

/**
 * Check associations (`req=`, `ex=`) and conflicting repeats over the *combined* AIs of several carriers
 * on one item — e.g. a pallet label split over two GS1-128 symbols, each parsed with
 * `associations: false`. The dictionary says pairings are to be evaluated over all carriers of an item.
 * Returns the diagnostics (without offsets: the AIs come from different inputs).
 * @example
 * const a = parseScan(scan1, { associations: false });
 * const b = parseScan(scan2, { associations: false });
 * const problems = validateCombined([...a.elements, ...b.elements]);
 */
export function validateCombined(
  elements: readonly { readonly ai: string; readonly value: string }[],
  options?: Pick<Gs1ParseOptions, 'table'>,
): Gs1Diagnostic[] {
  if (!Array.isArray(elements)) throw new Gs1Error('GS1_INVALID_ARGUMENT', 'elements must be an array');
  const table = options?.table ?? defaultAiTable;
  const ctx: ParseContext = { options: { ...resolveOptions('', undefined), table }, diagnostics: [] };
  const seen = new Map<string, string>();
  const unique: AiEntry[] = [];
  for (const e of elements) {
    const prev = seen.get(e.ai);
    if (prev === undefined) {
      seen.set(e.ai, e.value);
      const entry = table.get(e.ai);
      if (entry) unique.push(entry);
    } else if (prev !== e.value) {
      report(ctx, C.DUPLICATE_AI_CONFLICT, 'error', `(${e.ai}) appears twice with different values`, e.ai);
    }
  }
  const problems = associationProblems(unique);
  for (const p of problems) report(ctx, p.code, 'error', p.message, p.ai);
  return ctx.diagnostics;
}
