/**
 * The in-memory outbox of {@link MemoryStore} (the reference implementation of {@link OutboxPort}).
 *
 * @module
 */
import type { StoredEvent } from '../ledger/events.js';
import {
  checkOutboxClaim,
  checkOutboxFilter,
  checkOutboxName,
  checkOutboxNow,
  checkOutboxSettle,
  checkOutboxTypes,
} from './outbox-checks.js';
import type {
  OutboxFilter,
  OutboxMessage,
  OutboxOutcome,
  OutboxPort,
  OutboxSubscription,
} from './outbox-port.js';

interface Held extends OutboxMessage {
  owner?: string;
  leaseUntil?: number;
}

const DEFAULT_LIMIT = 1000;

/** Outbox tables kept in memory; `record` runs inside MemoryStore's append, after its checks passed. */
export class MemoryOutbox implements OutboxPort {
  private readonly subs = new Map<string, OutboxSubscription>();
  private readonly messages = new Map<string, Map<number, Held>>();

  constructor(
    private readonly headSeq: () => number,
    private readonly check: () => void,
  ) {}

  /** Record the messages of committed `events` (called by the append, never throws). */
  record(events: readonly StoredEvent[]): void {
    if (this.subs.size === 0) return;
    for (const sub of this.subs.values()) {
      const all = sub.types.includes('*');
      const box = this.messages.get(sub.name) as Map<number, Held>;
      for (const e of events)
        if (all || sub.types.includes(e.type))
          box.set(e.seq, {
            subscription: sub.name,
            seq: e.seq,
            type: e.type,
            status: 'pending',
            attempts: 0,
            nextAt: 0,
          });
    }
  }

  async register(name: string, types: readonly string[]): Promise<OutboxSubscription> {
    this.check();
    checkOutboxName(name);
    const list = checkOutboxTypes(types);
    const had = this.subs.get(name);
    const sub = { name, types: list, fromSeq: had?.fromSeq ?? this.headSeq() };
    this.subs.set(name, sub);
    if (!this.messages.has(name)) this.messages.set(name, new Map());
    return { ...sub, types: [...sub.types] };
  }

  async subscriptions(): Promise<OutboxSubscription[]> {
    this.check();
    return [...this.subs.values()]
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      .map((s) => ({ ...s, types: [...s.types] }));
  }

  async claim(
    name: string,
    opts: { owner: string; now: number; leaseMs: number; limit: number },
  ): Promise<OutboxMessage[]> {
    this.check();
    checkOutboxName(name);
    checkOutboxClaim(opts);
    const out: OutboxMessage[] = [];
    for (const m of this.messages.get(name)?.values() ?? []) {
      if (out.length >= opts.limit) break;
      if (m.status !== 'pending' || m.nextAt > opts.now) continue;
      if (m.owner !== undefined && (m.leaseUntil ?? 0) > opts.now) continue;
      m.owner = opts.owner;
      m.leaseUntil = opts.now + opts.leaseMs;
      m.attempts += 1;
      out.push(view(m));
    }
    return out;
  }

  async settle(name: string, seq: number, owner: string, outcome: OutboxOutcome): Promise<boolean> {
    this.check();
    checkOutboxName(name);
    checkOutboxSettle(seq, owner, outcome);
    const m = this.messages.get(name)?.get(seq);
    if (!m || m.owner !== owner || m.status !== 'pending') return false;
    m.owner = undefined;
    m.leaseUntil = undefined;
    if (outcome.status === 'delivered') {
      m.status = 'delivered';
      m.deliveredAt = outcome.at;
      m.lastError = undefined;
    } else if (outcome.status === 'pending') {
      m.nextAt = outcome.nextAt;
      m.lastError = outcome.error;
    } else {
      m.status = 'dead';
      m.lastError = outcome.error;
    }
    return true;
  }

  async list(name: string, filter: OutboxFilter = {}): Promise<OutboxMessage[]> {
    this.check();
    checkOutboxName(name);
    const f = checkOutboxFilter(filter);
    return this.matching(name, f).map(view);
  }

  async replay(name: string, filter: OutboxFilter, now: number): Promise<number> {
    this.check();
    checkOutboxName(name);
    checkOutboxNow(now);
    const f = checkOutboxFilter({ status: 'dead', ...checkOutboxFilter(filter) });
    const hits = this.matching(name, { ...f, limit: Number.MAX_SAFE_INTEGER });
    for (const m of hits) {
      m.status = 'pending';
      m.attempts = 0;
      m.nextAt = now;
      m.owner = undefined;
      m.leaseUntil = undefined;
      m.deliveredAt = undefined;
    }
    return hits.length;
  }

  private matching(name: string, f: OutboxFilter): Held[] {
    const seqs = f.seqs ? new Set(f.seqs) : undefined;
    // `record` inserts each subscription's messages in commit order: they are in ascending seq already.
    return [...(this.messages.get(name)?.values() ?? [])]
      .filter(
        (m) =>
          (f.status === undefined || m.status === f.status) &&
          (seqs === undefined || seqs.has(m.seq)) &&
          (f.afterSeq === undefined || m.seq > f.afterSeq),
      )
      .slice(0, f.limit ?? DEFAULT_LIMIT);
  }
}

function view(m: Held): OutboxMessage {
  const out: OutboxMessage = {
    subscription: m.subscription,
    seq: m.seq,
    type: m.type,
    status: m.status,
    attempts: m.attempts,
    nextAt: m.nextAt,
  };
  if (m.lastError !== undefined) out.lastError = m.lastError;
  if (m.deliveredAt !== undefined) out.deliveredAt = m.deliveredAt;
  return out;
}
