/**
 * The transactional outbox, as a store capability ({@link Store.outbox}).
 *
 * A subscription is a durable name plus the event types it wants. Every append records one message per
 * (subscription, event) whose type the subscription wants, **in the append's own transaction** — an
 * event is committed together with its messages or not at all. Dispatchers (one per process and
 * subscription, any number of processes) lease due messages, deliver them and settle each lease:
 * delivered, retry later, or dead (dead-letter). A lease that its holder never settles (the process died)
 * expires and another dispatcher takes the message again: every message is delivered at least once; the
 * receiver processes it once by its key (`{subscription}:{seq}`).
 *
 * Times are milliseconds since the epoch, passed in by the caller (the dispatcher's clock), so tests can
 * drive them.
 *
 * @module
 */

/** The state of one message. */
export type OutboxStatus = 'pending' | 'delivered' | 'dead';

/** One message of a subscription: the event at `seq` (its body is the ledger event). */
export interface OutboxMessage {
  subscription: string;
  seq: number;
  /** The event type. */
  type: string;
  status: OutboxStatus;
  /** Delivery attempts settled so far. */
  attempts: number;
  /** Due from this time (ms); pending messages only. */
  nextAt: number;
  /** The last failure, if any. */
  lastError?: string;
  /** When it was delivered (ms). */
  deliveredAt?: number;
}

/** A subscription as registered. */
export interface OutboxSubscription {
  name: string;
  /** Event types it wants; `['*']` is every type. */
  types: string[];
  /** Events with a seq above this get messages (the head when it was first registered). */
  fromSeq: number;
}

/** How a lease ends (see {@link OutboxPort.settle}). */
export type OutboxOutcome =
  | { status: 'delivered'; at: number }
  | { status: 'pending'; nextAt: number; error: string }
  | { status: 'dead'; error: string };

/** Filter of {@link OutboxPort.list} and {@link OutboxPort.replay}. */
export interface OutboxFilter {
  status?: OutboxStatus;
  /** Only these seqs. */
  seqs?: readonly number[];
  /** Messages with seq above this (paging), ascending. */
  afterSeq?: number;
  /** At most this many (default 1,000). */
  limit?: number;
}

/** The outbox capability of a store. */
export interface OutboxPort {
  /**
   * Create or update a subscription (idempotent). Created under the write lock: every event committed
   * after it gets its messages, none before (`fromSeq`, the head then). Updating keeps `fromSeq`; new
   * types apply to appends after the update.
   */
  register(name: string, types: readonly string[]): Promise<OutboxSubscription>;
  /** Every subscription, by name. */
  subscriptions(): Promise<OutboxSubscription[]>;
  /**
   * Lease up to `limit` pending messages of `name` due at `now` (oldest seq first) to `owner` until
   * `now + leaseMs`; messages leased to someone else and not yet expired are skipped. Each lease bumps
   * the message's `attempts`. Safe from any number of processes at once.
   */
  claim(
    name: string,
    opts: { owner: string; now: number; leaseMs: number; limit: number },
  ): Promise<OutboxMessage[]>;
  /** End `owner`'s lease of (`name`, `seq`); false if it no longer holds it (expired and taken over). */
  settle(name: string, seq: number, owner: string, outcome: OutboxOutcome): Promise<boolean>;
  /** Messages of `name` matching `filter`, ascending by seq. */
  list(name: string, filter?: OutboxFilter): Promise<OutboxMessage[]>;
  /** Make matching messages (default: the dead ones) pending and due at `now`, attempts reset; returns how many. */
  replay(name: string, filter: OutboxFilter, now: number): Promise<number>;
}
