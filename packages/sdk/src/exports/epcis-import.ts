/**
 * Import of GS1 EPCIS 2.0 documents as {@link exportEpcis} writes them: each event becomes the sdk command
 * that wrote it (idempotent by `eventID`), so export → import → export is identical. Serial and unit events
 * are read by `epcis-serials.ts`.
 *
 * @module
 */
import { checkArgs, StoreArg } from '../domain/args.js';
import { ErrorCodes, isLotgraphError, LotgraphError } from '../errors.js';
import type { Store } from '../store/port.js';
import {
  bad,
  dlElements,
  type EpcisDocument,
  fromUrn,
  type ImportCommand,
  masterIds,
  parseEpc,
  UNIT_OF,
} from './epcis-ids.js';
import { serialCommand } from './epcis-serials.js';

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

/** The `units` and `serials` of a shipment's `lg:scan`. */
function scanned(scan: { units?: unknown; serials?: unknown } | undefined, field: string) {
  const units: string[] = [];
  const serials: { gtin: string; serial: string }[] = [];
  for (const [i, u] of (Array.isArray(scan?.units) ? scan.units : []).entries()) {
    const epc = parseEpc(u);
    if (epc?.kind !== 'unit')
      throw bad(`${field}.units.${i}`, 'expected a GS1 Digital Link of an SSCC (00)', u);
    units.push(epc.sscc);
  }
  for (const [i, u] of (Array.isArray(scan?.serials) ? scan.serials : []).entries()) {
    const epc = parseEpc(u);
    if (epc?.kind !== 'serial')
      throw bad(`${field}.serials.${i}`, 'expected a GS1 Digital Link of a serial (01)+(21)', u);
    serials.push({ gtin: epc.gtin, serial: epc.serial });
  }
  return { ...(units.length ? { units } : {}), ...(serials.length ? { serials } : {}) };
}

/** Turn an EPCIS document (as exported by {@link exportEpcis}) into sdk commands, in document order. */
export async function epcisToCommands(store: Store, doc: unknown): Promise<ImportCommand[]> {
  checkArgs('epcisToCommands', { store: StoreArg }, { store });
  const d = doc as Partial<EpcisDocument>;
  if (d?.type !== 'EPCISDocument' || !Array.isArray(d.epcisBody?.eventList))
    throw bad('document', 'expected an EPCISDocument with epcisBody.eventList');
  const out: ImportCommand[] = [];
  const master = await masterResolver(store);
  const serialCtx = {
    location: master.location,
    lots: async (list: unknown, field: string) => {
      const lots: Record<string, unknown>[] = [];
      for (const [j, el] of (Array.isArray(list) ? (list as Record<string, unknown>[]) : []).entries()) {
        const c = await parseClass(store, el?.epcClass, `${field}.${j}.epcClass`);
        lots.push({ lotId: c.lotId, ...qty(el, `${field}.${j}`) });
      }
      return lots;
    },
  };
  for (const [i, raw] of d.epcisBody!.eventList.entries()) {
    const f = `epcisBody.eventList.${i}`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw))
      throw bad(f, 'expected an EPCIS event object', raw);
    const ev = raw as Record<string, unknown>;
    // Part of another event (the aggregation of serials commissioned into a unit): replayed with it.
    if (ev?.type === 'AggregationEvent' && ev['lg:partOf'] !== undefined) continue;
    try {
      const key = fromUrn('event', ev.eventID, `${f}.eventID`);
      const meta = { idempotencyKey: key, eventTime: String(ev.eventTime) };
      const serialised = await serialCommand(ev, f, meta, serialCtx);
      if (serialised) {
        out.push(serialised);
      } else if (ev.type === 'ObjectEvent' && ev.bizStep === 'receiving') {
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
        // Scanned SSCCs and serials: the leading `orderLines` quantity elements are the order lines, the rest
        // (loose quantities in the units) the scan brings again.
        const scan = ev['lg:scan'] as
          | { orderLines?: unknown; units?: unknown; serials?: unknown }
          | undefined;
        const quantities = (ev.quantityList ?? []) as Record<string, unknown>[];
        const orderLines =
          scan === undefined
            ? quantities.length
            : typeof scan.orderLines === 'number' && Number.isInteger(scan.orderLines) && scan.orderLines >= 0
              ? scan.orderLines
              : undefined;
        if (orderLines === undefined)
          throw bad(`${f}.lg:scan.orderLines`, 'expected a whole number', scan?.orderLines);
        const lines = [];
        for (const [j, el] of quantities.slice(0, orderLines).entries()) {
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
            ...(lines.length ? { lines } : {}),
            ...scanned(scan, `${f}.lg:scan`),
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
