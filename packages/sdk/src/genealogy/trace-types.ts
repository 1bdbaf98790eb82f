import type { Lot } from '../domain/schemas.js';

/**
 * Where a trace takes its details from: `'auto'` (the default) — the catalogue once it is filled; until
 * then the store, while the fill runs in the background (at 1M lots the fill takes seconds, so the first
 * trace after open does not wait for it); `'catalogue'` — the index's in-memory trace catalogue, filled
 * and caught up first; `'store'` — lots, lines and edges read back from the store (the reference the
 * catalogue is tested against).
 */
export type TraceVia = 'auto' | 'catalogue' | 'store';

/** Kind of a node in a trace result. */
export type TraceNodeKind = 'lot' | 'delivery' | 'customer';

/** A node of a trace graph: a lot, a delivery (shipment line) or a customer. */
export interface TraceNode {
  /** Genealogy node id (stable, dense). */
  id: number;
  kind: TraceNodeKind;
  /** Lot id, `shipmentId/lineNo`, or customer party id. */
  ref: string;
  /** Hops from the traced lot (0 = the lot itself). */
  depth: number;
  lot?: {
    id: string;
    productId: string;
    origin: Lot['origin'];
    supplierId?: string;
    supplierLotNumber?: string;
    expiry?: string;
  };
  delivery?: { shipmentId: string; lineNo: number; customerId: string; shippedAt: string };
  customer?: { id: string; name: string; gln?: string };
}

/** An edge of a trace graph with its exact quantity (of the `from` side's product). */
export interface TraceEdge {
  from: number;
  to: number;
  quantity: string;
  unit: string;
  /** Seq of the event that made the link (production order, shipment). */
  seq: number;
}

/** A trace as a graph a UI can render (nodes + edges; cycles possible). */
export interface TraceGraph {
  direction: 'forward' | 'backward';
  root: number;
  nodes: TraceNode[];
  edges: TraceEdge[];
}

/** A trace as a tree from the traced lot; a node reached again is marked `repeated` and not expanded. */
export interface TraceTree {
  node: TraceNode;
  /** Quantity on the edge from the parent (absent at the root). */
  quantity?: string;
  unit?: string;
  repeated?: boolean;
  children: TraceTree[];
}

/** One lot in a flat trace list. */
export interface TracedLot {
  lotId: string;
  productId: string;
  depth: number;
  origin: Lot['origin'];
  supplierId?: string;
  supplierLotNumber?: string;
  expiry?: string;
}

/** One delivery in a forward trace: a quantity of a lot shipped to a customer. */
export interface TracedDelivery {
  shipmentId: string;
  lineNo: number;
  lotId: string;
  productId: string;
  customerId: string;
  quantity: string;
  unit: string;
  shippedAt: string;
}

/** One customer reached by a forward trace, with what it received per product. */
export interface TracedCustomer {
  customerId: string;
  name: string;
  gln?: string;
  quantities: { productId: string; quantity: string; unit: string }[];
  deliveries: number;
  firstShippedAt: string;
  lastShippedAt: string;
}

/** Result of `trace.forward(lot)`: every descendant lot, delivery and customer. */
export interface ForwardTrace {
  lotId: string;
  /**
   * Every node and edge of the trace. From the trace catalogue (what `lg.trace.forward` uses once it is
   * filled) built on first read — a heavy-hitter lot's has tens of thousands of node and edge objects, more
   * than the lots, deliveries and customers together — from what the trace saw: reading it later, after
   * other appends, gives the graph of the moment of the trace.
   */
  graph: TraceGraph;
  /** The graph as a tree from the traced lot — built from `graph` on first read (a heavy-hitter lot's has a node per edge, tens of thousands), then kept. */
  tree: TraceTree;
  lots: TracedLot[];
  deliveries: TracedDelivery[];
  customers: TracedCustomer[];
}

/** A consumption link in a backward trace: `quantity` of `fromLotId` went into `intoLotId`. */
export interface TracedConsumption {
  fromLotId: string;
  intoLotId: string;
  quantity: string;
  unit: string;
  orderId?: string;
  seq: number;
}

/** A production order / transformation met by a backward trace. */
export interface TracedOrder {
  orderId?: string;
  seq: number;
  type: 'produced' | 'transformed';
  transformation?: 'split' | 'merge' | 'repack';
  eventTime: string;
  inputLotIds: string[];
  outputLotIds: string[];
}

/** Result of `trace.backward(lot)`: every ancestor lot down to the supplier lots. */
export interface BackwardTrace {
  lotId: string;
  graph: TraceGraph;
  /** The graph as a tree from the traced lot — built from `graph` on first read (a heavy-hitter lot's has a node per edge, tens of thousands), then kept. */
  tree: TraceTree;
  lots: TracedLot[];
  /** Ancestor lots that were received from suppliers (origin `received`). */
  supplierLots: TracedLot[];
  consumed: TracedConsumption[];
  productionOrders: TracedOrder[];
}

/** Result of `trace.oneStep(lot)`: immediate suppliers and customers with dates (EU 178/2002). */
export interface OneStepTrace {
  lot: Lot;
  /** Receipts of this lot from suppliers (one step back, external). */
  suppliers: {
    supplierId?: string;
    name?: string;
    gln?: string;
    supplierLotNumber?: string;
    quantity: string;
    unit: string;
    receivedAt: string;
    seq: number;
  }[];
  /** Lots this lot was made from (one step back, internal). */
  inputs: {
    lotId: string;
    productId: string;
    quantity: string;
    unit: string;
    orderId?: string;
    date: string;
    seq: number;
  }[];
  /** Deliveries of this lot to customers (one step forward, external). */
  customers: {
    customerId: string;
    name?: string;
    gln?: string;
    shipmentId: string;
    lineNo: number;
    quantity: string;
    unit: string;
    shippedAt: string;
  }[];
  /** Lots made from this lot (one step forward, internal). */
  outputs: {
    lotId: string;
    productId: string;
    quantity: string;
    unit: string;
    orderId?: string;
    date: string;
    seq: number;
  }[];
}

/** Refs reached by a trace, by kind — index only, no store reads (the fast path for recall scopes). */
export interface TraceRefs {
  lots: string[];
  /** `shipmentId/lineNo` of each delivery reached. */
  deliveries: string[];
  customers: string[];
}
