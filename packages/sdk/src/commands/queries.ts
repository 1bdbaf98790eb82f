import { fromSteps } from '../domain/quantity.js';
import type { Shipment } from '../domain/schemas.js';
import type { Store } from '../store/port.js';

/** A shipment with its lines (exact decimal quantities in each product's base unit), or undefined. */
export async function shipmentOf(store: Store, id: string): Promise<Shipment | undefined> {
  const header = await store.getShipment(id);
  if (!header) return undefined;
  const lines = await store.listShipmentLines({ shipmentId: id });
  const decimals = new Map<string, number>();
  for (const l of lines) {
    if (!decimals.has(l.productId))
      decimals.set(l.productId, (await store.getProduct(l.productId))?.decimals ?? 0);
  }
  const out: Shipment = {
    id: header.id,
    customerId: header.customerId,
    shippedAt: header.shippedAt,
    seq: header.seq,
    lines: lines.map((l) => {
      const line: Shipment['lines'][number] = {
        lineNo: l.lineNo,
        lotId: l.lotId,
        productId: l.productId,
        locationId: l.locationId,
        quantity: fromSteps(l.quantity, decimals.get(l.productId) ?? 0),
      };
      if (l.orderLine !== undefined) line.orderLine = l.orderLine;
      return line;
    }),
  };
  if (header.orderRef !== undefined) out.orderRef = header.orderRef;
  return out;
}
