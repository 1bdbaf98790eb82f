import type { Store } from '../store/port.js';
import { GENESIS_HASH } from './events.js';
import { hashEvent } from './hashing.js';

/** Result of `verifyLedger()`: ok, or the first broken link. */
export type LedgerVerification = { ok: true; events: number } | { ok: false; seq: number; reason: string };

/**
 * Walk the ledger from seq 1, recomputing every hash and checking each `prevHash` link and the seq order.
 * Reports the first event whose stored row does not match what was hashed at append time.
 */
export async function verifyLedger(store: Store, pageSize = 1000): Promise<LedgerVerification> {
  let prev = GENESIS_HASH;
  let expectedSeq = 1;
  for (let from = 1; ; from += pageSize) {
    const events = await store.readEvents(from, pageSize);
    // Each event's hash covers only its own row (prevHash included), so a page hashes concurrently.
    const hashes = await Promise.all(events.map((e) => hashEvent(e)));
    for (const [i, e] of events.entries()) {
      if (e.seq !== expectedSeq)
        return { ok: false, seq: expectedSeq, reason: `seq ${expectedSeq} is missing (found ${e.seq})` };
      if (e.prevHash !== prev)
        return { ok: false, seq: e.seq, reason: 'prevHash does not match the previous event hash' };
      if (hashes[i] !== e.hash)
        return { ok: false, seq: e.seq, reason: 'stored content does not match its hash' };
      prev = e.hash;
      expectedSeq++;
    }
    if (events.length < pageSize) break;
  }
  const head = await store.head();
  if (head.seq !== expectedSeq - 1)
    return {
      ok: false,
      seq: expectedSeq,
      reason: `head seq ${head.seq} but ${expectedSeq - 1} events readable`,
    };
  if (head.hash !== prev)
    return { ok: false, seq: head.seq, reason: 'head hash does not match the last event' };
  return { ok: true, events: expectedSeq - 1 };
}
