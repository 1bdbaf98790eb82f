/**
 * Per-lot totals of what ever came into a lot — received, produced, returned — kept next to the trace
 * catalogue so that a recall scope needs no ledger scan for its mass-flow denominators. Exact: sums of the
 * events' decimal quantities at 9 fraction digits (the most a product unit has), so they equal, as decimals,
 * the mass balance's sums in the product's own steps.
 *
 * @module
 */
import type { EventPayloads, StoredEvent } from '../ledger/events.js';
import { NodeKind, type Store } from '../store/port.js';
import { Col, I64_MAX, I64_MIN } from './catalogue-columns.js';
import type { NodeRegistry } from './node-registry.js';

/** Events read per round trip while looking for lot corrections and totals. */
const EVENT_PAGE = 2000;

/** Fraction digits of the sums. */
export const TOTAL_SCALE = 9;
/** What a total counts (the mass balance's `received`, `produced`, `returned`). */
export const RECEIVED = 0;
export const PRODUCED = 1;
export const RETURNED = 2;

/** One addition to a lot's totals, read from an event. */
export type TotalDelta = [lotId: string, what: number, amount: bigint];

/** A decimal string as an integer count of 10^-9 (quantities the commands accepted have at most 9 digits). */
function scaled(v: unknown): bigint | undefined {
  if (typeof v !== 'string') return undefined;
  const m = /^(-?)(\d+)(?:\.(\d{1,9}))?$/.exec(v);
  if (!m) return undefined;
  const n = BigInt(m[2]!) * 10n ** BigInt(TOTAL_SCALE) + BigInt((m[3] ?? '').padEnd(TOTAL_SCALE, '0') || '0');
  return m[1] ? -n : n;
}

/**
 * The totals `ev` adds, as the mass balance counts them: receipts, production and transformation outputs,
 * customer returns and serials coming back.
 */
export function totalDeltas(ev: StoredEvent, out: TotalDelta[]): void {
  const p = ev.payload as unknown;
  const push = (lotId: unknown, what: number, q: unknown) => {
    const v = scaled(q);
    if (typeof lotId === 'string' && v !== undefined) out.push([lotId, what, v]);
  };
  switch (ev.type) {
    case 'received': {
      const r = p as EventPayloads['received'];
      push(r.lot?.id, RECEIVED, r.quantity);
      break;
    }
    case 'produced':
    case 'transformed':
      for (const o of (p as EventPayloads['produced']).outputs ?? []) push(o.lot?.id, PRODUCED, o.quantity);
      break;
    case 'returned': {
      const r = p as EventPayloads['returned'];
      push(r.lotId, RETURNED, r.quantity);
      break;
    }
    case 'serialsStateChanged': {
      const r = p as EventPayloads['serialsStateChanged'];
      if (r.state === 'returned') for (const s of r.stock ?? []) push(s.lotId, RETURNED, s.delta);
      break;
    }
    default:
      break;
  }
}

/** The totals of every lot node: three int64 columns by node id, exact overflow in a map. */
export class LotTotals {
  private readonly cols = [0, 1, 2].map(() => new Col((n) => new BigInt64Array(n), 0n));
  private readonly big = new Map<number, bigint>();

  constructor(private readonly registry: NodeRegistry) {}

  /** Add deltas (lots without a node are skipped: they have no place in a scope). */
  apply(deltas: readonly TotalDelta[]): void {
    for (const c of this.cols) c.ensure(this.registry.count);
    for (const [lotId, what, v] of deltas) {
      const n = this.registry.id(NodeKind.LOT, lotId);
      if (n === undefined) continue;
      const key = n * 3 + what;
      const col = this.cols[what]!;
      const sum = (this.big.get(key) ?? col.buf[n]!) + v;
      if (sum >= I64_MIN && sum <= I64_MAX && !this.big.has(key)) col.buf[n] = sum;
      else this.big.set(key, sum);
    }
  }

  /** The `what` total of lot node `n`, in 10^-9 units. */
  get(n: number, what: number): bigint {
    const col = this.cols[what]!;
    return this.big.get(n * 3 + what) ?? (n < col.length ? col.buf[n]! : 0n);
  }

  get bytes(): number {
    return this.cols.reduce((b, c) => b + c.bytes, 0);
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
): Promise<EventScan> {
  const ids = new Set<string>();
  let master = false;
  for (let next = from + 1; next <= until; ) {
    const page = await store.readEvents(next, Math.min(EVENT_PAGE, until - next + 1));
    if (!page.length) break;
    const deltas: TotalDelta[] = [];
    for (const ev of page) {
      if (ev.seq > until) break;
      if (totalsAfter !== undefined && ev.seq > totalsAfter) totalDeltas(ev, deltas);
      if (ev.seq <= correctedAfter) continue;
      if (ev.type === 'productDefined' || ev.type === 'partyDefined') master = true;
      if (ev.type !== 'corrected') continue;
      const id = (ev.payload as { lot?: { id?: unknown } }).lot?.id;
      if (typeof id === 'string') ids.add(id);
    }
    if (deltas.length) totals(deltas);
    next = page[page.length - 1]!.seq + 1;
  }
  return { corrected: [...ids], master };
}

/**
 * The per-lot totals of a trace catalogue: filled on first use by one pass over the ledger up to what the
 * catalogue describes, then advanced by the catalogue's catch-ups (which read every new event anyway).
 */
export class TotalsKeeper {
  private totals: LotTotals | undefined;
  private seq = -1;
  private filling: Promise<void> | undefined;

  constructor(private readonly registry: NodeRegistry) {}

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

  get bytes(): number {
    return this.totals?.bytes ?? 0;
  }
}
