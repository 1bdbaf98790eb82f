// A pharma wholesaler with serialised packs (`npm run pharma` at the repo root, or
// `node examples/pharma-wholesaler/src/main.mjs` after `npm run build`):
//
//  1. goods in: the manufacturer's pallets arrive; each pallet label is scanned — (00) SSCC, (02) content GTIN,
//     (37) count, (10) batch, (17) expiry — and the despatch advice's aggregation is recorded: the cases
//     (SSCCs) on each pallet and the packs' serial numbers in each case (commissioned as a numbered range, or
//     generated EU-FMD style); a pack sent on its own by courier is received from its DataMatrix
//     (01)+(21)+(10)+(17);
//  2. put-away: each pallet moves to the warehouse by one SSCC scan;
//  3. picking: whole cases (one SSCC scan picks the case off its pallet) and single packs (serial scans) are
//     shipped to four pharmacies;
//  4. after delivery: one pharmacy dispenses a pack to a patient, another sends a damaged pack back;
//  5. the manufacturer recalls one batch: the recall's notification list gives the pharmacies and their
//     shipments, `lg.serials.list({ lotId, shipmentIds })` the serial numbers each one received (with where each
//     pack is now), and what is still in our warehouse is blocked.
//
// Runs on a MemoryStore, or on SQLite with --sqlite FILE (the same report). Deterministic: fixed clock,
// ranges for the recalled batch. Flags: --out DIR writes the notification list CSV there.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { gs1CheckDigit } from '@lotgraph/gs1';
import { Lotgraph, MemoryStore } from '@lotgraph/sdk';

/** GS1 example company prefixes: the manufacturer's (its SSCCs) and product GTINs. */
const MAKER_PREFIX = '0614141';
export const GTIN = { amox: '09506000134352', ibu: '00614141000012' };

/** An SSCC of the manufacturer: extension digit 0, company prefix, serial reference, check digit. */
export const sscc = (ref) => {
  const base = `0${MAKER_PREFIX}${String(ref).padStart(9, '0')}`;
  return `${base}${gs1CheckDigit(base)}`;
};

/**
 * The manufacturer's despatch advice (what an EDI DESADV / EPCIS shipping event carries): per pallet its
 * SSCC label, and the cases on it with the serial numbers of their packs.
 */
export const DESPATCH = [
  {
    pallet: sscc(501),
    productId: 'amox',
    batch: 'AX2611',
    expiry: '271130',
    cases: [1, 2, 3, 4].map((k) => ({
      sscc: sscc(510 + k),
      range: { prefix: 'AX11', start: 1 + (k - 1) * 12, count: 12, width: 5 },
    })),
  },
  {
    pallet: sscc(502),
    productId: 'amox',
    batch: 'AX2612',
    expiry: '280131',
    cases: [1, 2].map((k) => ({
      sscc: sscc(520 + k),
      range: { prefix: 'AX12', start: 1 + (k - 1) * 12, count: 12, width: 5 },
    })),
  },
  {
    pallet: sscc(503),
    productId: 'ibu',
    batch: 'IB2604',
    expiry: '280430',
    // EU FMD: randomised serial numbers, generated when the packs are commissioned.
    cases: [1, 2].map((k) => ({ sscc: sscc(530 + k), generate: { count: 10 } })),
  },
];

export const PHARMACIES = [
  { id: 'ph-markt', name: 'Apotheke am Markt', email: 'recall@apotheke-am-markt.example' },
  { id: 'ph-stadt', name: 'Stadt-Apotheke', email: 'qs@stadt-apotheke.example' },
  { id: 'ph-rosen', name: 'Rosen-Apotheke', email: 'info@rosen-apotheke.example' },
  { id: 'ph-linden', name: 'Linden-Apotheke', email: 'team@linden-apotheke.example' },
];

/** The recalled batch. */
export const RECALLED = 'AX2611';

const pack = (gtin, serial) => ({ gtin, serial });
const amox = (lotPrefix, n) => pack(GTIN.amox, `${lotPrefix}${String(n).padStart(5, '0')}`);

/**
 * Run the whole scenario on `store` (default: a fresh MemoryStore); `out(line)` prints. Returns the sdk and
 * the recall's per-pharmacy serials.
 */
export async function runWholesaler({ store = new MemoryStore(), out = () => {} } = {}) {
  let t = Date.parse('2026-11-02T07:30:00Z');
  const clock = () => {
    const d = new Date(t);
    t += 60_000;
    return d;
  };
  const lg = await Lotgraph.open({ store, clock, actor: 'wholesaler' });
  const byGtin = new Map(Object.entries(GTIN).map(([id, g]) => [g, id]));

  // Master data.
  await lg.batch([
    {
      command: 'defineProduct',
      input: {
        id: 'amox',
        name: 'Amoxicillin 500 mg, 20 capsules',
        unit: 'pack',
        decimals: 0,
        gtin: GTIN.amox,
      },
    },
    {
      command: 'defineProduct',
      input: { id: 'ibu', name: 'Ibuprofen 400 mg, 30 tablets', unit: 'pack', decimals: 0, gtin: GTIN.ibu },
    },
    {
      command: 'defineParty',
      input: { id: 'heliant', name: 'Heliant Pharma AG', roles: ['supplier'] },
    },
    ...PHARMACIES.map((p) => ({
      command: 'defineParty',
      input: {
        id: p.id,
        name: p.name,
        roles: ['customer'],
        contacts: [{ role: 'Pharmacist', email: p.email }],
      },
    })),
    ...['DOCK-IN', 'WH', 'RETURNS'].map((id) => ({
      command: 'defineLocation',
      input: { id, site: 'dc-kassel' },
    })),
  ]);

  // 1. Goods in.
  out('1. Goods in — pallets from Heliant Pharma AG, scanned at DOCK-IN');
  for (const d of DESPATCH) {
    const count = d.cases.reduce((n, c) => n + (c.range?.count ?? c.generate.count), 0);
    const scan = `(00)${d.pallet}(02)${GTIN[d.productId]}(37)${count}(10)${d.batch}(17)${d.expiry}`;
    await lg.receive({ scan, locationId: 'DOCK-IN', supplierId: 'heliant' });
    // The despatch advice's aggregation: cases on the pallet, serialised packs in the cases (one transaction).
    await lg.batch([
      { command: 'unpack', input: { unitId: d.pallet, lots: [{ lotId: d.batch, quantity: String(count) }] } },
      ...d.cases.flatMap((c) => [
        { command: 'pack', input: { unitId: c.sscc, kind: 'case', locationId: 'DOCK-IN' } },
        {
          command: 'commissionSerials',
          input: {
            lotId: d.batch,
            locationId: 'DOCK-IN',
            unitId: c.sscc,
            ...(c.range ? { range: c.range } : { generate: c.generate }),
          },
        },
      ]),
      { command: 'pack', input: { unitId: d.pallet, units: d.cases.map((c) => c.sscc) } },
    ]);
    const u = await lg.units.get(d.pallet);
    const first = await lg.serials.list({ unitIds: [d.cases[0].sscc], limit: 2 });
    out(
      `   ${scan}\n     pallet ${d.pallet}: ${u.units.length} cases, ${u.totals.map((x) => `${x.quantity} ${x.unit}s of lot ${x.lotId} (${x.serials} serialised)`).join(', ')}; ` +
        `e.g. ${first.map((s) => s.serial).join(', ')} …`,
    );
  }
  // A pack short-shipped on the pallet arrives by courier: its DataMatrix is scanned.
  const courier = `(01)${GTIN.amox}(21)AX1100049(10)${RECALLED}(17)271130`;
  await lg.receive({ scan: courier, locationId: 'WH' });
  out(`   ${courier}: one loose pack by courier, serial AX1100049 of lot ${RECALLED}, booked into WH`);

  // 2. Put-away: one SSCC scan moves a pallet with everything on it.
  for (const d of DESPATCH) await lg.units.move({ unitId: d.pallet, toLocationId: 'WH' });
  out('2. Put-away — 3 pallets moved DOCK-IN → WH by SSCC scan');
  const scanned = await lg.serials.scan(`(00)${DESPATCH[0].pallet}`);
  out(
    `   scan (00)${DESPATCH[0].pallet} → ${scanned.kind} at ${scanned.unit.unit.locationId}: ` +
      `${scanned.unit.units.length} cases, ${scanned.unit.totals.map((x) => `${x.serials} serials of lot ${x.lotId}`).join(', ')}`,
  );

  // 3. Picking: cases by SSCC, packs by serial.
  const ibuCase = DESPATCH[2].cases;
  const ibuSerials = (await lg.serials.list({ unitIds: [ibuCase[0].sscc] })).map((s) =>
    pack(s.gtin, s.serial),
  );
  const orders = [
    {
      shipmentId: 'SH-1001',
      customerId: 'ph-markt',
      units: [DESPATCH[0].cases[0].sscc],
      serials: [ibuSerials[0]],
    },
    {
      shipmentId: 'SH-1002',
      customerId: 'ph-stadt',
      serials: [amox('AX11', 13), amox('AX11', 14), amox('AX11', 15), amox('AX11', 49)],
    },
    {
      shipmentId: 'SH-1003',
      customerId: 'ph-rosen',
      units: [DESPATCH[0].cases[2].sscc, DESPATCH[1].cases[0].sscc],
    },
    {
      shipmentId: 'SH-1004',
      customerId: 'ph-linden',
      units: [ibuCase[1].sscc],
      serials: [amox('AX12', 13), amox('AX12', 14)],
    },
  ];
  out('3. Picking and dispatch');
  for (const o of orders) {
    const e = await lg.ship(o);
    const name = PHARMACIES.find((p) => p.id === o.customerId).name;
    const what = e.payload.lines
      .map((l) => `${l.quantity} × ${l.productId} lot ${l.lotId} (${l.serials?.length ?? 0} serialised)`)
      .join(', ');
    const scanned = [
      ...(o.units ?? []).map((u) => `case ${u}`),
      ...(o.serials ?? []).map((s) => `pack ${byGtin.get(s.gtin)}/${s.serial}`),
    ].join(', ');
    out(`   ${o.shipmentId} → ${name}: scanned ${scanned}\n     = ${what}`);
  }

  // 4. After delivery.
  out('4. After delivery');
  await lg.serials.setState({ serials: [amox('AX11', 14)], state: 'dispensed' });
  out(`   Stadt-Apotheke dispensed AX1100014 to a patient (verified against the hub)`);
  await lg.serials.setState({ serials: [amox('AX11', 30)], state: 'returned', locationId: 'RETURNS' });
  out('   Rosen-Apotheke returned AX1100030 (damaged carton) → RETURNS');
  const info = await lg.serials.get(GTIN.amox, 'AX1100014');
  out(
    `   serial AX1100014: lot ${info.lotId}, ${info.state}, shipment ${info.shipmentId} to ${info.customerId}; ` +
      `history ${info.history.map((h) => h.state).join(' → ')}`,
  );

  // 5. The manufacturer recalls batch AX2611.
  const ev = await lg.recall.open({
    recallId: 'RC-2026-014',
    lots: [RECALLED],
    reason: `Heliant Pharma AG: out-of-specification dissolution results, batch ${RECALLED}`,
    classification: 'II',
  });
  out();
  out(`5. RECALL ${ev.recallId} (class ${ev.classification}) — lot ${RECALLED} of amox (GTIN ${GTIN.amox})`);
  const perPharmacy = [];
  for (const c of ev.scope.customers) {
    const shipmentIds = [
      ...new Set(ev.scope.deliveries.filter((d) => d.customerId === c.customerId).map((d) => d.shipmentId)),
    ];
    const serials = await lg.serials.list({ lotId: RECALLED, shipmentIds });
    perPharmacy.push({
      customerId: c.customerId,
      name: c.name,
      email: c.contacts[0]?.email,
      shipmentIds,
      quantity: c.quantities.find((q) => q.productId === 'amox')?.quantity ?? '0',
      serials: serials.map((s) => ({ serial: s.serial, state: s.state })),
    });
  }
  for (const p of perPharmacy) {
    out(`   ${p.name} <${p.email}> — shipments ${p.shipmentIds.join(', ')}, ${p.quantity} packs:`);
    const states = new Map();
    for (const s of p.serials) states.set(s.state, [...(states.get(s.state) ?? []), s.serial]);
    for (const [state, list] of states) out(`     ${state.padEnd(9)} ${list.join(' ')}`);
  }
  const notAffected = PHARMACIES.filter((p) => !perPharmacy.some((x) => x.customerId === p.id));
  out(`   not affected: ${notAffected.map((p) => p.name).join(', ')}`);
  const held = [
    ...(await lg.serials.list({ lotId: RECALLED, state: 'active' })),
    ...(await lg.serials.list({ lotId: RECALLED, state: 'returned' })),
  ];
  const byPlace = new Map();
  for (const s of held) byPlace.set(s.locationId, [...(byPlace.get(s.locationId) ?? []), s.serial]);
  out(
    `   still with us: ${[...byPlace].map(([loc, l]) => `${l.length} at ${loc} (${l[0]}${l.length > 1 ? `…${l.at(-1)}` : ''})`).join(', ')}`,
  );
  const holds = (await lg.store.listHolds()).filter((h) => h.lotId === RECALLED);
  out(
    `   recall hold on lot ${RECALLED}: ${holds.map((h) => `${h.id} (${h.locationId ?? 'every location'}, ${h.status})`).join(', ')}`,
  );
  const csv = await lg.recall.notificationCsv(ev.recallId);
  return { lg, recall: ev, perPharmacy, held, csv };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  const flag = (name) => (args.indexOf(name) >= 0 ? args[args.indexOf(name) + 1] : undefined);
  const outDir = flag('--out');
  const sqliteFile = flag('--sqlite');
  const print = (s = '') => process.stdout.write(`${s}\n`);
  print(
    `lotgraph example — a pharma wholesaler with serialised packs on SSCC pallets (${sqliteFile ? 'SQLite' : 'MemoryStore'})`,
  );
  print();
  // SQLite only on request: the adapters (and better-sqlite3) load lazily.
  const store = sqliteFile
    ? await (await import('@lotgraph/adapters/sqlite')).SqliteStore.open({ filename: sqliteFile })
    : undefined;
  const { lg, csv } = await runWholesaler({ out: print, ...(store ? { store } : {}) });
  if (outDir) {
    mkdirSync(outDir, { recursive: true });
    writeFileSync(path.join(outDir, 'notification-list.csv'), csv);
    print(`   notification list (with serial numbers): ${path.join(outDir, 'notification-list.csv')}`);
  }
  print(`Ledger verification: ${(await lg.verifyLedger()).ok ? 'intact' : 'BROKEN'}`);
  await lg.close();
}
