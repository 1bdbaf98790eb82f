/**
 * GS1 EPCIS 2.0 (JSON-LD) export and import of the ledger's goods flow: receipts as `ObjectEvent` (ADD,
 * `receiving`), production and transformations as `TransformationEvent` (input / output quantity lists,
 * `commissioning` / `repackaging`), shipments as `ObjectEvent` (OBSERVE, `shipping`, destination = customer),
 * lot master data in `ilmd` (CBV master-data attributes), and the names and addresses of the products, parties
 * and locations the events mention in the header's master data (`epcisHeader.epcisMasterData`).
 *
 * Identifiers are GS1 Digital Link URIs whenever the data allows, checked with `@lotgraph/gs1`'s parser:
 * lots `https://id.gs1.org/01/{GTIN}/10/{lot}` when the product has a GTIN and the lot id is a valid AI (10)
 * value (at most 20 characters of the GS1 character set 82); parties `https://id.gs1.org/417/{GLN}` (party
 * GLN, the Digital Link form of a PGLN); locations `https://id.gs1.org/414/{GLN}/254/{location id}` (location
 * GLN with its extension, the Digital Link form of an SGLN), or `…/414/{GLN}` when the id is no valid
 * extension and the GLN is the location's alone. Anything else is a `urn:lotgraph:{class|party|location}:`
 * URI. Import replays such a document as commands (idempotent by `eventID`), so export → import → export is
 * identical.
 *
 * @module
 */
import * as z from 'zod';
import { checkArgs, StoreArg } from '../domain/args.js';
import { Instant } from '../domain/dates.js';
import type { Product } from '../domain/schemas.js';
import { ErrorCodes, isLotgraphError, LotgraphError } from '../errors.js';
import type { EventPayloads, StoredEvent } from '../ledger/events.js';
import { iterateEvents } from '../ledger/iterate.js';
import type { Store } from '../store/port.js';
import {
  dlElements,
  type EpcisVocabulary,
  epcClass,
  masterDataVocabularies,
  masterIds,
  urn,
} from './epcis-ids.js';

const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { lg: 'urn:lotgraph:ns:' },
];
// UN/ECE Recommendation 20 codes (what EPCIS `uom` admits). A unit without one gets no `uom`: quantities are
// always in the product's base unit, which the product's master data declares.
const UOM: Record<string, string> = {
  kg: 'KGM',
  g: 'GRM',
  t: 'TNE',
  l: 'LTR',
  ml: 'MLT',
  m: 'MTR',
  pc: 'H87',
};
const UNIT_OF = Object.fromEntries(Object.entries(UOM).map(([k, v]) => [v, k]));

/** One EPCIS event as exported (a JSON object). */
export type EpcisEvent = Record<string, unknown> & { type: string; eventID: string; eventTime: string };

/** An EPCIS 2.0 document. */
export interface EpcisDocument {
  '@context': unknown[];
  type: 'EPCISDocument';
  schemaVersion: '2.0';
  creationDate: string;
  epcisHeader?: { epcisMasterData: { vocabularyList: EpcisVocabulary[] } };
  epcisBody: { eventList: EpcisEvent[] };
}

const fromUrn = (kind: string, u: unknown, field: string): string => {
  const prefix = `urn:lotgraph:${kind}:`;
  if (typeof u !== 'string' || !u.startsWith(prefix)) throw bad(field, `expected a ${prefix}… identifier`, u);
  return decodeURIComponent(u.slice(prefix.length));
};
function bad(field: string, message: string, value?: unknown): LotgraphError {
  return new LotgraphError(ErrorCodes.VALIDATION_FAILED, `${field}: ${message}`, { field, value });
}

function quantityElement(products: Map<string, Product>, productId: string, lotId: string, quantity: string) {
  const p = products.get(productId);
  const el: Record<string, unknown> = { epcClass: epcClass(p, productId, lotId), quantity: Number(quantity) };
  const uom = p ? UOM[p.unit] : undefined;
  if (uom) el.uom = uom;
  return el;
}

/** Export the goods flow of the ledger as an EPCIS 2.0 document (in ledger order). */
export async function exportEpcis(
  store: Store,
  options: { creationDate?: string } = {},
): Promise<EpcisDocument> {
  checkArgs(
    'exportEpcis',
    { store: StoreArg, options: z.strictObject({ creationDate: Instant.optional() }) },
    { store, options },
  );
  const products = new Map((await store.listProducts()).map((p) => [p.id, p]));
  const parties = await store.listParties();
  const locations = await store.listLocations();
  const ids = masterIds(parties, locations);
  // What the events mention, for the header's master data.
  const usedProducts = new Set<string>();
  const usedParties = new Set<string>();
  const usedLocations = new Set<string>();
  const partyId = (id: string) => {
    usedParties.add(id);
    return ids.party(id);
  };
  const locationId = (id: string) => {
    usedLocations.add(id);
    return ids.location(id);
  };
  const qe = (productId: string, lotId: string, quantity: string) => {
    usedProducts.add(productId);
    return quantityElement(products, productId, lotId, quantity);
  };
  const eventList: EpcisEvent[] = [];
  const base = (e: StoredEvent) => ({
    eventID: urn('event', e.idempotencyKey),
    eventTime: e.eventTime,
    eventTimeZoneOffset: '+00:00',
  });
  for await (const e of iterateEvents(store)) {
    const p = e.payload as unknown;
    if (e.type === 'received') {
      const r = p as EventPayloads['received'];
      const ilmd: Record<string, unknown> = {};
      if (r.lot.expiry) ilmd['cbvmda:itemExpirationDate'] = r.lot.expiry;
      if (r.lot.bestBefore) ilmd['cbvmda:bestBeforeDate'] = r.lot.bestBefore;
      if (r.lot.originCountry) ilmd['cbvmda:countryOfOrigin'] = r.lot.originCountry;
      if (r.lot.productionDate) ilmd['lg:productionDate'] = r.lot.productionDate;
      if (r.lot.supplierLotNumber) ilmd['lg:supplierLotNumber'] = r.lot.supplierLotNumber;
      const ev: EpcisEvent = {
        type: 'ObjectEvent',
        ...base(e),
        action: 'ADD',
        bizStep: 'receiving',
        disposition: 'in_progress',
        epcList: [],
        quantityList: [qe(r.lot.productId, r.lot.id, r.quantity)],
        bizLocation: { id: locationId(r.locationId) },
      };
      if (r.lot.supplierId) ev.sourceList = [{ type: 'owning_party', source: partyId(r.lot.supplierId) }];
      if (r.receiptId)
        ev.bizTransactionList = [{ type: 'recadv', bizTransaction: urn('receipt', r.receiptId) }];
      if (Object.keys(ilmd).length) ev.ilmd = ilmd;
      eventList.push(ev);
    } else if (e.type === 'produced' || e.type === 'transformed') {
      const r = p as EventPayloads['transformed'];
      const ev: EpcisEvent = {
        type: 'TransformationEvent',
        ...base(e),
        bizStep: e.type === 'produced' ? 'commissioning' : 'repackaging',
        disposition: 'active',
        inputQuantityList: r.inputs.map((i) => qe(i.productId, i.lotId, i.quantity)),
        outputQuantityList: r.outputs.map((o) => qe(o.lot.productId, o.lot.id, o.quantity)),
        // Where each input was taken from and each output put: extensions parallel to the quantity lists
        // (a quantity element admits no extra members in the EPCIS 2.0 schema).
        'lg:inputLocations': r.inputs.map((i) => locationId(i.locationId)),
        'lg:outputLocations': r.outputs.map((o) => locationId(o.locationId)),
      };
      if (r.orderId) ev.transformationID = urn('order', r.orderId);
      if (e.type === 'transformed') ev['lg:transformation'] = r.transformation;
      const ilmd: Record<string, unknown> = {};
      for (const o of r.outputs) {
        if (!o.newLot) continue;
        const facts: Record<string, unknown> = {};
        if (o.lot.expiry) facts['cbvmda:itemExpirationDate'] = o.lot.expiry;
        if (o.lot.productionDate) facts['lg:productionDate'] = o.lot.productionDate;
        if (Object.keys(facts).length)
          ilmd[epcClass(products.get(o.lot.productId), o.lot.productId, o.lot.id)] = facts;
      }
      if (Object.keys(ilmd).length) ev.ilmd = { 'lg:lots': ilmd };
      eventList.push(ev);
    } else if (e.type === 'shipped') {
      const r = p as EventPayloads['shipped'];
      eventList.push({
        type: 'ObjectEvent',
        ...base(e),
        action: 'OBSERVE',
        bizStep: 'shipping',
        disposition: 'in_transit',
        epcList: [],
        quantityList: r.lines.map((l) => qe(l.productId, l.lotId, l.quantity)),
        'lg:lineLocations': r.lines.map((l) => locationId(l.locationId)),
        bizTransactionList: [{ type: 'desadv', bizTransaction: urn('shipment', r.shipmentId) }],
        destinationList: [{ type: 'owning_party', destination: partyId(r.customerId) }],
      });
    }
  }
  const doc: EpcisDocument = {
    '@context': CONTEXT,
    type: 'EPCISDocument',
    schemaVersion: '2.0',
    creationDate: options.creationDate ?? new Date().toISOString(),
    epcisBody: { eventList },
  };
  const vocabularyList = masterDataVocabularies(
    [...products.values()].filter((p) => usedProducts.has(p.id)),
    parties.filter((p) => usedParties.has(p.id)),
    locations.filter((l) => usedLocations.has(l.id)),
    ids,
    new Map(parties.map((p) => [p.id, p])),
  );
  if (vocabularyList.length) doc.epcisHeader = { epcisMasterData: { vocabularyList } };
  return doc;
}

/** A command the importer will run (`lg[command](input)`). */
export interface ImportCommand {
  command: 'receive' | 'produce' | 'ship' | 'split' | 'merge' | 'repack';
  input: Record<string, unknown>;
}

/** Parse an `epcClass` back to product (by GTIN or id) and lot. */
async function parseClass(
  store: Store,
  cls: unknown,
  field: string,
): Promise<{ productId: string; lotId: string }> {
  if (typeof cls !== 'string') throw bad(field, 'expected an epcClass string', cls);
  if (cls.startsWith('https://')) {
    // Validated on the way in: the GS1 parser must accept the URI, with a GTIN and a valid AI (10) lot.
    const el = dlElements(cls);
    const gtin = el?.get('01');
    const lotId = el?.get('10');
    if (!gtin || lotId === undefined)
      throw bad(field, 'expected a valid GS1 Digital Link with (01) GTIN and (10) batch/lot', cls);
    const product = await store.findProductByGtin(gtin);
    if (!product)
      throw new LotgraphError(ErrorCodes.PRODUCT_NOT_FOUND, `${field}: no product with GTIN ${gtin}`, {
        field,
        value: cls,
      });
    return { productId: product.id, lotId };
  }
  const m = /^urn:lotgraph:class:([^:]+):(.+)$/.exec(cls);
  if (!m) throw bad(field, 'expected a GS1 Digital Link (01)/(10) URI or a urn:lotgraph:class: URI', cls);
  return { productId: decodeURIComponent(m[1]!), lotId: decodeURIComponent(m[2]!) };
}

/** Resolves party and location identifiers (GS1 Digital Link by GLN, or lotgraph URNs) to our ids. */
async function masterResolver(store: Store) {
  const parties = await store.listParties();
  const locations = await store.listLocations();
  const ids = masterIds(parties, locations);
  const partyBy = new Map(parties.map((p) => [ids.party(p.id), p.id]));
  const locationBy = new Map(locations.map((l) => [ids.location(l.id), l.id]));
  const resolve = (kind: 'party' | 'location', by: Map<string, string>, u: unknown, field: string) => {
    if (typeof u === 'string' && u.startsWith('https://')) {
      const id = by.get(u);
      if (id !== undefined) return id;
      if (!dlElements(u)) throw bad(field, 'not a valid GS1 Digital Link', u);
      throw new LotgraphError(
        kind === 'party' ? ErrorCodes.PARTY_NOT_FOUND : ErrorCodes.LOCATION_NOT_FOUND,
        `${field}: no ${kind} with this GLN (${u})`,
        { field, value: u },
      );
    }
    return fromUrn(kind, u, field);
  };
  return {
    party: (u: unknown, field: string) => resolve('party', partyBy, u, field),
    location: (u: unknown, field: string) => resolve('location', locationBy, u, field),
  };
}

/** Item `i` of an extension list (undefined when the list is missing or short). */
const at = (list: unknown, i: number): unknown => (Array.isArray(list) ? list[i] : undefined);

const qty = (el: Record<string, unknown>, field: string) => {
  if (typeof el.quantity !== 'number' || !(el.quantity > 0))
    throw bad(`${field}.quantity`, 'expected a positive number', el.quantity);
  const uom = typeof el.uom === 'string' ? el.uom : undefined;
  const unit =
    uom === undefined ? undefined : (UNIT_OF[uom] ?? (uom.startsWith('lg:') ? uom.slice(3) : undefined));
  if (uom !== undefined && unit === undefined)
    throw bad(`${field}.uom`, `unknown unit of measure "${uom}"`, uom);
  // Plain decimal notation (no exponent) so the sdk parses it exactly.
  const s = el.quantity.toLocaleString('en-US', { useGrouping: false, maximumFractionDigits: 20 });
  return { quantity: s, ...(unit !== undefined ? { unit } : {}) };
};

/** Turn an EPCIS document (as exported by {@link exportEpcis}) into sdk commands, in document order. */
export async function epcisToCommands(store: Store, doc: unknown): Promise<ImportCommand[]> {
  checkArgs('epcisToCommands', { store: StoreArg }, { store });
  const d = doc as Partial<EpcisDocument>;
  if (d?.type !== 'EPCISDocument' || !Array.isArray(d.epcisBody?.eventList))
    throw bad('document', 'expected an EPCISDocument with epcisBody.eventList');
  const out: ImportCommand[] = [];
  const master = await masterResolver(store);
  for (const [i, raw] of d.epcisBody!.eventList.entries()) {
    const f = `epcisBody.eventList.${i}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw bad(f, 'expected an EPCIS event object', raw);
    const ev = raw as Record<string, unknown>;
    try {
      const key = fromUrn('event', ev.eventID, `${f}.eventID`);
      const meta = { idempotencyKey: key, eventTime: String(ev.eventTime) };
      if (ev.type === 'ObjectEvent' && ev.bizStep === 'receiving') {
        const el = (ev.quantityList as Record<string, unknown>[] | undefined)?.[0];
        if (!el) throw bad(`${f}.quantityList`, 'a receipt needs one quantity element');
        const { productId, lotId } = await parseClass(store, el.epcClass, `${f}.quantityList.0.epcClass`);
        const ilmd = (ev.ilmd ?? {}) as Record<string, string>;
        const src = (ev.sourceList as { source: string }[] | undefined)?.[0]?.source;
        const txn = (ev.bizTransactionList as { bizTransaction: string }[] | undefined)?.[0]?.bizTransaction;
        const input: Record<string, unknown> = {
          ...meta,
          lotId,
          productId,
          locationId: master.location(
            (ev.bizLocation as { id?: string } | undefined)?.id,
            `${f}.bizLocation.id`,
          ),
          ...qty(el, `${f}.quantityList.0`),
        };
        if (src) input.supplierId = master.party(src, `${f}.sourceList.0.source`);
        if (txn) input.receiptId = fromUrn('receipt', txn, `${f}.bizTransactionList.0.bizTransaction`);
        if (ilmd['cbvmda:itemExpirationDate']) input.expiry = ilmd['cbvmda:itemExpirationDate'];
        if (ilmd['cbvmda:bestBeforeDate']) input.bestBefore = ilmd['cbvmda:bestBeforeDate'];
        if (ilmd['cbvmda:countryOfOrigin']) input.originCountry = ilmd['cbvmda:countryOfOrigin'];
        if (ilmd['lg:productionDate']) input.productionDate = ilmd['lg:productionDate'];
        if (ilmd['lg:supplierLotNumber']) input.supplierLotNumber = ilmd['lg:supplierLotNumber'];
        out.push({ command: 'receive', input });
      } else if (ev.type === 'TransformationEvent') {
        const lots = ((ev.ilmd as Record<string, unknown> | undefined)?.['lg:lots'] ?? {}) as Record<
          string,
          Record<string, string>
        >;
        const inputs = [];
        for (const [j, el] of ((ev.inputQuantityList ?? []) as Record<string, unknown>[]).entries()) {
          const c = await parseClass(store, el.epcClass, `${f}.inputQuantityList.${j}.epcClass`);
          inputs.push({
            lotId: c.lotId,
            locationId: master.location(at(ev['lg:inputLocations'], j), `${f}.lg:inputLocations.${j}`),
            ...qty(el, `${f}.inputQuantityList.${j}`),
          });
        }
        const outputs = [];
        for (const [j, el] of ((ev.outputQuantityList ?? []) as Record<string, unknown>[]).entries()) {
          const c = await parseClass(store, el.epcClass, `${f}.outputQuantityList.${j}.epcClass`);
          const facts = lots[el.epcClass as string] ?? {};
          outputs.push({
            lotId: c.lotId,
            productId: c.productId,
            locationId: master.location(at(ev['lg:outputLocations'], j), `${f}.lg:outputLocations.${j}`),
            ...qty(el, `${f}.outputQuantityList.${j}`),
            ...(facts['cbvmda:itemExpirationDate'] ? { expiry: facts['cbvmda:itemExpirationDate'] } : {}),
            ...(facts['lg:productionDate'] ? { productionDate: facts['lg:productionDate'] } : {}),
          });
        }
        const orderId = ev.transformationID
          ? fromUrn('order', ev.transformationID, `${f}.transformationID`)
          : undefined;
        if (ev.bizStep === 'commissioning') {
          if (orderId === undefined) throw bad(`${f}.transformationID`, 'a production needs its order id');
          out.push({ command: 'produce', input: { ...meta, orderId, inputs, outputs } });
        } else {
          const kind = ev['lg:transformation'];
          const order = orderId !== undefined ? { orderId } : {};
          if (kind === 'split' && inputs.length === 1) {
            const i0 = inputs[0]!;
            out.push({
              command: 'split',
              input: {
                ...meta,
                ...order,
                lotId: i0.lotId,
                locationId: i0.locationId,
                outputs: outputs.map(({ productId: _p, ...o }) => o),
              },
            });
          } else if (kind === 'merge' && outputs.length === 1) {
            const { productId: _p, quantity: _q, unit: _u, ...o } = outputs[0]! as Record<string, unknown>;
            out.push({ command: 'merge', input: { ...meta, ...order, inputs, output: o } });
          } else if (kind === 'repack' && inputs.length === 1 && outputs.length === 1) {
            out.push({
              command: 'repack',
              input: { ...meta, ...order, input: inputs[0], output: outputs[0] },
            });
          } else {
            throw bad(
              `${f}.lg:transformation`,
              'expected split (one input), merge (one output) or repack (one each)',
              kind,
            );
          }
        }
      } else if (ev.type === 'ObjectEvent' && ev.bizStep === 'shipping') {
        const lines = [];
        for (const [j, el] of ((ev.quantityList ?? []) as Record<string, unknown>[]).entries()) {
          const c = await parseClass(store, el.epcClass, `${f}.quantityList.${j}.epcClass`);
          lines.push({
            lotId: c.lotId,
            locationId: master.location(at(ev['lg:lineLocations'], j), `${f}.lg:lineLocations.${j}`),
            ...qty(el, `${f}.quantityList.${j}`),
          });
        }
        const shipment = (ev.bizTransactionList as { bizTransaction: string }[] | undefined)?.[0]
          ?.bizTransaction;
        const customer = (ev.destinationList as { destination: string }[] | undefined)?.[0]?.destination;
        out.push({
          command: 'ship',
          input: {
            ...meta,
            shipmentId: fromUrn('shipment', shipment, `${f}.bizTransactionList.0.bizTransaction`),
            customerId: master.party(customer, `${f}.destinationList.0.destination`),
            lines,
          },
        });
      } else {
        throw bad(`${f}.type`, `unsupported event (${String(ev.type)} / ${String(ev.bizStep)})`, ev.type);
      }
    } catch (e) {
      // A field of the wrong shape deep inside an event: report the event, never a TypeError.
      if (isLotgraphError(e)) throw e;
      throw bad(f, `malformed event (${e instanceof Error ? e.message : String(e)})`);
    }
  }
  return out;
}
