import { type Lotgraph, ValidationError } from '@lotgraph/sdk';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  alertMessageFromEvent,
  DeliveryError,
  emailSender,
  expiryAlertMessage,
  html,
  lowStockAlertMessage,
  type OutboxMessage,
  recallLetterMessages,
} from '../src/index.js';
import { dairy } from './scenario.js';
import { type Received, startSmtp } from './smtp.js';

let smtp: Awaited<ReturnType<typeof startSmtp>>;
let lg: Lotgraph;
beforeAll(async () => {
  smtp = await startSmtp();
  lg = await dairy();
});
afterAll(() => new Promise<void>((r) => smtp.server.close(() => r())));

const transport = () => ({ host: '127.0.0.1', port: smtp.port, secure: false, ignoreTLS: true });
const last = () => smtp.received[smtp.received.length - 1]!;

describe('e-mail alerts over a real SMTP server', () => {
  it('sends the expiry alert to the alert recipients, with a stable Message-ID per key', async () => {
    const mail = emailSender({
      transport: transport(),
      from: 'wms@dairy.example',
      alertRecipients: ['qa@dairy.example', 'ops@dairy.example'],
    });
    const msg = await expiryAlertMessage(lg, { date: '2026-03-01', withinDays: 10 });
    expect(msg?.topic).toBe('alert.expiry');
    expect(msg?.key).toBe('alert.expiry:2026-03-01:10');
    const before = smtp.received.length;
    await mail.deliver(msg!);
    await mail.deliver(msg!); // a retry by the outbox: same key → same Message-ID for receiver-side dedupe
    mail.close();
    expect(smtp.received.length).toBe(before + 2);
    const [a, b] = smtp.received.slice(-2) as [Received, Received];
    expect(a.to).toEqual(['qa@dairy.example', 'ops@dairy.example']);
    expect(a.from).toBe('wms@dairy.example');
    expect(a.mail.subject).toBe('[lotgraph] 1 lot expiring within 10 days (2026-03-01)');
    expect(a.mail.text).toContain('lot M1 (milk) at WH: 20.0 l, expires 2026-03-05 (in 4 days)');
    expect(a.mail.html).toContain('<td>M1</td>');
    expect(a.mail.messageId).toBe(b.mail.messageId);
    expect(a.mail.headers.get('x-lotgraph-key')).toBe('alert.expiry:2026-03-01:10');
  });

  it('sends low-stock and hold-placed alerts; values are HTML-escaped', async () => {
    const mail = emailSender({
      transport: transport(),
      from: 'wms@dairy.example',
      alertRecipients: ['qa@dairy.example'],
    });
    const low = await lowStockAlertMessage(lg, { date: '2026-03-01', thresholds: { yog: '500', milk: '1' } });
    expect(low?.payload).toMatchObject({
      items: [{ productId: 'yog', onHand: '88', threshold: '500', unit: 'pc', lots: 2 }],
    });
    await mail.deliver(low!);
    expect(last().mail.subject).toBe('[lotgraph] low stock: 1 product below threshold (2026-03-01)');

    const sent: OutboxMessage[] = [];
    const off = lg.on('held', (e) => {
      const m = alertMessageFromEvent(e);
      if (m) sent.push(m);
    });
    await lg.hold({ holdId: 'H1', lotId: 'Y2', reasonCode: 'QC', note: '<script>alert(1)</script> & more' });
    off();
    expect(sent).toHaveLength(1);
    await mail.deliver(sent[0]!);
    mail.close();
    const got = last().mail;
    expect(got.subject).toBe('[lotgraph] hold H1 placed on lot Y2 (QC)');
    expect(got.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt; &amp; more');
    expect(got.html).not.toContain('<script>');
    expect(got.text).toContain('Note: <script>alert(1)</script> & more');
  });

  it('uses a template the user overrides, and keeps the others', async () => {
    const mail = emailSender({
      transport: transport(),
      from: 'wms@dairy.example',
      alertRecipients: ['qa@dairy.example'],
      templates: {
        holdPlaced: (a) => ({
          subject: `Sperre ${a.holdId}`,
          text: `Charge ${a.lotId} gesperrt`,
          html: html`<p>Charge ${a.lotId} gesperrt: ${a.note}</p>`,
        }),
      },
    });
    await mail.deliver({
      key: 'k-override',
      topic: 'alert.holdPlaced',
      payload: {
        holdId: 'H9',
        lotId: 'L<1>',
        reasonCode: 'QC',
        note: 'a"b',
        placedAt: '2026-03-01T10:00:00Z',
      },
    });
    mail.close();
    expect(last().mail.subject).toBe('Sperre H9');
    expect(last().mail.html).toContain('<p>Charge L&lt;1&gt; gesperrt: a&quot;b</p>');
  });

  it('sends the recall-opened alert and the recall letter with the PDF the sdk renders attached', async () => {
    const events: OutboxMessage[] = [];
    const off = lg.on('recallOpened', (e) => {
      const m = alertMessageFromEvent(e);
      if (m) events.push(m);
    });
    await lg.recall.open({ recallId: 'R-1', lots: ['M1'], reason: 'Listeria in milk', classification: 'I' });
    off();
    const mail = emailSender({
      transport: transport(),
      from: 'recall@dairy.example',
      alertRecipients: ['qa@dairy.example'],
      lotgraph: lg,
      letterSender: { name: 'Dairy QA', contact: 'qa@dairy.example' },
    });
    expect(events).toHaveLength(1);
    await mail.deliver(events[0]!);
    expect(last().mail.subject).toBe('[lotgraph] Recall R-1 opened (class I)');
    expect(last().mail.text).toContain('Scope: 3 lots, 2 customers.');

    const letters: { customerId: string; pdf: Uint8Array }[][] = [];
    const render = lg.recall.letters;
    vi.spyOn(lg.recall, 'letters').mockImplementation(async (...args) => {
      const out = await render(...args);
      letters.push(out);
      return out;
    });
    const { messages, missing } = await recallLetterMessages(lg, 'R-1');
    expect(missing).toEqual(['shop2']);
    expect(messages).toEqual([
      {
        key: 'recall.letter:R-1:shop1',
        topic: 'recall.letter',
        payload: { recallId: 'R-1', customerId: 'shop1', to: ['buyer@shop1.example'] },
      },
    ]);
    await mail.deliver(messages[0]!);
    mail.close();
    const got = last();
    expect(got.to).toEqual(['buyer@shop1.example']);
    expect(got.mail.subject).toBe('Product recall R-1: notification for Shop "One"');
    expect(got.mail.attachments).toHaveLength(1);
    const att = got.mail.attachments[0]!;
    expect(att.contentType).toBe('application/pdf');
    expect(att.filename).toBe('recall-R-1-shop1.pdf');
    expect(att.content.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    // the sdk's PDFs carry their rendering time, so compare with the very bytes the sender was given
    const rendered = letters.map((l) => l.find((x) => x.customerId === 'shop1')!.pdf);
    expect(rendered).toHaveLength(1);
    expect(Buffer.compare(att.content, Buffer.from(rendered[0]!))).toBe(0);
    vi.restoreAllMocks();
  });
});

describe('e-mail failures are classified for the outbox', () => {
  it('SMTP 5xx on a recipient is permanent, 4xx is retryable', async () => {
    smtp.refuse.set('gone@dairy.example', 550);
    smtp.refuse.set('busy@dairy.example', 451);
    const msg = {
      key: 'k1',
      topic: 'alert.holdPlaced',
      payload: { holdId: 'H', lotId: 'L', reasonCode: 'QC', placedAt: 'now' },
    };
    const gone = emailSender({
      transport: transport(),
      from: 'wms@dairy.example',
      alertRecipients: ['gone@dairy.example'],
    });
    const e1 = await gone.deliver(msg).catch((e: unknown) => e);
    gone.close();
    expect(e1).toBeInstanceOf(DeliveryError);
    expect((e1 as DeliveryError).retryable).toBe(false);
    expect((e1 as DeliveryError).details).toMatchObject({ integration: 'email', key: 'k1', status: 550 });
    const busy = emailSender({
      transport: transport(),
      from: 'wms@dairy.example',
      alertRecipients: ['busy@dairy.example'],
    });
    const e2 = await busy.deliver(msg).catch((e: unknown) => e);
    busy.close();
    expect((e2 as DeliveryError).retryable).toBe(true);
    expect((e2 as DeliveryError).details).toMatchObject({ status: 451 });
  });

  it('a refused connection is retryable; an unknown topic or a bad payload is permanent', async () => {
    // a port nothing listens on: open a server, note its port, close it
    const probe = await startSmtp();
    const port = probe.port;
    await new Promise<void>((r) => probe.server.close(() => r()));
    const down = emailSender({
      transport: { host: '127.0.0.1', port, ignoreTLS: true },
      from: 'a@b.example',
      alertRecipients: ['c@d.example'],
    });
    const msg = {
      key: 'k2',
      topic: 'alert.holdPlaced',
      payload: { holdId: 'H', lotId: 'L', reasonCode: 'QC', placedAt: 'now' },
    };
    const e = await down.deliver(msg).catch((x: unknown) => x);
    down.close();
    expect(e).toBeInstanceOf(DeliveryError);
    expect((e as DeliveryError).retryable).toBe(true);

    const mail = emailSender({
      transport: transport(),
      from: 'a@b.example',
      alertRecipients: ['c@d.example'],
    });
    const e3 = await mail.deliver({ key: 'k3', topic: 'alert.nope', payload: {} }).catch((x: unknown) => x);
    expect((e3 as DeliveryError).retryable).toBe(false);
    const e4 = await mail
      .deliver({ key: 'k4', topic: 'alert.holdPlaced', payload: { holdId: 'H' } })
      .catch((x: unknown) => x);
    expect((e4 as DeliveryError).retryable).toBe(false);
    expect((e4 as DeliveryError).message).toContain('lotId');
    const e5 = await mail
      .deliver({
        key: 'k5',
        topic: 'recall.letter',
        payload: { recallId: 'R-1', customerId: 'shop1', to: ['x@y.example'] },
      })
      .catch((x: unknown) => x);
    expect((e5 as DeliveryError).message).toContain('needs the `lotgraph` option');
    mail.close();
  });

  it('checks its options and the message envelope', () => {
    expect(() =>
      emailSender({ transport: transport(), from: 'a@b.example', alertRecipients: ['not-an-address'] }),
    ).toThrow(ValidationError);
    expect(() =>
      emailSender({ transport: transport(), from: 'a@b.example', alertRecipients: [], extra: 1 } as never),
    ).toThrow(/unrecognized|extra/i);
    const mail = emailSender({ transport: transport(), from: 'a@b.example', alertRecipients: [] });
    return expect(mail.deliver({ key: '', topic: 'alert.expiry', payload: {} })).rejects.toBeInstanceOf(
      ValidationError,
    );
  });
});
