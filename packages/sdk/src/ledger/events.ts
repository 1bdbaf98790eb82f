import type { LowStockItem, StockAlert } from '../alerts/alert-types.js';
import type { Decimal } from '../domain/quantity.js';
import type { Location, LotAttributes, Party, Product } from '../domain/schemas.js';
import type { SerialEventPayloads } from '../serials/serial-types.js';

/** A JSON value (what an event payload is made of). Quantities inside are decimal strings. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json | undefined };

/** The hash every chain starts from (the `prevHash` of event 1). */
export const GENESIS_HASH = '0'.repeat(64);

/**
 * One event as stored in the ledger. Immutable once appended: corrections are new events.
 * `hash` = SHA-256 (hex) over the canonical JSON of every other field (see `hashEvent`).
 */
export interface StoredEvent {
  /** Position in the ledger: 1, 2, 3… without gaps. */
  seq: number;
  /** Event type, e.g. `received`, `produced`, `shipped`. */
  type: EventType;
  /** When it happened, as told by the caller (ISO-8601 UTC instant). */
  eventTime: string;
  /** When the sdk recorded it (ISO-8601 UTC instant). */
  recordTime: string;
  /** Who did it (user or system id). */
  actor: string;
  /** Caller's idempotency key; unique across the ledger. */
  idempotencyKey: string;
  /** SHA-256 of the canonical command input: a retry with the same key must carry the same request. */
  requestHash: string;
  /** Type-specific body; quantities as exact decimal strings in the product's base unit. */
  payload: Record<string, Json | undefined>;
  /** `hash` of the previous event (`GENESIS_HASH` for seq 1). */
  prevHash: string;
  /** SHA-256 hex of this event's canonical JSON (without `hash`). */
  hash: string;
}

/** Every event type the ledger knows. */
export const EVENT_TYPES = [
  'productDefined',
  'partyDefined',
  'locationDefined',
  'received',
  'produced',
  'transformed',
  'moved',
  'adjusted',
  'shipped',
  'returned',
  'held',
  'released',
  'corrected',
  'recallOpened',
  'recallNotified',
  'recallAcknowledged',
  'recallClosed',
  'reserved',
  'reservationReleased',
  'pickConfirmed',
  'customerPolicyDefined',
  'serialsCommissioned',
  'serialsStateChanged',
  'unitPacked',
  'unitUnpacked',
  'unitMoved',
  'specDefined',
  'tested',
  'qualityDecided',
  'documentAttached',
  'alertRaised',
] as const;

/** Every event type the ledger knows. */
export type EventType = (typeof EVENT_TYPES)[number];

/** The lot facts an event carries when it creates (or re-receives) a lot. */
export interface LotFacts extends LotAttributes {
  id: string;
  productId: string;
  supplierId?: string;
}

/** One consumed input of a production or transformation. */
export interface InputLine {
  lotId: string;
  productId: string;
  locationId: string;
  quantity: Decimal;
}

/** One created output of a production or transformation. */
export interface OutputLine {
  lot: LotFacts;
  /** True when this event created the lot (false: more of an existing lot). */
  newLot: boolean;
  locationId: string;
  quantity: Decimal;
  byProduct?: boolean;
}

/** Payloads by event type. */
export interface EventPayloads extends SerialEventPayloads {
  productDefined: { product: Product };
  partyDefined: { party: Party };
  locationDefined: { location: Location };
  received: {
    lot: LotFacts;
    newLot: boolean;
    locationId: string;
    quantity: Decimal;
    receiptId?: string;
    scan?: string;
    /** Serials of the received items, commissioned by a follow-up `serialsCommissioned` in the same append. */
    serials?: string[];
    /** The logistic unit it was received on (packed by a follow-up `unitPacked`). */
    unitId?: string;
    unitKind?: string;
  };
  produced: { orderId: string; inputs: InputLine[]; outputs: OutputLine[] };
  transformed: {
    transformation: 'split' | 'merge' | 'repack';
    orderId?: string;
    inputs: InputLine[];
    outputs: OutputLine[];
  };
  moved: {
    lotId: string;
    productId: string;
    fromLocationId: string;
    toLocationId: string;
    quantity: Decimal;
  };
  adjusted: {
    lotId: string;
    productId: string;
    locationId: string;
    /** Signed change of on-hand stock. */
    delta: Decimal;
    reasonCode: string;
    note?: string;
    /** Set by reconciliation: the counted quantity and the expected (book) quantity. */
    counted?: Decimal;
    expected?: Decimal;
  };
  shipped: {
    shipmentId: string;
    customerId: string;
    orderRef?: string;
    lines: {
      lineNo: number;
      lotId: string;
      productId: string;
      locationId: string;
      quantity: Decimal;
      orderLine?: string;
      /** The reservation this line consumed (as it was, quantity in steps). */
      reservation?: { quantitySteps: string } & Record<string, Json | undefined>;
      /** Serial numbers shipped on this line, one base unit each, under `gtin` (GTIN-14). */
      serials?: string[];
      gtin?: string;
    }[];
    /** Serials shipped on their own, taken out of the unit they were packed in. */
    pickedSerials?: { gtin: string; serials: string[] }[];
    /** Logistic units (SSCCs) shipped whole — the ones scanned; units nested in them are in `nestedUnits`. */
    units?: string[];
    nestedUnits?: string[];
    /** Units taken out of a parent that stays behind (a case picked off a pallet). */
    detached?: string[];
  };
  returned: {
    returnId: string;
    customerId: string;
    shipmentId?: string;
    lotId: string;
    productId: string;
    locationId: string;
    quantity: Decimal;
    disposition: 'stock' | 'quarantine';
    reasonCode?: string;
  };
  held: {
    holdId: string;
    lotId: string;
    locationId?: string;
    reasonCode: string;
    note?: string;
    /** Active reservations of the held stock when the hold was placed (kept, but unusable while held). */
    affectedReservations?: string[];
    /** With `onReservations: 'cancel'`: the reservations this hold released (as they were). */
    cancelledReservations?: ({ quantitySteps: string } & Record<string, Json | undefined>)[];
  };
  released: {
    holdId: string;
    lotId: string;
    locationId?: string;
    reasonCode: string;
    note?: string;
    placedAt: string;
    placedSeq: number;
  };
  recallOpened: {
    recallId: string;
    drill: boolean;
    reason: string;
    classification: 'I' | 'II' | 'III';
    effectivenessLevel: 'A' | 'B' | 'C' | 'D' | 'E';
    levelBShare: number;
    targetHours: number;
    tolerance: number;
    scopeComputedAt: string;
    scopeMs: number;
    /**
     * The computed scope: affected lots, deliveries, customers, on-hand stock. Recorded as a `RecallScope`
     * object by cases opened before format 2, and since then as `{ format: 2, … }` — the same content as
     * columns (a heavy recall's 100k rows as a few strings); `unpackScope(payload.scope)` reads either as a
     * `RecallScope`, and both carry `counts`.
     */
    scope: Json;
  };
  reserved: {
    orderId: string;
    orderLine?: string;
    customerId?: string;
    productId: string;
    strategy: 'FEFO' | 'FIFO' | 'LOT';
    reservations: { reservationId: string; lotId: string; locationId: string; quantity: Decimal }[];
  };
  reservationReleased: {
    /** The released reservations as they were (quantity in steps, as a string). */
    reservations: ({ quantitySteps: string } & Record<string, Json | undefined>)[];
    reason?: string;
  };
  pickConfirmed: {
    reservationId: string;
    lotId: string;
    locationId: string;
    scan: string;
    /** The serialised pack scanned, when the label carried (01)+(21). */
    serial?: { gtin: string; serial: string };
  };
  customerPolicyDefined: { customerId: string; minShelfLife: { minDays?: number; minPercent?: number } };
  specDefined: {
    productId: string;
    tests: {
      code: string;
      name: string;
      method?: string;
      unit?: string;
      min?: string;
      max?: string;
      target?: string;
      expected?: string;
    }[];
  };
  tested: {
    resultId: string;
    lotId: string;
    testCode: string;
    value: string;
    result: 'pass' | 'fail' | 'info';
    testedAt: string;
    unit?: string;
    method?: string;
    lab?: string;
    sampledAt?: string;
    documentId?: string;
    specMin?: string;
    specMax?: string;
  };
  qualityDecided: {
    lotId: string;
    decision: 'release' | 'reject';
    approver: string;
    verdict: string;
    override: boolean;
    note?: string;
    /** The QC holds this release lifted (as they were). */
    liftedHolds: Json[];
  };
  /**
   * A stock alert was raised (once per kind, day and query by default): what was expiring or low that day,
   * kept in the ledger so that who was told what, when, can be shown — and delivered through the outbox.
   */
  alertRaised: {
    kind: 'expiry' | 'lowStock';
    /** The day the alert is about. */
    date: string;
    withinDays?: number;
    locationId?: string;
    /** `expiry`: lots on hand expiring within `withinDays` of `date`. */
    lots?: StockAlert[];
    /** `lowStock`: products below their threshold. */
    products?: LowStockItem[];
  };
  documentAttached: {
    documentId: string;
    kind: string;
    title: string;
    mediaType: string;
    sha256: string;
    byteLength: number;
    lotIds: string[];
    shipmentIds: string[];
    uri?: string;
    contentBase64?: string;
  };
  recallNotified: {
    recallId: string;
    customerId: string;
    channel: string;
    contact?: string;
    note?: string;
    /** Set on every step of a mock recall (absent in ledgers written before it was added). */
    drill?: boolean;
  };
  recallAcknowledged: {
    recallId: string;
    customerId: string;
    quantities: { productId: string; returned: string; destroyed: string; corrected: string }[];
    note?: string;
    drill?: boolean;
  };
  recallClosed: { recallId: string; summary: string; drill?: boolean };
  corrected: {
    correctsSeq: number;
    reason: string;
    stock: { lotId: string; productId: string; locationId: string; delta: Decimal }[];
    lot?: { id: string } & Partial<
      Pick<LotFacts, 'supplierLotNumber' | 'originCountry' | 'productionDate' | 'expiry' | 'bestBefore'>
    >;
  };
}

/** A stored event narrowed to one type, with its typed payload. */
export type EventOf<T extends EventType> = Omit<StoredEvent, 'type' | 'payload'> & {
  type: T;
  payload: EventPayloads[T];
};

/** Narrow a stored event to its typed form. */
export function asTyped<T extends EventType>(e: StoredEvent, type: T): EventOf<T> | undefined {
  return e.type === type ? (e as unknown as EventOf<T>) : undefined;
}
