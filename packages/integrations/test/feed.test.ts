import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { type Lotgraph, ValidationError } from '@lotgraph/sdk';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  constantTimeEqual,
  customerFeedHandler,
  type FeedShipment,
  matchesApiKey,
  signFeedUrl,
  toNodeListener,
} from '../src/index.js';
import { dairy } from './scenario.js';

const SHOP1_KEY = 'shop1-key-0123456789abcdef';
const SHOP2_KEY = 'shop2-key-0123456789abcdef';
const SECRET = 'feed-signing-secret-0123456789abcdef';
let now = Date.parse('2026-03-10T12:00:00Z');

let lg: Lotgraph;
let base: string;
let close: () => Promise<void>;
beforeAll(async () => {
  lg = await dairy();
  const handler = customerFeedHandler({
    lotgraph: lg,
    apiKeys: { shop1: [SHOP1_KEY], shop2: [SHOP2_KEY] },
    signingSecret: SECRET,
    now: () => now,
  });
  const server = createServer(toNodeListener(handler));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  close = () => new Promise<void>((r) => server.close(() => r()));
});
afterAll(() => close());

describe('customer feed over HTTP on loopback', () => {
  it('serves a customer the batches, expiry dates and CoA links of what was shipped to them (API key)', async () => {
    const res = await fetch(`${base}/feed/customers/shop1/shipments`, {
      headers: { authorization: `Bearer ${SHOP1_KEY}` },
    });
    expect(res.status).toBe(200);
    expect(res.headers.get('cache-control')).toBe('no-store');
    const body = (await res.json()) as { customerId: string; shipments: FeedShipment[] };
    expect(body.customerId).toBe('shop1');
    expect(body.shipments).toHaveLength(1);
    const [sh] = body.shipments;
    expect(sh).toMatchObject({ shipmentId: 'SH-1', orderRef: 'PO-77' });
    expect(sh!.lines.map((l) => [l.batch, l.expiry, l.quantity, l.unit, l.gtin])).toEqual([
      ['Y1', '2026-03-20', '30', 'pc', '09506000134369'],
      ['Y2', '2026-03-25', '12', 'pc', '09506000134369'],
    ]);
    expect(sh!.lines[0]!.coaUrl).toBe(`${base}/feed/customers/shop1/lots/Y1/coa.pdf`);

    const rendered: Uint8Array[] = [];
    const coaOf = lg.quality.coa;
    const spy = vi.spyOn(lg.quality, 'coa').mockImplementation(async (lotId) => {
      const pdf = await coaOf(lotId);
      rendered.push(pdf);
      return pdf;
    });
    const coa = await fetch(sh!.lines[0]!.coaUrl, { headers: { 'x-api-key': SHOP1_KEY } });
    spy.mockRestore();
    expect(coa.status).toBe(200);
    expect(coa.headers.get('content-type')).toBe('application/pdf');
    const bytes = new Uint8Array(await coa.arrayBuffer());
    expect(new TextDecoder().decode(bytes.slice(0, 5))).toBe('%PDF-');
    // the sdk's PDFs carry their rendering time: compare with the very bytes lg.quality.coa returned
    expect(rendered).toHaveLength(1);
    expect(Buffer.compare(Buffer.from(bytes), Buffer.from(rendered[0]!))).toBe(0);
  });

  it('shows a customer only their own deliveries', async () => {
    const res = await fetch(`${base}/feed/customers/shop2/shipments`, {
      headers: { 'x-api-key': SHOP2_KEY },
    });
    const body = (await res.json()) as { shipments: FeedShipment[] };
    expect(body.shipments.map((s) => s.shipmentId)).toEqual(['SH-2']);
    expect(body.shipments[0]!.lines.map((l) => l.batch)).toEqual(['Y1']);
    // shop2's key does not open shop1's feed; an unknown customer answers the same way
    for (const c of ['shop1', 'nobody']) {
      const r = await fetch(`${base}/feed/customers/${c}/shipments`, { headers: { 'x-api-key': SHOP2_KEY } });
      expect(r.status).toBe(401);
      expect(await r.json()).toMatchObject({ error: 'unauthorised' });
    }
    // a lot never shipped to shop2 has no CoA for shop2
    const coa = await fetch(`${base}/feed/customers/shop2/lots/Y2/coa.pdf`, {
      headers: { 'x-api-key': SHOP2_KEY },
    });
    expect(coa.status).toBe(404);
    const none = await fetch(`${base}/feed/customers/shop1/shipments`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toBe('Bearer');
    expect(
      (
        await fetch(`${base}/feed/customers/shop1/shipments`, {
          method: 'POST',
          headers: { 'x-api-key': SHOP1_KEY },
        })
      ).status,
    ).toBe(405);
    expect((await fetch(`${base}/feed/other`, { headers: { 'x-api-key': SHOP1_KEY } })).status).toBe(404);
    expect(
      (
        await fetch(`${base}/feed/customers/shop1/shipments?since=yesterday`, {
          headers: { 'x-api-key': SHOP1_KEY },
        })
      ).status,
    ).toBe(400);
  });

  it('accepts an HMAC-signed URL until it expires; signed responses carry signed CoA links', async () => {
    const url = signFeedUrl(base, 'shop1', { secret: SECRET, expiresAt: now + 3_600_000 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { shipments: FeedShipment[] };
    const coaUrl = body.shipments[0]!.lines[1]!.coaUrl;
    expect(coaUrl).toMatch(/\/lots\/Y2\/coa\.pdf\?expires=\d+&sig=[0-9a-f]{64}$/);
    expect((await fetch(coaUrl)).status).toBe(200);
    // the signature covers the path: it does not open shop2's feed or another lot's CoA
    expect((await fetch(url.replace('/shop1/', '/shop2/'))).status).toBe(401);
    expect((await fetch(coaUrl.replace('/Y2/', '/Y1/'))).status).toBe(401);
    const tampered = url.replace(/expires=(\d+)/, (_m, e: string) => `expires=${Number(e) + 3600}`);
    expect((await fetch(tampered)).status).toBe(401);
    now += 2 * 3_600_000;
    const late = await fetch(url);
    expect(late.status).toBe(401);
    expect(await late.json()).toMatchObject({ error: 'expired' });
  });

  it('checks its options', () => {
    expect(() => customerFeedHandler({ lotgraph: lg, apiKeys: { shop1: ['short'] } })).toThrow(
      ValidationError,
    );
    expect(() => customerFeedHandler({ lotgraph: lg, signingSecret: 'too-short' })).toThrow(/signingSecret/);
    expect(() => customerFeedHandler({ lotgraph: lg, extra: true } as never)).toThrow(ValidationError);
    expect(() => signFeedUrl(base, 'shop1', { secret: 'x', expiresAt: 1 })).toThrow(ValidationError);
  });
});

describe('credential checks', () => {
  it('constant-time equality agrees with ordinary equality; an API key matches only itself', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), fc.uint8Array({ maxLength: 40 }), (a, b) => {
        expect(constantTimeEqual(a, b)).toBe(Buffer.compare(Buffer.from(a), Buffer.from(b)) === 0);
        expect(constantTimeEqual(a, a.slice())).toBe(true);
      }),
    );
    fc.assert(
      fc.property(
        fc.string({ minLength: 1 }),
        fc.array(fc.string({ minLength: 1 }), { maxLength: 5 }),
        (k, others) => {
          expect(matchesApiKey(k, [...others, k])).toBe(true);
          expect(matchesApiKey(k, others)).toBe(others.includes(k));
        },
      ),
    );
  });
});
