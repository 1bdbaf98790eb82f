// The documents of issue 17 as an auditor reads them: rendered to PDF, extracted with pdftotext (poppler-utils),
// and checked for completeness — nothing cut, every lot, e-mail address and verdict present, company profile
// and "Page n of m" on every page; the notification list agrees with the letters (property); the CoA's SHA-256
// verifies; FSMA 204 by recall covers every CTE of the scope.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { FSMA204_COLUMNS, Lotgraph, MemoryStore, recallMasterData } from '@lotgraph/sdk';
import { createReports, letterContent, notificationList, wrapText } from '@lotgraph/sdk/reports';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
// @ts-expect-error — plain ESM module without types
import { days, masterData } from '../../../examples/quickstart/src/sample.mjs';
import { bakery, testClock } from './helpers.js';

const hasPoppler = existsSync('/usr/bin/pdftotext');
// CI installs poppler-utils: there a missing pdftotext is a failure, not a skip.
const skipPdf = !hasPoppler && !process.env.CI;
if (skipPdf)
  console.warn('[reports.test] pdftotext not found: PDF text checks SKIPPED (apt-get install poppler-utils)');
const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-reports-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function pdfText(pdf: Uint8Array): string {
  const file = path.join(dir, `doc-${++n}.pdf`);
  writeFileSync(file, pdf);
  return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
}
const pages = (text: string) => text.split('\f').filter((p) => p.trim() !== '');

const COMPANY = {
  name: 'Northfield Bakery Ltd',
  address: ['Unit 4, Mill Lane', 'Ashford TN23 1AA', 'United Kingdom'],
  contact: { name: 'Quality department', email: 'quality@northfield.example', phone: '+44 1233 000 100' },
  gln: '5060000000008',
};

/** Every document page carries the company profile and "Page i of n", numbered 1..n. */
function expectFramed(text: string, reference: string) {
  const ps = pages(text);
  expect(ps.length).toBeGreaterThan(0);
  ps.forEach((p, i) => {
    expect(p).toContain(COMPANY.name);
    expect(p).toContain('Ashford TN23 1AA');
    expect(p).toContain(`${reference} - Page ${i + 1} of ${ps.length}`);
  });
}
const noCutLines = (text: string) => text.split('\n').filter((l) => /(\.\.\.|…)\s*$/.test(l));

describe('the evidence pack of the quickstart sample (40 days, 30 customers)', () => {
  let lg: Lotgraph;
  let recallId: string;
  beforeAll(async () => {
    lg = await Lotgraph.open({ store: new MemoryStore(), clock: testClock() });
    await lg.batch(masterData({ customers: 30 }));
    for (const cmds of days({ days: 40, customers: 30 })) await lg.batch(cmds);
    const sesame = (await lg.store.listLots()).filter((l) => l.productId === 'sesame');
    const suspect = sesame[Math.floor(sesame.length / 4)]!;
    recallId = `DRILL-${suspect.id}`;
    await lg.recall.open({
      recallId,
      lots: [suspect.id],
      reason: 'Mock recall: undeclared peanut reported by the supplier',
      classification: 'I',
      drill: true,
    });
  }, 120_000);

  it.skipIf(skipPdf)(
    'the recall report wraps instead of cutting and names every lot, customer e-mail and verdict',
    async () => {
      const reports = createReports(lg, { company: COMPANY });
      const approval = { name: 'Dana Whitfield', role: 'Quality manager', at: '2026-04-20' };
      const text = pdfText(await reports.recallReport(recallId, { approval }));
      const ev = await lg.recall.evidence(recallId);
      expect(ev.scope.customers.length).toBeGreaterThan(5);
      expect(noCutLines(text)).toEqual([]);
      expectFramed(text, `Recall report ${recallId}`);
      const flat = text.replace(/\s+/g, ' ');
      for (const l of ev.scope.lots) expect(flat, l.lotId).toContain(l.lotId);
      for (const c of ev.scope.customers) {
        expect(flat).toContain(c.name);
        for (const x of c.contacts) if (x.email) expect(flat).toContain(x.email);
      }
      // One verdict per mass-balance line, each complete.
      const verdicts = flat.match(/variance -?[\d.]+ \w+ \([\d.]+ %\) - (OK|OUT OF TOLERANCE)/g) ?? [];
      expect(verdicts).toHaveLength(ev.massBalance.length);
      // Products by name and GTIN, the mass-balance legend, and the approval block.
      expect(flat).toContain('Sesame loaf 800 g, GTIN');
      expect(flat).toContain('Sesame crackers 200 g, GTIN');
      expect(flat).toContain('in = received + produced + returned');
      expect(flat).toContain('This report approved by Dana Whitfield, Quality manager, on 2026-04-20');
      // Dates beside lot ids.
      expect(flat).toMatch(/L-\d{8} \(expiry \d{4}-\d{2}-\d{2}\)/);
    },
  );

  it.skipIf(skipPdf)('every letter shows the whole reply address and every delivered lot', async () => {
    const reports = createReports(lg, { company: COMPANY });
    const letters = await reports.letters(recallId);
    const ev = await lg.recall.evidence(recallId);
    expect(letters.map((l) => l.customerId)).toEqual(ev.scope.customers.map((c) => c.customerId));
    const rows = await reports.notificationList(recallId);
    for (const l of letters) {
      const text = pdfText(l.pdf);
      expect(noCutLines(text)).toEqual([]);
      expectFramed(text, `Recall ${recallId} - ${l.customerId}`);
      const flat = text.replace(/\s+/g, ' ');
      expect(flat).toContain(`quoting ${recallId} to Quality department, quality@northfield.example`);
      expect(flat).toContain(l.email!);
      for (const d of ev.scope.deliveries.filter((x) => x.customerId === l.customerId)) {
        expect(flat).toContain(d.lotId);
        expect(flat).toContain(`shipment ${d.shipmentId} line ${d.lineNo}`);
      }
      for (const r of rows.filter((x) => x.customerId === l.customerId))
        expect(flat).toContain(
          `${r.productName}, GTIN ${r.gtin} [${r.productId}]: ${r.quantity} ${r.unit} in ${r.deliveries}`,
        );
    }
  });

  it('the notification list has one row per customer × product with only that product’s lots', async () => {
    const reports = createReports(lg, { company: COMPANY });
    const ev = await lg.recall.evidence(recallId);
    const rows = await reports.notificationList(recallId);
    const csv = await reports.notificationCsv(recallId);
    expect(csv.trimEnd().split('\r\n')).toHaveLength(rows.length + 1);
    const lots = new Map((await lg.store.listLots()).map((l) => [l.id, l]));
    const keys = new Set<string>();
    for (const r of rows) {
      keys.add(`${r.customerId}/${r.productId}`);
      for (const l of r.lots) expect(lots.get(l.lotId)?.productId).toBe(r.productId);
      expect(r.lines.every((d) => d.productId === r.productId && d.customerId === r.customerId)).toBe(true);
    }
    expect(keys.size).toBe(rows.length);
    // Delivery counts differ per product for at least one customer (not the customer's total repeated).
    const byCustomer = new Map<string, number[]>();
    for (const r of rows)
      byCustomer.set(r.customerId, [...(byCustomer.get(r.customerId) ?? []), r.deliveries]);
    expect([...byCustomer.values()].some((counts) => new Set(counts).size > 1)).toBe(true);
    const total = new Map(ev.scope.customers.map((c) => [c.customerId, c.deliveries]));
    for (const [id, counts] of byCustomer) expect(counts.reduce((a, b) => a + b, 0)).toBe(total.get(id));
  });

  it('FSMA 204 by recall covers every CTE of the scope, with the supplier’s lot code for received lots', async () => {
    const ev = await lg.recall.evidence(recallId);
    const { rows } = await lg.exports.fsma204({ recallId });
    const col = (name: (typeof FSMA204_COLUMNS)[number]) => FSMA204_COLUMNS.indexOf(name);
    const scopeIds = new Set(ev.scope.lots.map((l) => l.lotId));
    // One creation row per lot (receiving or transformation) and one shipping row per shipment line.
    const lines = await lg.store.listShipmentLines({ lotIds: [...scopeIds] });
    const created = rows.filter((r) => r[0] === 'Receiving' || r[0] === 'Transformation');
    expect(new Set(created.map((r) => r[col('Internal Lot ID')]))).toEqual(scopeIds);
    expect(rows.filter((r) => r[0] === 'Shipping')).toHaveLength(lines.length);
    expect(rows.length).toBe(created.length + lines.length);
    const suspect = (await lg.store.getLots(ev.scope.suspectLots))[0]!;
    const receiving = rows.find((r) => r[0] === 'Receiving')!;
    expect(receiving[col('Traceability Lot Code')]).toBe(suspect.supplierLotNumber);
    expect(receiving[col('Traceability Lot Code Source')]).toContain('Levant Sesame Co');
    expect(receiving[col('Traceability Lot Code Source Address')]).toMatch(/Izmir/);
    for (const r of rows.filter((x) => x[0] === 'Shipping'))
      expect(r[col('Immediate Subsequent Recipient Address')]).toMatch(/High Street/);
    // Same lots by id give the same rows.
    expect((await lg.exports.fsma204({ lotIds: [...scopeIds] })).rows).toEqual(rows);
    const bad = await lg.exports.fsma204({ recallId: 'nope' }).catch((e) => e);
    expect(bad.code).toBe('RECALL_NOT_FOUND');
  });

  it('EU 178/2002 by recall names every supplier and customer with their address', async () => {
    const csv = await lg.exports.eu178Csv({ recallId });
    const rows = csv.trimEnd().split('\r\n');
    expect(rows[0]).toContain('product_description');
    const parties = rows.filter((r) => /^(back,supplier|forward,customer),/.test(r));
    expect(parties.length).toBeGreaterThan(10);
    for (const r of parties) expect(r).toMatch(/Industrial Estate|High Street/);
    const bad = await lg.exports.eu178Csv({ recallId: 'R', lotIds: ['x'] } as never).catch((e) => e);
    expect(bad.code).toBe('VALIDATION_FAILED');
  });
});

/** A random little bakery: one raw lot made into lots of two products, shipped at random to customers. */
const shipments = fc.array(
  fc.record({
    customer: fc.integer({ min: 0, max: 3 }),
    lines: fc.array(fc.record({ lot: fc.integer({ min: 0, max: 3 }), qty: fc.integer({ min: 1, max: 5 }) }), {
      minLength: 1,
      maxLength: 3,
    }),
  }),
  { minLength: 1, maxLength: 8 },
);

describe('notification list and letters (property)', () => {
  it('for every customer and product, the list and the letter show the same deliveries, lots and exact sums', async () => {
    await fc.assert(
      fc.asyncProperty(shipments, async (ships) => {
        const { lg } = await bakery();
        for (let c = 0; c < 4; c++)
          await lg.defineParty({
            id: `c${c}`,
            name: `Customer ${c}`,
            roles: ['customer'],
            address: `${c} Road`,
          });
        await lg.receive({
          lotId: 'F',
          productId: 'flour',
          supplierId: 'mill',
          locationId: 'WH',
          quantity: '100',
        });
        // Lots 0, 1: bread (pieces); lots 2, 3: crumbs (kg, 3 decimals).
        const lots = ['B0', 'B1', 'K2', 'K3'];
        await lg.produce({
          orderId: 'P',
          inputs: [{ lotId: 'F', locationId: 'WH', quantity: '40' }],
          outputs: [
            { lotId: 'B0', productId: 'bread', locationId: 'WH', quantity: '100' },
            { lotId: 'B1', productId: 'bread', locationId: 'WH', quantity: '100' },
            { lotId: 'K2', productId: 'crumbs', locationId: 'WH', quantity: '100' },
            { lotId: 'K3', productId: 'crumbs', locationId: 'WH', quantity: '100' },
          ],
        });
        for (const [i, s] of ships.entries())
          await lg.ship({
            shipmentId: `S${i}`,
            customerId: `c${s.customer}`,
            lines: s.lines.map((l) => ({
              lotId: lots[l.lot]!,
              locationId: 'WH',
              quantity: l.lot < 2 ? String(l.qty) : `${l.qty}.125`,
            })),
          });
        const ev = await lg.recall.open({
          recallId: 'R',
          lots: ['F'],
          reason: 'test',
          classification: 'II',
          drill: true,
        });
        const master = await recallMasterData(lg.store, ev);
        const rows = notificationList(ev, master);
        // The oracle: the store's shipment lines, grouped by customer and product.
        const oracle = new Map<string, { steps: bigint; n: number; lots: Set<string> }>();
        const decimals = { bread: 0, crumbs: 3 } as Record<string, number>;
        for (const l of await lg.store.listShipmentLines()) {
          const k = `${l.customerId}/${l.productId}`;
          const o = oracle.get(k) ?? { steps: 0n, n: 0, lots: new Set() };
          o.steps += l.quantity;
          o.n++;
          o.lots.add(l.lotId);
          oracle.set(k, o);
        }
        expect(rows.map((r) => `${r.customerId}/${r.productId}`).sort()).toEqual([...oracle.keys()].sort());
        for (const r of rows) {
          const o = oracle.get(`${r.customerId}/${r.productId}`)!;
          const d = decimals[r.productId]!;
          const s = o.steps.toString().padStart(d + 1, '0');
          expect(r.quantity).toBe(d ? `${s.slice(0, -d)}.${s.slice(-d)}` : s);
          expect(r.deliveries).toBe(o.n);
          expect(new Set(r.lots.map((l) => l.lotId))).toEqual(o.lots);
          expect(r.customerAddress).toBe(`${r.customerId.slice(1)} Road`);
        }
        // Each letter lists exactly its customer's rows, and its delivery lines add up to the row totals.
        for (const c of ev.scope.customers) {
          const letter = letterContent(ev, c.customerId, { master });
          expect(letter.rows).toEqual(rows.filter((r) => r.customerId === c.customerId));
          const text = letter.paragraphs.map((p) => p.text).join('\n');
          for (const r of letter.rows) {
            expect(text).toContain(
              `${r.productName} [${r.productId}]: ${r.quantity} ${r.unit} in ${r.deliveries}`,
            );
            const listed = [
              ...text.matchAll(
                new RegExp(`lot (${r.lots.map((l) => l.lotId).join('|')})[^,]*, ([\\d.]+) ${r.unit}`, 'g'),
              ),
            ];
            expect(listed).toHaveLength(r.deliveries);
            const d = decimals[r.productId]!;
            const sum = listed.reduce((a, m) => a + BigInt(m[2]!.replace('.', '')), 0n);
            expect(sum).toBe(oracle.get(`${r.customerId}/${r.productId}`)!.steps);
            expect(d >= 0).toBe(true);
          }
        }
      }),
      { numRuns: 25 },
    );
  });
});

describe('Certificate of Analysis', () => {
  async function released() {
    const { lg } = await bakery();
    await lg.quality.defineSpec({
      productId: 'flour',
      tests: [
        { code: 'H2O', name: 'Moisture', method: 'ISO 712', unit: '%', max: '15.0' },
        { code: 'SALM', name: 'Salmonella', method: 'ISO 6579', expected: 'absent in 25 g' },
      ],
    });
    await lg.receive({
      lotId: 'F1',
      productId: 'flour',
      supplierId: 'mill',
      locationId: 'WH',
      quantity: '100',
      supplierLotNumber: 'MILL-77',
      bestBefore: '2027-01-31',
      productionDate: '2026-02-20',
    });
    await lg.quality.recordResult({
      resultId: 'Q1',
      lotId: 'F1',
      testCode: 'H2O',
      value: '13.2',
      lab: 'Lab A',
      sampledAt: '2026-02-28',
    });
    await lg.quality.recordResult({
      resultId: 'Q2',
      lotId: 'F1',
      testCode: 'SALM',
      value: 'absent in 25 g',
      lab: 'Kent Food Lab',
    });
    await lg.quality.decide({ lotId: 'F1', decision: 'release', approver: 'qa.lead' });
    return lg;
  }

  it('carries number, issuer, lab, dates and methods, and a SHA-256 that verifies (and detects tampering)', async () => {
    const lg = await released();
    const reports = createReports(lg, { company: COMPANY });
    const approval = { name: 'Dana Whitfield', role: 'Quality manager', at: '2026-03-02' };
    const coa = await reports.coa('F1', { approval });
    const signed = JSON.parse(new TextDecoder().decode(coa.json));
    expect(signed.sha256).toBe(coa.sha256);
    expect(signed.certificate).toMatchObject({
      certificateNumber: coa.certificateNumber,
      issuer: { name: COMPANY.name, address: COMPANY.address },
      product: { id: 'flour', name: 'Wheat flour', gtin: '09506000134352' },
      lot: { id: 'F1', supplierLotNumber: 'MILL-77', bestBefore: '2027-01-31' },
      verdict: 'conforming',
      decision: { decision: 'release', approver: 'qa.lead' },
      approval,
    });
    expect(signed.certificate.tests[0]).toMatchObject({
      method: 'ISO 712',
      laboratory: 'Lab A',
      sampledOn: '2026-02-28',
      resultId: 'Q1',
    });
    expect(signed.certificate.tests[0].testedAt).toMatch(/^2026-03-01T/);
    expect(coa.certificateNumber).toMatch(/^COA-F1-[0-9a-f]{10}$/);

    const ok = await lg.quality.verifyCoa(coa.json);
    expect(ok).toMatchObject({ valid: true, matchesLedger: true, sha256: coa.sha256, problems: [] });
    // Any edit of the data breaks the hash.
    const forged = structuredClone(signed);
    forged.certificate.tests[0].value = '12.0';
    const bad = await lg.quality.verifyCoa(JSON.stringify(forged));
    expect(bad.valid).toBe(false);
    expect(bad.problems).toContain('sha256 does not match the certificate');
    // Re-hashing a forged certificate still fails: its number and the ledger disagree.
    const { sha256HexSync } = await import('../src/ledger/sha256.js');
    const { canonicalJson } = await import('@lotgraph/sdk');
    forged.sha256 = sha256HexSync(canonicalJson(forged.certificate));
    const rehashed = await lg.quality.verifyCoa(JSON.stringify(forged));
    expect(rehashed.valid).toBe(false);
    expect(rehashed.matchesLedger).toBe(false);
    // A later retest changes what the ledger says: the old certificate no longer matches it.
    await lg.quality.recordResult({ resultId: 'Q3', lotId: 'F1', testCode: 'H2O', value: '14.0' });
    expect(await lg.quality.verifyCoa(coa.json)).toMatchObject({ valid: true, matchesLedger: false });
    expect((await lg.quality.verifyCoa('not json')).valid).toBe(false);
    expect((await lg.quality.verifyCoa(5 as never).catch((e) => e)).code).toBe('VALIDATION_FAILED');

    if (!skipPdf) {
      const text = pdfText(coa.pdf);
      expectFramed(text, `Certificate of Analysis ${coa.certificateNumber}`);
      const flat = text.replace(/\s+/g, ' ');
      for (const s of [
        coa.certificateNumber,
        'Issued by: Northfield Bakery Ltd',
        'method ISO 712',
        'laboratory Lab A',
        'laboratory Kent Food Lab',
        'sampled 2026-02-28',
        'Best before: 2027-01-31',
        'Verdict: CONFORMING',
        'This certificate approved by Dana Whitfield, Quality manager, on 2026-03-02',
        coa.sha256,
      ])
        expect(flat).toContain(s);
      expect(noCutLines(text)).toEqual([]);
      // The sidecar travels inside the PDF as an attachment.
      const attachments = execFileSync('pdfdetach', ['-list', path.join(dir, `doc-${n}.pdf`)], {
        encoding: 'utf8',
      });
      expect(attachments).toContain(`${coa.certificateNumber}.json`);
    }
  });

  it('the deprecated lg.quality.coa still renders (the renderer loads on first use)', async () => {
    const lg = await released();
    const pdf = await lg.quality.coa('F1');
    expect(new TextDecoder().decode(pdf.subarray(0, 5))).toBe('%PDF-');
  });
});

describe('createReports', () => {
  it('checks its arguments with typed errors naming the field', async () => {
    const { lg } = await bakery();
    const err = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as { code: string; message: string };
      }
      return undefined;
    };
    expect(err(() => createReports({} as never, { company: COMPANY }))?.code).toBe('VALIDATION_FAILED');
    const e = err(() => createReports(lg, { company: { ...COMPANY, address: [] } }));
    expect(e?.code).toBe('VALIDATION_FAILED');
    expect(e?.message).toContain('company.address');
    expect(err(() => createReports(lg, { company: { ...COMPANY, gln: '12' } }))?.message).toContain(
      'company.gln',
    );
    expect(
      err(() => createReports(lg, { company: { ...COMPANY, logoPng: new Uint8Array([1, 2, 3]) } }))?.message,
    ).toContain('company.logoPng');
    const reports = createReports(lg, { company: COMPANY });
    expect((await reports.recallReport(5 as never).catch((x) => x)).code).toBe('VALIDATION_FAILED');
    expect((await reports.recallReport('R-404').catch((x) => x)).code).toBe('RECALL_NOT_FOUND');
    expect(
      (await reports.recallReport('R', { approval: { name: 'x', role: 'y', at: 'today' } }).catch((x) => x))
        .code,
    ).toBe('VALIDATION_FAILED');
    expect((await reports.coa('nope').catch((x) => x)).code).toBe('LOT_NOT_FOUND');
    expect((await reports.fsma204Csv({ recall: 'x' } as never).catch((x) => x)).code).toBe(
      'VALIDATION_FAILED',
    );
  });
});

describe.skipIf(skipPdf)('the company logo', () => {
  it('is drawn on the page', async () => {
    const { lg } = await bakery();
    await lg.receive({ lotId: 'F1', productId: 'flour', locationId: 'WH', quantity: '1' });
    // A small PNG, made by poppler from a one-page PDF.
    const src = path.join(dir, 'logo-src.pdf');
    writeFileSync(src, (await createReports(lg, { company: COMPANY }).coa('F1')).pdf);
    execFileSync('pdftoppm', ['-png', '-r', '8', '-singlefile', src, path.join(dir, 'logo')]);
    const logoPng = new Uint8Array(readFileSync(path.join(dir, 'logo.png')));
    const out = path.join(dir, 'with-logo.pdf');
    writeFileSync(out, (await createReports(lg, { company: { ...COMPANY, logoPng } }).coa('F1')).pdf);
    const list = (f: string) =>
      execFileSync('pdfimages', ['-list', f], { encoding: 'utf8' }).trim().split('\n').slice(2);
    expect(list(src)).toHaveLength(0);
    expect(list(out)).toHaveLength(1);
  });
});

describe('wrapText', () => {
  it('never loses or cuts text, and every line fits unless one word alone is wider (property)', () => {
    const measure = (s: string) => s.length * 5;
    fc.assert(
      fc.property(
        fc.array(fc.stringMatching(/^[A-Za-z0-9@.-]{1,30}$/), { minLength: 1, maxLength: 40 }),
        fc.integer({ min: 20, max: 400 }),
        (words, width) => {
          const text = words.join(' ');
          const lines = wrapText(text, width, measure);
          expect(lines.join(' ').replace(/ /g, '')).toBe(text.replace(/ /g, ''));
          for (const l of lines) expect(measure(l) <= width || l.length <= 1).toBe(true);
          // Words that fit are never split.
          for (const w of words)
            if (measure(w) <= width) expect(lines.some((l) => l.split(' ').includes(w))).toBe(true);
        },
      ),
    );
  });
});

describe('the README', () => {
  it('the documents example runs and prints what it says', async () => {
    const sdk = await import('@lotgraph/sdk');
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /## Documents an auditor accepts[^\n]*\n[\s\S]*?```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const body = block!.replace(/^import .*\n/gm, '');
    const logs: unknown[][] = [];
    const AsyncFunction = Object.getPrototypeOf(async () => {}).constructor as new (
      ...args: string[]
    ) => (...a: unknown[]) => Promise<void>;
    const run = new AsyncFunction('Lotgraph', 'MemoryStore', 'createReports', 'console', body);
    await run(sdk.Lotgraph, sdk.MemoryStore, createReports, { log: (...a: unknown[]) => logs.push(a) });
    expect(logs).toEqual([[[['Corner shop', 'Sesame loaf 800 g', '12', 1]]]]);
  });
});
