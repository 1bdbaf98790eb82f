/**
 * Regulatory exports from the one ledger: the EU 178/2002 one-step-back / one-step-forward report, and the
 * FDA FSMA 204 electronic sortable spreadsheet (one row per critical tracking event with its key data
 * elements).
 *
 * @module
 */
import * as z from 'zod';
import { checkArgs, StoreArg } from '../domain/args.js';
import { IsoDate } from '../domain/dates.js';
import { Id, LIMITS, type Party, type Product } from '../domain/schemas.js';
import type { OneStepTrace } from '../genealogy/trace-types.js';
import type { EventPayloads } from '../ledger/events.js';
import { iterateEvents } from '../ledger/iterate.js';
import { requireCase, toCsv } from '../recall/queries.js';
import type { Store } from '../store/port.js';

/** Master data {@link oneStepCsv} prints next to ids: product descriptions, party names and addresses. */
export interface OneStepMasterData {
  products?: ReadonlyMap<string, Product>;
  parties?: ReadonlyMap<string, Party>;
}

/** The columns of {@link oneStepCsv}. */
export const ONE_STEP_COLUMNS = [
  'direction',
  'kind',
  'lot_id',
  'product_id',
  'product_description',
  'gtin',
  'party_id',
  'party_name',
  'party_gln',
  'party_address',
  'reference',
  'other_lot_product_description',
  'quantity',
  'unit',
  'date',
  'order_id',
] as const;

/**
 * EU 178/2002 art. 18: who supplied this lot, and to whom it went (one step each way), as CSV rows — with the
 * product description and the business name and address of each supplier and customer.
 */
export function oneStepRows(
  t: OneStepTrace,
  master: OneStepMasterData = {},
): (string | number | undefined)[][] {
  const p = master.products?.get(t.lot.productId);
  const lot = [t.lot.id, t.lot.productId, p?.name ?? t.lot.productId, p?.gtin];
  const address = (id: string | undefined) => (id ? master.parties?.get(id)?.address : undefined);
  const name = (id: string | undefined, fallback?: string) =>
    id ? (master.parties?.get(id)?.name ?? fallback) : fallback;
  const desc = (productId: string) => master.products?.get(productId)?.name ?? productId;
  const rows: (string | number | undefined)[][] = [];
  for (const s of t.suppliers)
    rows.push([
      'back',
      'supplier',
      ...lot,
      s.supplierId,
      name(s.supplierId, s.name),
      s.gln,
      address(s.supplierId),
      s.supplierLotNumber ? `supplier lot ${s.supplierLotNumber}` : undefined,
      undefined,
      s.quantity,
      s.unit,
      s.receivedAt,
      undefined,
    ]);
  for (const i of t.inputs)
    rows.push([
      'back',
      'input lot',
      ...lot,
      undefined,
      undefined,
      undefined,
      undefined,
      i.lotId,
      desc(i.productId),
      i.quantity,
      i.unit,
      i.date,
      i.orderId,
    ]);
  for (const o of t.outputs)
    rows.push([
      'forward',
      'output lot',
      ...lot,
      undefined,
      undefined,
      undefined,
      undefined,
      o.lotId,
      desc(o.productId),
      o.quantity,
      o.unit,
      o.date,
      o.orderId,
    ]);
  for (const c of t.customers)
    rows.push([
      'forward',
      'customer',
      ...lot,
      c.customerId,
      name(c.customerId, c.name),
      c.gln,
      address(c.customerId),
      `${c.shipmentId}/${c.lineNo}`,
      undefined,
      c.quantity,
      c.unit,
      c.shippedAt,
      undefined,
    ]);
  return rows;
}

/** EU 178/2002 art. 18 one step back / one step forward of one lot (or several: rows follow each other), as CSV. */
export function oneStepCsv(
  t: OneStepTrace | readonly OneStepTrace[],
  master: OneStepMasterData = {},
): string {
  const traces = Array.isArray(t) ? (t as readonly OneStepTrace[]) : [t as OneStepTrace];
  return toCsv(
    ONE_STEP_COLUMNS,
    traces.flatMap((x) => oneStepRows(x, master)),
  );
}

/** Filter of {@link fsma204Rows}: every CTE of a recall's scope, of given lots, and/or of a product or dates. */
export interface Fsma204Filter {
  /** Every lot in the scope of this recall (suspect and affected lots). */
  recallId?: string;
  /** Exactly these lots. */
  lotIds?: string[];
  productId?: string;
  lotId?: string;
  /** Inclusive `YYYY-MM-DD` bounds on the event date. */
  from?: string;
  to?: string;
}

/** The schema of {@link Fsma204Filter}. */
export const Fsma204FilterInput = z.strictObject({
  recallId: Id.optional(),
  lotIds: z.array(Id).min(1).max(LIMITS.items).optional(),
  productId: Id.optional(),
  lotId: Id.optional(),
  from: IsoDate.optional(),
  to: IsoDate.optional(),
});

/** Our own business, for the lot codes we assign: name and address (default: the party with role `site`). */
export interface Fsma204Site {
  name: string;
  address?: string;
  gln?: string;
}

/**
 * The KDE columns of the FSMA 204 sortable spreadsheet (21 CFR 1.1455(c)(3)(ii)). The traceability lot code
 * is the one its creator assigned: the supplier's lot code for received lots (source: the supplier), our lot
 * id for lots we made (source: our site); our internal lot id is kept in its own column.
 */
export const FSMA204_COLUMNS = [
  'Critical Tracking Event',
  'Event Date',
  'Event Time',
  'Traceability Lot Code',
  'Traceability Lot Code Source',
  'Traceability Lot Code Source Address',
  'Internal Lot ID',
  'Product Description',
  'Product ID (GTIN)',
  'Quantity',
  'Unit of Measure',
  'Location Description',
  'Location Address',
  'Immediate Previous Source',
  'Immediate Previous Source Address',
  'Immediate Subsequent Recipient',
  'Immediate Subsequent Recipient Address',
  'Input Traceability Lot Codes',
  'Reference Document Type',
  'Reference Document Number',
  'Ledger Seq',
] as const;

/**
 * One row per critical tracking event and lot — receiving, transformation (production, split/merge/repack),
 * shipping — with its key data elements, from the ledger. Sorted by date, then seq.
 */
export async function fsma204Rows(
  store: Store,
  filter: Fsma204Filter = {},
  options: { site?: Fsma204Site } = {},
): Promise<string[][]> {
  checkArgs('fsma204Rows', { store: StoreArg, filter: Fsma204FilterInput }, { store, filter });
  const products = new Map<string, Product>((await store.listProducts()).map((p) => [p.id, p]));
  const parties = new Map((await store.listParties()).map((p) => [p.id, p]));
  const locations = new Map((await store.listLocations()).map((l) => [l.id, l]));
  const sitePartyOf = [...parties.values()].find((p) => p.roles.includes('site'));
  const site: Fsma204Site | undefined =
    options.site ??
    (sitePartyOf
      ? {
          name: sitePartyOf.name,
          ...(sitePartyOf.address ? { address: sitePartyOf.address } : {}),
          ...(sitePartyOf.gln ? { gln: sitePartyOf.gln } : {}),
        }
      : undefined);
  let scope: Set<string> | undefined;
  if (filter.recallId !== undefined)
    scope = new Set((await requireCase(store, filter.recallId)).scope.lots.map((l) => l.lotId));
  if (filter.lotIds !== undefined) {
    const ids = new Set(filter.lotIds);
    scope = scope ? new Set([...scope].filter((id) => ids.has(id))) : ids;
  }
  const loc = (id: string) => {
    const l = locations.get(id);
    return l
      ? `${[l.name, l.site, l.zone, l.bin].filter(Boolean).join(' / ')}${l.gln ? ` (GLN ${l.gln})` : ''} [${id}]`
      : id;
  };
  // A location's address: the party its site names (a site of ours), else our own site's address.
  const locAddress = (id: string) => {
    const l = locations.get(id);
    const p = l ? parties.get(l.site) : undefined;
    return p?.address ?? site?.address ?? '';
  };
  const party = (id: string | undefined) => {
    if (!id) return '';
    const p = parties.get(id);
    return p ? `${p.name}${p.gln ? ` (GLN ${p.gln})` : ''}` : id;
  };
  const partyAddress = (id: string | undefined) => (id ? (parties.get(id)?.address ?? '') : '');
  const ours = site ? `${site.name}${site.gln ? ` (GLN ${site.gln})` : ''}` : 'own site';
  // Traceability lot code of each lot, as assigned by whoever created it.
  const tlc = new Map<string, { code: string; source: string; address: string }>();
  const tlcOf = (lotId: string) =>
    tlc.get(lotId) ?? { code: lotId, source: ours, address: site?.address ?? '' };
  const rows: string[][] = [];
  const keep = (productId: string, lotId: string, date: string) =>
    (scope === undefined || scope.has(lotId)) &&
    (filter.productId === undefined || filter.productId === productId) &&
    (filter.lotId === undefined || filter.lotId === lotId) &&
    (filter.from === undefined || date >= filter.from) &&
    (filter.to === undefined || date <= filter.to);
  const row = (
    cte: string,
    at: string,
    lotId: string,
    productId: string,
    quantity: string,
    locationId: string,
    prev: string | undefined,
    next: string | undefined,
    inputs: string,
    docType: string,
    docNo: string,
    seq: number,
  ) => {
    const p = products.get(productId);
    if (!keep(productId, lotId, at.slice(0, 10))) return;
    const t = tlcOf(lotId);
    rows.push([
      cte,
      at.slice(0, 10),
      at.slice(11, 19),
      t.code,
      t.source,
      t.address,
      lotId,
      p?.name ?? productId,
      p?.gtin ?? '',
      quantity,
      p?.unit ?? '',
      loc(locationId),
      locAddress(locationId),
      party(prev),
      partyAddress(prev),
      party(next),
      partyAddress(next),
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
      if (r.lot.supplierLotNumber && r.lot.supplierId && !tlc.has(r.lot.id))
        tlc.set(r.lot.id, {
          code: r.lot.supplierLotNumber,
          source: party(r.lot.supplierId),
          address: partyAddress(r.lot.supplierId),
        });
      row(
        'Receiving',
        e.eventTime,
        r.lot.id,
        r.lot.productId,
        r.quantity,
        r.locationId,
        r.lot.supplierId,
        undefined,
        '',
        r.receiptId ? 'Receiving record' : 'Ledger event',
        r.receiptId ?? `seq ${e.seq}`,
        e.seq,
      );
    } else if (e.type === 'produced' || e.type === 'transformed') {
      const r = p as EventPayloads['produced'] & { transformation?: string };
      const inputs = [...new Set(r.inputs.map((i) => i.lotId))].map((id) => tlcOf(id).code).join(' ');
      for (const o of r.outputs) {
        row(
          'Transformation',
          e.eventTime,
          o.lot.id,
          o.lot.productId,
          o.quantity,
          o.locationId,
          undefined,
          undefined,
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
          l.productId,
          l.quantity,
          l.locationId,
          undefined,
          r.customerId,
          '',
          'Bill of lading / despatch note',
          r.shipmentId,
          e.seq,
        );
      }
    }
  }
  const seqCol = FSMA204_COLUMNS.length - 1;
  rows.sort((a, b) => (a[1]! < b[1]! ? -1 : a[1]! > b[1]! ? 1 : Number(a[seqCol]) - Number(b[seqCol])));
  return rows;
}

/** The FSMA 204 sortable spreadsheet as CSV (UTF-8, RFC 4180, spreadsheet-safe cells). */
export async function fsma204Csv(
  store: Store,
  filter: Fsma204Filter = {},
  options: { site?: Fsma204Site } = {},
): Promise<string> {
  return toCsv(FSMA204_COLUMNS, await fsma204Rows(store, filter, options));
}
