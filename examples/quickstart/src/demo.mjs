// The lotgraph demo (`npm run demo` at the repo root): loads months of a food manufacturer's operations
// into a SQLite file through the sdk — GS1 scans at goods receipt, production runs, shipments — then runs a
// mock recall of a suspect supplier lot: forward trace to every affected lot and customer with quantities,
// on-hand stock to block, and a backward trace of a finished lot to its supplier lots; then the same lot as a
// mock recall (drill) whose evidence pack — report PDF, letters, notification list, FSMA 204 spreadsheet, EU
// 178/2002 one-step report, EPCIS, evidence JSON with mass balances, and a Certificate of Analysis with its
// JSON sidecar — is written next to the database, every document headed by the company profile.
//
// Flags: --days N (default 150) --customers N (default 80) --db PATH (default examples/quickstart/out/northfield.db)
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { SqliteStore } from '@lotgraph/adapters/sqlite';
import { Lotgraph } from '@lotgraph/sdk';
import { createReports } from '@lotgraph/sdk/reports';
import { progressBar } from './progress.mjs';
import { days, masterData } from './sample.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const flag = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] !== undefined ? args[i + 1] : fallback;
};
const dayCount = Number(flag('days', '150'));
const customers = Number(flag('customers', '80'));
const dbFile = path.resolve(flag('db', path.join(here, '..', 'out', 'northfield.db')));
if (!Number.isInteger(dayCount) || dayCount < 10) throw new Error('--days: expected an integer ≥ 10');
if (!Number.isInteger(customers) || customers < 1)
  throw new Error('--customers: expected a positive integer');

const ms = (t0) => `${(performance.now() - t0).toFixed(1)} ms`;
const out = (s = '') => process.stdout.write(`${s}\n`);
const table = (rows) => {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => String(r[c]).length)));
  for (const r of rows)
    out(
      `  ${r.map((v, c) => (typeof v === 'number' ? String(v).padStart(widths[c]) : String(v).padEnd(widths[c]))).join('  ')}`,
    );
};

mkdirSync(path.dirname(dbFile), { recursive: true });
for (const suffix of ['', '-wal', '-shm']) rmSync(dbFile + suffix, { force: true });

out('lotgraph demo — Northfield Bakery, a sesame-bread maker');
out(`SQLite file: ${path.relative(process.cwd(), dbFile)}`);
out();

// 1. Load the sample through the sdk: every command validated, one transaction per day, hash-chained ledger.
let lg = await Lotgraph.open({ store: SqliteStore.open({ filename: dbFile }), actor: 'demo-loader' });
await lg.batch(masterData({ customers }));
const loadStart = performance.now();
const bar = progressBar(`Loading ${dayCount} days of operations`, dayCount);
let d = 0;
let commands = 0;
for (const cmds of days({ days: dayCount, customers })) {
  await lg.batch(cmds);
  commands += cmds.length;
  bar.update(++d);
}
const head = await lg.store.head();
const loadSecs = (performance.now() - loadStart) / 1000;
bar.done(`— ${commands} commands`);
const lots = await lg.store.listLots();
const shipments = await lg.store.listShipments();
out(
  `Loaded ${head.seq} events (${Math.round(commands / loadSecs)} commands/s): ${lots.length} lots, ${shipments.length} shipments, ` +
    `genealogy ${head.nodeCount} nodes / ${head.edgeCount} edges.`,
);
await lg.close();
await lg.store.close();

// 2. Reopen the file as a service would: the genealogy index is streamed from SQLite into WebAssembly.
let t = performance.now();
lg = await Lotgraph.open({ store: SqliteStore.open({ filename: dbFile }), actor: 'recall-coordinator' });
out(`Reopened the file and loaded the genealogy index in ${ms(t)}.`);
out();

// 3. The supplier calls: a sesame-paste lot is contaminated (undeclared peanut).
const sesameLots = lots.filter((l) => l.productId === 'sesame').sort((a, b) => a.createdSeq - b.createdSeq);
const suspect = sesameLots[Math.floor(sesameLots.length / 4)];
const supplier = await lg.store.getParty(suspect.supplierId);
out(
  `MOCK RECALL — ${supplier.name} reports supplier lot ${suspect.supplierLotNumber} of sesame paste (our lot ${suspect.id}).`,
);
t = performance.now();
const fwd = await lg.trace.forward(suspect.id);
out(`Forward trace in ${ms(t)}:`);
const byProduct = new Map();
for (const l of fwd.lots)
  if (l.lotId !== suspect.id) byProduct.set(l.productId, (byProduct.get(l.productId) ?? 0) + 1);
out(`  affected lots: ${[...byProduct].map(([p, n]) => `${n} ${p}`).join(', ')}`);
out(`  deliveries: ${fwd.deliveries.length} shipment lines to ${fwd.customers.length} customers`);
const shipped = new Map();
// Finished goods are counted in pieces (0 decimals), so the exact sum is a plain bigint sum.
for (const dl of fwd.deliveries)
  shipped.set(dl.productId, (shipped.get(dl.productId) ?? 0n) + BigInt(dl.quantity));
out(`  shipped: ${[...shipped].map(([p, q]) => `${q} ${p === 'loaf' ? 'loaves' : p}`).join(', ')}`);
out('  customers to notify (top 10 by deliveries):');
const top = [...fwd.customers]
  .sort((a, b) => b.deliveries - a.deliveries || a.name.localeCompare(b.name))
  .slice(0, 10);
table([
  ['customer', 'deliveries', 'quantities', 'first', 'last'],
  ...top.map((c) => [
    c.name,
    c.deliveries,
    c.quantities.map((q) => `${q.quantity} ${q.unit} ${q.productId}`).join(', '),
    c.firstShippedAt.slice(0, 10),
    c.lastShippedAt.slice(0, 10),
  ]),
]);
const onHand = [];
for (const l of fwd.lots) for (const s of await lg.store.listStock({ lotId: l.lotId })) onHand.push(s);
out(`  still in our warehouses (to block): ${onHand.length} lot × location balances`);
const products = new Map((await lg.store.listProducts()).map((p) => [p.id, p]));
/** Exact steps → decimal string in the product's base unit. */
const fmt = (steps, productId) => {
  const p = products.get(productId);
  if (p.decimals === 0) return `${steps} ${p.unit}`;
  const s = steps.toString().padStart(p.decimals + 1, '0');
  return `${s.slice(0, -p.decimals)}.${s.slice(-p.decimals)} ${p.unit}`;
};
if (onHand.length > 0)
  table([
    ['lot', 'location', 'on hand'],
    ...onHand.slice(0, 8).map((s) => [s.lotId, s.locationId, fmt(s.quantity, s.productId)]),
  ]);
if (onHand.length > 8) out(`  … and ${onHand.length - 8} more`);
out();

// 4. A customer complaint about a loaf: where did it come from?
const loaves = lots.filter((l) => l.productId === 'loaf').sort((a, b) => a.createdSeq - b.createdSeq);
const loaf = loaves[Math.floor(loaves.length / 2)];
t = performance.now();
const back = await lg.trace.backward(loaf.id);
out(
  `Backward trace of loaf lot ${loaf.id} in ${ms(t)}: ${back.lots.length - 1} ancestor lots, ${back.productionOrders.length} production orders, supplier lots:`,
);
const parties = new Map((await lg.store.listParties()).map((p) => [p.id, p.name]));
table([
  ['our lot', 'product', 'supplier', 'supplier lot', 'expiry'],
  ...back.supplierLots.map((l) => [
    l.lotId,
    l.productId,
    parties.get(l.supplierId) ?? '',
    l.supplierLotNumber ?? '',
    l.expiry ?? '',
  ]),
]);
out();

// 5. The mock recall an auditor asks for (BRCGS 3.11, IFS 4.18, FSMA 204): a drill of the same lot, with the
//    evidence pack written to examples/quickstart/out/ and the time of each step.
const outDir = path.dirname(dbFile);
const recallId = `DRILL-${suspect.id}`;
const timed = async (label, fn) => {
  const t0 = performance.now();
  const r = await fn();
  out(`  ${label.padEnd(44)} ${ms(t0)}`);
  return r;
};
out(`Mock recall ${recallId} (drill: no hold, no stock change, nothing sent):`);
const ev = await timed('scope, attribution and customer list', () =>
  lg.recall.open({
    recallId,
    supplierLotNumbers: [suspect.supplierLotNumber],
    reason: 'Mock recall: undeclared peanut reported by the supplier',
    classification: 'I',
    drill: true,
  }),
);
// The company profile, configured once: every document prints it (header, reply address, FSMA 204 lot code source).
const reports = createReports(lg, {
  company: {
    name: 'Northfield Bakery Ltd',
    address: ['Unit 4, Mill Lane', 'Ashford TN23 1AA', 'United Kingdom'],
    contact: { name: 'Quality department', email: 'quality@northfield.example', phone: '+44 1233 000 100' },
    gln: '5060000000008',
  },
});
const approval = { name: 'Dana Whitfield', role: 'Quality manager', at: ev.timeline.openedAt.slice(0, 10) };
const files = [
  ['recall-report.pdf', () => reports.recallReport(recallId, { approval })],
  ['notification-list.csv', () => reports.notificationCsv(recallId)],
  ['recall-evidence.json', async () => JSON.stringify(await lg.recall.evidence(recallId), null, 2)],
  ['fsma204.csv', () => reports.fsma204Csv({ recallId })],
  ['one-step-eu178.csv', () => reports.eu178Csv({ recallId })],
  ['epcis.json', async () => JSON.stringify(await reports.epcis(), null, 1)],
];
for (const [name, make] of files) {
  const data = await timed(`write out/${name}`, make);
  writeFileSync(path.join(outDir, name), data);
}
await timed('write out/letters/<customer>.pdf (rehearsal)', async () => {
  mkdirSync(path.join(outDir, 'letters'), { recursive: true });
  for (const l of await reports.letters(recallId))
    writeFileSync(path.join(outDir, 'letters', `${l.customerId}.pdf`), l.pdf);
});
// Quality control of the loaf lot traced above, released by QA: its Certificate of Analysis and JSON sidecar.
await lg.batch([
  {
    command: 'defineSpec',
    input: {
      productId: 'loaf',
      tests: [
        { code: 'WGT', name: 'Net weight', method: 'Checkweigher, 10 loaves', unit: 'g', min: '800' },
        { code: 'H2O', name: 'Moisture', method: 'ISO 712', unit: '%', min: '34', max: '40' },
        { code: 'SALM', name: 'Salmonella', method: 'ISO 6579-1', expected: 'absent in 25 g' },
      ],
    },
  },
  ...[
    ['WGT', '806'],
    ['H2O', '37.2'],
    ['SALM', 'absent in 25 g'],
  ].map(([testCode, value], i) => ({
    command: 'recordResult',
    input: {
      resultId: `QC-${loaf.id}-${i + 1}`,
      lotId: loaf.id,
      testCode,
      value,
      lab: testCode === 'SALM' ? 'Kent Food Lab (UKAS 1234)' : 'Northfield QC lab',
      sampledAt: loaf.createdAt.slice(0, 10),
    },
  })),
  { command: 'decideQuality', input: { lotId: loaf.id, decision: 'release', approver: 'd.whitfield' } },
]);
const coa = await timed(`write out/coa-${loaf.id}.pdf and .json`, async () => {
  const c = await reports.coa(loaf.id, { approval });
  writeFileSync(path.join(outDir, `coa-${loaf.id}.pdf`), c.pdf);
  writeFileSync(path.join(outDir, `coa-${loaf.id}.json`), c.json);
  return c;
});
const check = await lg.quality.verifyCoa(coa.json);
out(
  `  CoA ${coa.certificateNumber}: SHA-256 ${coa.sha256.slice(0, 16)}… ${check.valid && check.matchesLedger ? 'verified against the ledger' : `NOT verified: ${check.problems.join('; ')}`}`,
);
const e = ev.effectiveness;
const worst = ev.massBalance.reduce(
  (a, b) => (b.variancePercent > a.variancePercent ? b : a),
  ev.massBalance[0],
);
out(
  `  ${ev.scope.counts.lots} lots, ${ev.scope.counts.deliveries} deliveries, ${e.consignees} customers to notify; ` +
    `${ev.scope.attributedUnit === 'kg' ? `${ev.scope.lots[0]?.attributed} kg of suspect paste traced; ` : ''}` +
    `customer list ready ${ev.timeline.hoursToList.toFixed(4)} h after opening (target ${ev.timeline.targetHours} h: ${ev.timeline.metTarget ? 'met' : 'NOT met'}).`,
);
out(
  `  Mass balance of ${ev.massBalance.length} lots: ${ev.massBalance.filter((b) => b.withinTolerance).length} within ${(ev.tolerance * 100).toFixed(1)} % ` +
    `(largest variance ${worst ? `${worst.variancePercent.toFixed(3)} % on ${worst.lotId}` : 'none'}).`,
);
out();

// 6. Audit: the ledger's hash chain is intact.
t = performance.now();
const v = await lg.verifyLedger();
out(
  `Ledger verification: ${v.ok ? 'intact' : `BROKEN at seq ${v.seq}: ${v.reason}`} (${head.seq} events, ${ms(t)}).`,
);
await lg.close();
await lg.store.close();
if (!v.ok) process.exit(1);
