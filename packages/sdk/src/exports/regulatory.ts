/**
 * Regulatory exports from the one ledger: the EU 178/2002 one-step-back / one-step-forward report, and the
 * FDA FSMA 204 electronic sortable spreadsheet (one row per critical tracking event with its key data
 * elements).
 *
 * @module
 */
import { z } from 'zod';
import { checkArgs, StoreArg } from '../domain/args.js';
import { IsoDate } from '../domain/dates.js';
import { Id, type Product } from '../domain/schemas.js';
import type { OneStepTrace } from '../genealogy/trace-types.js';
import type { EventPayloads } from '../ledger/events.js';
import { iterateEvents } from '../ledger/iterate.js';
import { toCsv } from '../recall/queries.js';
import type { Store } from '../store/port.js';

/** EU 178/2002 art. 18: who supplied this lot, and to whom it went (one step each way), as CSV. */
export function oneStepCsv(t: OneStepTrace): string {
  const rows: (string | number | undefined)[][] = [];
  for (const s of t.suppliers)
    rows.push([
      'back',
      'supplier',
      t.lot.id,
      s.supplierId,
      s.name,
      s.gln,
      s.supplierLotNumber,
      s.quantity,
      s.unit,
      s.receivedAt,
      undefined,
    ]);
  for (const i of t.inputs)
    rows.push([
      'back',
      'input lot',
      t.lot.id,
      undefined,
      undefined,
      undefined,
      i.lotId,
      i.quantity,
      i.unit,
      i.date,
      i.orderId,
    ]);
  for (const o of t.outputs)
    rows.push([
      'forward',
      'output lot',
      t.lot.id,
      undefined,
      undefined,
      undefined,
      o.lotId,
      o.quantity,
      o.unit,
      o.date,
      o.orderId,
    ]);
  for (const c of t.customers)
    rows.push([
      'forward',
      'customer',
      t.lot.id,
      c.customerId,
      c.name,
      c.gln,
      `${c.shipmentId}/${c.lineNo}`,
      c.quantity,
      c.unit,
      c.shippedAt,
      undefined,
    ]);
  return toCsv(
    [
      'direction',
      'kind',
      'lot_id',
      'party_id',
      'party_name',
      'party_gln',
      'reference',
      'quantity',
      'unit',
      'date',
      'order_id',
    ],
    rows,
  );
}

/** Filter of {@link fsma204Rows}. */
export interface Fsma204Filter {
  productId?: string;
  lotId?: string;
  /** Inclusive `YYYY-MM-DD` bounds on the event date. */
  from?: string;
  to?: string;
}

const Fsma204FilterInput = z.strictObject({
  productId: Id.optional(),
  lotId: Id.optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});

/** The KDE columns of the FSMA 204 sortable spreadsheet (21 CFR 1.1455(c)(3)(ii)). */
export const FSMA204_COLUMNS = [
  'Critical Tracking Event',
  'Event Date',
  'Event Time',
  'Traceability Lot Code',
  'Traceability Lot Code Source',
  'Product Description',
  'Product ID (GTIN)',
  'Quantity',
  'Unit of Measure',
  'Location Description',
  'Immediate Previous Source',
  'Immediate Subsequent Recipient',
  'Input Traceability Lot Codes',
  'Reference Document Type',
  'Reference Document Number',
  'Ledger Seq',
] as const;

/**
 * One row per critical tracking event — receiving, transformation (production, split/merge/repack),
 * shipping — with its key data elements, from the ledger. Sorted by date, then seq.
 */
export async function fsma204Rows(store: Store, filter: Fsma204Filter = {}): Promise<string[][]> {
  checkArgs('fsma204Rows', { store: StoreArg, filter: Fsma204FilterInput }, { store, filter });
  const products = new Map<string, Product>((await store.listProducts()).map((p) => [p.id, p]));
  const parties = new Map((await store.listParties()).map((p) => [p.id, p]));
  const locations = new Map((await store.listLocations()).map((l) => [l.id, l]));
  const loc = (id: string) => {
    const l = locations.get(id);
    return l
      ? `${[l.site, l.zone, l.bin].filter(Boolean).join(' / ')}${l.gln ? ` (GLN ${l.gln})` : ''} [${id}]`
      : id;
  };
  const party = (id: string | undefined) => {
    if (!id) return '';
    const p = parties.get(id);
    return p ? `${p.name}${p.gln ? ` (GLN ${p.gln})` : ''}` : id;
  };
  const ownSite = [...parties.values()].find((p) => p.roles.includes('own_site' as never));
  const source = (locationId: string) => `${ownSite ? `${ownSite.name}, ` : ''}${loc(locationId)}`;
  const rows: string[][] = [];
  const keep = (productId: string, lotId: string, date: string) =>
    (filter.productId === undefined || filter.productId === productId) &&
    (filter.lotId === undefined || filter.lotId === lotId) &&
    (filter.from === undefined || date >= filter.from) &&
    (filter.to === undefined || date <= filter.to);
  const row = (
    cte: string,
    at: string,
    lotId: string,
    tlcSource: string,
    productId: string,
    quantity: string,
    location: string,
    prev: string,
    next: string,
    inputs: string,
    docType: string,
    docNo: string,
    seq: number,
  ) => {
    const p = products.get(productId);
    if (!keep(productId, lotId, at.slice(0, 10))) return;
    rows.push([
      cte,
      at.slice(0, 10),
      at.slice(11, 19),
      lotId,
      tlcSource,
      p?.name ?? productId,
      p?.gtin ?? '',
      quantity,
      p?.unit ?? '',
      location,
      prev,
      next,
      inputs,
      docType,
      docNo,
      String(seq),
    ]);
  };
  for await (const e of iterateEvents(store)) {
    const p = e.payload as unknown;
    if (e.type === 'received') {
      const r = p as EventPayloads['received'];
      row(
        'Receiving',
        e.eventTime,
        r.lot.id,
        source(r.locationId),
        r.lot.productId,
        r.quantity,
        loc(r.locationId),
        party(r.lot.supplierId),
        '',
        r.lot.supplierLotNumber ? `supplier lot ${r.lot.supplierLotNumber}` : '',
        r.receiptId ? 'Receiving record' : 'Ledger event',
        r.receiptId ?? `seq ${e.seq}`,
        e.seq,
      );
    } else if (e.type === 'produced' || e.type === 'transformed') {
      const r = p as EventPayloads['produced'] & { transformation?: string };
      const inputs = [...new Set(r.inputs.map((i) => i.lotId))].join(' ');
      for (const o of r.outputs) {
        row(
          'Transformation',
          e.eventTime,
          o.lot.id,
          source(o.locationId),
          o.lot.productId,
          o.quantity,
          loc(o.locationId),
          '',
          '',
          inputs,
          r.orderId ? 'Production order' : 'Ledger event',
          r.orderId ?? `seq ${e.seq}`,
          e.seq,
        );
      }
    } else if (e.type === 'shipped') {
      const r = p as EventPayloads['shipped'];
      for (const l of r.lines) {
        row(
          'Shipping',
          e.eventTime,
          l.lotId,
          source(l.locationId),
          l.productId,
          l.quantity,
          loc(l.locationId),
          '',
          party(r.customerId),
          '',
          'Bill of lading / despatch note',
          r.shipmentId,
          e.seq,
        );
      }
    }
  }
  rows.sort((a, b) => (a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : Number(a[15]) - Number(b[15])));
  return rows;
}

/** The FSMA 204 sortable spreadsheet as CSV (UTF-8, RFC 4180, spreadsheet-safe cells). */
export async function fsma204Csv(store: Store, filter: Fsma204Filter = {}): Promise<string> {
  return toCsv(FSMA204_COLUMNS, await fsma204Rows(store, filter));
}
