import { beforeEach, describe, expect, it } from 'vitest';
import type { EventType } from '../ledger/events.js';
import { expectCode, makeTestEvent, product, type SuiteState } from './conformance-kit.js';
import type { OutboxPort } from './outbox-port.js';
import type { Store } from './port.js';

/** Store conformance: the transactional outbox (stores that offer `outbox`). */
export function outboxConformance(s: SuiteState): void {
  let store: Store;
  let outbox: OutboxPort;
  beforeEach(() => {
    store = s.store;
    outbox = store.outbox as OutboxPort;
  });
  /** Append one event of `type` (its own key) and return its seq. */
  const append = async (type: EventType, key: string) => {
    const h = await store.head();
    const ev = await makeTestEvent(h.seq + 1, h.hash, key, type);
    await store.append({ expectedSeq: h.seq, events: [ev], changes: [] });
    return h.seq + 1;
  };
  const seqsOf = async (name: string, filter = {}) => (await outbox.list(name, filter)).map((m) => m.seq);

  describe('outbox', () => {
    it('records a message per wanted event in the append itself, from registration on', async (ctx) => {
      if (!store.outbox) return ctx.skip();
      await append('shipped', 'before');
      const erp = await outbox.register('erp', ['shipped', 'received']);
      expect(erp).toEqual({ name: 'erp', types: ['received', 'shipped'], fromSeq: 1 });
      await outbox.register('all', ['*']);
      const s2 = await append('shipped', 'a');
      const s3 = await append('adjusted', 'b');
      const s4 = await append('received', 'c');
      expect(await seqsOf('erp')).toEqual([s2, s4]);
      expect(await seqsOf('all')).toEqual([s2, s3, s4]);
      expect((await outbox.list('erp'))[0]).toEqual({
        subscription: 'erp',
        seq: s2,
        type: 'shipped',
        status: 'pending',
        attempts: 0,
        nextAt: 0,
      });
      // Registering again keeps fromSeq; new types apply from then on.
      expect(await outbox.register('erp', ['adjusted'])).toEqual({
        name: 'erp',
        types: ['adjusted'],
        fromSeq: 1,
      });
      const s5 = await append('adjusted', 'd');
      expect(await seqsOf('erp')).toEqual([s2, s4, s5]);
      expect((await outbox.subscriptions()).map((x) => x.name)).toEqual(['all', 'erp']);
      // A refused append records nothing.
      const h = await store.head();
      const dup = await makeTestEvent(h.seq + 1, h.hash, 'a', 'adjusted');
      await expectCode(store.append({ expectedSeq: h.seq, events: [dup], changes: [] }), 'CONFLICT');
      expect(await seqsOf('all')).toEqual([s2, s3, s4, s5]);
      // A batch of several events: one message each.
      const e1 = await makeTestEvent(h.seq + 1, h.hash, 'x1', 'adjusted');
      const e2 = await makeTestEvent(h.seq + 2, e1.hash, 'x2', 'shipped');
      await store.append({
        expectedSeq: h.seq,
        events: [e1, e2],
        changes: [{ type: 'putProduct', product: product('P') }],
      });
      expect(await seqsOf('all')).toEqual([s2, s3, s4, s5, h.seq + 1, h.seq + 2]);
    });

    it('leases due messages to one owner at a time; an expired lease passes to another', async (ctx) => {
      if (!store.outbox) return ctx.skip();
      await outbox.register('w', ['*']);
      const a = await append('shipped', 'a');
      const b = await append('shipped', 'b');
      const c = await append('shipped', 'c');
      const t = 1_000_000;
      const first = await outbox.claim('w', { owner: 'p1', now: t, leaseMs: 100, limit: 2 });
      expect(first.map((m) => [m.seq, m.attempts])).toEqual([
        [a, 1],
        [b, 1],
      ]);
      // p2 sees only what p1 does not hold.
      expect(
        (await outbox.claim('w', { owner: 'p2', now: t, leaseMs: 100, limit: 10 })).map((m) => m.seq),
      ).toEqual([c]);
      expect(await outbox.claim('w', { owner: 'p3', now: t + 99, leaseMs: 100, limit: 10 })).toEqual([]);
      expect(await outbox.settle('w', a, 'p1', { status: 'delivered', at: t + 5 })).toBe(true);
      // p1's lease of b expires; p3 takes it over, and p1 can no longer settle it.
      const taken = await outbox.claim('w', { owner: 'p3', now: t + 100, leaseMs: 100, limit: 10 });
      expect(taken.map((m) => [m.seq, m.attempts])).toEqual([
        [b, 2],
        [c, 2],
      ]);
      expect(await outbox.settle('w', b, 'p1', { status: 'delivered', at: t + 101 })).toBe(false);
      expect(
        await outbox.settle('w', b, 'p3', { status: 'pending', nextAt: t + 500, error: 'HTTP 503' }),
      ).toBe(true);
      expect(await outbox.settle('w', c, 'p3', { status: 'dead', error: 'HTTP 410 Gone' })).toBe(true);
      expect(await outbox.settle('w', c, 'p3', { status: 'delivered', at: t })).toBe(false);
      // b is not due before its nextAt.
      expect(await outbox.claim('w', { owner: 'p1', now: t + 499, leaseMs: 100, limit: 10 })).toEqual([]);
      expect(await outbox.list('w', { status: 'delivered' })).toEqual([
        {
          subscription: 'w',
          seq: a,
          type: 'shipped',
          status: 'delivered',
          attempts: 1,
          nextAt: 0,
          deliveredAt: t + 5,
        },
      ]);
      expect(await outbox.list('w', { status: 'dead' })).toMatchObject([
        { seq: c, status: 'dead', attempts: 2, lastError: 'HTTP 410 Gone' },
      ]);
      expect(await outbox.list('w', { status: 'pending' })).toMatchObject([
        { seq: b, attempts: 2, nextAt: t + 500, lastError: 'HTTP 503' },
      ]);
      // Replay the dead one: pending, due now, attempts reset.
      expect(await outbox.replay('w', { status: 'dead' }, t + 200)).toBe(1);
      const again = await outbox.claim('w', { owner: 'p2', now: t + 200, leaseMs: 100, limit: 10 });
      expect(again.map((m) => [m.seq, m.attempts])).toEqual([[c, 1]]);
      expect(await seqsOf('w', { afterSeq: a, limit: 1 })).toEqual([b]);
      expect(await seqsOf('w', { seqs: [c, a] })).toEqual([a, c]);
    });

    it('refuses bad arguments with VALIDATION_FAILED naming the field', async (ctx) => {
      if (!store.outbox) return ctx.skip();
      await expectCode(outbox.register('a\u0000b', ['*']), 'VALIDATION_FAILED');
      await expectCode(outbox.register('x', ['nope']), 'VALIDATION_FAILED');
      await expectCode(outbox.register('x', []), 'VALIDATION_FAILED');
      await outbox.register('x', ['*']);
      await expectCode(outbox.list('x', { status: 'gone' } as never), 'VALIDATION_FAILED');
      await expectCode(outbox.list('x', { colour: 1 } as never), 'VALIDATION_FAILED');
      const err = await expectCode(
        outbox.claim('x', { owner: 'p', now: -1, leaseMs: 10, limit: 1 }),
        'VALIDATION_FAILED',
      );
      expect(err.message).toContain('now');
      await expectCode(outbox.settle('x', 1, 'p', { status: 'later' } as never), 'VALIDATION_FAILED');
      await expectCode(outbox.replay('x', {}, Number.NaN), 'VALIDATION_FAILED');
    });
  });
}
