import { reservationJson } from '../allocation/records.js';
import { isExpiredOn } from '../domain/dates.js';
import { fromSteps } from '../domain/quantity.js';
import { ErrorCodes, fieldError, LotgraphError, notFound } from '../errors.js';
import type { CommandSpec } from '../ledger/command.js';
import type { EventPayloads } from '../ledger/events.js';
import { shipSerialised } from '../serials/ship-units.js';
import {
  assertUsable,
  baseQuantity,
  custodyCount,
  requireLocation,
  requireLot,
  requireParty,
  requireProduct,
  StockTaker,
} from './lookups.js';
import { ShipInput } from './schemas.js';

type Line = EventPayloads['shipped']['lines'][number];

/**
 * `ship`: order lines → lots and quantities → a delivery to a customer. A line names a lot and location,
 * or only a product: then stock is picked first-expired-first-out (skipping held, expired and reserved
 * stock), possibly over several lots, each becoming its own shipment line.
 */
export const shipCommand: CommandSpec<typeof ShipInput, 'shipped'> = {
  name: 'ship',
  type: 'shipped',
  schema: ShipInput,
  async decide(input, { store, day }) {
    await requireParty(store, input.customerId, ['customerId'], 'customer');
    if (await store.getShipment(input.shipmentId)) {
      throw fieldError(['shipmentId'], `shipment "${input.shipmentId}" already exists`, input.shipmentId);
    }
    const taker = new StockTaker(store);
    const lines: Line[] = [];
    const taken = new Map<string, bigint>();
    for (const [i, l] of (input.lines ?? []).entries()) {
      const orderLine = l.orderLine !== undefined ? { orderLine: l.orderLine } : {};
      if (l.reservationId !== undefined) {
        const path = ['lines', i, 'reservationId'];
        const r = await store.getReservation(l.reservationId);
        if (!r) throw notFound('reservation', path, l.reservationId);
        if (r.status !== 'active')
          throw fieldError(path, `reservation "${r.id}" is ${r.status}`, l.reservationId);
        if (l.lotId !== undefined && l.lotId !== r.lotId)
          throw fieldError(['lines', i, 'lotId'], `reservation "${r.id}" is of lot "${r.lotId}"`, l.lotId);
        if (l.locationId !== undefined && l.locationId !== r.locationId)
          throw fieldError(
            ['lines', i, 'locationId'],
            `reservation "${r.id}" is at "${r.locationId}"`,
            l.locationId,
          );
        const lot = await requireLot(store, r.lotId, path);
        const product = await requireProduct(store, r.productId, path);
        await assertUsable(store, lot, r.locationId, day, path);
        const q = baseQuantity(l.quantity, l.unit, product, ['lines', i, 'quantity']);
        if (q.steps > r.quantity)
          throw fieldError(
            ['lines', i, 'quantity'],
            `exceeds reservation "${r.id}" (${fromSteps(r.quantity, product.decimals)} ${product.unit})`,
            l.quantity,
          );
        await taker.take(lot, product, r.locationId, q.steps, ['lines', i, 'quantity']);
        const k = `${lot.id}\u0000${r.locationId}`;
        taken.set(k, (taken.get(k) ?? 0n) + q.steps);
        lines.push({
          lineNo: lines.length + 1,
          lotId: lot.id,
          productId: product.id,
          locationId: r.locationId,
          quantity: q.decimal,
          ...orderLine,
          reservation: reservationJson(r),
        });
        continue;
      }
      if (l.lotId !== undefined) {
        const lot = await requireLot(store, l.lotId, ['lines', i, 'lotId']);
        if (l.productId !== undefined && l.productId !== lot.productId) {
          throw fieldError(
            ['lines', i, 'productId'],
            `lot "${lot.id}" is product "${lot.productId}"`,
            l.productId,
          );
        }
        const product = await requireProduct(store, lot.productId, ['lines', i, 'lotId']);
        const locationId = l.locationId!;
        await requireLocation(store, locationId, ['lines', i, 'locationId']);
        await assertUsable(store, lot, locationId, day, ['lines', i, 'lotId']);
        const q = baseQuantity(l.quantity, l.unit, product, ['lines', i, 'quantity']);
        await taker.take(lot, product, locationId, q.steps, ['lines', i, 'quantity']);
        const k = `${lot.id}\u0000${locationId}`;
        // Stock reserved for other orders is not free to ship without its reservation.
        const reserved = (await store.listReservations({ lotId: lot.id, status: 'active' }))
          .filter((r) => r.locationId === locationId)
          .reduce((a, r) => a + r.quantity, 0n);
        if (reserved > 0n) {
          const onHand = await store.getStock(lot.id, locationId);
          if ((taken.get(k) ?? 0n) + q.steps > onHand - reserved)
            throw new LotgraphError(
              ErrorCodes.INSUFFICIENT_STOCK,
              `lines.${i}.quantity: lot "${lot.id}" at "${locationId}" has ${fromSteps(onHand - reserved, product.decimals)} ${product.unit} not reserved for other orders`,
              {
                field: `lines.${i}.quantity`,
                lotId: lot.id,
                locationId,
                reserved: fromSteps(reserved, product.decimals),
              },
            );
        }
        taken.set(k, (taken.get(k) ?? 0n) + q.steps);
        lines.push({
          lineNo: lines.length + 1,
          lotId: lot.id,
          productId: product.id,
          locationId,
          quantity: q.decimal,
          ...orderLine,
        });
        continue;
      }
      const product = await requireProduct(store, l.productId!, ['lines', i, 'productId']);
      if (l.locationId !== undefined) await requireLocation(store, l.locationId, ['lines', i, 'locationId']);
      let need = baseQuantity(l.quantity, l.unit, product, ['lines', i, 'quantity']).steps;
      const rows = await store.listAvailableStock(
        product.id,
        l.locationId !== undefined ? { locationId: l.locationId } : {},
      );
      for (const r of rows) {
        if (need === 0n) break;
        if (r.onHold || isExpiredOn(r.lot.expiry, day)) continue;
        const k = `${r.lot.id}\u0000${r.locationId}`;
        // Serialised items are shipped by serial or SSCC, never picked by quantity.
        const serialised = r.lot.serialised
          ? BigInt(await custodyCount(store, r.lot.id, r.locationId)) * 10n ** BigInt(product.decimals)
          : 0n;
        const free = r.onHand - r.reserved - serialised - (taken.get(k) ?? 0n);
        if (free <= 0n) continue;
        const q = free < need ? free : need;
        need -= q;
        taken.set(k, (taken.get(k) ?? 0n) + q);
        await taker.take(r.lot, product, r.locationId, q, ['lines', i, 'quantity']);
        lines.push({
          lineNo: lines.length + 1,
          lotId: r.lot.id,
          productId: product.id,
          locationId: r.locationId,
          quantity: fromSteps(q, product.decimals),
          ...orderLine,
        });
      }
      if (need > 0n) {
        throw new LotgraphError(
          ErrorCodes.INSUFFICIENT_STOCK,
          `lines.${i}.quantity: not enough available stock of product "${product.id}" (${fromSteps(need, product.decimals)} ${product.unit} short)`,
          { field: `lines.${i}.quantity`, productId: product.id, short: fromSteps(need, product.decimals) },
        );
      }
    }
    const scanned =
      input.units?.length || input.serials?.length
        ? await shipSerialised(store, input, day, taken)
        : undefined;
    for (const l of scanned?.lines ?? []) lines.push({ lineNo: lines.length + 1, ...l });
    return {
      shipmentId: input.shipmentId,
      customerId: input.customerId,
      ...(input.orderRef !== undefined ? { orderRef: input.orderRef } : {}),
      lines,
      ...(scanned?.units.length ? { units: scanned.units } : {}),
      ...(scanned?.nestedUnits.length ? { nestedUnits: scanned.nestedUnits } : {}),
      ...(scanned?.detached.length ? { detached: scanned.detached } : {}),
      ...(scanned?.pickedSerials.length ? { pickedSerials: scanned.pickedSerials } : {}),
    };
  },
};
