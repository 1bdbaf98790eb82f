/**
 * Despatch advice through the outbox: topic `edi.desadv` with payload `{ shipmentId }` becomes the DESADV
 * of that shipment, handed to a transport (a drop folder the EDI gateway collects from, or an HTTP POST).
 * The interchange and message references are derived from the message key, so a retry writes the very
 * same file (same name, same bytes) and the receiver sees one interchange.
 *
 * @module
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type Lotgraph, sha256HexSync } from '@lotgraph/sdk';
import { z } from 'zod';
import { request } from '../erp/odata.js';
import { checkMessage, DeliveryError, type OutboxMessage, parseWith } from '../message.js';
import { despatchAdviceFromShipment } from './mapping.js';
import { writeDesadv } from './write.js';

/** Where an interchange goes: `name` is stable per message key. */
export type EdiTransport = (file: { name: string; content: string; key: string }) => Promise<void>;

/** Write each interchange into a folder (atomically: a temp file, then rename). */
export function directoryTransport(dir: string): EdiTransport {
  return async ({ name, content, key }) => {
    try {
      await mkdir(dir, { recursive: true });
      const tmp = join(dir, `.${name}.tmp`);
      await writeFile(tmp, content, 'latin1');
      await rename(tmp, join(dir, name));
    } catch (e) {
      const code = (e as { code?: string }).code;
      throw new DeliveryError('edi', `writing ${name} failed: ${(e as Error).message}`, {
        retryable: code !== 'EACCES' && code !== 'EROFS' && code !== 'ENOTDIR',
        key,
        cause: e,
      });
    }
  };
}

/** POST each interchange (`application/EDIFACT`) with an `Idempotency-Key` header equal to the message key. */
export function httpTransport(
  url: string,
  opts: { headers?: Record<string, string>; fetch?: typeof fetch } = {},
): EdiTransport {
  return async ({ name, content, key }) => {
    const res = await request(
      'edi',
      url,
      {
        method: 'POST',
        headers: { 'content-type': 'application/EDIFACT', 'idempotency-key': key, 'x-filename': name },
        body: content,
      },
      {
        attempts: 1,
        ...(opts.headers ? { headers: opts.headers } : {}),
        ...(opts.fetch ? { fetch: opts.fetch } : {}),
      },
    );
    await res.arrayBuffer();
  };
}

/** Options of {@link desadvSender}. */
export interface DesadvSenderOptions {
  lotgraph: Lotgraph;
  /** Our GLN (UNB sender, NAD+SU). */
  senderGln: string;
  transport: EdiTransport;
  /** Mark interchanges as tests (UNB test indicator). */
  test?: boolean;
}

const Payload = z.strictObject({ shipmentId: z.string().min(1).max(200) });

/** An EDI integration for the outbox: `deliver({ key, topic: 'edi.desadv', payload: { shipmentId } })`. */
export function desadvSender(options: DesadvSenderOptions): {
  deliver(message: OutboxMessage): Promise<void>;
} {
  parseWith(
    z.strictObject({
      lotgraph: z.custom<Lotgraph>((v) => typeof v === 'object' && v !== null),
      senderGln: z.string().regex(/^\d{13}$/),
      transport: z.custom<EdiTransport>((v) => typeof v === 'function'),
      test: z.boolean().optional(),
    }),
    options,
    'desadvSender',
  );
  return {
    async deliver(message) {
      const m = checkMessage(message, 'edi.deliver');
      if (m.topic !== 'edi.desadv')
        throw new DeliveryError('edi', `unknown topic "${m.topic}"`, { retryable: false, key: m.key });
      let edi: string;
      let name: string;
      try {
        const { shipmentId } = parseWith(Payload, m.payload, 'edi.deliver(edi.desadv)');
        const ref = sha256HexSync(m.key).slice(0, 14).toUpperCase();
        const advice = await despatchAdviceFromShipment(options.lotgraph, shipmentId, {
          senderGln: options.senderGln,
          controlRef: ref,
          messageRef: ref,
          ...(options.test !== undefined ? { test: options.test } : {}),
        });
        edi = writeDesadv(advice);
        name = `DESADV_${shipmentId.replace(/[^A-Za-z0-9_-]/g, '_')}_${ref}.edi`;
      } catch (e) {
        if (e instanceof DeliveryError) throw e;
        const code = (e as { code?: string }).code;
        throw new DeliveryError('edi', `building the DESADV failed: ${(e as Error).message}`, {
          retryable: code === 'STORE_UNAVAILABLE',
          key: m.key,
          cause: e,
        });
      }
      await options.transport({ name, content: edi, key: m.key });
    },
  };
}
