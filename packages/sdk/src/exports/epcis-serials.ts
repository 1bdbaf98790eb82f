/**
 * EPCIS 2.0 of item-level serials and logistic units (issue 18), both ways.
 *
 * Export: `serialsCommissioned` → `ObjectEvent` ADD `commissioning` / `active` with the serials as EPCs and the
 * lot in `ilmd` (`cbvmda:lotNumber`, expiry), plus — when they were commissioned straight into a unit — an
 * `AggregationEvent` ADD `packing` marked `lg:partOf` (the import skips it: the commissioning carries
 * `lg:packedInto`); `unitPacked` → `AggregationEvent` ADD `packing` (parentID = the SSCC, childEPCs = child
 * units and serials, childQuantityList = loose lot quantities), or — a new unit packed empty — an `ObjectEvent`
 * ADD `commissioning` of the SSCC; `unitUnpacked` → `AggregationEvent` DELETE `unpacking` (`lg:all` when
 * emptied); `serialsStateChanged` → `ObjectEvent` with the CBV step and disposition of the new state
 * ({@link STATE_STEPS}); `unitMoved` → `ObjectEvent` OBSERVE `storing` (same site) or `transporting` with the
 * SSCC as EPC, source and destination locations. A shipment lists the shipped SSCCs and every serial as EPCs;
 * its `quantityList` keeps the loose quantities only, and `lg:scan` says what was scanned (root units, serials
 * on their own, how many leading quantity elements are order lines) so the import can replay it.
 *
 * Serials are GS1 Digital Link URIs `https://id.gs1.org/01/{GTIN}/21/{serial}`, units `…/00/{SSCC}`
 * ({@link serialEpc}, {@link unitEpc}).
 *
 * @module
 */
import { fromSteps, toSteps } from '../domain/quantity.js';
import type { Lot, Product } from '../domain/schemas.js';
import type { EventPayloads, StoredEvent } from '../ledger/events.js';
import { expandRange } from '../serials/commands.js';
import type { SerialGroup, UnitLotLine } from '../serials/serial-types.js';
import { bad, type EpcisEvent, type ImportCommand, parseEpc, serialEpc, unitEpc } from './epcis-ids.js';

/** CBV business step, disposition and action of each state `setSerialState` sets. */
export const STATE_STEPS: Record<string, { bizStep: string; disposition: string; action: string }> = {
  destroyed: { bizStep: 'destroying', disposition: 'destroyed', action: 'DELETE' },
  decommissioned: { bizStep: 'decommissioning', disposition: 'inactive', action: 'DELETE' },
  dispensed: { bizStep: 'dispensing', disposition: 'dispensed', action: 'OBSERVE' },
  returned: { bizStep: 'receiving', disposition: 'returned', action: 'OBSERVE' },
  sample: { bizStep: 'sampling', disposition: 'non_sellable_other', action: 'OBSERVE' },
  // A returned item made saleable again, after inspection.
  active: { bizStep: 'inspecting', disposition: 'active', action: 'OBSERVE' },
};
const STATE_OF = new Map(Object.entries(STATE_STEPS).map(([s, v]) => [`${v.bizStep}/${v.disposition}`, s]));

/** What the serial exporter needs from the document being written. */
export interface SerialExportContext {
  base(e: StoredEvent): { eventID: string; eventTime: string; eventTimeZoneOffset: string };
  /** Location identifier (marks it used for the master data). */
  location(id: string): string;
  /** A quantity element of a lot (marks the product used). */
  qe(productId: string, lotId: string, quantity: string): Record<string, unknown>;
  useProduct(productId: string): void;
  products: Map<string, Product>;
  /** The site of a location (to tell storing from transporting). */
  site(locationId: string): string | undefined;
  lot(id: string): Promise<Lot | undefined>;
}

type P = EventPayloads;
const sk = (gtin: string, serial: string) => `${gtin}\u0000${serial}`;

/**
 * The exporter of serial and unit events. It replays, in ledger order, which unit each serial is packed in
 * and where each unit is with which loose lots — what a shipment's `lg:scan` needs and its payload lacks.
 */
export function serialExporter(ctx: SerialExportContext) {
  const unitOf = new Map<string, string>();
  const units = new Map<string, { locationId: string; lots: UnitLotLine[] }>();
  const epcs = (groups: readonly SerialGroup[]) =>
    groups.flatMap((g) => {
      ctx.useProduct(g.productId);
      return g.serials.map((s) => serialEpc(g.gtin, s));
    });
  const forget = (groups: readonly { gtin: string; serials: string[] }[]) => {
    for (const g of groups) for (const s of g.serials) unitOf.delete(sk(g.gtin, s));
  };
  const place = (id: string) => ({ id: ctx.location(id) });

  /** The EPCIS events of one serial or unit event (none for other types). */
  async function events(e: StoredEvent): Promise<EpcisEvent[]> {
    const base = ctx.base(e);
    if (e.type === 'serialsCommissioned') {
      const r = e.payload as unknown as P['serialsCommissioned'];
      const serials = r.serials ?? (r.range ? expandRange(r.range) : []);
      ctx.useProduct(r.productId);
      const epcList = serials.map((s) => serialEpc(r.gtin, s));
      const ilmd: Record<string, unknown> = { 'cbvmda:lotNumber': r.lotId };
      const lot = await ctx.lot(r.lotId);
      if (lot?.expiry) ilmd['cbvmda:itemExpirationDate'] = lot.expiry;
      const ev: EpcisEvent = {
        type: 'ObjectEvent',
        ...base,
        action: 'ADD',
        bizStep: 'commissioning',
        disposition: 'active',
        epcList,
        bizLocation: place(r.locationId),
        ilmd,
      };
      if (r.unitId === undefined) return [ev];
      for (const s of serials) unitOf.set(sk(r.gtin, s), r.unitId);
      ev['lg:packedInto'] = unitEpc(r.unitId);
      return [
        ev,
        {
          type: 'AggregationEvent',
          ...base,
          eventID: `${base.eventID}:packing`,
          action: 'ADD',
          bizStep: 'packing',
          parentID: unitEpc(r.unitId),
          childEPCs: epcList,
          bizLocation: place(r.locationId),
          'lg:partOf': base.eventID,
        },
      ];
    }
    if (e.type === 'serialsStateChanged') {
      const r = e.payload as unknown as P['serialsStateChanged'];
      const step = STATE_STEPS[r.state];
      if (!step) return [];
      forget(r.groups);
      const ev: EpcisEvent = { type: 'ObjectEvent', ...base, ...step, epcList: epcs(r.groups) };
      if (r.locationId !== undefined) ev.bizLocation = place(r.locationId);
      if (r.reason !== undefined) ev['lg:reason'] = r.reason;
      return [ev];
    }
    if (e.type === 'unitPacked' || e.type === 'unitUnpacked') {
      const r = e.payload as unknown as P['unitPacked'] & P['unitUnpacked'];
      units.set(r.unitId, { locationId: r.unit.locationId, lots: r.unit.lots });
      if (e.type === 'unitUnpacked') forget(r.serials);
      else for (const g of r.serials) for (const s of g.serials) unitOf.set(sk(g.gtin, s), r.unitId);
      const childEPCs = [...r.units.map(unitEpc), ...epcs(r.serials)];
      const childQuantityList = r.lots.map((l) => ctx.qe(l.productId, l.lotId, l.quantity));
      if (e.type === 'unitPacked' && childEPCs.length + childQuantityList.length === 0)
        return [
          {
            type: 'ObjectEvent',
            ...base,
            action: 'ADD',
            bizStep: 'commissioning',
            disposition: 'active',
            epcList: [unitEpc(r.unitId)],
            bizLocation: place(r.unit.locationId),
            'lg:unitKind': r.unit.kind,
          },
        ];
      const ev: EpcisEvent = {
        type: 'AggregationEvent',
        ...base,
        action: e.type === 'unitPacked' ? 'ADD' : 'DELETE',
        bizStep: e.type === 'unitPacked' ? 'packing' : 'unpacking',
        parentID: unitEpc(r.unitId),
      };
      if (childEPCs.length) ev.childEPCs = childEPCs;
      if (childQuantityList.length) ev.childQuantityList = childQuantityList;
      ev.bizLocation = place(r.unit.locationId);
      if (e.type === 'unitPacked') ev['lg:unitKind'] = r.unit.kind;
      else if (r.all) ev['lg:all'] = true;
      return [ev];
    }
    if (e.type === 'unitMoved') {
      const r = e.payload as unknown as P['unitMoved'];
      for (const id of r.units) {
        const u = units.get(id);
        if (u) u.locationId = r.toLocationId;
      }
      const sameSite = ctx.site(r.fromLocationId) === ctx.site(r.toLocationId);
      return [
        {
          type: 'ObjectEvent',
          ...base,
          action: 'OBSERVE',
          bizStep: sameSite ? 'storing' : 'transporting',
          epcList: [unitEpc(r.unitId)],
          bizLocation: place(r.toLocationId),
          sourceList: [{ type: 'location', source: ctx.location(r.fromLocationId) }],
          destinationList: [{ type: 'location', destination: ctx.location(r.toLocationId) }],
        },
      ];
    }
    return [];
  }

  /**
   * The EPCs, quantities and `lg:scan` of a shipment: shipped SSCCs (scanned, then nested) and every serial
   * as EPCs; the loose part of each line (quantity less one base unit per serial) in `quantityList`, with
   * `lg:lineLocations` parallel to it.
   */
  function shipping(r: P['shipped']): Record<string, unknown> {
    const quantityList: Record<string, unknown>[] = [];
    const lineLocations: string[] = [];
    for (const l of r.lines) {
      let quantity = l.quantity;
      if (l.serials?.length) {
        const d = ctx.products.get(l.productId)?.decimals ?? 0;
        const steps = toSteps(l.quantity, d) - BigInt(l.serials.length) * 10n ** BigInt(d);
        if (steps <= 0n) continue;
        quantity = fromSteps(steps, d);
      }
      quantityList.push(ctx.qe(l.productId, l.lotId, quantity));
      lineLocations.push(ctx.location(l.locationId));
    }
    const out: Record<string, unknown> = { epcList: [], quantityList, 'lg:lineLocations': lineLocations };
    const shipped = [...(r.units ?? []), ...(r.nestedUnits ?? [])];
    if (shipped.length > 0 || r.lines.some((l) => l.serials?.length)) {
      const inShipped = new Set(shipped);
      // Lines the scan made: one per lot × location of the units' loose lots and of the serials, after the
      // order lines.
      const scannedLines = new Set<string>();
      for (const id of shipped) {
        const u = units.get(id);
        for (const l of u?.lots ?? []) scannedLines.add(`${l.lotId}\u0000${u?.locationId}`);
      }
      const epcList = shipped.map(unitEpc);
      const own: string[] = [];
      for (const l of r.lines) {
        if (!l.serials?.length || l.gtin === undefined) continue;
        ctx.useProduct(l.productId);
        scannedLines.add(`${l.lotId}\u0000${l.locationId}`);
        for (const s of l.serials) {
          const epc = serialEpc(l.gtin, s);
          epcList.push(epc);
          if (!inShipped.has(unitOf.get(sk(l.gtin, s)) ?? '')) own.push(epc);
        }
      }
      out.epcList = epcList;
      out['lg:scan'] = {
        orderLines: Math.max(0, r.lines.length - scannedLines.size),
        units: (r.units ?? []).map(unitEpc),
        serials: own,
      };
    }
    forget(r.pickedSerials ?? []);
    return out;
  }

  return { events, shipping };
}

/** What the serial importer needs from the document reader. */
export interface SerialImportContext {
  location(u: unknown, field: string): string;
  lots(list: unknown, field: string): Promise<Record<string, unknown>[]>;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

function refs(v: unknown, field: string) {
  const serials: { gtin: string; serial: string }[] = [];
  const units: string[] = [];
  for (const [i, u] of list(v).entries()) {
    const epc = parseEpc(u);
    if (!epc)
      throw bad(`${field}.${i}`, 'expected a GS1 Digital Link of a serial (01)+(21) or an SSCC (00)', u);
    if (epc.kind === 'serial') serials.push({ gtin: epc.gtin, serial: epc.serial });
    else units.push(epc.sscc);
  }
  return { serials, units };
}

function unitId(v: unknown, field: string): string {
  const epc = parseEpc(v);
  if (epc?.kind !== 'unit') throw bad(field, 'expected a GS1 Digital Link of an SSCC (00)', v);
  return epc.sscc;
}

/**
 * The command of a serial or unit event as {@link serialExporter} writes it; `undefined` when the event is
 * none of them.
 */
export async function serialCommand(
  ev: Record<string, unknown>,
  f: string,
  meta: Record<string, unknown>,
  ctx: SerialImportContext,
): Promise<ImportCommand | undefined> {
  const where = () =>
    ctx.location((ev.bizLocation as { id?: unknown } | undefined)?.id, `${f}.bizLocation.id`);
  if (ev.type === 'ObjectEvent' && ev.bizStep === 'commissioning' && ev.action === 'ADD') {
    const { serials, units } = refs(ev.epcList, `${f}.epcList`);
    if (units.length === 1 && serials.length === 0)
      return {
        command: 'pack',
        input: { ...meta, unitId: units[0], kind: ev['lg:unitKind'], locationId: where() },
      };
    if (units.length > 0 || serials.length === 0)
      throw bad(`${f}.epcList`, 'expected the commissioned serials (or one SSCC)', ev.epcList);
    const lotId = (ev.ilmd as Record<string, unknown> | undefined)?.['cbvmda:lotNumber'];
    if (typeof lotId !== 'string') throw bad(`${f}.ilmd.cbvmda:lotNumber`, 'expected the lot id', lotId);
    const input: Record<string, unknown> = {
      ...meta,
      lotId,
      locationId: where(),
      serials: serials.map((s) => s.serial),
    };
    if (ev['lg:packedInto'] !== undefined) input.unitId = unitId(ev['lg:packedInto'], `${f}.lg:packedInto`);
    return { command: 'commissionSerials', input };
  }
  const state = ev.type === 'ObjectEvent' ? STATE_OF.get(`${ev.bizStep}/${ev.disposition}`) : undefined;
  if (state !== undefined) {
    const input: Record<string, unknown> = {
      ...meta,
      serials: refs(ev.epcList, `${f}.epcList`).serials,
      state,
    };
    if (ev['lg:reason'] !== undefined) input.reason = ev['lg:reason'];
    if (ev.bizLocation !== undefined) input.locationId = where();
    return { command: 'setSerialState', input };
  }
  if (ev.type === 'ObjectEvent' && (ev.bizStep === 'storing' || ev.bizStep === 'transporting')) {
    const dest = list(ev.destinationList).find((d) => (d as { type?: unknown })?.type === 'location') as
      | { destination?: unknown }
      | undefined;
    return {
      command: 'moveUnit',
      input: {
        ...meta,
        unitId: unitId(list(ev.epcList)[0], `${f}.epcList.0`),
        toLocationId: ctx.location(dest?.destination, `${f}.destinationList`),
      },
    };
  }
  if (ev.type === 'AggregationEvent' && (ev.bizStep === 'packing' || ev.bizStep === 'unpacking')) {
    const id = unitId(ev.parentID, `${f}.parentID`);
    if (ev.bizStep === 'unpacking' && ev['lg:all'] === true)
      return { command: 'unpack', input: { ...meta, unitId: id, all: true } };
    const { serials, units } = refs(ev.childEPCs, `${f}.childEPCs`);
    const lots = await ctx.lots(ev.childQuantityList, `${f}.childQuantityList`);
    const input: Record<string, unknown> = { ...meta, unitId: id };
    if (ev.bizStep === 'packing') {
      if (ev['lg:unitKind'] !== undefined) input.kind = ev['lg:unitKind'];
      input.locationId = where();
    }
    if (serials.length) input.serials = serials;
    if (units.length) input.units = units;
    if (lots.length) input.lots = lots;
    return { command: ev.bizStep === 'packing' ? 'pack' : 'unpack', input };
  }
  return undefined;
}
