import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { Lotgraph } from '@lotgraph/sdk';
import { afterAll, describe, expect, it } from 'vitest';
// @ts-expect-error — plain ESM module without types
import { days, masterData } from '../src/sample.mjs';

const demo = fileURLToPath(new URL('../src/demo.mjs', import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-demo-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('the quickstart demo', () => {
  it('loads the sample into SQLite, runs the mock recall and prints numbers that match the database', async () => {
    const db = path.join(dir, 'demo.db');
    const stdout = execFileSync(process.execPath, [demo, '--days', '40', '--customers', '30', '--db', db], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    expect(stdout).toContain('Ledger verification: intact');
    const suspect = /our lot (R-sesame-[\w-]+)\)/.exec(stdout)?.[1];
    expect(suspect).toBeDefined();
    const printed = /deliveries: (\d+) shipment lines to (\d+) customers/.exec(stdout);
    expect(printed).not.toBeNull();

    // Re-derive the answer independently from the file the demo left behind.
    const lg = await Lotgraph.open({ store: SqliteStore.open({ filename: db }) });
    const fwd = await lg.trace.forward(suspect!);
    expect(Number(printed![1])).toBe(fwd.deliveries.length);
    expect(Number(printed![2])).toBe(fwd.customers.length);
    expect(fwd.customers.length).toBeGreaterThan(0);
    // Every delivery of an affected lot really is a shipment line of that lot.
    const lines = await lg.store.listShipmentLines({ lotIds: fwd.lots.map((l) => l.lotId) });
    expect(lines.length).toBe(fwd.deliveries.length);
    expect((await lg.verifyLedger()).ok).toBe(true);
    // The mock recall's evidence pack sits next to the database and agrees with the trace.
    for (const f of [
      'recall-report.pdf',
      'notification-list.csv',
      'recall-evidence.json',
      'fsma204.csv',
      'one-step-eu178.csv',
    ])
      expect(existsSync(path.join(dir, f)), f).toBe(true);
    const evidence = JSON.parse(readFileSync(path.join(dir, 'recall-evidence.json'), 'utf8'));
    expect(evidence.drill).toBe(true);
    expect(evidence.scope.counts.customers).toBe(fwd.customers.length);
    expect(evidence.scope.counts.deliveries).toBe(fwd.deliveries.length);
    expect(readFileSync(path.join(dir, 'recall-report.pdf')).subarray(0, 5).toString()).toBe('%PDF-');
    expect(stdout).toMatch(/Mass balance of \d+ lots: (\d+) within/);
    // The evidence pack an auditor accepts (issue 17): nothing cut, every lot, e-mail and verdict present.
    const pdfText = (file: string) => execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
    const cut = (text: string) => text.split('\n').filter((l) => /(\.\.\.|…)\s*$/.test(l));
    const hasPoppler = existsSync('/usr/bin/pdftotext');
    if (hasPoppler || process.env.CI) {
      const report = pdfText(path.join(dir, 'recall-report.pdf'));
      expect(cut(report)).toEqual([]);
      const flat = report.replace(/\s+/g, ' ');
      for (const l of evidence.scope.lots) expect(flat).toContain(l.lotId);
      for (const c of evidence.scope.customers)
        for (const x of c.contacts) if (x.email) expect(flat).toContain(x.email);
      expect(flat.match(/ - (OK|OUT OF TOLERANCE)/g)).toHaveLength(evidence.massBalance.length);
      expect(flat).toContain('Northfield Bakery Ltd');
      expect(flat).toMatch(/Page 1 of \d+/);
      expect(flat).toContain('approved by Dana Whitfield, Quality manager');
      const letters = readdirSync(path.join(dir, 'letters'));
      expect(letters).toHaveLength(evidence.scope.customers.length);
      for (const f of letters) {
        const text = pdfText(path.join(dir, 'letters', f));
        expect(cut(text)).toEqual([]);
        expect(text.replace(/\s+/g, ' ')).toContain('quality@northfield.example');
      }
    } else console.warn('[demo.test] pdftotext not found: PDF text checks SKIPPED');
    // The notification list: one row per customer × product, with only that product's lots.
    const csvRows = readFileSync(path.join(dir, 'notification-list.csv'), 'utf8')
      .trimEnd()
      .split('\r\n')
      .slice(1);
    const byKey = new Set(
      csvRows.map((r) =>
        r
          .split(',')
          .slice(2, 3)
          .concat(r.match(/,(loaf|crackers),/)?.[1] ?? '')
          .join('/'),
      ),
    );
    expect(byKey.size).toBe(csvRows.length);
    for (const r of csvRows) {
      if (r.includes(',loaf,')) expect(r).not.toMatch(/ K-\d|,K-\d/);
      if (r.includes(',crackers,')) expect(r).not.toMatch(/ L-\d|,L-\d/);
    }
    // FSMA 204 covers every lot of the scope; the CoA's JSON sidecar verifies against the ledger.
    const fsma = readFileSync(path.join(dir, 'fsma204.csv'), 'utf8');
    for (const l of evidence.scope.lots) expect(fsma).toContain(`,${l.lotId},`);
    const coaJson = readdirSync(dir).find((f) => /^coa-.*\.json$/.test(f));
    expect(coaJson).toBeDefined();
    expect(await lg.quality.verifyCoa(readFileSync(path.join(dir, coaJson!)))).toMatchObject({
      valid: true,
      matchesLedger: true,
    });
    // A drill placed no hold.
    expect(await lg.store.listHolds()).toEqual([]);
    await lg.close();
    await lg.store.close();
  });

  it('the sample generator is deterministic and every day is accepted by the sdk', async () => {
    const a = JSON.stringify([...days({ days: 15, customers: 10 })]);
    const b = JSON.stringify([...days({ days: 15, customers: 10 })]);
    expect(a).toBe(b);
    const lg = await Lotgraph.open({ store: SqliteStore.open() });
    await lg.batch(masterData({ customers: 10 }));
    for (const cmds of days({ days: 15, customers: 10 })) await lg.batch(cmds);
    // Stock never negative and nothing expired was shipped.
    for (const s of await lg.store.listStock()) expect(s.quantity > 0n).toBe(true);
    for (const line of await lg.store.listShipmentLines()) {
      const lot = await lg.store.getLot(line.lotId);
      expect(lot?.expiry === undefined || lot.expiry > line.shippedAt.slice(0, 10)).toBe(true);
    }
    await lg.close();
  });
});
