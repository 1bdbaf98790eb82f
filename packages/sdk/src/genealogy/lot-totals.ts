/**
 * Per-lot totals of every movement the mass balance counts — received, produced, returned, consumed,
 * shipped, adjusted — kept next to the trace catalogue so that a recall scope needs no ledger scan for its
 * mass-flow denominators and a recall's evidence none for its mass balances. Exact: sums of the events'
 * decimal quantities at 9 fraction digits (the most a product unit has), so they equal, as decimals, the mass
 * balance's sums in the product's own steps; with each lot, the precision its quantities were written in (to
 * tell when the product's steps could not have held them).
 *
 * @module
 */
import type { StoredEvent } from '../ledger/events.js';
import {
  ADJUSTED,
  CONSUMED,
  eventQuantities,
  PRODUCED,
  RECEIVED,
  RETURNED,
  SHIPPED,
} from '../stock/mass-balance.js';
import { NodeKind, type Store } from '../store/port.js';
import { Col, I64_MAX, I64_MIN } from './catalogue-columns.js';
import type { NodeRegistry } from './node-registry.js';

/** Events read per round trip while looking for lot corrections and totals. */
const EVENT_PAGE = 2000;

/** Fraction digits of the sums. */
export const TOTAL_SCALE = 9;
/** How many totals a lot has: the mass balance's columns (`RECEIVED` … `ADJUSTED` in stock/mass-balance.ts). */
const KINDS = 6;

/**
 * The precision of a quantity: integer digits (at most 15) × 16 + significant fraction digits; a quantity
 * that is not a plain decimal of at most 9 significant fraction digits and 40 characters is {@link DOUBT}.
 */
export const DOUBT = 0xff;

/** One addition to a lot's totals, read from an event, with the precision it was written in. */
export type TotalDelta = [lotId: string, what: number, amount: bigint, precision?: number];

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
const SCALE = 10n ** BigInt(TOTAL_SCALE);

/** A decimal string as an integer count of 10^-9, and its precision (amount 0 when {@link DOUBT}). */
function scaled(v: unknown): [amount: bigint, precision: number] {
  if (typeof v !== 'string' || v.length > 40) return [0n, DOUBT];
  const m = DECIMAL.exec(v);
  if (!m) return [0n, DOUBT];
  let f = m[3] ?? '';
  let end = f.length;
  while (end > 0 && f.charCodeAt(end - 1) === 48) end--;
  if (end > TOTAL_SCALE) return [0n, DOUBT];
  f = f.slice(0, end);
  const int = m[2]!;
  let lead = 0;
  while (lead < int.length - 1 && int.charCodeAt(lead) === 48) lead++;
  const intDigits = int.length - lead === 1 && int.charCodeAt(lead) === 48 ? 0 : int.length - lead;
  const n = BigInt(int) * SCALE + (end ? BigInt(f.padEnd(TOTAL_SCALE, '0')) : 0n);
  return [m[1] ? -n : n, (Math.min(intDigits, 15) << 4) | end];
}

/**
 * Whether quantities written with `precision` are whole steps of a unit with `decimals` fraction digits,
 * each within the step bound (`toSteps` accepts them): then a total divided by 10^(9 − decimals) is the
 * mass balance's sum in steps, exactly.
 */
export function fitsSteps(precision: number, decimals: number): boolean {
  const frac = precision & 15;
  const int = precision >> 4;
  return frac <= decimals && int < 15 && int + decimals <= 15;
}

/** A total (10^-9 units) in steps of a unit with `decimals` fraction digits (see {@link fitsSteps}). */
export function totalToSteps(total: bigint, decimals: number): bigint {
  return total / (STEP_DIVISORS[decimals] ?? 10n ** BigInt(TOTAL_SCALE - decimals));
}

/** 10^(9 − decimals) for each number of decimals a unit can have. */
const STEP_DIVISORS = Array.from({ length: TOTAL_SCALE + 1 }, (_, d) => 10n ** BigInt(TOTAL_SCALE - d));

/**
 * The totals `ev` adds, exactly as the mass balance counts them (`stock/mass-balance.ts`): receipts,
 * production and transformation outputs and inputs, shipped lines, customer returns, adjustments,
 * corrections, and serials changing state (coming back: returned; anything else: adjusted).
 */
export function totalDeltas(ev: StoredEvent, out: TotalDelta[]): void {
  eventQuantities(ev, (lotId, what, q) => {
    const [v, precision] = scaled(q);
    out.push([lotId, what, v, precision]);
  });
}

/** Everything a lot's mass balance takes from the ledger (10^-9 units), and the precision of its quantities. */
export interface LotBalanceTotals {
  received: bigint;
  produced: bigint;
  returned: bigint;
  consumed: bigint;
  shipped: bigint;
  adjusted: bigint;
  /** The widest {@link scaled} precision of the lot's quantities, nibble-wise (0: none). */
  precision: number;
}

/**
 * The totals of every lot node: int64 columns by node id (each allocated when a lot first has that kind of
 * movement — returns and adjustments are rare), exact overflow in a map, and a byte of precision per node.
 */
export class LotTotals {
  private readonly cols: (Col<BigInt64Array> | undefined)[] = Array.from({ length: KINDS }, () => undefined);
  private readonly big = new Map<number, bigint>();
  private readonly precision = new Col((n) => new Uint8Array(n), 0);

  constructor(private readonly registry: NodeRegistry) {}

  /** Add deltas (lots without a node are skipped: they have no place in a scope). */
  apply(deltas: readonly TotalDelta[]): void {
    const count = this.registry.count;
    for (const c of this.cols) c?.ensure(count);
    this.precision.ensure(count);
    const prec = this.precision.buf;
    for (const [lotId, what, v, p] of deltas) {
      const n = this.registry.id(NodeKind.LOT, lotId);
      if (n === undefined) continue;
      if (p) {
        const cur = prec[n]!;
        prec[n] = Math.max(cur & 0xf0, p & 0xf0) | Math.max(cur & 15, p & 15);
      }
      if (v === 0n) continue;
      let col = this.cols[what];
      if (!col) {
        col = new Col((k) => new BigInt64Array(k), 0n);
        col.ensure(count);
        this.cols[what] = col;
      }
      const key = n * KINDS + what;
      const sum = (this.big.get(key) ?? col.buf[n]!) + v;
      if (sum >= I64_MIN && sum <= I64_MAX && !this.big.has(key)) col.buf[n] = sum;
      else this.big.set(key, sum);
    }
  }

  /** The `what` total of lot node `n`, in 10^-9 units. */
  get(n: number, what: number): bigint {
    const col = this.cols[what];
    return this.big.get(n * KINDS + what) ?? (col && n < col.length ? col.buf[n]! : 0n);
  }

  /** The precision byte of lot node `n` (see {@link LotBalanceTotals.precision}). */
  precisionOf(n: number): number {
    return n < this.precision.length ? this.precision.buf[n]! : 0;
  }

  get bytes(): number {
    return this.cols.reduce((b, c) => b + (c?.bytes ?? 0), this.precision.bytes);
  }
}

/** What a page-wise read of events found. */
export interface EventScan {
  /** Lots that `corrected` events changed. */
  corrected: string[];
  /** Whether a product or party was (re)defined. */
  master: boolean;
}

/**
 * Read the events in `(from, until]` in pages: the lots that `corrected` events after `correctedAfter`
 * changed and whether master data changed after it, and (to `totals`, page by page) what events after
 * `totalsAfter` added to lot totals.
 */
export async function scanEvents(
  store: Store,
  from: number,
  until: number,
  correctedAfter: number,
  totalsAfter: number | undefined,
  totals: (d: TotalDelta[]) => void,
  own?: readonly OwnEvent[],
): Promise<EventScan> {
  const ids = new Set<string>();
  let master = false;
  // This process's own commits, noted when they committed: no read back when they are the whole range.
  const mine = own && coversRange(own, from, until, totalsAfter);
  if (mine) {
    const deltas: TotalDelta[] = [];
    for (const e of mine) {
      if (totalsAfter !== undefined && e.seq > totalsAfter) deltas.push(...e.deltas!);
      if (e.seq <= correctedAfter) continue;
      if (e.master) master = true;
      if (e.corrected !== undefined) ids.add(e.corrected);
    }
    if (deltas.length) totals(deltas);
    return { corrected: [...ids], master };
  }
  for (let next = from + 1; next <= until; ) {
    const page = await store.readEvents(next, Math.min(EVENT_PAGE, until - next + 1));
    if (!page.length) break;
    const deltas: TotalDelta[] = [];
    for (const ev of page) {
      if (ev.seq > until) break;
      if (totalsAfter !== undefined && ev.seq > totalsAfter) totalDeltas(ev, deltas);
      if (ev.seq <= correctedAfter) continue;
      const o = ownEvent(ev, false);
      if (o.master) master = true;
      if (o.corrected !== undefined) ids.add(o.corrected);
    }
    if (deltas.length) totals(deltas);
    next = page[page.length - 1]!.seq + 1;
  }
  return { corrected: [...ids], master };
}

/**
 * What a catch-up needs of one event, taken from it when this process committed it (before the caller
 * holds the event object): its totals' deltas (when `withDeltas`), the lot a `corrected` event changed, and
 * whether it (re)defined a product or party.
 */
export interface OwnEvent {
  seq: number;
  deltas?: TotalDelta[];
  corrected?: string;
  master: boolean;
}

export function ownEvent(ev: StoredEvent, withDeltas: boolean): OwnEvent {
  const o: OwnEvent = { seq: ev.seq, master: ev.type === 'productDefined' || ev.type === 'partyDefined' };
  if (withDeltas) {
    o.deltas = [];
    totalDeltas(ev, o.deltas);
  }
  if (ev.type === 'corrected') {
    const id = (ev.payload as { lot?: { id?: unknown } }).lot?.id;
    if (typeof id === 'string') o.corrected = id;
  }
  return o;
}

/** The noted events of (from, until], when they are all there (and carry deltas where totals need them). */
function coversRange(
  own: readonly OwnEvent[],
  from: number,
  until: number,
  totalsAfter: number | undefined,
): readonly OwnEvent[] | undefined {
  const start = own.findIndex((e) => e.seq === from + 1);
  if (start < 0 || own.length - start < until - from) return undefined;
  const run = own.slice(start, start + (until - from));
  for (let i = 0; i < run.length; i++) {
    const e = run[i]!;
    if (e.seq !== from + 1 + i) return undefined;
    if (totalsAfter !== undefined && e.seq > totalsAfter && e.deltas === undefined) return undefined;
  }
  return run;
}

/**
 * The per-lot totals of a trace catalogue: filled on first use by one pass over the ledger up to what the
 * catalogue describes, then advanced by the catalogue's catch-ups (which read every new event anyway).
 */
export class TotalsKeeper {
  private totals: LotTotals | undefined;
  private seq = -1;
  private filling: Promise<void> | undefined;

  constructor(private readonly registry: NodeRegistry) {
    KEEPERS.set(registry, this);
  }

  /** The seq the totals are current to; undefined until they are filled. */
  get at(): number | undefined {
    return this.totals ? this.seq : undefined;
  }

  /** Whether the totals are filled and current to `seq`. */
  isCurrent(seq: number): boolean {
    return this.totals !== undefined && this.seq >= seq;
  }

  /** Add what the events in `(from, seq]` added, when the totals are still at `from` (else a no-op). */
  advance(from: number, seq: number, deltas: readonly TotalDelta[]): void {
    if (!this.totals || this.seq !== from || seq <= from) return;
    this.totals.apply(deltas);
    this.seq = seq;
  }

  /** Fill (or bring level with `until()`, the catalogue's seq) unless done; one pass at a time. */
  async fill(store: Store, until: () => number): Promise<void> {
    while (!this.totals || this.seq < until()) {
      this.filling ??= this.fillTo(store, until());
      try {
        await this.filling;
      } finally {
        this.filling = undefined;
      }
    }
  }

  private async fillTo(store: Store, until: number): Promise<void> {
    if (this.totals) {
      // Behind the catalogue (catch-ups ran while the first pass read): add the difference.
      const from = this.seq;
      const deltas: TotalDelta[] = [];
      await scanEvents(store, from, until, until, from, (d) => deltas.push(...d));
      this.advance(from, until, deltas);
      return;
    }
    const fresh = new LotTotals(this.registry);
    await scanEvents(store, 0, until, until, 0, (d) => fresh.apply(d));
    if (this.totals) return;
    this.totals = fresh;
    this.seq = until;
  }

  /** Received, produced and returned totals of lot node `n` (10^-9 units; zeros before the fill). */
  of(n: number): [received: bigint, produced: bigint, returned: bigint] {
    const t = this.totals;
    return t ? [t.get(n, RECEIVED), t.get(n, PRODUCED), t.get(n, RETURNED)] : [0n, 0n, 0n];
  }

  /** Every total of lot node `n` and its precision (undefined before the fill). */
  balanceOf(n: number): LotBalanceTotals | undefined {
    const t = this.totals;
    if (!t) return undefined;
    return {
      received: t.get(n, RECEIVED),
      produced: t.get(n, PRODUCED),
      returned: t.get(n, RETURNED),
      consumed: t.get(n, CONSUMED),
      shipped: t.get(n, SHIPPED),
      adjusted: t.get(n, ADJUSTED),
      precision: t.precisionOf(n),
    };
  }

  get bytes(): number {
    return this.totals?.bytes ?? 0;
  }
}

/** The totals kept for each registry (one trace catalogue, so one keeper, per genealogy index). */
const KEEPERS = new WeakMap<NodeRegistry, TotalsKeeper>();

/**
 * The per-lot totals the trace catalogue of `registry`'s index keeps (bring them level with
 * `catalogue.catchUp` + `catalogue.totalsReady` first, and check {@link TotalsKeeper.at}).
 */
export function lotTotalsOf(registry: NodeRegistry): TotalsKeeper | undefined {
  return KEEPERS.get(registry);
}
