// Demo data for the service (and the recall console): the quickstart's seeded bakery sample (suppliers,
// GS1-scanned receipts, two-level production, shipments to many customers) plus what a quality manager
// looks at — specifications, lab results, a failed lot on QC hold, a lot waiting for its lab result, a
// supplier certificate attached to a raw lot, and one earlier recall drill with some customers notified.
// Everything goes through the sdk's public commands, so every event is validated and hash-chained.
import { customerId, days, masterData } from '../../quickstart/src/sample.mjs';

/** Specifications per product (numeric limits or an expected text). */
const SPECS = {
  loaf: [
    { code: 'MOIST', name: 'Moisture', unit: '%', min: '34', max: '40', method: 'oven drying' },
    { code: 'SALT', name: 'Salt', unit: 'g/100g', max: '1.2', method: 'titration' },
    { code: 'LISTERIA', name: 'Listeria monocytogenes', expected: 'absent in 25 g' },
  ],
  crackers: [
    { code: 'MOIST', name: 'Moisture', unit: '%', max: '5', method: 'oven drying' },
    { code: 'SALT', name: 'Salt', unit: 'g/100g', max: '1.8', method: 'titration' },
  ],
  sesame: [{ code: 'PEANUT', name: 'Peanut protein', unit: 'mg/kg', max: '2.5', method: 'ELISA' }],
};

const iso = (ms) => new Date(ms).toISOString();
const compact = (ymd) => ymd.replaceAll('-', '');

/**
 * Load the demo into an open Lotgraph. Returns ids worth showing (a raw lot with a GS1 scan, the lot on hold…).
 * @param {import('@lotgraph/sdk').Lotgraph} lg
 * @param {{ days?: number, customers?: number, start?: string, onDay?: (d: number, total: number) => void }} [options]
 */
export async function loadDemo(lg, options = {}) {
  const dayCount = options.days ?? 60;
  const customers = options.customers ?? 40;
  const start = options.start ?? '2026-03-02';
  if (!Number.isInteger(dayCount) || dayCount < 10) throw new RangeError('days: expected an integer ≥ 10');
  if (!Number.isInteger(customers) || customers < 1)
    throw new RangeError('customers: expected an integer ≥ 1');
  await lg.batch(masterData({ customers }));
  let d = 0;
  for (const cmds of days({ days: dayCount, customers, start })) {
    await lg.batch(cmds);
    options.onDay?.(++d, dayCount);
  }
  const t0 = Date.parse(`${start}T00:00:00Z`);
  const lastDay = iso(t0 + (dayCount - 1) * 86_400_000).slice(0, 10);
  const at = (day, h) => `${day}T${String(h).padStart(2, '0')}:00:00Z`;

  const cmds = [];
  for (const [productId, tests] of Object.entries(SPECS))
    cmds.push({ command: 'defineSpec', input: { productId, tests, eventTime: at(start, 5) } });
  await lg.batch(cmds);

  // Lab results for the last ten loaf and cracker lots: all conforming and released, except the newest
  // loaf (waiting for Listeria: on QC hold) and one cracker lot (moisture out of spec: held, rejected).
  const lots = await lg.store.listLots();
  const recent = (productId) =>
    lots
      .filter((l) => l.productId === productId)
      .sort((a, b) => a.createdSeq - b.createdSeq)
      .slice(-10);
  const loaves = recent('loaf');
  const crackers = recent('crackers');
  let n = 0;
  const result = (lotId, testCode, value, day) => ({
    command: 'recordResult',
    input: {
      resultId: `QR-${++n}`,
      lotId,
      testCode,
      value,
      lab: 'Northfield QC lab',
      sampledAt: day,
      eventTime: at(day, 15),
    },
  });
  const dayOf = (lot) => lot.productionDate ?? lastDay;
  const qc = [];
  for (const [i, lot] of loaves.entries()) {
    const day = dayOf(lot);
    qc.push(result(lot.id, 'MOIST', (36 + (i % 4) * 0.7).toFixed(1), day));
    qc.push(result(lot.id, 'SALT', (0.9 + (i % 3) * 0.05).toFixed(2), day));
    if (i === loaves.length - 1) {
      qc.push({
        command: 'hold',
        input: {
          holdId: `QC-${lot.id}`,
          lotId: lot.id,
          reasonCode: 'pending_lab_result',
          note: 'Listeria result due from the external lab',
          eventTime: at(day, 15),
        },
      });
    } else {
      qc.push(result(lot.id, 'LISTERIA', 'absent in 25 g', day));
      qc.push({
        command: 'decideQuality',
        input: { lotId: lot.id, decision: 'release', approver: 'qa.manager', eventTime: at(day, 16) },
      });
    }
  }
  const failing = crackers[crackers.length - 3];
  for (const [i, lot] of crackers.entries()) {
    const day = dayOf(lot);
    const bad = lot === failing;
    qc.push(result(lot.id, 'MOIST', bad ? '6.4' : (3.2 + (i % 5) * 0.2).toFixed(1), day));
    qc.push(result(lot.id, 'SALT', (1.3 + (i % 3) * 0.1).toFixed(1), day));
    if (bad)
      qc.push({
        command: 'hold',
        input: {
          holdId: `QC-${lot.id}`,
          lotId: lot.id,
          reasonCode: 'qc',
          note: 'moisture above specification',
          eventTime: at(day, 16),
        },
      });
    else
      qc.push({
        command: 'decideQuality',
        input: { lotId: lot.id, decision: 'release', approver: 'qa.manager', eventTime: at(day, 16) },
      });
  }
  await lg.batch(qc);

  // A supplier certificate on a sesame lot (a small text document stored in the ledger).
  const sesame = lots.filter((l) => l.productId === 'sesame').sort((a, b) => a.createdSeq - b.createdSeq);
  const suspect = sesame[Math.floor(sesame.length / 3)];
  const certificate = `Levant Sesame Co - certificate of analysis\nLot ${suspect.supplierLotNumber}\nPeanut protein: < 1 mg/kg (ELISA)\n`;
  await lg.documents.attach({
    documentId: `DOC-COA-${suspect.id}`,
    kind: 'supplier_coa',
    title: `Supplier CoA ${suspect.supplierLotNumber}`,
    mediaType: 'text/plain',
    content: Buffer.from(certificate, 'utf8').toString('base64'),
    lotIds: [suspect.id],
  });
  await lg.quality.recordResult({
    resultId: `QR-${++n}`,
    lotId: suspect.id,
    testCode: 'PEANUT',
    value: '0.8',
    lab: 'Levant Sesame Co',
    documentId: `DOC-COA-${suspect.id}`,
  });

  // An earlier drill on another sesame lot: a few customers already notified, one acknowledged.
  const drilled = sesame[Math.floor(sesame.length / 5)];
  const drill = await lg.recall.open({
    recallId: `DRILL-${compact(lastDay)}`,
    lots: [drilled.id],
    reason: `Quarterly mock recall of sesame paste lot ${drilled.supplierLotNumber}`,
    classification: 'II',
    drill: true,
  });
  for (const c of drill.scope.customers.slice(0, 3))
    await lg.recall.notify({
      recallId: drill.recallId,
      customerId: c.customerId,
      channel: 'email',
      contact: c.contacts[0]?.email,
    });
  const first = drill.scope.customers[0];
  if (first)
    await lg.recall.acknowledge({
      recallId: drill.recallId,
      customerId: first.customerId,
      quantities: first.quantities.map((q) => ({ productId: q.productId, destroyed: q.quantity })),
      note: 'Destroyed on site',
    });

  // The pallet label of the suspect lot, as a scanner would read it (GS1-128, human-readable form).
  const product = await lg.store.getProduct(suspect.productId);
  const scan = `(01)${product.gtin}(10)${suspect.supplierLotNumber}${suspect.expiry ? `(17)${suspect.expiry.slice(2).replaceAll('-', '')}` : ''}`;
  return {
    scanLot: suspect.id,
    scan,
    suspectLot: suspect.id,
    heldLot: loaves[loaves.length - 1]?.id,
    failedLot: failing?.id,
    drillId: drill.recallId,
    customer: customerId(0),
  };
}
