/** Names and keys of the auxiliary records the core commands project (receipts, returns, deliveries). */
/** Aux-record collection holding one row per receipt (key = lot id). */
export const RECEIPTS = 'receipt';

/** Aux-record collection holding one row per customer return (key = {@link returnKey}). */
export const RETURNS = 'return';
/** Key of return records: customer and lot. */
export const returnKey = (customerId: string, lotId: string) => JSON.stringify([customerId, lotId]);

/** Genealogy ref of a delivery node (one shipment line). */
export const deliveryRef = (shipmentId: string, lineNo: number) => `${shipmentId}/${lineNo}`;
