// The service's integrations (issue #19, done-when): a hold placed through the HTTP API is e-mailed to QA via
// the transactional outbox — received by a real SMTP server on 127.0.0.1 and parsed with mailparser — and a
// customer reads its shipments from the customer feed with its API key (another key or none: 401).
import type { AddressInfo } from 'node:net';
import { type Lotgraph, MemoryStore } from '@lotgraph/sdk';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, beforeAll, expect, it } from 'vitest';
// @ts-expect-error — plain ESM module without types
import { start } from '../src/server.mjs';

const mails: { to: string[]; mail: ParsedMail }[] = [];
const smtp = new SMTPServer({
  authOptional: true,
  disabledCommands: ['STARTTLS'],
  logger: false,
  onData(stream, session, cb) {
    simpleParser(stream)
      .then((mail) => {
        mails.push({ to: session.envelope.rcptTo.map((r) => r.address), mail });
        cb();
      })
      .catch((e: Error) => cb(e));
  },
});
const KEY = 'shop-key-0123456789abcdef';
let svc: { url: string; lg: Lotgraph; close: () => Promise<void> };

beforeAll(async () => {
  await new Promise<void>((r) => smtp.listen(0, '127.0.0.1', () => r()));
  const { port } = smtp.server.address() as AddressInfo;
  svc = await start({
    store: new MemoryStore(),
    port: 0,
    integrations: {
      email: {
        transport: { host: '127.0.0.1', port, ignoreTLS: true },
        from: 'wms@dairy.example',
        alertRecipients: ['qa@dairy.example'],
        outbox: { pollMs: 50 },
      },
      feed: { apiKeys: { shop: [KEY] } },
    },
  });
});
afterAll(async () => {
  await svc?.close();
  await new Promise<void>((r) => smtp.close(() => r()));
});

const post = (p: string, body: unknown) =>
  fetch(svc.url + p, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

it('e-mails a hold placed through the API to QA, through the outbox', async () => {
  expect((await post('/products', { id: 'milk', name: 'Milk', unit: 'l', decimals: 1 })).status).toBe(201);
  await post('/locations', { id: 'WH', site: 'plant' });
  await post('/parties', { id: 'shop', name: 'Shop', roles: ['customer'] });
  expect(
    (await post('/receipts', { lotId: 'M1', productId: 'milk', locationId: 'WH', quantity: '100' })).status,
  ).toBe(201);
  const held = await post('/holds', { holdId: 'H-1', lotId: 'M1', reasonCode: 'QC', note: 'pH out of spec' });
  expect(held.status).toBe(201);
  await expect.poll(() => mails.length, { timeout: 10_000, interval: 50 }).toBe(1);
  const [m] = mails;
  expect(m?.to).toEqual(['qa@dairy.example']);
  expect(m?.mail.subject).toContain('M1');
  expect(m?.mail.text).toContain('pH out of spec');
  expect(await svc.lg.outbox.list('wms-email-alerts')).toMatchObject([{ type: 'held', status: 'delivered' }]);
});

it('e-mails the daily expiry alert once, raised through POST /alerts/raise (204 when nothing is due)', async () => {
  await post('/receipts', {
    lotId: 'M2',
    productId: 'milk',
    locationId: 'WH',
    quantity: '5',
    expiry: '2026-03-05',
  });
  expect((await post('/alerts/raise', { kind: 'expiry', date: '2026-03-04', withinDays: 0 })).status).toBe(
    204,
  );
  const raise = () => post('/alerts/raise', { kind: 'expiry', date: '2026-03-01', withinDays: 7 });
  const first = await raise();
  expect(first.status).toBe(201);
  expect((await raise()).status).toBe(201); // the same event again: nothing new appended, no second e-mail
  await expect.poll(() => mails.length, { timeout: 10_000, interval: 50 }).toBe(2);
  const m = mails[1];
  expect(m?.mail.subject).toContain('expiring within 7 days');
  expect(m?.mail.text).toContain('M2');
  // One alertRaised event, hence one outbox message (the second raise replayed the first event).
  const raised = (await svc.lg.outbox.list('wms-email-alerts')).filter((x) => x.type === 'alertRaised');
  expect(raised).toMatchObject([{ status: 'delivered' }]);
  expect((await post('/alerts/raise', { kind: 'expiry', date: 'soon' })).status).toBe(400);
});

it('e-mails the recall letter (PDF attached) when a customer of a real recall is notified by e-mail', async () => {
  await post('/parties', {
    id: 'deli',
    name: 'Deli',
    roles: ['customer'],
    contacts: [{ name: 'Owner', email: 'owner@deli.example' }],
  });
  await post('/receipts', { lotId: 'M3', productId: 'milk', locationId: 'WH', quantity: '20' });
  await post('/shipments', {
    shipmentId: 'S-3',
    customerId: 'deli',
    lines: [{ lotId: 'M3', locationId: 'WH', quantity: '4' }],
  });
  const opened = await post('/recalls', {
    recallId: 'R-9',
    lots: ['M3'],
    reason: 'Listeria',
    classification: 'I',
  });
  expect(opened.status).toBe(201);
  const before = mails.length;
  const notified = await post('/recalls/R-9/notifications', { customerId: 'deli', channel: 'email' });
  expect(notified.status).toBe(201);
  await expect
    .poll(() => mails.filter((m) => m.to.includes('owner@deli.example')).length, {
      timeout: 15_000,
      interval: 50,
    })
    .toBe(1);
  const letter = mails.slice(before).find((m) => m.to.includes('owner@deli.example'));
  expect(letter?.mail.subject).toContain('R-9');
  const pdf = letter?.mail.attachments.find((a) => a.contentType === 'application/pdf');
  expect(pdf?.content.subarray(0, 5).toString()).toBe('%PDF-');
});

it('serves the customer feed to the customer with its key, and 401 without it', async () => {
  await post('/holds/H-1/release', {});
  await post('/shipments', {
    shipmentId: 'S-1',
    customerId: 'shop',
    lines: [{ lotId: 'M1', locationId: 'WH', quantity: '10' }],
  });
  const ok = await fetch(`${svc.url}/feed/customers/shop/shipments`, {
    headers: { authorization: `Bearer ${KEY}` },
  });
  expect(ok.status).toBe(200);
  const body = JSON.stringify(await ok.json());
  expect(body).toContain('S-1');
  expect(body).toContain('M1');
  expect((await fetch(`${svc.url}/feed/customers/shop/shipments`)).status).toBe(401);
  const other = await fetch(`${svc.url}/feed/customers/other/shipments`, { headers: { 'x-api-key': KEY } });
  expect(other.status).toBe(401);
});
