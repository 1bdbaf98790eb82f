/**
 * The Certificate of Analysis as PDF: issuer, certificate number, product and lot, one block per test
 * (method, specification, result, sample and test dates, laboratory), verdict, release decision, approval,
 * and the SHA-256 with how to verify it. The certificate's JSON is attached to the PDF (`<number>.json`).
 *
 * @module
 */
import type { SignedCoa } from '../quality/coa.js';
import { PdfWriter } from './pdf-kit.js';
import type { CompanyProfile } from './profile.js';

/** Render a certificate (from `lg.quality.coaData`) as PDF. */
export async function coaPdf(signed: SignedCoa, company?: CompanyProfile): Promise<Uint8Array> {
  const c = signed.certificate;
  const w = await PdfWriter.create({
    title: `Certificate of Analysis ${c.certificateNumber}`,
    reference: `Certificate of Analysis ${c.certificateNumber}`,
    ...(company ? { company } : {}),
  });
  w.para('Certificate of Analysis', { size: 20, bold: true });
  w.para(`Certificate number: ${c.certificateNumber}`, { size: 11, bold: true });
  if (c.issuer)
    w.para(
      `Issued by: ${c.issuer.name}, ${c.issuer.address.join(', ')}${c.issuer.gln ? `, GLN ${c.issuer.gln}` : ''}`,
      { hang: 12 },
    );
  if (c.issuedOn) w.para(`Issued on: ${c.issuedOn}`);
  w.gap();
  const facts: [string, string | undefined][] = [
    ['Product', `${c.product.name}${c.product.gtin ? `, GTIN ${c.product.gtin}` : ''} [${c.product.id}]`],
    ['Lot', `${c.lot.id}${c.lot.supplierLotNumber ? ` (supplier lot ${c.lot.supplierLotNumber})` : ''}`],
    ['Production date', c.lot.productionDate],
    ['Best before', c.lot.bestBefore],
    ['Use by / expiry', c.lot.expiry],
    ['Country of origin', c.lot.originCountry],
  ];
  for (const [k, v] of facts) if (v) w.para(`${k}: ${v}`, { hang: 12 });
  w.heading('Results');
  if (c.tests.length === 0) w.para('No specification is defined for this product.');
  for (const t of c.tests) {
    w.para(
      `${t.name} [${t.code}]: ${t.value ?? 'not tested'}${t.value && t.unit ? ` ${t.unit}` : ''} - ${t.result.toUpperCase()}`,
      {
        bold: true,
        hang: 12,
      },
    );
    w.para(
      [
        `specification ${t.specification}${t.unit ? ` ${t.unit}` : ''}`,
        t.method ? `method ${t.method}` : '',
        t.laboratory ? `laboratory ${t.laboratory}` : '',
        t.sampledOn ? `sampled ${t.sampledOn}` : '',
        t.testedAt ? `tested ${t.testedAt}` : '',
        t.resultId ? `result ${t.resultId}` : '',
      ]
        .filter(Boolean)
        .join('; '),
      { indent: 12, hang: 12, size: 9 },
    );
  }
  w.heading(`Verdict: ${c.verdict.toUpperCase()}`);
  w.para(
    c.decision
      ? `Decision: ${c.decision.decision} by ${c.decision.approver} on ${c.decision.at}${c.decision.override ? ' (concession)' : ''}${c.decision.note ? ` - ${c.decision.note}` : ''}`
      : 'Decision: pending',
  );
  w.approval(c.approval, 'This certificate');
  w.heading('Verification');
  w.para(`SHA-256 of the certificate data: ${signed.sha256}`, { size: 8.5 });
  w.para(
    `The certificate data is attached to this PDF as ${c.certificateNumber}.json ({ certificate, sha256 }). To verify: lg.quality.verifyCoa(bytes of that file), or compute SHA-256 over the canonical JSON of "certificate" (keys sorted, no whitespace) and compare with the value above.`,
    { size: 8.5 },
  );
  const json = new TextEncoder().encode(JSON.stringify(signed, null, 2));
  await w.pdf.attach(json, `${c.certificateNumber}.json`, {
    mimeType: 'application/json',
    description: 'Certificate of Analysis data and its SHA-256',
  });
  return w.save();
}
