import { execFileSync } from 'node:child_process';
import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { hmacSha256Hex } from '@lotgraph/sdk';
import { afterAll, describe, expect, it } from 'vitest';
import { bakery } from './helpers.js';

const dir = mkdtempSync(path.join(tmpdir(), 'lotgraph-quality-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const hasPoppler = existsSync('/usr/bin/pdftotext') && existsSync('/usr/bin/pdftoppm');

async function withSpec() {
  const { lg, store } = await bakery();
  await lg.quality.defineSpec({
    productId: 'flour',
    tests: [
      { code: 'H2O', name: 'Moisture', method: 'ISO 712', unit: '%', max: '15.0' },
      { code: 'PROT', name: 'Protein', method: 'ISO 20483', unit: '%', min: '10.5', max: '14' },
      { code: 'SALM', name: 'Salmonella', method: 'ISO 6579', expected: 'absent in 25 g' },
    ],
  });
  await lg.receive({
    lotId: 'F1',
    productId: 'flour',
    supplierId: 'mill',
    locationId: 'WH',
    quantity: '100',
    supplierLotNumber: 'MILL-9',
    expiry: '2026-09-30',
    productionDate: '2026-02-20',
  });
  await lg.hold({ holdId: 'QC-F1', lotId: 'F1', reasonCode: 'incoming_inspection' });
  await lg.hold({ holdId: 'CMP-F1', lotId: 'F1', reasonCode: 'complaint' });
  return { lg, store };
}

describe('quality', () => {
  it('judges results against the specification and gives a verdict', async () => {
    const { lg } = await withSpec();
    await lg.quality.recordResult({
      resultId: 'R1',
      lotId: 'F1',
      testCode: 'H2O',
      value: '13.2',
      lab: 'Lab A',
    });
    let v = await lg.quality.verdict('F1');
    expect(v.verdict).toBe('incomplete');
    const bad = await lg.quality.recordResult({
      resultId: 'R2',
      lotId: 'F1',
      testCode: 'PROT',
      value: '9.8',
    });
    expect(bad.payload.result).toBe('fail');
    expect((await lg.quality.verdict('F1')).verdict).toBe('nonconforming');
    await lg.quality.recordResult({ resultId: 'R3', lotId: 'F1', testCode: 'PROT', value: '11.9' }); // retest
    await lg.quality.recordResult({ resultId: 'R4', lotId: 'F1', testCode: 'SALM', value: 'Absent in 25 g' });
    v = await lg.quality.verdict('F1');
    expect(v.verdict).toBe('conforming');
    expect(v.lines.map((l) => [l.code, l.result])).toEqual([
      ['H2O', 'pass'],
      ['PROT', 'pass'],
      ['SALM', 'pass'],
    ]);
    const unknown = await lg.quality
      .recordResult({ resultId: 'R5', lotId: 'F1', testCode: 'XX', value: '1' })
      .catch((e) => e);
    expect([unknown.code, unknown.details.field]).toEqual(['VALIDATION_FAILED', 'testCode']);
  });

  it('a release records the approver and lifts only the QC holds; a nonconforming lot needs a concession', async () => {
    const { lg, store } = await withSpec();
    const refused = await lg.quality
      .decide({ lotId: 'F1', decision: 'release', approver: 'qa.lead' })
      .catch((e) => e);
    expect([refused.code, refused.details.field]).toEqual(['VALIDATION_FAILED', 'decision']);
    await lg.quality.recordResult({ resultId: 'R1', lotId: 'F1', testCode: 'H2O', value: '13.2' });
    await lg.quality.recordResult({ resultId: 'R2', lotId: 'F1', testCode: 'PROT', value: '12' });
    await lg.quality.recordResult({ resultId: 'R3', lotId: 'F1', testCode: 'SALM', value: 'absent in 25 g' });
    const ev = await lg.quality.decide({ lotId: 'F1', decision: 'release', approver: 'qa.lead' });
    expect(ev.payload.verdict).toBe('conforming');
    const active = await store.listHolds({ lotId: 'F1', status: 'active' });
    expect(active.map((h) => h.reasonCode)).toEqual(['complaint']); // the complaint hold stays
    expect((await lg.quality.verdict('F1')).decision).toMatchObject({
      decision: 'release',
      approver: 'qa.lead',
      override: false,
    });
  });

  it.skipIf(!hasPoppler)('renders a Certificate of Analysis with the lot and every test line', async () => {
    const { lg } = await withSpec();
    await lg.quality.recordResult({ resultId: 'R1', lotId: 'F1', testCode: 'H2O', value: '13.2' });
    await lg.quality.recordResult({ resultId: 'R2', lotId: 'F1', testCode: 'PROT', value: '12.1' });
    await lg.quality.recordResult({ resultId: 'R3', lotId: 'F1', testCode: 'SALM', value: 'absent in 25 g' });
    await lg.quality.decide({ lotId: 'F1', decision: 'release', approver: 'Dr. Q. Assurance' });
    const file = path.join(dir, 'coa.pdf');
    writeFileSync(file, await lg.quality.coa('F1'));
    const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
    for (const s of [
      'Certificate of Analysis',
      'F1',
      'MILL-9',
      'Moisture',
      'Protein',
      'Salmonella',
      '13.2',
      '12.1',
      'CONFORMING',
      'Dr. Q. Assurance',
      '2026-09-30',
    ])
      expect(text).toContain(s);
    execFileSync('pdftoppm', ['-png', '-r', '60', file, path.join(dir, 'coa')]);
    expect(readFileSync(path.join(dir, 'coa-1.png')).subarray(1, 4).toString()).toBe('PNG');
  });
});

describe('documents', () => {
  it('stores metadata, SHA-256 and bytes (or a URI), retrievable by lot', async () => {
    const { lg } = await withSpec();
    const bytes = new TextEncoder().encode('%PDF-1.4 organic certificate');
    await lg.documents.attach({
      documentId: 'DOC1',
      kind: 'organic',
      title: 'Organic certificate 2026',
      mediaType: 'application/pdf',
      content: bytes,
      lotIds: ['F1'],
    });
    await lg.documents.attach({
      documentId: 'DOC2',
      kind: 'origin',
      title: 'Certificate of origin',
      mediaType: 'application/pdf',
      uri: 'https://docs.example/origin/77.pdf',
      sha256: 'a'.repeat(64),
      byteLength: 1234,
      lotIds: ['F1'],
    });
    const docs = await lg.documents.list({ lotId: 'F1' });
    expect(docs.map((d) => d.id)).toEqual(['DOC1', 'DOC2']);
    expect(docs[0]!.sha256).toBe(createHash('sha256').update(bytes).digest('hex'));
    expect(docs[0]!.content).toEqual(bytes);
    expect(docs[1]!.uri).toBe('https://docs.example/origin/77.pdf');
    const bad = await lg.documents
      .attach({ documentId: 'DOC3', kind: 'x', title: 'x', mediaType: 'text/plain', lotIds: ['F1'] })
      .catch((e) => e);
    expect([bad.code, bad.details.field]).toEqual(['VALIDATION_FAILED', 'content']);
  });
});

describe('alerts and subscriptions', () => {
  it('lists expiring, expired-on-hand and low-stock items', async () => {
    const { lg } = await bakery();
    await lg.receive({
      lotId: 'A',
      productId: 'flour',
      locationId: 'WH',
      quantity: '5',
      expiry: '2026-03-05',
    });
    await lg.receive({
      lotId: 'B',
      productId: 'flour',
      locationId: 'WH',
      quantity: '5',
      expiry: '2026-03-20',
    });
    await lg.receive({
      lotId: 'C',
      productId: 'flour',
      locationId: 'WH',
      quantity: '5',
      expiry: '2026-02-27',
    });
    expect(
      (await lg.alerts.expiring({ withinDays: 7, date: '2026-03-01' })).map((a) => [a.lotId, a.daysToExpiry]),
    ).toEqual([['A', 4]]);
    expect((await lg.alerts.expiredOnHand('2026-03-01')).map((a) => a.lotId)).toEqual(['C']);
    expect(await lg.alerts.lowStock({ thresholds: { flour: '20', salt: '1' } })).toEqual([
      { productId: 'flour', onHand: '15.000', threshold: '20.000', unit: 'kg', lots: 3 },
      { productId: 'salt', onHand: '0.000', threshold: '1.000', unit: 'kg', lots: 0 },
    ]);
    const bad = await lg.alerts.expiring({ withinDays: 7, date: '1 March' }).catch((e) => e);
    expect(bad.details.field).toBe('date');
  });

  it('HMAC-SHA256 matches node:crypto', () => {
    for (const [k, m] of [
      ['secret', 'hello'],
      ['k'.repeat(100), '{"a":1}'],
      ['', ''],
    ])
      expect(hmacSha256Hex(k!, m!)).toBe(createHmac('sha256', k!).update(m!).digest('hex'));
  });
});
