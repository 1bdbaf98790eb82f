import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { StoredEvent } from '@lotgraph/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DeliveryError,
  desadvMessageFromEvent,
  desadvSender,
  directoryTransport,
  forEvents,
  httpTransport,
  readDespatchAdvices,
} from '../src/index.js';
import { json, startServer } from './erp-servers.js';
import { dairy } from './scenario.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-edi-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('DESADV through the outbox', () => {
  it('writes one file per message key to a drop folder; a retry rewrites the same file', async () => {
    const lg = await dairy();
    const out = path.join(dir, 'outbox');
    const edi = desadvSender({
      lotgraph: lg,
      senderGln: '9506000000046',
      transport: directoryTransport(out),
    });
    const msg = { key: 'shipped:SH-1', topic: 'edi.desadv', payload: { shipmentId: 'SH-1' } };
    await edi.deliver(msg);
    const first = readdirSync(out);
    const content = readFileSync(path.join(out, first[0]!), 'latin1');
    await edi.deliver(msg);
    expect(readdirSync(out)).toEqual(first);
    expect(first).toHaveLength(1);
    expect(first[0]).toMatch(/^DESADV_SH-1_[0-9A-F]{14}\.edi$/);
    expect(readFileSync(path.join(out, first[0]!), 'latin1')).toBe(content);
    const [read] = readDespatchAdvices(content);
    expect(read!.advice.documentNumber).toBe('SH-1');
    expect(read!.advice.lines.map((l) => l.batch)).toEqual(['Y1', 'Y2']);
    // another key is another interchange
    await edi.deliver({ ...msg, key: 'shipped:SH-1:again' });
    expect(readdirSync(out)).toHaveLength(2);
  });

  it('POSTs to an EDI gateway with an Idempotency-Key and classifies its answers', async () => {
    const lg = await dairy();
    let status = 202;
    const srv = await startServer((_req, res) => json(res, status, {}));
    const edi = desadvSender({
      lotgraph: lg,
      senderGln: '9506000000046',
      transport: httpTransport(`${srv.url}/edi`),
    });
    await edi.deliver({ key: 'k-1', topic: 'edi.desadv', payload: { shipmentId: 'SH-2' } });
    expect(srv.log).toHaveLength(1);
    expect(srv.log[0]!.body).toContain("BGM+351+SH-2+9'");
    status = 503;
    const e1 = (await edi
      .deliver({ key: 'k-2', topic: 'edi.desadv', payload: { shipmentId: 'SH-2' } })
      .catch((e: unknown) => e)) as DeliveryError;
    status = 400;
    const e2 = (await edi
      .deliver({ key: 'k-3', topic: 'edi.desadv', payload: { shipmentId: 'SH-2' } })
      .catch((e: unknown) => e)) as DeliveryError;
    await srv.close();
    expect([e1.retryable, e1.details.status]).toEqual([true, 503]);
    expect([e2.retryable, e2.details.status]).toEqual([false, 400]);
    const e3 = (await edi
      .deliver({ key: 'k-4', topic: 'edi.desadv', payload: { shipmentId: 'NOPE' } })
      .catch((e: unknown) => e)) as DeliveryError;
    expect(e3).toBeInstanceOf(DeliveryError);
    expect(e3.retryable).toBe(false);
    expect(e3.message).toContain('NOPE');
  });

  it('plugs into an outbox that delivers committed events (forEvents)', async () => {
    const lg = await dairy();
    const events: StoredEvent[] = [];
    const off = lg.on('*', (e) => void events.push(e));
    await lg.ship({
      shipmentId: 'SH-3',
      customerId: 'shop2',
      lines: [{ lotId: 'Y2', locationId: 'WH', quantity: '5' }],
    });
    await lg.hold({ holdId: 'H-1', lotId: 'Y1', reasonCode: 'QC' });
    off();
    const out = path.join(dir, 'events');
    const deliver = forEvents(
      desadvSender({ lotgraph: lg, senderGln: '9506000000046', transport: directoryTransport(out) }).deliver,
      desadvMessageFromEvent,
    );
    for (const e of events) await deliver({ key: `edi:${e.seq}`, payload: e }); // the hold sends nothing
    const files = readdirSync(out);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^DESADV_SH-3_/);
    await expect(deliver({ key: 'x', payload: {} as StoredEvent })).rejects.toMatchObject({
      retryable: false,
    });
  });
});
