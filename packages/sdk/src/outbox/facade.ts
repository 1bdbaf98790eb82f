import * as z from 'zod';
import { FunctionArg } from '../domain/args.js';
import { parseInput } from '../domain/validate.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import { EVENT_TYPES } from '../ledger/events.js';
import type { LotgraphHost } from '../ledger/host.js';
import { checkOutboxFilter, checkOutboxName, checkOutboxTypes } from '../store/outbox-checks.js';
import type { OutboxFilter, OutboxMessage, OutboxPort, OutboxSubscription } from '../store/outbox-port.js';
import type { Store } from '../store/port.js';
import { type OutboxDelivery, type OutboxDispatcher, startDispatcher } from './dispatcher.js';

/** Options of `lg.outbox.subscribe`. */
export interface OutboxSubscribeOptions {
  /** Event types to deliver (default every type: `['*']`). */
  types?: readonly string[];
  /** Deliver one message; throw to retry later (`retryable: false` on the error: dead at once). */
  deliver: (message: OutboxDelivery) => Promise<void> | void;
  /** Attempts before a message is dead (1–100, default 10). */
  maxAttempts?: number;
  /** First retry delay (default 1,000 ms), doubling, with jitter, at most `maxBackoffMs` (default 300,000). */
  backoffMs?: number;
  maxBackoffMs?: number;
  /** How long a claimed message is this dispatcher's (default 60,000 ms): longer than one delivery takes. */
  leaseMs?: number;
  /** Messages claimed per round (default 20). */
  batchSize?: number;
  /** Look for due messages at least this often (default 1,000 ms; commits of this instance wake it at once). */
  pollMs?: number;
  /** Clock in ms (default `Date.now`). */
  now?: () => number;
  /** Told about every failed delivery and store error (the dispatcher keeps going). */
  onError?: (error: unknown, message: OutboxMessage) => void;
}

const Ms = (max: number, def: number) => z.number().int().min(1).max(max).default(def);
const SubscribeShape = z.strictObject({
  types: z
    .array(z.enum(['*', ...EVENT_TYPES]))
    .min(1)
    .optional(),
  deliver: FunctionArg,
  maxAttempts: z.number().int().min(1).max(100).default(10),
  backoffMs: Ms(86_400_000, 1000),
  maxBackoffMs: Ms(86_400_000, 300_000),
  leaseMs: Ms(86_400_000, 60_000),
  batchSize: z.number().int().min(1).max(1000).default(20),
  pollMs: z.number().int().min(10).max(86_400_000).default(1000),
  now: FunctionArg.optional(),
  onError: FunctionArg.optional(),
});

/** `lg.outbox`: see {@link Lotgraph}. */
export function outboxFacade(h: LotgraphHost) {
  const running = new Map<string, OutboxDispatcher & { wake(): void; now(): number }>();
  let closed = false;
  h.onClose(async () => {
    closed = true;
    await Promise.all([...running.values()].map((d) => d.stop()));
  });
  const port = (): OutboxPort => {
    const o = h.store.outbox;
    if (!o)
      throw new LotgraphError(ErrorCodes.VALIDATION_FAILED, `store: ${h.store.name} has no outbox`, {
        field: 'store',
      });
    return o;
  };
  return {
    /**
     * Register the durable subscription `name` (events committed from now on get messages, in the same
     * transaction) and run this instance's dispatcher for it. Any number of processes may dispatch the
     * same subscription: each message is delivered at least once; deduplicate by `message.key`.
     */
    async subscribe(name: string, options: OutboxSubscribeOptions): Promise<OutboxDispatcher> {
      checkOutboxName(name);
      const o = parseInput(SubscribeShape, options, 'outbox.subscribe');
      if (running.has(name))
        throw new LotgraphError(
          ErrorCodes.VALIDATION_FAILED,
          `subscription: "${name}" already has a dispatcher in this instance`,
          { field: 'subscription' },
        );
      if (closed)
        throw new LotgraphError(ErrorCodes.STORE_CLOSED, 'this Lotgraph instance is closed', {
          field: 'lotgraph',
        });
      const outbox = port();
      await outbox.register(name, o.types ?? ['*']);
      const settings = {
        deliver: o.deliver as OutboxSubscribeOptions['deliver'],
        maxAttempts: o.maxAttempts,
        backoffMs: o.backoffMs,
        maxBackoffMs: Math.max(o.maxBackoffMs, o.backoffMs),
        leaseMs: o.leaseMs,
        batchSize: o.batchSize,
        pollMs: o.pollMs,
        now: (o.now as (() => number) | undefined) ?? Date.now,
        onError: o.onError as OutboxSubscribeOptions['onError'],
      };
      const d = startDispatcher(h.store as Store & { outbox: OutboxPort }, name, settings);
      const off = h.onCommit(() => d.wake());
      const handle = {
        subscription: name,
        wake: () => d.wake(),
        now: () => Math.floor(settings.now()),
        drain: () => d.drain(),
        stop: async () => {
          off();
          running.delete(name);
          await d.stop();
        },
      };
      running.set(name, handle);
      return handle;
    },
    /** Register (or update the types of) a subscription without dispatching it here. */
    register: (name: string, types: readonly string[] = ['*']): Promise<OutboxSubscription> =>
      port().register(checkOutboxName(name), checkOutboxTypes(types)),
    /** Every registered subscription. */
    subscriptions: (): Promise<OutboxSubscription[]> => port().subscriptions(),
    /** Messages of a subscription, e.g. `{ status: 'dead' }`. */
    list: (name: string, filter: OutboxFilter = {}): Promise<OutboxMessage[]> =>
      port().list(checkOutboxName(name), checkOutboxFilter(filter)),
    /** Deliver matching messages again (default: every dead one); returns how many were re-queued. */
    replay: async (name: string, filter: OutboxFilter = { status: 'dead' }): Promise<number> => {
      // Due now by the clock of this instance's dispatcher of `name`, if it runs one.
      const now = running.get(name)?.now() ?? Date.now();
      const n = await port().replay(checkOutboxName(name), checkOutboxFilter(filter), now);
      running.get(name)?.wake();
      return n;
    },
  };
}
