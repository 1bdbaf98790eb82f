/**
 * The payloads of the serial and logistic-unit events — a leaf module (types only), so `ledger/events.ts`
 * can name them without importing the feature.
 *
 * @module
 */
import type { Decimal } from '../domain/quantity.js';
import type { SerialState } from '../store/serial-port.js';

/** Serials of one GTIN and one lot (what the events list, grouped). */
export interface SerialGroup {
  gtin: string;
  lotId: string;
  productId: string;
  serials: string[];
}

/** A numbered range of serials: `prefix` + the number, zero-padded to `width` digits. */
export interface SerialRange {
  prefix: string;
  start: number;
  count: number;
  width: number;
}

/** A loose (not serialised) lot quantity in a logistic unit, in the product's base unit. */
export interface UnitLotLine {
  lotId: string;
  productId: string;
  quantity: Decimal;
}

/** A logistic unit as it is after an event (what the projection stores). */
export interface UnitSnapshot {
  id: string;
  kind: string;
  locationId: string;
  parentId?: string;
  createdSeq: number;
  lots: UnitLotLine[];
}

/** Payloads of the serial and unit events, by type. */
export interface SerialEventPayloads {
  /** Serials commissioned for a lot at a location (listed, or as a range). */
  serialsCommissioned: {
    lotId: string;
    productId: string;
    gtin: string;
    locationId: string;
    unitId?: string;
    count: number;
    serials?: string[];
    range?: SerialRange;
  };
  /** Serials changed state (destroyed, sampled, decommissioned, dispensed, returned, re-activated). */
  serialsStateChanged: {
    state: SerialState;
    reason?: string;
    /** Where returned serials came back to. */
    locationId?: string;
    groups: (SerialGroup & { from: SerialState })[];
    /** The stock this changed (one base unit per serial, signed). */
    stock: { lotId: string; productId: string; locationId: string; delta: Decimal }[];
  };
  /** Contents packed into a logistic unit (created when new). */
  unitPacked: {
    unitId: string;
    created: boolean;
    serials: SerialGroup[];
    units: string[];
    lots: UnitLotLine[];
    /** The unit after packing. */
    unit: UnitSnapshot;
  };
  /** Contents taken out of a logistic unit (`all`: emptied and retired). */
  unitUnpacked: {
    unitId: string;
    all: boolean;
    serials: SerialGroup[];
    units: string[];
    lots: UnitLotLine[];
    unit: UnitSnapshot;
  };
  /** A logistic unit moved with everything in it. */
  unitMoved: {
    unitId: string;
    fromLocationId: string;
    toLocationId: string;
    /** Set when the unit was taken out of this parent to move. */
    detachedFrom?: string;
    /** The unit and every unit nested in it. */
    units: string[];
    serials: SerialGroup[];
    /** Stock moved, per lot (loose quantities and serials). */
    lines: UnitLotLine[];
  };
}
