/**
 * Between lotgraph and EANCOM: a shipment → a despatch advice, and a supplier's DESADV / RECADV → the
 * `receive` command inputs that book its batches (the supplier's batch number kept as `supplierLotNumber`).
 *
 * @module
 */
import { fromSteps, type Lotgraph, normaliseGtin, notFound, type ReceiveInput } from '@lotgraph/sdk';
import { z } from 'zod';
import { fieldIssue, parseWith } from '../message.js';
import { UNIT_CODES } from './code-lists.js';
import type { DespatchAdvice, DespatchAdviceInput } from './model.js';

const Gln = z.string().regex(/^\d{13}$/);
const FromShipment = z.strictObject({
  /** Our GLN: UNB sender and NAD+SU. */
  senderGln: Gln,
  /** Interchange control reference and message reference (1–14 letters or digits). */
  controlRef: z.string().regex(/^[A-Za-z0-9]{1,14}$/),
  messageRef: z
    .string()
    .regex(/^[A-Za-z0-9]{1,14}$/)
    .optional(),
  /** Preparation time to the minute (default: the shipment's time). */
  preparedAt: z.string().optional(),
  /** Delivery party GLN (default: the customer's GLN). */
  deliveryGln: Gln.optional(),
  /** Ship-from location GLN (NAD+SF). */
  shipFromGln: Gln.optional(),
  deliveryDate: z.string().optional(),
  test: z.boolean().optional(),
  /** Extra lotgraph unit → UN/ECE Rec. 20 code mappings (kg, g, t, l, ml, pc, ea, m are built in). */
  unitCodes: z.record(z.string(), z.string()).optional(),
});

/**
 * The despatch advice of a shipment: one LIN per shipment line with the product's GTIN, the lot id as the
 * batch number, the lot's expiry and the shipped quantity; the customer's GLN as buyer and delivery party.
 * The customer must have a GLN and every product a GTIN.
 */
export async function despatchAdviceFromShipment(
  lg: Lotgraph,
  shipmentId: string,
  options: z.input<typeof FromShipment>,
): Promise<DespatchAdviceInput> {
  const o = parseWith(FromShipment, options, 'despatchAdviceFromShipment');
  if (typeof shipmentId !== 'string' || shipmentId === '')
    throw fieldIssue('despatchAdviceFromShipment', ['shipmentId'], 'expected a shipment id');
  const shipment = await lg.store.getShipment(shipmentId);
  if (!shipment) throw notFound('shipment', ['shipmentId'], shipmentId);
  const customer = await lg.store.getParty(shipment.customerId);
  if (!customer?.gln)
    throw fieldIssue(
      'despatchAdviceFromShipment',
      ['customerId'],
      `customer "${shipment.customerId}" has no GLN`,
    );
  const rows = await lg.store.listShipmentLines({ shipmentId });
  const lots = new Map(
    (await lg.store.getLots([...new Set(rows.map((r) => r.lotId))])).map((l) => [l.id, l]),
  );
  const units = { ...UNIT_CODES, ...o.unitCodes };
  const lines = [];
  for (const r of rows.sort((a, b) => a.lineNo - b.lineNo)) {
    const product = await lg.store.getProduct(r.productId);
    if (!product) throw notFound('product', ['lines', r.lineNo, 'productId'], r.productId);
    if (!product.gtin)
      throw fieldIssue(
        'despatchAdviceFromShipment',
        ['lines', r.lineNo, 'productId'],
        `product "${product.id}" has no GTIN`,
      );
    const unitCode = units[product.unit];
    const expiry = lots.get(r.lotId)?.expiry;
    lines.push({
      lineNo: r.lineNo,
      gtin: normaliseGtin(product.gtin),
      batch: r.lotId,
      quantity: fromSteps(r.quantity, product.decimals),
      ...(expiry !== undefined ? { expiry } : {}),
      ...(unitCode !== undefined ? { unitCode } : {}),
    });
  }
  return {
    kind: 'DESADV',
    sender: o.senderGln,
    recipient: customer.gln,
    controlRef: o.controlRef,
    messageRef: o.messageRef ?? '1',
    preparedAt: o.preparedAt ?? `${shipment.shippedAt.slice(0, 16)}Z`,
    test: o.test ?? false,
    documentNumber: shipment.id,
    date: shipment.shippedAt.slice(0, 10),
    ...(o.deliveryDate !== undefined ? { deliveryDate: o.deliveryDate } : {}),
    ...(shipment.orderRef !== undefined ? { orderRef: shipment.orderRef } : {}),
    buyer: customer.gln,
    supplier: o.senderGln,
    deliveryParty: o.deliveryGln ?? customer.gln,
    ...(o.shipFromGln !== undefined ? { shipFrom: o.shipFromGln } : {}),
    lines,
  };
}

const ToReceive = z.strictObject({
  /** The supplier (party id) whose batches these are. */
  supplierId: z.string().min(1).max(200),
  /** Where the goods are received. */
  locationId: z.string().min(1).max(200),
  /** GTIN-14 → product id, or a function doing the lookup. */
  products: z.union([
    z.record(z.string(), z.string()),
    z.custom<(gtin: string) => string | undefined>((v) => typeof v === 'function'),
  ]),
  /** Our lot id for a line (default `{supplierId}-{batch}`). */
  lotId: z
    .custom<(line: DespatchAdvice['lines'][number], advice: DespatchAdvice) => string>(
      (v) => typeof v === 'function',
    )
    .optional(),
  /** Extra UN/ECE Rec. 20 code → lotgraph unit mappings (reverse of the built-in ones). */
  units: z.record(z.string(), z.string()).optional(),
  /** Event time of the receipts (default: the advice's date at 00:00Z). */
  eventTime: z.string().optional(),
});

/**
 * The `receive` inputs for an advice read from a supplier: one per line, with the supplier's batch number
 * as `supplierLotNumber`, the expiry, the quantity (in the product's unit unless the line names one) and a
 * stable idempotency key `edi:{sender}:{documentNumber}:{lineNo}`, so booking the same file twice books
 * it once. A GTIN without a product is refused, naming the line.
 */
export function receiveInputsFromAdvice(
  advice: DespatchAdvice,
  options: z.input<typeof ToReceive>,
): ReceiveInput[] {
  const o = parseWith(ToReceive, options, 'receiveInputsFromAdvice');
  const reverse: Record<string, string> = Object.fromEntries(
    Object.entries(UNIT_CODES).map(([u, c]) => [c, u]),
  );
  Object.assign(reverse, o.units);
  const lookup =
    typeof o.products === 'function' ? o.products : (g: string) => (o.products as Record<string, string>)[g];
  return advice.lines.map((l, i) => {
    const productId = lookup(l.gtin) ?? lookup(l.gtin.replace(/^0+/, ''));
    if (!productId)
      throw fieldIssue('receiveInputsFromAdvice', ['lines', i, 'gtin'], `no product has GTIN ${l.gtin}`);
    let unit: string | undefined;
    if (l.unitCode !== undefined) {
      unit = reverse[l.unitCode];
      if (unit === undefined)
        throw fieldIssue(
          'receiveInputsFromAdvice',
          ['lines', i, 'unitCode'],
          `unit code "${l.unitCode}" has no lotgraph unit (pass options.units)`,
        );
    }
    return {
      lotId: o.lotId ? o.lotId(l, advice) : `${o.supplierId}-${l.batch}`,
      productId,
      supplierId: o.supplierId,
      locationId: o.locationId,
      quantity: l.quantity,
      ...(unit !== undefined ? { unit } : {}),
      supplierLotNumber: l.batch,
      ...(l.expiry !== undefined ? { expiry: l.expiry } : {}),
      receiptId: advice.documentNumber,
      eventTime: o.eventTime ?? `${advice.date}T00:00:00Z`,
      idempotencyKey: `edi:${advice.sender}:${advice.documentNumber}:${l.lineNo}`,
    };
  });
}
