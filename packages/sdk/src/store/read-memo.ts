/**
 * Point reads memoised for one decide-and-append attempt. Within an attempt the store does not change
 * under the command (the writer lock is held; without one, the append's seq check refuses a decision made
 * on stale reads), so a product, location, lot or stock row read twice — by `decide` and again by the
 * projection, or by every command of a batch — is fetched once. Only for stores whose reads cross a
 * network (`Store.memoiseReads`); every caller still gets its own copy.
 *
 * @module
 */
import type { Store } from './port.js';

const POINT_READS = new Set([
  'getProduct',
  'findProductByGtin',
  'getParty',
  'getLocation',
  'getLot',
  'getStock',
  'getHold',
  'getReservation',
  'getRecord',
  'getShipment',
  'getDocument',
  'getTestResult',
  'findEventByIdempotencyKey',
]);

const keyOf = (method: string, args: unknown[]) =>
  `${method}\u0000${JSON.stringify(args, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v))}`;

/** A view of `store` whose point reads are fetched once for the life of the view. */
export function memoiseReads(store: Store): Store {
  const cache = new Map<string, Promise<unknown>>();
  return new Proxy(store, {
    get(target, prop) {
      const value = Reflect.get(target, prop, target) as unknown;
      if (typeof value !== 'function') return value;
      if (typeof prop !== 'string' || !POINT_READS.has(prop)) return value.bind(target);
      return (...args: unknown[]) => {
        const key = keyOf(prop, args);
        let pending = cache.get(key);
        if (!pending) {
          pending = (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
          cache.set(key, pending);
          pending.catch(() => cache.delete(key)); // a failed read is retried, not remembered
        }
        return pending.then((r) => structuredClone(r));
      };
    },
  });
}
