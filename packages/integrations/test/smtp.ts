import type { AddressInfo } from 'node:net';
import { type ParsedMail, simpleParser } from 'mailparser';
import { SMTPServer } from 'smtp-server';

export interface Received {
  from: string;
  to: string[];
  mail: ParsedMail;
}

/** A real SMTP server on 127.0.0.1 (ephemeral port) that parses each message with mailparser. */
export function startSmtp() {
  const received: Received[] = [];
  /** Recipient address → SMTP reply code to refuse it with. */
  const refuse = new Map<string, number>();
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onRcptTo(address, _session, cb) {
      const code = refuse.get(address.address);
      if (code) {
        const err = Object.assign(new Error(`refused ${address.address}`), { responseCode: code });
        cb(err);
      } else cb();
    },
    onData(stream, session, cb) {
      simpleParser(stream)
        .then((mail) => {
          received.push({
            from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
            to: session.envelope.rcptTo.map((r) => r.address),
            mail,
          });
          cb();
        })
        .catch((e: Error) => cb(e));
    },
  });
  return new Promise<{ server: SMTPServer; port: number; received: Received[]; refuse: Map<string, number> }>(
    (resolve) => {
      server.listen(0, '127.0.0.1', () => {
        const port = (server.server.address() as AddressInfo).port;
        resolve({ server, port, received, refuse });
      });
    },
  );
}
