/**
 * E-mail delivery over SMTP (nodemailer) for outbox messages: alerts rendered from the templates, and
 * recall letters with the sdk's PDF attached.
 *
 * @module
 */
import type { Lotgraph } from '@lotgraph/sdk';
import { sha256HexSync } from '@lotgraph/sdk';
import nodemailer, { type Transporter } from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import { z } from 'zod';
import { checkMessage, DeliveryError, type OutboxMessage, parseWith } from '../message.js';
import { defaultTemplates, type EmailTemplates, type RenderedMail } from './templates.js';

/** Topics the e-mail sender understands, with the payload each carries. */
export const EMAIL_TOPICS = [
  'alert.expiry',
  'alert.lowStock',
  'alert.holdPlaced',
  'alert.recallOpened',
  'recall.letter',
] as const;
/** One of {@link EMAIL_TOPICS}. */
export type EmailTopic = (typeof EMAIL_TOPICS)[number];

const Email = z
  .string()
  .min(3)
  .max(320)
  .regex(/^[^\s@<>",;]+@[^\s@<>",;]+$/, { message: 'must be an e-mail address' });
const Str = z.string().min(1).max(500);
const Day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, { message: 'expected YYYY-MM-DD' });

/** The template of each alert topic. */
const ALERT_TEMPLATES = {
  'alert.expiry': 'expiry',
  'alert.lowStock': 'lowStock',
  'alert.holdPlaced': 'holdPlaced',
  'alert.recallOpened': 'recallOpened',
} as const;

const PAYLOADS = {
  'alert.expiry': z.strictObject({
    date: Day,
    withinDays: z.number().int().min(0),
    alerts: z
      .array(
        z.strictObject({
          lotId: Str,
          productId: Str,
          locationId: Str,
          quantity: Str,
          unit: z.string().max(100),
          expiry: Day.optional(),
          daysToExpiry: z.number().int().optional(),
        }),
      )
      .max(10_000),
  }),
  'alert.lowStock': z.strictObject({
    date: Day,
    items: z
      .array(
        z.strictObject({
          productId: Str,
          onHand: Str,
          threshold: Str,
          unit: z.string().max(100),
          lots: z.number().int().min(0),
        }),
      )
      .max(10_000),
  }),
  'alert.holdPlaced': z.strictObject({
    holdId: Str,
    lotId: Str,
    locationId: Str.optional(),
    reasonCode: Str,
    note: z.string().max(10_000).optional(),
    placedAt: Str,
  }),
  'alert.recallOpened': z.strictObject({
    recallId: Str,
    drill: z.boolean(),
    classification: Str,
    reason: z.string().max(10_000),
    openedAt: Str,
    lots: z.number().int().min(0),
    customers: z.number().int().min(0),
  }),
  'recall.letter': z.strictObject({
    recallId: Str,
    customerId: Str,
    to: z.array(Email).min(1).max(100),
  }),
} as const;

/** Options of {@link emailSender}. */
export interface EmailSenderOptions {
  /** SMTP settings for nodemailer (host, port, secure, auth …), or a transporter you made yourself. */
  transport: SMTPTransport.Options | Transporter;
  /** The From address, e.g. `"Lotgraph <alerts@example.com>"`. */
  from: string;
  /** Who receives alerts (`alert.*` topics). Recall letters go to the addresses in their payload. */
  alertRecipients: string[];
  /** Override any template; the rest stay the built-in ones. */
  templates?: Partial<EmailTemplates>;
  /** Needed for `recall.letter`: the letters are rendered by `lg.recall.letters`. */
  lotgraph?: Lotgraph;
  /** The sender named in recall letters. */
  letterSender?: { name?: string; contact?: string };
  /** Domain of the Message-ID header (default `lotgraph.invalid`). */
  messageIdDomain?: string;
}

const Options = z.strictObject({
  transport: z.custom<object>((v) => typeof v === 'object' && v !== null, { message: 'expected an object' }),
  from: z.string().min(3).max(500),
  alertRecipients: z.array(Email).max(100),
  templates: z
    .record(
      z.string(),
      z.custom<unknown>((v) => typeof v === 'function'),
    )
    .optional(),
  lotgraph: z.custom<object>((v) => typeof v === 'object' && v !== null).optional(),
  letterSender: z
    .strictObject({ name: z.string().max(500).optional(), contact: z.string().max(500).optional() })
    .optional(),
  messageIdDomain: z
    .string()
    .regex(/^[A-Za-z0-9.-]{1,253}$/)
    .optional(),
});

/** An e-mail integration: `deliver` for the outbox, `close` to release the SMTP connection(s). */
export interface EmailSender {
  deliver(message: OutboxMessage): Promise<void>;
  close(): void;
}

const isTransporter = (t: object): t is Transporter =>
  typeof (t as { sendMail?: unknown }).sendMail === 'function';

/**
 * Classify a nodemailer error: SMTP 4xx and network errors are retryable, SMTP 5xx, authentication and
 * envelope errors are permanent.
 */
export function classifySmtpError(e: unknown, key: string): DeliveryError {
  const err = e as { code?: string; responseCode?: number; message?: string };
  const status = err.responseCode;
  const net = [
    'ECONNECTION',
    'ETIMEDOUT',
    'ESOCKET',
    'EDNS',
    'ECONNREFUSED',
    'ECONNRESET',
    'ETLS',
    'EPROTOCOL',
  ];
  let retryable: boolean;
  if (typeof status === 'number') retryable = status >= 400 && status < 500;
  else retryable = err.code === undefined || net.includes(err.code);
  if (err.code === 'EAUTH' || err.code === 'EENVELOPE')
    retryable = typeof status === 'number' && status < 500;
  return new DeliveryError('email', `SMTP delivery failed: ${err.message ?? String(e)}`, {
    retryable,
    key,
    ...(status !== undefined ? { status } : err.code !== undefined ? { status: err.code } : {}),
    cause: e,
  });
}

/**
 * An e-mail integration for the outbox. Each message becomes one e-mail whose `Message-ID` is derived from
 * the message key, so a retried delivery carries the same id and mail systems that deduplicate by it keep
 * one copy.
 *
 * @example
 * ```ts
 * const mail = emailSender({ transport: { host: '127.0.0.1', port: 2525 }, from: 'wms@example.com',
 *   alertRecipients: ['qa@example.com'], lotgraph: lg });
 * await mail.deliver(await expiryAlertMessage(lg, { date: '2026-03-01', withinDays: 30 }));
 * ```
 */
export function emailSender(options: EmailSenderOptions): EmailSender {
  parseWith(Options, options, 'emailSender');
  const templates: EmailTemplates = { ...defaultTemplates, ...options.templates };
  const transporter = isTransporter(options.transport)
    ? options.transport
    : nodemailer.createTransport(options.transport as SMTPTransport.Options);
  const domain = options.messageIdDomain ?? 'lotgraph.invalid';

  const send = async (
    key: string,
    to: string[],
    mail: RenderedMail,
    attachments: { filename: string; content: Buffer; contentType: string }[] = [],
  ) => {
    if (to.length === 0) throw new DeliveryError('email', 'no recipients', { retryable: false, key });
    try {
      await transporter.sendMail({
        from: options.from,
        to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html.value,
        messageId: `<${sha256HexSync(key).slice(0, 32)}@${domain}>`,
        headers: { 'X-Lotgraph-Key': key },
        attachments,
      });
    } catch (e) {
      throw classifySmtpError(e, key);
    }
  };

  const render = <T>(fn: (x: T) => RenderedMail, x: T, key: string): RenderedMail => {
    try {
      return fn(x);
    } catch (e) {
      throw new DeliveryError('email', `template failed: ${(e as Error).message}`, {
        retryable: false,
        key,
        cause: e,
      });
    }
  };

  return {
    async deliver(message) {
      const m = checkMessage(message, 'email.deliver');
      if (!(EMAIL_TOPICS as readonly string[]).includes(m.topic))
        throw new DeliveryError('email', `unknown topic "${m.topic}"`, { retryable: false, key: m.key });
      const topic = m.topic as EmailTopic;
      let payload: unknown;
      try {
        payload = parseWith(PAYLOADS[topic], m.payload, `email.deliver(${topic})`);
      } catch (e) {
        throw new DeliveryError('email', `bad payload: ${(e as Error).message}`, {
          retryable: false,
          key: m.key,
          cause: e,
        });
      }
      if (topic !== 'recall.letter') {
        // An alert: the topic's template, to the alert recipients (payloads checked above per topic).
        const template = templates[ALERT_TEMPLATES[topic]] as (p: unknown) => RenderedMail;
        return send(m.key, options.alertRecipients, render(template, payload, m.key));
      }
      // A recall letter: the sdk renders it; to the customer's addresses in the payload.
      const p = payload as z.output<(typeof PAYLOADS)['recall.letter']>;
      const lg = options.lotgraph;
      if (!lg)
        throw new DeliveryError('email', 'recall.letter needs the `lotgraph` option', {
          retryable: false,
          key: m.key,
        });
      let letters: Awaited<ReturnType<Lotgraph['recall']['letters']>>;
      let drill = false;
      try {
        letters = await lg.recall.letters(p.recallId, options.letterSender ?? {});
        drill = (await lg.recall.evidence(p.recallId)).drill;
      } catch (e) {
        // A recall that does not exist will not appear on a retry; a store outage may clear.
        const code = (e as { code?: string }).code;
        throw new DeliveryError('email', `rendering the letter failed: ${(e as Error).message}`, {
          retryable: code === 'STORE_UNAVAILABLE',
          key: m.key,
          cause: e,
        });
      }
      const letter = letters.find((l) => l.customerId === p.customerId);
      if (!letter)
        throw new DeliveryError(
          'email',
          `customer "${p.customerId}" is not in the scope of recall "${p.recallId}"`,
          {
            retryable: false,
            key: m.key,
          },
        );
      const mail = render(
        templates.recallLetter,
        {
          recallId: p.recallId,
          drill,
          customerName: letter.name,
          ...(options.letterSender?.name !== undefined ? { senderName: options.letterSender.name } : {}),
        },
        m.key,
      );
      return send(m.key, p.to, mail, [
        {
          filename: `recall-${p.recallId}-${p.customerId}.pdf`.replace(/[^A-Za-z0-9._-]/g, '_'),
          content: Buffer.from(letter.pdf),
          contentType: 'application/pdf',
        },
      ]);
    },
    close() {
      transporter.close();
    },
  };
}
