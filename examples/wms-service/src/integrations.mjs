// The integrations the service runs next to its HTTP API (from @lotgraph/integrations):
// - e-mail alerts: every hold placed, recall opened and alert raised (`POST /alerts/raise`: lots expiring,
//   low stock) is e-mailed to QA, through the transactional outbox (recorded with the event, delivered at
//   least once, retried, dead-lettered, replayable); recording an e-mail notification of a real recall's
//   customer (`POST /recalls/{id}/notifications` with channel "email") e-mails them the recall letter (PDF);
// - the customer feed: `GET /feed/customers/{id}/shipments` and `/feed/customers/{id}/lots/{lot}/coa.pdf`,
//   authorised per customer by API key or signed URL.
// Configured by `start({ integrations })` or the environment: LOTGRAPH_SMTP_URL (smtp://host:port),
// LOTGRAPH_MAIL_FROM, LOTGRAPH_ALERT_TO (comma-separated), LOTGRAPH_FEED_KEYS (JSON `{ "customer": ["key…"] }`)
// and LOTGRAPH_FEED_SECRET (signed URLs, ≥ 32 characters).
import {
  alertMessageFromEvent,
  customerFeedHandler,
  emailSender,
  forEvents,
  recallLetterMessageFromEvent,
  toNodeListener,
} from '@lotgraph/integrations';

/** Integration settings from the environment (undefined parts are off). */
export function integrationsFromEnv(env = process.env) {
  const out = {};
  if (env.LOTGRAPH_SMTP_URL) {
    const url = new URL(env.LOTGRAPH_SMTP_URL);
    out.email = {
      transport: { host: url.hostname, port: Number(url.port || 25), ignoreTLS: url.protocol !== 'smtps:' },
      from: env.LOTGRAPH_MAIL_FROM ?? 'wms@lotgraph.invalid',
      alertRecipients: (env.LOTGRAPH_ALERT_TO ?? '').split(',').filter(Boolean),
    };
  }
  if (env.LOTGRAPH_FEED_KEYS || env.LOTGRAPH_FEED_SECRET)
    out.feed = {
      apiKeys: env.LOTGRAPH_FEED_KEYS ? JSON.parse(env.LOTGRAPH_FEED_KEYS) : undefined,
      signingSecret: env.LOTGRAPH_FEED_SECRET,
    };
  return out;
}

/**
 * Start what `settings` asks for; returns `{ feed, close }` — `feed` a node listener for `/feed/…` paths (or
 * undefined). `settings.email.outbox` may override the dispatcher's options (tests use a short poll).
 */
export async function startIntegrations(lg, settings = {}) {
  const closers = [];
  if (settings.email) {
    const { outbox: dispatch, ...mailOptions } = settings.email;
    const mail = emailSender({ lotgraph: lg, ...mailOptions });
    const dispatcher = await lg.outbox.subscribe('wms-email-alerts', {
      types: ['held', 'recallOpened', 'alertRaised'],
      deliver: forEvents(mail.deliver, alertMessageFromEvent),
      ...dispatch,
    });
    // Recording an e-mail notification of a real recall's customer sends that customer the recall letter.
    const letters = await lg.outbox.subscribe('wms-recall-letters', {
      types: ['recallNotified'],
      deliver: forEvents(mail.deliver, recallLetterMessageFromEvent(lg)),
      ...dispatch,
    });
    closers.push(async () => {
      await dispatcher.stop();
      await letters.stop();
      mail.close();
    });
  }
  const feed = settings.feed
    ? toNodeListener(customerFeedHandler({ lotgraph: lg, ...settings.feed }))
    : undefined;
  return {
    feed,
    close: async () => {
      for (const c of closers) await c();
    },
  };
}
