/**
 * The rows of stock alerts — what `lg.alerts` answers and what an `alertRaised` event carries. A leaf module
 * (no imports), so the ledger's event types can name them.
 *
 * @module
 */

/** A lot × location balance that needs attention. */
export interface StockAlert {
  lotId: string;
  productId: string;
  locationId: string;
  quantity: string;
  unit: string;
  expiry?: string;
  /** Days from `date` to expiry (negative: expired that many days ago). */
  daysToExpiry?: number;
}

/** A product whose total on hand is below its threshold, in the product's unit. */
export interface LowStockItem {
  productId: string;
  onHand: string;
  threshold: string;
  unit: string;
  /** Lots on hand. */
  lots: number;
}
