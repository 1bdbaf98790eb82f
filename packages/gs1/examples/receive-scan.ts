import { formatDigitalLink, parse } from '@lotgraph/gs1';

// A GS1-128 label scanned at goods receipt: ]C1 symbology id, FNC1 sent as ASCII 29.
const scan = ']C1010950600013435217271200' + '10LOT-2026-0042\x1d3103001250';
const r = parse(scan, { referenceDate: '2026-06-01' });

if (r.valid) {
  console.log(r.gtin, r.batch, r.expiry); // 09506000134352 LOT-2026-0042 2027-12-31
  console.log(r.netWeight); // { value: '1.250', unit: 'kg', ai: '3103' }
  console.log(formatDigitalLink(r.elements)); // https://id.gs1.org/01/09506000134352/10/LOT-2026-0042?17=271200&3103=001250
} else {
  for (const d of r.diagnostics) console.error(d.code, d.ai, d.offset, d.message);
}
