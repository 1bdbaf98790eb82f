/**
 * `lg.serials` and `lg.units`: item-level serialisation (GTIN + serial under a lot) and logistic units
 * (SSCC pallets and cases). Commands go through the one registry (also in `lg.batch`); queries read the
 * store's serial and unit tables.
 *
 * @module
 */
import { checkArgs } from '../domain/args.js';
import { Gtin, Name, normaliseGtin, SerialNumber, Sscc } from '../domain/schemas.js';
import { parseInput } from '../domain/validate.js';
import type { EventOf } from '../ledger/events.js';
import type { LotgraphHost } from '../ledger/host.js';
import type { SerialFilter, SerialRecord } from '../store/serial-port.js';
import {
  resolveScan,
  type ScanTarget,
  type SerialInfo,
  serialInfo,
  type UnitContents,
  unitContents,
} from './queries.js';
import {
  type CommissionSerialsInput,
  type MoveUnitInput,
  type PackInput,
  SerialListQuery,
  type SetSerialStateInput,
  type UnpackInput,
} from './schemas.js';

/** `lg.serials`: see {@link Lotgraph}. */
export function serialsFacade(h: LotgraphHost) {
  return {
    /**
     * Commission serials for stock of a lot at a location: a list, a numbered range or generated ones.
     *
     * @example
     * ```ts
     * await lg.serials.commission({ lotId: 'F-1', locationId: 'WH', range: { prefix: 'SN', start: 1, count: 10, width: 6 } });
     * const sn = await lg.serials.get('09506000134352', 'SN000001'); // lot F-1, active, at WH
     * ```
     */
    commission: (input: CommissionSerialsInput): Promise<EventOf<'serialsCommissioned'>> =>
      h.command('commissionSerials', input),
    /** Change serials' state (destroyed, sample, decommissioned, dispensed, returned, active again). */
    setState: (input: SetSerialStateInput): Promise<EventOf<'serialsStateChanged'>> =>
      h.command('setSerialState', input),
    /** One serial: its lot, state, place, units (innermost first), shipment and customer, history. */
    get: async (gtin: string, serial: string): Promise<SerialInfo> => {
      const a = checkArgs('serials.get', { gtin: Gtin, serial: SerialNumber }, { gtin, serial });
      return serialInfo(h.store, normaliseGtin(a.gtin), a.serial);
    },
    /** Serials matching a filter (lot, location, state, unit, shipment), by GTIN then serial, paged. */
    list: async (filter: SerialListInput = {}): Promise<SerialRecord[]> => {
      const f = parseInput(SerialListQuery, filter, 'serials.list') as SerialFilter;
      if (f.gtin !== undefined) f.gtin = normaliseGtin(f.gtin);
      if (f.after !== undefined) f.after = { ...f.after, gtin: normaliseGtin(f.after.gtin) };
      return h.store.listSerials(f);
    },
    /** What a scanned GS1 barcode names: a serial (01)+(21), a unit (00) or a lot (01)+(10). */
    scan: async (scan: string): Promise<ScanTarget> => {
      const a = checkArgs('serials.scan', { scan: Name }, { scan });
      return resolveScan(h.store, a.scan, h.now().slice(0, 10));
    },
  };
}

/** Filter of `lg.serials.list`. */
export type SerialListInput = {
  gtin?: string;
  lotId?: string;
  locationId?: string;
  state?: SerialRecord['state'];
  unitIds?: string[];
  shipmentIds?: string[];
  after?: { gtin: string; serial: string };
  limit?: number;
};

/** `lg.units`: see {@link Lotgraph}. */
export function unitsFacade(h: LotgraphHost) {
  return {
    /**
     * Pack serials, loose lot quantities and units into a logistic unit (created when new).
     *
     * @example
     * ```ts
     * await lg.serials.commission({ lotId: 'F-1', locationId: 'WH', serials: ['S1', 'S2'] });
     * await lg.units.pack({ unitId: '006141410000000012', kind: 'case', locationId: 'WH',
     *   serials: [{ gtin: '09506000134352', serial: 'S1' }], lots: [{ lotId: 'F-1', quantity: '5' }] });
     * await lg.units.pack({ unitId: '006141410000000029', kind: 'pallet', units: ['006141410000000012'] });
     * ```
     */
    pack: (input: PackInput): Promise<EventOf<'unitPacked'>> => h.command('pack', input),
    /** Take contents out of a unit; `all: true` empties and retires it. */
    unpack: (input: UnpackInput): Promise<EventOf<'unitUnpacked'>> => h.command('unpack', input),
    /** Move a unit with everything nested in it (one SSCC scan). */
    move: (input: MoveUnitInput): Promise<EventOf<'unitMoved'>> => h.command('moveUnit', input),
    /** A unit with everything nested in it and per-lot totals. */
    get: async (sscc: string): Promise<UnitContents> => {
      const a = checkArgs('units.get', { sscc: Sscc }, { sscc });
      return unitContents(h.store, a.sscc);
    },
  };
}
