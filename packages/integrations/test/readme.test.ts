import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { customerFeedHandler } from '../src/index.js';
import { json, odataDate, startServer } from './erp-servers.js';
import { dairy } from './scenario.js';
import { startSmtp } from './smtp.js';

const read = (p: string) => readFileSync(fileURLToPath(new URL(p, import.meta.url)), 'utf8');
const readme = read('../README.md');
const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-readme-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('README', () => {
  it('embeds every example verbatim', () => {
    for (const name of ['email-alerts', 'edi-desadv', 'erp-sync', 'customer-feed'])
      expect(readme, name).toContain(`\`\`\`ts\n${read(`../examples/${name}.ts`).trimEnd()}\n\`\`\``);
  });

  it('the e-mail example sends the hold alert', async () => {
    const smtp = await startSmtp();
    const { holdAlerts } = await import('../examples/email-alerts.js');
    const sent = await holdAlerts(await dairy(), { host: '127.0.0.1', port: smtp.port });
    await new Promise<void>((r) => smtp.server.close(() => r()));
    expect(sent.map((m) => m.topic)).toEqual(['alert.holdPlaced']);
    expect(smtp.received.map((r) => [r.to, r.mail.subject])).toEqual([
      [['qa@dairy.example'], '[lotgraph] hold H-7 placed on lot Y1 (QC)'],
    ]);
  });

  it('the EDI example writes and reads the batches of SH-1', async () => {
    const { desadvOf } = await import('../examples/edi-desadv.js');
    const { edi, batches } = await desadvOf(await dairy());
    expect(edi).toContain("UNH+1+DESADV:D:96A:UN:EAN005'");
    expect(batches).toEqual(['Y1 2026-03-20 30', 'Y2 2026-03-25 12']);
  });

  it('the ERP example syncs from an SAP-shaped server', async () => {
    const srv = await startServer((req, res) => {
      expect(req.headers.authorization).toBe(`Basic ${btoa('USER:PASS')}`);
      if (req.url?.includes('/API_BATCH_SRV/Batch?'))
        return json(res, 200, {
          d: {
            results: [
              {
                Material: 'milk',
                Batch: 'M9',
                ShelfLifeExpirationDate: odataDate('2026-04-01'),
                LastChangeDateTime: odataDate('2026-03-01T00:00:00Z'),
              },
            ],
          },
        });
      if (req.url?.includes('/A_MaterialDocumentHeader?'))
        return json(res, 200, {
          d: {
            results: [
              {
                CreationDate: odataDate('2026-03-02'),
                CreationTime: 'PT07H00M00S',
                PostingDate: odataDate('2026-03-02'),
                to_MaterialDocumentItem: {
                  results: [
                    {
                      MaterialDocumentYear: '2026',
                      MaterialDocument: '5000000001',
                      MaterialDocumentItem: '1',
                      Material: 'milk',
                      Plant: '1010',
                      StorageLocation: '0001',
                      Batch: 'M9',
                      GoodsMovementType: '101',
                      DebitCreditCode: 'S',
                      QuantityInEntryUnit: '250.0',
                      EntryUnit: 'L',
                    },
                  ],
                },
              },
            ],
          },
        });
      json(res, 404, {});
    });
    const lg = await dairy();
    await lg.defineLocation({ id: 'WH-0001', site: 'dairy' });
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const { syncSap } = await import('../examples/erp-sync.js');
    const report = await syncSap(lg, `${srv.url}/sap/opu/odata/sap`, path.join(dir, 'cp.json'));
    await srv.close();
    expect(warn).not.toHaveBeenCalled();
    warn.mockRestore();
    expect(report.movements).toMatchObject({ applied: 1, conflicts: 0 });
    expect(await lg.store.getLot('M9')).toMatchObject({ productId: 'milk', expiry: '2026-04-01' });
  });

  it('the feed example serves shop1 through its signed link', async () => {
    const { serveFeed } = await import('../examples/customer-feed.js');
    const { server, link } = await serveFeed(await dairy(), 'a-signing-secret-of-32-characters!!');
    const res = await fetch(link);
    const body = (await res.json()) as { shipments: { shipmentId: string }[] };
    await new Promise<void>((r) => server.close(() => r()));
    expect(res.status).toBe(200);
    expect(body.shipments.map((s) => s.shipmentId)).toEqual(['SH-1']);
    expect(customerFeedHandler).toBeTypeOf('function');
  });
});
