/**
 * The outbox dispatcher: one per process and subscription. It leases due messages from the store's
 * outbox ({@link OutboxPort}), hands each to `deliver` with its event, and settles the lease: delivered;
 * retried later with exponential backoff and jitter (or after the `retryAfterMs` the failure asks for);
 * or dead after `maxAttempts`, or at once for a failure marked permanent (`retryable: false`). Dead
 * messages stay until replayed. A dispatcher that dies mid-delivery loses its lease when it expires and
 * another one (any process) delivers again: at least once, so `deliver` should be idempotent by
 * `message.key`.
 *
 * @module
 */
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { StoredEvent } from '../ledger/events.js';
import { OUTBOX_ERROR_MAX } from '../store/outbox-checks.js';
import type { OutboxMessage, OutboxOutcome, OutboxPort } from '../store/outbox-port.js';
import type { Store } from '../store/port.js';

/** What `deliver` receives. */
export interface OutboxDelivery {
  /** `{subscription}:{seq}`: the same on every attempt — deduplicate by it. */
  key: string;
  /** The event type. */
  topic: string;
  /** The committed event. */
  payload: StoredEvent;
  subscription: string;
  seq: number;
  /** 1 on the first attempt. */
  attempt: number;
}

/** Settings of one dispatcher (see `lg.outbox.subscribe`). */
export interface DispatcherSettings {
  deliver: (message: OutboxDelivery) => Promise<void> | void;
  maxAttempts: number;
  backoffMs: number;
  maxBackoffMs: number;
  leaseMs: number;
  batchSize: number;
  pollMs: number;
  now: () => number;
  onError?: (error: unknown, message: OutboxMessage) => void;
}

/** A running dispatcher. */
export interface OutboxDispatcher {
  readonly subscription: string;
  /** Deliver everything due now and return how many messages were settled (waits for a running round). */
  drain(): Promise<number>;
  /** Stop after the delivery in progress (if any) is settled. */
  stop(): Promise<void>;
}

/** A failure's own say on retrying: `retryable: false` (also in `details`) makes it final. */
function isPermanent(e: unknown): boolean {
  const x = e as { retryable?: unknown; details?: { retryable?: unknown } } | null;
  return x?.retryable === false || x?.details?.retryable === false;
}

function retryAfterOf(e: unknown): number | undefined {
  const x = e as { retryAfterMs?: unknown; details?: { retryAfterMs?: unknown } } | null;
  const v = x?.retryAfterMs ?? x?.details?.retryAfterMs;
  return typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined;
}

/** Text a store accepts: at most `max` characters, no NUL, no lone surrogate (also none left by the cut). */
export function storableText(s: string, max = OUTBOX_ERROR_MAX): string {
  return (
    s
      .slice(0, max)
      // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL is what stores refuse
      .replace(/\u0000/g, '\uFFFD')
      .replace(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g, '\uFFFD')
  );
}

function describe(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

export function startDispatcher(
  store: Store & { outbox: OutboxPort },
  subscription: string,
  s: DispatcherSettings,
): OutboxDispatcher & { wake(): void } {
  // Unique per dispatcher: the process (where there is one) and a random part.
  const pid = (globalThis as { process?: { pid?: number } }).process?.pid ?? 0;
  const owner = `${pid}:${Math.random().toString(36).slice(2, 12)}`;
  let running = true;
  let timer: ReturnType<typeof setTimeout> | undefined;
  let wakeUp: (() => void) | undefined;
  let round: Promise<number> = Promise.resolve(0);

  const backoff = (attempts: number, hint: number | undefined) => {
    const exp = Math.min(s.maxBackoffMs, s.backoffMs * 2 ** Math.min(30, attempts - 1));
    const jittered = exp * (0.5 + Math.random() * 0.5);
    return Math.round(Math.min(s.maxBackoffMs, Math.max(jittered, hint ?? 0)));
  };

  // Whole milliseconds, whatever the clock gives.
  const now = () => Math.floor(s.now());
  const settle = async (m: OutboxMessage, outcome: OutboxOutcome) => {
    await store.outbox.settle(subscription, m.seq, owner, outcome);
  };

  /** Read the events of claimed messages: one range read when they are close together. */
  const eventsOf = async (messages: OutboxMessage[]): Promise<Map<number, StoredEvent>> => {
    const seqs = messages.map((m) => m.seq);
    const lo = Math.min(...seqs);
    const hi = Math.max(...seqs);
    const out = new Map<number, StoredEvent>();
    if (hi - lo < 4 * messages.length + 100) {
      for (const e of await store.readEvents(lo, hi - lo + 1)) out.set(e.seq, e);
    } else
      for (const seq of seqs) {
        const e = await store.getEvent(seq);
        if (e) out.set(seq, e);
      }
    return out;
  };

  const once = async (): Promise<number> => {
    const claimed = await store.outbox.claim(subscription, {
      owner,
      now: now(),
      leaseMs: s.leaseMs,
      limit: s.batchSize,
    });
    if (claimed.length === 0) return 0;
    const events = await eventsOf(claimed);
    for (const m of claimed) {
      const event = events.get(m.seq);
      if (!event) {
        await settle(m, { status: 'dead', error: `event ${m.seq} is not in the ledger` });
        continue;
      }
      if (m.attempts > s.maxAttempts) {
        // Leased more often than allowed without a settled outcome (its deliveries kept crashing).
        await settle(m, { status: 'dead', error: `gave up after ${s.maxAttempts} attempts` });
        continue;
      }
      try {
        await s.deliver({
          key: `${subscription}:${m.seq}`,
          topic: event.type,
          payload: event,
          subscription,
          seq: m.seq,
          attempt: m.attempts,
        });
        await settle(m, { status: 'delivered', at: now() });
      } catch (e) {
        try {
          s.onError?.(e, m);
        } catch {
          // A failing error hook must not stop the dispatcher.
        }
        const error = storableText(describe(e));
        if (isPermanent(e) || m.attempts >= s.maxAttempts) await settle(m, { status: 'dead', error });
        else
          await settle(m, {
            status: 'pending',
            nextAt: now() + backoff(m.attempts, retryAfterOf(e)),
            error,
          });
      }
    }
    return claimed.length;
  };

  /** Rounds until nothing is due; errors of the store itself are reported and retried on the next poll. */
  const drainNow = async (): Promise<number> => {
    let total = 0;
    for (;;) {
      const n = await once();
      total += n;
      if (n < s.batchSize) return total;
    }
  };

  const loop = async () => {
    while (running) {
      round = drainNow();
      try {
        await round;
      } catch (e) {
        try {
          s.onError?.(e, { subscription, seq: 0, type: '', status: 'pending', attempts: 0, nextAt: 0 });
        } catch {
          // ignored, as above
        }
      }
      if (!running) break;
      await new Promise<void>((resolve) => {
        wakeUp = resolve;
        timer = setTimeout(resolve, s.pollMs);
      });
      wakeUp = undefined;
    }
  };
  const done = loop();

  return {
    subscription,
    wake: () => wakeUp?.(),
    drain: async () => {
      if (!running)
        throw new LotgraphError(
          ErrorCodes.VALIDATION_FAILED,
          `outbox dispatcher ${subscription} is stopped`,
          {
            field: 'subscription',
          },
        );
      await round.catch(() => 0);
      round = drainNow();
      return round;
    },
    stop: async () => {
      running = false;
      if (timer) clearTimeout(timer);
      wakeUp?.();
      await round.catch(() => 0);
      await done;
    },
  };
}
