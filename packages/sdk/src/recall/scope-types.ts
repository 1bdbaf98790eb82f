/**
 * The shape of a recall scope (what `computeScope` returns and a case's evidence shows).
 *
 * @module
 */
import type { TracedDelivery } from '../genealogy/trace-types.js';

/** One affected lot. */
export interface ScopeLot {
  lotId: string;
  productId: string;
  /** Hops from the nearest suspect lot (suspect lots: 0). */
  depth: number;
  /** One chain of lot ids from a suspect lot to this lot (omitted beyond `maxPaths` lots). */
  path?: string[];
  supplierId?: string;
  supplierLotNumber?: string;
  expiry?: string;
  /** Estimated quantity of suspect material in this lot, in the suspect lot's unit (see `attributedUnit`). */
  attributed: string;
}

/** One affected delivery (shipment line): what a forward trace lists of it, and the suspect share. */
export interface ScopeDelivery extends TracedDelivery {
  /** Estimated suspect material in this delivery, in `attributedUnit`. */
  attributed: string;
}

/** One customer to notify, with what they received of affected lots. */
export interface ScopeCustomer {
  customerId: string;
  name: string;
  gln?: string;
  contacts: { name?: string; role?: string; email?: string; phone?: string }[];
  deliveries: number;
  lots: string[];
  quantities: { productId: string; quantity: string; unit: string }[];
  attributed: string;
  firstShippedAt: string;
  lastShippedAt: string;
}

/** The computed scope of a recall. */
export interface RecallScope {
  suspectLots: string[];
  /** Unit of `attributed` quantities: the suspect lots' product unit (mixed units: the first one's). */
  attributedUnit: string;
  lots: ScopeLot[];
  deliveries: ScopeDelivery[];
  customers: ScopeCustomer[];
  onHand: { lotId: string; productId: string; locationId: string; quantity: string; unit: string }[];
  counts: { lots: number; deliveries: number; customers: number; onHandBalances: number };
}
