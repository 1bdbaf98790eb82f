import { alertMessageFromEvent, emailSender, type OutboxMessage } from '@lotgraph/integrations';
import type { Lotgraph } from '@lotgraph/sdk';

/** E-mail QA whenever a hold is placed; returns the messages it sent. */
export async function holdAlerts(lg: Lotgraph, smtp: { host: string; port: number }) {
  const mail = emailSender({
    transport: { ...smtp, ignoreTLS: true },
    from: 'wms@dairy.example',
    alertRecipients: ['qa@dairy.example'],
  });
  const queue: OutboxMessage[] = []; // your outbox; here: an array
  const off = lg.on('held', (event) => {
    const message = alertMessageFromEvent(event); // alert.holdPlaced, key alert:{seq}
    if (message) queue.push(message);
  });
  await lg.hold({ holdId: 'H-7', lotId: 'Y1', reasonCode: 'QC', note: 'pH out of spec' });
  off();
  for (const message of queue) await mail.deliver(message); // throws DeliveryError { retryable } on failure
  mail.close();
  return queue;
}
