import type { Store } from '../store/port.js';
import type { StoredEvent } from './events.js';

/** Iterate the ledger from `fromSeq` in pages of `pageSize` events (never one giant array). */
export async function* iterateEvents(store: Store, fromSeq = 1, pageSize = 1000): AsyncIterable<StoredEvent> {
  for (let from = fromSeq; ; from += pageSize) {
    const events = await store.readEvents(from, pageSize);
    yield* events;
    if (events.length < pageSize) return;
  }
}
