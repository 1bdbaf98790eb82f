// The outbox dispatcher (issue #19 item 1) on MemoryStore: retries with backoff, permanent failures and
// exhausted attempts dead-lettered, replay, a crashed delivery's lease taken over, webhooks through it over
// real HTTP on 127.0.0.1. Time is the dispatcher's injected clock and `drain()`; nothing asserts durations.
import { createServer, type IncomingMessage } from 'node:http';
import {
  Lotgraph,
  LotgraphError,
  MemoryStore,
  type OutboxDelivery,
  verifyWebhook,
  WEBHOOK_HEADERS,
  webhookDelivery,
} from '@lotgraph/sdk';
import { afterEach, describe, expect, it } from 'vitest';

const closers: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});

async function open(store = new MemoryStore()) {
  const lg = await Lotgraph.open({ store });
  closers.push(() => lg.close());
  await lg.defineProduct({ id: 'flour', name: 'Flour', unit: 'kg', decimals: 3 });
  await lg.defineLocation({ id: 'WH', site: 'plant' });
  return { lg, store };
}
const receive = (lg: Lotgraph, lotId: string) =>
  lg.receive({ lotId, productId: 'flour', locationId: 'WH', quantity: '10' });

describe('outbox dispatcher', () => {
  it('delivers each wanted event once, retrying failures with backoff until they succeed', async () => {
    const { lg } = await open();
    let t = 1_000_000;
    const seen: OutboxDelivery[] = [];
    let failures = 2;
    const d = await lg.outbox.subscribe('erp', {
      types: ['received'],
      pollMs: 60_000, // only drain() and commits drive it here
      backoffMs: 1000,
      now: () => t,
      deliver: (m) => {
        seen.push(m);
        if ((m.payload.payload as { lot?: { id?: string } }).lot?.id === 'L2' && failures-- > 0)
          throw new Error('ERP busy');
      },
    });
    const e1 = await receive(lg, 'L1');
    const e2 = await receive(lg, 'L2');
    await lg.defineParty({ id: 'shop', name: 'Shop', roles: ['customer'] }); // not wanted
    await d.drain();
    expect(seen.map((m) => [m.key, m.topic, m.attempt])).toEqual([
      [`erp:${e1.seq}`, 'received', 1],
      [`erp:${e2.seq}`, 'received', 1],
    ]);
    // Not due before the backoff (at least half of 1 s) has passed.
    t += 499;
    await d.drain();
    expect(seen).toHaveLength(2);
    t += 1_000;
    await d.drain();
    t += 2_000;
    await d.drain();
    expect(seen.map((m) => [m.seq, m.attempt])).toEqual([
      [e1.seq, 1],
      [e2.seq, 1],
      [e2.seq, 2],
      [e2.seq, 3],
    ]);
    expect((await lg.outbox.list('erp')).map((m) => [m.seq, m.status, m.attempts])).toEqual([
      [e1.seq, 'delivered', 1],
      [e2.seq, 'delivered', 3],
    ]);
    expect(seen[0]?.payload).toEqual(e1);
  });

  it('dead-letters a permanent failure at once and a failing one after maxAttempts; replay delivers them', async () => {
    const { lg } = await open();
    let t = 0;
    let broken = true;
    const d = await lg.outbox.subscribe('hook', {
      pollMs: 60_000,
      maxAttempts: 3,
      backoffMs: 10,
      now: () => t,
      deliver: (m) => {
        if (!broken) return;
        if (m.topic === 'productDefined')
          throw new LotgraphError('VALIDATION_FAILED', 'refused', { retryable: false });
        throw new Error(`down (attempt ${m.attempt})`);
      },
    });
    await lg.defineProduct({ id: 'salt', name: 'Salt', unit: 'kg', decimals: 3 });
    const r = await receive(lg, 'L1');
    for (let i = 0; i < 5; i++) {
      await d.drain();
      t += 10_000;
    }
    const dead = await lg.outbox.list('hook', { status: 'dead' });
    expect(dead.map((m) => [m.type, m.attempts])).toEqual([
      ['productDefined', 1],
      ['received', 3],
    ]);
    expect(dead[1]?.lastError).toBe('Error: down (attempt 3)');
    broken = false;
    expect(await lg.outbox.replay('hook')).toBe(2);
    await d.drain();
    expect((await lg.outbox.list('hook', { seqs: [r.seq] }))[0]).toMatchObject({
      status: 'delivered',
      attempts: 1,
    });
    expect(await lg.outbox.list('hook', { status: 'dead' })).toEqual([]);
  });

  it('lets another dispatcher take over a delivery whose lease expired (at least once, same key)', async () => {
    const store = new MemoryStore();
    const a = await open(store);
    const b = await Lotgraph.open({ store });
    closers.push(() => b.close());
    let t = 0;
    const keysA: string[] = [];
    const keysB: string[] = [];
    let hang: (() => void) | undefined;
    const da = await a.lg.outbox.subscribe('w', {
      pollMs: 60_000,
      leaseMs: 1000,
      now: () => t,
      deliver: (m) => {
        keysA.push(m.key);
        // "Crashes": never returns (until the test lets it go), so its lease is never settled.
        return new Promise<void>((resolve) => {
          hang = resolve;
        });
      },
    });
    const first = await receive(a.lg, 'L1');
    const draining = da.drain();
    await expect.poll(() => keysA.length).toBe(1);
    const db = await b.outbox.subscribe('w', {
      pollMs: 60_000,
      now: () => t,
      deliver: (m) => {
        keysB.push(m.key);
      },
    });
    await db.drain();
    expect(keysB).toEqual([]); // a holds the lease
    t += 1000;
    await db.drain();
    expect(keysB).toEqual([`w:${first.seq}`]);
    expect(keysA).toEqual(keysB);
    hang?.();
    await draining;
    // a's late settle is refused: the message stays delivered once, by b, with 2 leases counted.
    expect(await a.lg.outbox.list('w')).toMatchObject([{ status: 'delivered', attempts: 2 }]);
  });

  it('is woken by this instance’s commits and stops on close', async () => {
    const { lg } = await open();
    const got: number[] = [];
    await lg.outbox.subscribe('live', { pollMs: 60_000, deliver: (m) => void got.push(m.seq) });
    const e = await receive(lg, 'L1');
    await expect.poll(() => got, { timeout: 5000 }).toEqual([e.seq]);
    await lg.close();
    await expect(lg.outbox.subscribe('live', { deliver: () => {} })).rejects.toMatchObject({
      code: 'STORE_CLOSED',
    });
  });

  it('raises expiry and low-stock alerts as events, once per day and query, and delivers them', async () => {
    const { lg, store } = await open();
    await lg.receive({
      lotId: 'E1',
      productId: 'flour',
      locationId: 'WH',
      quantity: '3',
      expiry: '2026-03-05',
    });
    await lg.receive({
      lotId: 'E2',
      productId: 'flour',
      locationId: 'WH',
      quantity: '4',
      expiry: '2026-09-01',
    });
    const got: OutboxDelivery[] = [];
    const d = await lg.outbox.subscribe('alerts', {
      types: ['alertRaised'],
      pollMs: 60_000,
      deliver: (m) => void got.push(m),
    });
    const first = await lg.alerts.raise({ kind: 'expiry', date: '2026-03-01', withinDays: 7 });
    expect(first?.payload).toMatchObject({
      kind: 'expiry',
      date: '2026-03-01',
      withinDays: 7,
      lots: [{ lotId: 'E1', quantity: '3.000', daysToExpiry: 4 }],
    });
    // The scheduler runs again the same day: the same event, nothing appended.
    const head = (await store.head()).seq;
    expect((await lg.alerts.raise({ kind: 'expiry', date: '2026-03-01', withinDays: 7 }))?.seq).toBe(
      first?.seq,
    );
    expect((await store.head()).seq).toBe(head);
    // Nothing expiring within 1 day, nothing low: no event.
    expect(await lg.alerts.raise({ kind: 'expiry', date: '2026-03-01', withinDays: 1 })).toBeUndefined();
    expect(
      await lg.alerts.raise({ kind: 'lowStock', date: '2026-03-01', thresholds: { flour: '5' } }),
    ).toBeUndefined();
    const low = await lg.alerts.raise({ kind: 'lowStock', date: '2026-03-01', thresholds: { flour: '100' } });
    expect(low?.payload).toMatchObject({
      kind: 'lowStock',
      products: [{ productId: 'flour', onHand: '7.000', threshold: '100.000' }],
    });
    await d.drain();
    expect(got.map((m) => m.seq)).toEqual([first?.seq, low?.seq]);
    // Later that day nothing is expiring any more: a repeat call still answers the day's recorded alert.
    await lg.adjust({ lotId: 'E1', locationId: 'WH', delta: '-3', reasonCode: 'DAMAGE' });
    expect((await lg.alerts.raise({ kind: 'expiry', date: '2026-03-01', withinDays: 7 }))?.seq).toBe(
      first?.seq,
    );
    await expect(lg.alerts.raise({ kind: 'soon', date: '2026-03-01' } as never)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
    });
    const err = await lg.alerts
      .raise({ kind: 'expiry', date: '2026-03-01', withinDays: 7, within: 1 } as never)
      .catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(String((err as Error).message)).toContain('within');
  });

  it('refuses bad options and a second dispatcher of one subscription, naming the field', async () => {
    const { lg } = await open();
    const bad = async (opts: unknown, field: string) => {
      const err = await lg.outbox.subscribe('x', opts as never).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(LotgraphError);
      expect((err as LotgraphError).code).toBe('VALIDATION_FAILED');
      expect((err as LotgraphError).message).toContain(field);
    };
    await bad({}, 'deliver');
    await bad({ deliver: () => {}, maxAttempts: 0 }, 'maxAttempts');
    await bad({ deliver: () => {}, types: ['nope'] }, 'types');
    await bad({ deliver: () => {}, retries: 3 }, 'retries');
    const ok = await lg.outbox.subscribe('x', { deliver: () => {}, pollMs: 60_000 });
    await bad({ deliver: () => {} }, 'subscription');
    await ok.stop();
    // A store without the capability: a typed error naming the store.
    const plain = new MemoryStore();
    Object.defineProperty(plain, 'outbox', { value: undefined });
    const other = await Lotgraph.open({ store: plain });
    closers.push(() => other.close());
    const err = await other.outbox.subscribe('x', { deliver: () => {} }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'store' } });
  });

  it('sends webhooks through the outbox: signed, one POST per attempt, 503 retried, 410 dead', async () => {
    const { lg } = await open();
    const SECRET = 'whsec_0123456789abcdef';
    const hits: { headers: IncomingMessage['headers']; body: string }[] = [];
    let status = 503;
    const server = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => {
        body += c;
      });
      req.on('end', () => {
        hits.push({ headers: req.headers, body });
        res.writeHead(status, status === 503 ? { 'retry-after': '1' } : {}).end();
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    closers.push(() => new Promise<void>((r) => server.close(() => r())));
    const { port } = server.address() as { port: number };
    let t = Date.now();
    const d = await lg.outbox.subscribe('wms', {
      types: ['received'],
      pollMs: 60_000,
      now: () => t,
      deliver: webhookDelivery({ url: `http://127.0.0.1:${port}/hook`, secret: SECRET, now: () => t }),
    });
    const e = await receive(lg, 'L1');
    await d.drain();
    expect(hits).toHaveLength(1);
    t += 999; // Retry-After: 1 s
    await d.drain();
    expect(hits).toHaveLength(1);
    status = 200;
    t += 1;
    await d.drain();
    expect(hits).toHaveLength(2);
    const last = hits[1] as (typeof hits)[number];
    expect(last.headers[WEBHOOK_HEADERS.attempt]).toBe('2');
    expect(
      verifyWebhook(SECRET, last.headers as Record<string, string>, last.body, { now: () => t }),
    ).toEqual(e);
    status = 410;
    await receive(lg, 'L2');
    await d.drain();
    expect((await lg.outbox.list('wms', { status: 'dead' })).map((m) => m.lastError)).toEqual([
      expect.stringContaining('HTTP 410'),
    ]);
  });
});
