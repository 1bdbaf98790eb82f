// Fixture of the serial tests: a pharma wholesaler's master data and a day of serialised operations (EPCIS).
import { gs1CheckDigit } from '@lotgraph/gs1';
import { Lotgraph, MemoryStore, type Store } from '@lotgraph/sdk';
import { testClock } from './helpers.js';

export const GTIN = '09506000134352';
export const GTIN2 = '00614141000012';
export const sscc = (n: number) => {
  const base = `0614141${String(n).padStart(10, '0')}`;
  return `${base}${gs1CheckDigit(base)}`;
};
export const PALLET = sscc(1);
export const CASE_A = sscc(2);
export const CASE_B = sscc(3);
export const P2 = sscc(4);
export const CASE_C = sscc(5);
export const CASE_D = sscc(6);
export const INBOUND = sscc(7);
export const RECEIVED = sscc(8);
export const LOOSE = sscc(9);
export const sn = (gtin: string, serial: string) => `https://id.gs1.org/01/${gtin}/21/${serial}`;
export const dl = (id: string) => `https://id.gs1.org/00/${id}`;
export const a = (n: number) => ({ gtin: GTIN, serial: `A${String(n).padStart(2, '0')}` });
export const i = (n: number) => ({ gtin: GTIN2, serial: `I${String(n).padStart(2, '0')}` });

/** A pharma wholesaler's products (serialised packs), a supplier, two pharmacies and three locations. */
export async function master(store: Store = new MemoryStore()) {
  const lg = await Lotgraph.open({ store, clock: testClock(), actor: 'epcis' });
  await lg.defineProduct({
    id: 'amox',
    name: 'Amoxicillin 500 mg x 20',
    unit: 'pack',
    decimals: 0,
    gtin: GTIN,
  });
  await lg.defineProduct({
    id: 'ibu',
    name: 'Ibuprofen 400 mg x 10',
    unit: 'pack',
    decimals: 0,
    gtin: GTIN2,
  });
  await lg.defineParty({ id: 'maker', name: 'Maker', roles: ['supplier'] });
  await lg.defineParty({ id: 'ph1', name: 'Pharmacy One', roles: ['customer'] });
  await lg.defineParty({ id: 'ph2', name: 'Pharmacy Two', roles: ['customer'] });
  await lg.defineLocation({ id: 'WH', site: 'dc' });
  await lg.defineLocation({ id: 'DOCK', site: 'dc' });
  await lg.defineLocation({ id: 'DC2', site: 'north' });
  return lg;
}

/** A pharma wholesaler: serialised packs in cases on pallets, moved, shipped, picked, returned, destroyed. */
export async function wholesaler() {
  const lg = await master();
  const at = (n: number) => ({
    eventTime: `2026-03-01T${String(8 + Math.floor(n / 60)).padStart(2, '0')}:${String(n % 60).padStart(2, '0')}:00Z`,
  });
  let t = 0;
  const next = () => at(t++);
  await lg.receive({
    ...next(),
    lotId: 'A1',
    productId: 'amox',
    supplierId: 'maker',
    locationId: 'WH',
    quantity: '100',
    expiry: '2028-01-31',
  });
  await lg.receive({
    ...next(),
    lotId: 'I1',
    productId: 'ibu',
    supplierId: 'maker',
    locationId: 'WH',
    quantity: '50',
  });
  await lg.serials.commission({
    ...next(),
    lotId: 'A1',
    locationId: 'WH',
    range: { prefix: 'A', start: 1, count: 20, width: 2 },
  });
  await lg.serials.commission({
    ...next(),
    lotId: 'I1',
    locationId: 'WH',
    serials: ['I01', 'I02', 'I03', 'I04'],
  });
  await lg.units.pack({
    ...next(),
    unitId: CASE_A,
    kind: 'case',
    locationId: 'WH',
    serials: [1, 2, 3, 4, 5].map(a),
  });
  await lg.units.pack({ ...next(), unitId: CASE_B, kind: 'case', serials: [a(6), a(7), i(1), i(2)] });
  await lg.units.pack({
    ...next(),
    unitId: PALLET,
    kind: 'pallet',
    units: [CASE_A, CASE_B],
    lots: [{ lotId: 'A1', quantity: '3' }],
  });
  await lg.units.move({ ...next(), unitId: PALLET, toLocationId: 'DOCK' });
  await lg.serials.setState({
    ...next(),
    serials: [a(10)],
    state: 'destroyed',
    reason: 'crushed on the dock',
  });
  // The pallet, a loose serial and an order line, to one pharmacy.
  await lg.ship({
    ...next(),
    shipmentId: 'S1',
    customerId: 'ph1',
    lines: [{ lotId: 'I1', locationId: 'WH', quantity: '5' }],
    units: [PALLET],
    serials: [a(8)],
  });
  // A second pallet goes north; a case is picked off it, and a serial out of the other case.
  await lg.units.pack({ ...next(), unitId: CASE_C, kind: 'case', locationId: 'WH', serials: [a(11), a(12)] });
  await lg.units.pack({ ...next(), unitId: CASE_D, kind: 'case', locationId: 'WH', serials: [a(13), a(14)] });
  await lg.units.pack({ ...next(), unitId: P2, kind: 'pallet', units: [CASE_C, CASE_D] });
  await lg.units.move({ ...next(), unitId: P2, toLocationId: 'DC2' });
  await lg.ship({ ...next(), shipmentId: 'S2', customerId: 'ph2', units: [CASE_C], serials: [a(13)] });
  await lg.units.unpack({ ...next(), unitId: CASE_D, serials: [a(14)] });
  await lg.units.unpack({ ...next(), unitId: P2, all: true });
  // The emptied case leaves with the serial unpacked from it, scanned on its own.
  await lg.ship({ ...next(), shipmentId: 'S3', customerId: 'ph2', units: [CASE_D], serials: [a(14)] });
  // After the shipments: dispensed, returned and made saleable again, decommissioned, sampled.
  await lg.serials.setState({ ...next(), serials: [a(1)], state: 'dispensed' });
  await lg.serials.setState({ ...next(), serials: [a(13)], state: 'returned', locationId: 'DC2' });
  await lg.serials.setState({ ...next(), serials: [a(13)], state: 'active' });
  await lg.serials.setState({
    ...next(),
    serials: [a(2)],
    state: 'decommissioned',
    reason: 'label misprint',
  });
  await lg.serials.setState({ ...next(), serials: [a(15)], state: 'sample' });
  // Received on an inbound case from a scan: commissioned straight into the unit.
  await lg.units.pack({ ...next(), unitId: INBOUND, kind: 'case', locationId: 'WH' });
  await lg.serials.commission({
    ...next(),
    lotId: 'I1',
    locationId: 'WH',
    serials: ['I05', 'I06'],
    unitId: INBOUND,
  });
  // Received serialised on a case, and loose on a pallet (one command each, three and two events).
  await lg.receive({
    ...next(),
    lotId: 'I2',
    productId: 'ibu',
    supplierId: 'maker',
    locationId: 'WH',
    quantity: '2',
    serials: ['J1', 'J2'],
    unitId: RECEIVED,
    unitKind: 'case',
  });
  await lg.receive({
    ...next(),
    lotId: 'I3',
    productId: 'ibu',
    supplierId: 'maker',
    locationId: 'DOCK',
    quantity: '24',
    unitId: LOOSE,
  });
  return lg;
}
