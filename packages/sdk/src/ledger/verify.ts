import * as z from 'zod';
import { checkArgs, StoreArg } from '../domain/args.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { Store } from '../store/port.js';
import { GENESIS_HASH, type StoredEvent } from './events.js';
import { hashEvent } from './hashing.js';

/** Result of `verifyLedger()`: ok, or the first broken link. */
export type LedgerVerification = { ok: true; events: number } | { ok: false; seq: number; reason: string };

/**
 * A ledger position to keep somewhere the store's writers cannot reach (another database, a signed log, a
 * printed audit record): `lg.ledgerCheckpoint()` returns it; `verifyLedger(store, { checkpoint })` checks
 * that the ledger still holds exactly that event at that seq.
 */
export interface LedgerCheckpoint {
  seq: number;
  hash: string;
}

/** Options of {@link verifyLedger}. */
export interface VerifyLedgerOptions {
  /** Events read per page (default 1000). */
  pageSize?: number;
  /** Checkpoints taken earlier: each must still match (same hash at the same seq, not beyond the head). */
  checkpoints?: readonly LedgerCheckpoint[];
}

/** Read a page; a row the store cannot decode (e.g. a payload that is not JSON) is a tampered row. */
async function readPage(
  store: Store,
  from: number,
  size: number,
): Promise<{ events: StoredEvent[] } | { badSeq: number; error: unknown }> {
  try {
    return { events: await store.readEvents(from, size) };
  } catch (error) {
    // Find the exact row: read the page one event at a time.
    const events: StoredEvent[] = [];
    for (let seq = from; seq < from + size; seq++) {
      try {
        const one = await store.readEvents(seq, 1);
        if (one.length === 0) break;
        events.push(...one);
      } catch (e) {
        return { badSeq: seq, error: e };
      }
    }
    return { badSeq: from + events.length, error };
  }
}

/**
 * Walk the ledger from seq 1, recomputing every hash and checking each `prevHash` link, the seq order and
 * the store's head. Reports the first event whose stored row does not match what was hashed at append
 * time — exactly that seq, also when its own hash was recomputed after the edit (the next event still
 * links to the original hash, and its own hash proves that link is the original one).
 *
 * What a hash chain alone cannot detect: someone with write access to the store who rewrites an event
 * *and* recomputes every later hash and the head, or who removes the newest events together with the head.
 * Keep a {@link LedgerCheckpoint} elsewhere and pass it in `checkpoints` to detect both.
 */
export async function verifyLedger(
  store: Store,
  options: VerifyLedgerOptions | number = {},
): Promise<LedgerVerification> {
  checkArgs(
    'verifyLedger',
    {
      store: StoreArg,
      options: z.union([
        z.number().int().min(1).max(100_000),
        z.strictObject({
          pageSize: z.number().int().min(1).max(100_000).optional(),
          checkpoints: z
            .array(z.strictObject({ seq: z.number().int().min(0), hash: z.string().regex(/^[0-9a-f]{64}$/) }))
            .max(10_000)
            .optional(),
        }),
      ]),
    },
    { store, options },
  );
  const opts = typeof options === 'number' ? { pageSize: options } : options;
  const pageSize = opts.pageSize ?? 1000;
  const wanted = new Map((opts.checkpoints ?? []).map((c) => [c.seq, c.hash]));
  let prev = GENESIS_HASH;
  let prevEvent: StoredEvent | undefined;
  let expectedSeq = 1;
  let pending: { seq: number; hash: string } | undefined;
  const settle = (p: { seq: number }, laterLinksToIt: boolean): LedgerVerification => ({
    ok: false,
    seq: laterLinksToIt ? p.seq - 1 : p.seq,
    reason: 'stored content was changed and its hash recomputed (the next link names the original hash)',
  });
  for (let from = 1; ; from += pageSize) {
    const page = await readPage(store, from, pageSize);
    if ('badSeq' in page) {
      const why = page.error instanceof Error ? page.error.message : String(page.error);
      return { ok: false, seq: page.badSeq, reason: `stored row cannot be read back (${why})` };
    }
    const { events } = page;
    // Each event's hash covers only its own row (prevHash included), so a page hashes concurrently.
    const hashes = await Promise.all(events.map((e) => hashEvent(e)));
    for (const [i, e] of events.entries()) {
      if (e.seq !== expectedSeq)
        return { ok: false, seq: expectedSeq, reason: `seq ${expectedSeq} is missing (found ${e.seq})` };
      const selfOk = hashes[i] === e.hash;
      if (pending) return settle(pending, e.prevHash === pending.hash);
      if (e.prevHash !== prev) {
        if (!selfOk || !prevEvent)
          return { ok: false, seq: e.seq, reason: 'prevHash does not match the previous event hash' };
        // Both this event and its predecessor hash correctly, yet do not link: one of them was rewritten
        // with its hash recomputed. The next link (or the head) tells which: if it still names this
        // event's hash, this event is original and the predecessor was rewritten.
        pending = { seq: e.seq, hash: e.hash };
      }
      if (!selfOk) return { ok: false, seq: e.seq, reason: 'stored content does not match its hash' };
      const anchored = wanted.get(e.seq);
      if (anchored !== undefined && anchored !== e.hash)
        return { ok: false, seq: e.seq, reason: 'event does not match the checkpoint taken at this seq' };
      prev = e.hash;
      prevEvent = e;
      expectedSeq++;
    }
    if (events.length < pageSize) break;
  }
  const last = expectedSeq - 1;
  const head = await store.head();
  if (pending) return settle(pending, head.hash === pending.hash);
  if (head.seq !== last)
    return {
      ok: false,
      seq: head.seq > last ? expectedSeq : head.seq + 1,
      reason: `head seq ${head.seq} but ${last} events readable`,
    };
  if (head.hash !== prev)
    return {
      ok: false,
      seq: head.seq,
      reason: 'stored content was changed and its hash recomputed (the head names the original hash)',
    };
  for (const seq of wanted.keys()) {
    if (seq > last)
      return {
        ok: false,
        seq: last + 1,
        reason: `checkpoint at seq ${seq} is beyond the last event (${last})`,
      };
  }
  return { ok: true, events: last };
}

/** Throw `LEDGER_TAMPERED` (with `seq` and `reason`) for a failed verification. */
export function assertVerified(v: LedgerVerification): void {
  if (v.ok) return;
  throw new LotgraphError(ErrorCodes.LEDGER_TAMPERED, `ledger broken at seq ${v.seq}: ${v.reason}`, {
    seq: v.seq,
    reason: v.reason,
  });
}
