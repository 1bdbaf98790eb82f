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
 * URI. Serials and logistic units (commissioning, aggregation, state changes, unit moves, SSCCs and serials
 * shipped) are written by `epcis-serials.ts`. Import (`epcis-import.ts`) replays such a document as commands
 * (idempotent by `eventID`), so export → import → export is identical.
 *
 * @module
 */
import * as z from 'zod';
import { checkArgs, StoreArg } from '../domain/args.js';
import { Instant } from '../domain/dates.js';
import type { Lot, Product } from '../domain/schemas.js';
import type { EventPayloads, StoredEvent } from '../ledger/events.js';
import { iterateEvents } from '../ledger/iterate.js';
import type { Store } from '../store/port.js';
import {
  type EpcisDocument,
  type EpcisEvent,
  epcClass,
  masterDataVocabularies,
  masterIds,
  UOM,
  urn,
} from './epcis-ids.js';
import { serialExporter } from './epcis-serials.js';

export type { EpcisDocument, EpcisEvent, ImportCommand } from './epcis-ids.js';
export { epcisToCommands } from './epcis-import.js';

const CONTEXT = [
  'https://ref.gs1.org/standards/epcis/2.0.0/epcis-context.jsonld',
  { lg: 'urn:lotgraph:ns:' },
];
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
  const sites = new Map(locations.map((l) => [l.id, l.site]));
  const lots = new Map<string, Lot | undefined>();
  const serials = serialExporter({
    base,
    location: locationId,
    qe,
    useProduct: (id) => usedProducts.add(id),
    products,
    site: (id) => sites.get(id),
    lot: async (id) => {
      if (!lots.has(id)) {
        if (lots.size > 10_000) lots.clear();
        lots.set(id, await store.getLot(id));
      }
      return lots.get(id);
    },
  });
  for await (const e of iterateEvents(store)) {
    const p = e.payload as unknown;
    eventList.push(...(await serials.events(e)));
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
        // epcList (SSCCs and serials), quantityList (loose quantities), lg:lineLocations, lg:scan.
        ...serials.shipping(r),
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
