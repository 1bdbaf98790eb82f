/**
 * Delivering committed events to `lg.on` subscribers, in ledger order, each once. Emission never fails a
 * command: a failing read or subscriber goes to the error hook and undelivered events go out next time.
 *
 * @module
 */
import type { EventHandler } from '../alerts/webhook.js';
import type { Store } from '../store/port.js';
import type { EventType, StoredEvent } from './events.js';

/** Where an emission failure is reported. */
export type EmitErrorHook = (
  error: unknown,
  context: { source: 'subscriber' | 'emit'; event?: StoredEvent },
) => void;

/** The subscribers of one Lotgraph instance. */
export class EventEmitter {
  private readonly handlers = new Map<string, Set<EventHandler>>();
  private emittedSeq = -1;
  private emitting: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: Store,
    private readonly indexedSeq: () => number,
    private readonly report: EmitErrorHook,
  ) {}

  /** Add a handler for a type (or `'*'`); returns the unsubscribe function. */
  on(type: EventType | '*', handler: EventHandler): () => void {
    if (this.emittedSeq < 0) this.emittedSeq = this.indexedSeq();
    const set = this.handlers.get(type) ?? new Set<EventHandler>();
    this.handlers.set(type, set);
    set.add(handler);
    return () => set.delete(handler);
  }

  /**
   * Deliver committed events to subscribers. Never rejects: the commands whose events these are have
   * committed, so a failing read or subscriber goes to `onError`, and the events not yet delivered are
   * retried by the next emit.
   */
  emit(): Promise<void> {
    if (this.handlers.size === 0) return Promise.resolve();
    this.emitting = this.emitting.then(async () => {
      let events: StoredEvent[];
      try {
        events = await this.store.readEvents(this.emittedSeq + 1);
      } catch (e) {
        this.report(e, { source: 'emit' });
        return;
      }
      for (const e of events) {
        this.emittedSeq = e.seq;
        for (const h of [...(this.handlers.get(e.type) ?? []), ...(this.handlers.get('*') ?? [])]) {
          try {
            await h(e);
          } catch (err) {
            this.report(err, { source: 'subscriber', event: e });
          }
        }
      }
    });
    return this.emitting;
  }
}
