// Webhooks (issue #14 case 11): signed over timestamp + event id + body, verified in constant time with a
// tolerance, 4xx not retried (but 408/429), a timeout per attempt, redirects never followed, strong secrets.
// Real HTTP servers on 127.0.0.1; assertions on counts and outcomes, never on durations.
import { createHmac } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import {
  isLotgraphError,
  LotgraphError,
  type StoredEvent,
  signWebhook,
  verifyWebhook,
  WEBHOOK_HEADERS,
  webhookEventId,
  webhookSender,
} from '@lotgraph/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { bakery } from './helpers.js';

const SECRET = 'whsec_0123456789abcdef';

interface Hit {
  headers: IncomingMessage['headers'];
  body: string;
}

const servers: { close(): void }[] = [];
afterEach(() => {
  for (const s of servers.splice(0)) s.close();
});

/** A server answering with `answer(hitIndex)`; 'hang' never answers. Resolves to its URL and hits. */
async function serve(answer: (i: number, res: ServerResponse) => number | 'hang', path = '/hooks') {
  const hits: Hit[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      hits.push({ headers: req.headers, body });
      const status = answer(hits.length - 1, res);
      if (status === 'hang') return;
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  servers.push({ close: () => server.close() });
  server.on('connection', (s) => servers.push({ close: () => s.destroy() }));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}${path}`, hits };
}

async function events(): Promise<StoredEvent[]> {
  const { lg, store } = await bakery();
  await lg.receive({ lotId: 'A', productId: 'flour', locationId: 'WH', quantity: '5' });
  await lg.hold({ holdId: 'H', lotId: 'A', reasonCode: 'complaint' });
  await lg.release({ holdId: 'H' });
  return (await store.readEvents(1)).filter((e) => e.type === 'held' || e.type === 'released');
}

describe('webhookSender', () => {
  it('signs timestamp.eventId.body, and verifyWebhook accepts exactly that', async () => {
    const { url, hits } = await serve(() => 204);
    const hook = webhookSender({ url, secret: SECRET, backoffMs: 1 });
    const evs = await events();
    for (const e of evs) hook(e);
    await hook.flush();
    expect(hits).toHaveLength(2);
    for (const [i, hit] of hits.entries()) {
      const ts = String(hit.headers[WEBHOOK_HEADERS.timestamp]);
      const id = String(hit.headers[WEBHOOK_HEADERS.eventId]);
      expect(id).toBe(webhookEventId(evs[i]!));
      const mac = createHmac('sha256', SECRET).update(`${ts}.${id}.${hit.body}`).digest('hex');
      expect(hit.headers[WEBHOOK_HEADERS.signature]).toBe(`v1=${mac}`);
      expect(verifyWebhook(SECRET, hit.headers as Record<string, string>, hit.body)).toEqual(evs[i]);
      // A Headers instance works as well.
      const h = new Headers(Object.entries(hit.headers).map(([k, v]): [string, string] => [k, String(v)]));
      expect(verifyWebhook(SECRET, h, hit.body).seq).toBe(evs[i]!.seq);
    }
  });

  it('verifyWebhook refuses a tampered body, timestamp or event id, a wrong secret and stale or future requests', async () => {
    const [e] = await events();
    const body = JSON.stringify(e);
    const now = 1_800_000_000_000;
    const ts = String(now / 1000);
    const id = webhookEventId(e!);
    const headers = {
      [WEBHOOK_HEADERS.timestamp]: ts,
      [WEBHOOK_HEADERS.eventId]: id,
      [WEBHOOK_HEADERS.signature]: signWebhook(SECRET, ts, id, body),
    };
    const at = { now: () => now };
    expect(verifyWebhook(SECRET, headers, body, at).seq).toBe(e!.seq);
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(isLotgraphError(err, 'VALIDATION_FAILED')).toBe(true);
        return (err as LotgraphError).details.field;
      }
      throw new Error('expected a rejection');
    };
    expect(field(() => verifyWebhook(SECRET, headers, body.replace('"held"', '"released"'), at))).toBe(
      WEBHOOK_HEADERS.signature,
    );
    expect(
      field(() =>
        verifyWebhook(SECRET, { ...headers, [WEBHOOK_HEADERS.timestamp]: String(now / 1000 + 1) }, body, at),
      ),
    ).toBe(WEBHOOK_HEADERS.signature);
    expect(
      field(() => verifyWebhook(SECRET, { ...headers, [WEBHOOK_HEADERS.eventId]: `${id}x` }, body, at)),
    ).toBe(WEBHOOK_HEADERS.signature);
    expect(field(() => verifyWebhook('another-secret-0123', headers, body, at))).toBe(
      WEBHOOK_HEADERS.signature,
    );
    expect(field(() => verifyWebhook(SECRET, headers, body, { now: () => now + 301_000 }))).toBe(
      WEBHOOK_HEADERS.timestamp,
    );
    expect(field(() => verifyWebhook(SECRET, headers, body, { now: () => now - 301_000 }))).toBe(
      WEBHOOK_HEADERS.timestamp,
    );
    expect(verifyWebhook(SECRET, headers, body, { now: () => now + 600_000, toleranceS: 900 }).seq).toBe(
      e!.seq,
    );
    const { [WEBHOOK_HEADERS.signature]: _s, ...unsigned } = headers;
    expect(field(() => verifyWebhook(SECRET, unsigned, body, at))).toBe(WEBHOOK_HEADERS.signature);
    // A correctly signed request whose id names another event than its body.
    const other = {
      ...headers,
      [WEBHOOK_HEADERS.eventId]: '99-0000',
      [WEBHOOK_HEADERS.signature]: signWebhook(SECRET, ts, '99-0000', body),
    };
    expect(field(() => verifyWebhook(SECRET, other, body, at))).toBe(WEBHOOK_HEADERS.eventId);
  });

  it('does not retry a 400 but retries 408, 429 and 5xx until accepted, in ledger order', async () => {
    const plan = [400, 408, 429, 503, 204];
    const { url, hits } = await serve((i) => plan[i] ?? 204);
    const failures: LotgraphError[] = [];
    const hook = webhookSender({
      url,
      secret: SECRET,
      backoffMs: 1,
      onFailure: (_e, err) => failures.push(err),
    });
    const [held, released] = await events();
    hook(held!);
    hook(released!);
    await hook.flush();
    expect(hits.map((h) => h.headers[WEBHOOK_HEADERS.eventId])).toEqual([
      webhookEventId(held!),
      ...Array(4).fill(webhookEventId(released!)),
    ]);
    expect(hits.map((h) => h.headers[WEBHOOK_HEADERS.attempt])).toEqual(['1', '1', '2', '3', '4']);
    expect(failures).toHaveLength(1);
    expect(failures[0]!.code).toBe('WEBHOOK_FAILED');
    expect(failures[0]!.details).toMatchObject({ seq: held!.seq, attempts: 1, status: 400 });
  });

  it('retries a 500 until the attempts run out, then reports WEBHOOK_FAILED with status and attempts', async () => {
    const { url, hits } = await serve(() => 500);
    const failures: [StoredEvent, LotgraphError][] = [];
    const hook = webhookSender({
      url,
      secret: SECRET,
      attempts: 3,
      backoffMs: 1,
      onFailure: (e, err) => failures.push([e, err]),
    });
    const [held] = await events();
    hook(held!);
    await hook.flush();
    expect(hits.map((h) => h.headers[WEBHOOK_HEADERS.attempt])).toEqual(['1', '2', '3']);
    expect(new Set(hits.map((h) => h.headers[WEBHOOK_HEADERS.eventId]))).toEqual(
      new Set([webhookEventId(held!)]),
    );
    // Every attempt is signed afresh and verifies.
    for (const h of hits) expect(verifyWebhook(SECRET, h.headers, h.body).seq).toBe(held!.seq);
    expect(failures).toHaveLength(1);
    expect(failures[0]![0]).toEqual(held);
    expect(failures[0]![1]).toBeInstanceOf(LotgraphError);
    expect(failures[0]![1].details).toMatchObject({ seq: held!.seq, attempts: 3, status: 500 });
  });

  it('honours Retry-After over its own backoff, capped by maxBackoffMs', async () => {
    // With an hour of backoff, only Retry-After: 0 lets the second attempt come at once…
    const first = await serve((i, res) => {
      if (i > 0) return 204;
      res.setHeader('retry-after', '0');
      return 429;
    });
    const hook = webhookSender({
      url: first.url,
      secret: SECRET,
      backoffMs: 3_600_000,
      maxBackoffMs: 3_600_000,
    });
    const [held, released] = await events();
    hook(held!);
    await hook.flush();
    expect(first.hits.map((h) => h.headers[WEBHOOK_HEADERS.attempt])).toEqual(['1', '2']);
    // …and an hour of Retry-After is cut to maxBackoffMs.
    const second = await serve((i, res) => {
      if (i > 0) return 204;
      res.setHeader('retry-after', '3600');
      return 503;
    });
    const capped = webhookSender({ url: second.url, secret: SECRET, backoffMs: 1, maxBackoffMs: 1 });
    capped(released!);
    await capped.flush();
    expect(second.hits.map((h) => h.headers[WEBHOOK_HEADERS.attempt])).toEqual(['1', '2']);
  });

  it('an onFailure that throws or rejects does not stop the queue', async () => {
    const { url, hits } = await serve(() => 400);
    let calls = 0;
    const hook = webhookSender({
      url,
      secret: SECRET,
      onFailure: async () => {
        calls++;
        throw new Error('receiver-side bug');
      },
    });
    const [held, released] = await events();
    hook(held!);
    hook(released!);
    await hook.flush();
    expect(hits).toHaveLength(2);
    expect(calls).toBe(2);
  });

  it('a hanging receiver times out each attempt and the next event still goes out', async () => {
    const { url, hits } = await serve((i) => (i < 2 ? 'hang' : 204));
    const failures: LotgraphError[] = [];
    const hook = webhookSender({
      url,
      secret: SECRET,
      attempts: 2,
      backoffMs: 1,
      timeoutMs: 200,
      onFailure: (_e, err) => failures.push(err),
    });
    const [held, released] = await events();
    hook(held!);
    hook(released!);
    await hook.flush();
    expect(hits).toHaveLength(3);
    expect(failures.map((f) => f.details.seq)).toEqual([held!.seq]);
    expect(String(failures[0]!.details.reason)).toMatch(/no answer within 200 ms/);
    expect(hits[2]!.headers[WEBHOOK_HEADERS.eventId]).toBe(webhookEventId(released!));
  });

  it('never follows a redirect with the signed body', async () => {
    const target = await serve(() => 204);
    const { url, hits } = await serve((_i, res) => {
      res.setHeader('location', target.url);
      return 302;
    });
    const failures: LotgraphError[] = [];
    const hook = webhookSender({
      url,
      secret: SECRET,
      backoffMs: 1,
      onFailure: (_e, err) => failures.push(err),
    });
    const [held] = await events();
    hook(held!);
    await hook.flush();
    expect(hits).toHaveLength(1);
    expect(target.hits).toHaveLength(0);
    expect(failures[0]!.details).toMatchObject({ attempts: 1 });
    expect(String(failures[0]!.details.reason)).toMatch(/redirect/);
  });

  it('refuses an empty or short secret and bad options, naming the field', () => {
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        expect(err).toBeInstanceOf(LotgraphError);
        return (err as LotgraphError).details.field;
      }
      return undefined;
    };
    expect(field(() => webhookSender({ url: 'http://127.0.0.1/h', secret: '' }))).toBe('secret');
    expect(field(() => webhookSender({ url: 'http://127.0.0.1/h', secret: 'short' }))).toBe('secret');
    expect(field(() => webhookSender({ url: 'ftp://x', secret: SECRET }))).toBe('url');
    expect(field(() => webhookSender({ url: 'http://127.0.0.1/h', secret: SECRET, attempts: 0 }))).toBe(
      'attempts',
    );
    expect(field(() => webhookSender({ url: 'http://127.0.0.1/h', secret: SECRET, timeoutMs: 1.5 }))).toBe(
      'timeoutMs',
    );
    expect(field(() => webhookSender({ url: 'http://', secret: SECRET }))).toBe('url');
    expect(field(() => webhookSender({ url: 'http://user:pw@127.0.0.1/h', secret: SECRET }))).toBe('url');
    expect(field(() => webhookSender({ url: 'http://127.0.0.1/h', secret: SECRET, attempts: 101 }))).toBe(
      'attempts',
    );
    expect(
      field(() =>
        webhookSender({ url: 'http://127.0.0.1/h', secret: SECRET, types: ['held', 'nope' as never] }),
      ),
    ).toBe('types.1');
    expect(
      field(() => webhookSender({ url: 'http://127.0.0.1/h', secret: SECRET, fetch: 'no' as never })),
    ).toBe('fetch');
    let hinted: unknown;
    try {
      webhookSender({ url: 'http://127.0.0.1/h', secret: SECRET, timeout: 5 } as never);
    } catch (err) {
      hinted = err;
    }
    expect(isLotgraphError(hinted, 'VALIDATION_FAILED')).toBe(true);
    expect((hinted as LotgraphError).details.field).toBe('timeout');
    expect((hinted as LotgraphError).message).toMatch(/did you mean "timeoutMs"/);
    expect(field(() => webhookSender(null as never))).toBe('options');
    expect(field(() => verifyWebhook('', {}, ''))).toBe('secret');
    expect(field(() => verifyWebhook(SECRET, {}, '', null as never))).toBe('options');
    expect(field(() => verifyWebhook(SECRET, {}, '', { tolerance: 5 } as never))).toBe('tolerance');
    expect(field(() => verifyWebhook(SECRET, {}, '', { toleranceS: 0 }))).toBe('toleranceS');
    expect(field(() => verifyWebhook(SECRET, {}, ''))).toBe(WEBHOOK_HEADERS.timestamp);
  });

  it('works as an lg.on subscriber', async () => {
    const { url, hits } = await serve(() => 204);
    const { lg } = await bakery();
    const hook = webhookSender({ url, secret: SECRET, types: ['held'] });
    lg.on('*', hook);
    await lg.receive({ lotId: 'A', productId: 'flour', locationId: 'WH', quantity: '5' });
    await lg.hold({ holdId: 'H', lotId: 'A', reasonCode: 'complaint' });
    await hook.flush();
    expect(hits.map((h) => (JSON.parse(h.body) as StoredEvent).type)).toEqual(['held']);
  });
});
