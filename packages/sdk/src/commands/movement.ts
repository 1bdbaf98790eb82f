import { convertToSteps, fromSteps } from '../domain/quantity.js';
import { ErrorCodes, fieldError, LotgraphError } from '../errors.js';
import type { CommandSpec } from '../ledger/command.js';
import {
  baseQuantity,
  requireLocation,
  requireLot,
  requireParty,
  requireProduct,
  StockTaker,
} from './lookups.js';
import { RETURNS, returnKey } from './records.js';
import { AdjustInput, CorrectInput, MoveInput, ReconcileInput, ReturnInput } from './schemas.js';

/** `move`: a quantity of a lot from one location to another (held stock may move, e.g. to quarantine). */
export const moveCommand: CommandSpec<typeof MoveInput, 'moved'> = {
  name: 'move',
  type: 'moved',
  schema: MoveInput,
  async decide(input, { store }) {
    const lot = await requireLot(store, input.lotId, ['lotId']);
    const product = await requireProduct(store, lot.productId, ['lotId']);
    await requireLocation(store, input.fromLocationId, ['fromLocationId']);
    await requireLocation(store, input.toLocationId, ['toLocationId']);
    const q = baseQuantity(input.quantity, input.unit, product, ['quantity']);
    await new StockTaker(store).take(lot, product, input.fromLocationId, q.steps, ['quantity']);
    return {
      lotId: lot.id,
      productId: product.id,
      fromLocationId: input.fromLocationId,
      toLocationId: input.toLocationId,
      quantity: q.decimal,
    };
  },
};

/** `adjust`: a signed stock correction (count correction, write-off) with a reason code. */
export const adjustCommand: CommandSpec<typeof AdjustInput, 'adjusted'> = {
  name: 'adjust',
  type: 'adjusted',
  schema: AdjustInput,
  async decide(input, { store }) {
    const lot = await requireLot(store, input.lotId, ['lotId']);
    const product = await requireProduct(store, lot.productId, ['lotId']);
    await requireLocation(store, input.locationId, ['locationId']);
    const neg = input.delta.startsWith('-');
    const abs = convertToSteps(neg ? input.delta.slice(1) : input.delta, input.unit, product, ['delta']);
    if (neg) await new StockTaker(store).take(lot, product, input.locationId, abs, ['delta']);
    return {
      lotId: lot.id,
      productId: product.id,
      locationId: input.locationId,
      delta: fromSteps(neg ? -abs : abs, product.decimals),
      reasonCode: input.reasonCode,
      ...(input.note !== undefined ? { note: input.note } : {}),
    };
  },
};

/** `stock.reconcile`: counted vs expected → an adjustment event carrying the variance. */
export const reconcileCommand: CommandSpec<typeof ReconcileInput, 'adjusted'> = {
  name: 'reconcile',
  type: 'adjusted',
  schema: ReconcileInput,
  async decide(input, { store }) {
    const lot = await requireLot(store, input.lotId, ['lotId']);
    const product = await requireProduct(store, lot.productId, ['lotId']);
    await requireLocation(store, input.locationId, ['locationId']);
    const counted = convertToSteps(input.counted, input.unit, product, ['counted']);
    const expected = await store.getStock(lot.id, input.locationId);
    return {
      lotId: lot.id,
      productId: product.id,
      locationId: input.locationId,
      delta: fromSteps(counted - expected, product.decimals),
      reasonCode: input.reasonCode,
      counted: fromSteps(counted, product.decimals),
      expected: fromSteps(expected, product.decimals),
      ...(input.note !== undefined ? { note: input.note } : {}),
    };
  },
};

/** `return`: goods of a lot back from a customer, into stock or quarantine. */
export const returnCommand: CommandSpec<typeof ReturnInput, 'returned'> = {
  name: 'return',
  type: 'returned',
  schema: ReturnInput,
  async decide(input, { store }) {
    const lot = await requireLot(store, input.lotId, ['lotId']);
    const product = await requireProduct(store, lot.productId, ['lotId']);
    await requireParty(store, input.customerId, ['customerId'], 'customer');
    const location = await requireLocation(store, input.locationId, ['locationId']);
    const disposition = input.disposition ?? (location.quarantine ? 'quarantine' : 'stock');
    if (disposition === 'quarantine' && !location.quarantine) {
      throw fieldError(['locationId'], `location "${location.id}" is not a quarantine location`, location.id);
    }
    const q = baseQuantity(input.quantity, input.unit, product, ['quantity']);
    // A customer can only return what it was shipped of this lot (minus earlier returns).
    const lines = await store.listShipmentLines({ lotId: lot.id, customerId: input.customerId });
    if (input.shipmentId !== undefined && !lines.some((l) => l.shipmentId === input.shipmentId)) {
      throw fieldError(
        ['shipmentId'],
        `shipment "${input.shipmentId}" carried no lot "${lot.id}" to "${input.customerId}"`,
        input.shipmentId,
      );
    }
    const shipped = lines.reduce((a, l) => a + l.quantity, 0n);
    const returned = (await store.listRecords(RETURNS, { key: returnKey(input.customerId, lot.id) })).reduce(
      (a, r) => a + BigInt((r.value as { steps: string }).steps),
      0n,
    );
    if (returned + q.steps > shipped) {
      throw new LotgraphError(
        ErrorCodes.VALIDATION_FAILED,
        `quantity: ${q.decimal} ${product.unit} exceeds what "${input.customerId}" received of lot "${lot.id}" and has not returned (${fromSteps(shipped - returned, product.decimals)})`,
        {
          field: 'quantity',
          value: input.quantity,
          shipped: fromSteps(shipped, product.decimals),
          returned: fromSteps(returned, product.decimals),
        },
      );
    }
    return {
      returnId: input.returnId,
      customerId: input.customerId,
      ...(input.shipmentId !== undefined ? { shipmentId: input.shipmentId } : {}),
      lotId: lot.id,
      productId: product.id,
      locationId: location.id,
      quantity: q.decimal,
      disposition,
      ...(input.reasonCode !== undefined ? { reasonCode: input.reasonCode } : {}),
    };
  },
};

/** `correct`: a correction event that references the event it corrects; nothing is edited or deleted. */
export const correctCommand: CommandSpec<typeof CorrectInput, 'corrected'> = {
  name: 'correct',
  type: 'corrected',
  schema: CorrectInput,
  async decide(input, { store }) {
    const target = await store.getEvent(input.correctsSeq);
    if (!target) {
      throw new LotgraphError(
        ErrorCodes.EVENT_NOT_FOUND,
        `correctsSeq: no event with seq ${input.correctsSeq}`,
        {
          field: 'correctsSeq',
          value: input.correctsSeq,
        },
      );
    }
    const taker = new StockTaker(store);
    const stock = [];
    for (const [i, s] of input.stock.entries()) {
      const lot = await requireLot(store, s.lotId, ['stock', i, 'lotId']);
      const product = await requireProduct(store, lot.productId, ['stock', i, 'lotId']);
      await requireLocation(store, s.locationId, ['stock', i, 'locationId']);
      const neg = s.delta.startsWith('-');
      const abs = convertToSteps(neg ? s.delta.slice(1) : s.delta, s.unit, product, ['stock', i, 'delta']);
      if (neg) await taker.take(lot, product, s.locationId, abs, ['stock', i, 'delta']);
      stock.push({
        lotId: lot.id,
        productId: product.id,
        locationId: s.locationId,
        delta: fromSteps(neg ? -abs : abs, product.decimals),
      });
    }
    if (input.lot) await requireLot(store, input.lot.id, ['lot', 'id']);
    return {
      correctsSeq: input.correctsSeq,
      reason: input.reason,
      stock,
      ...(input.lot ? { lot: JSON.parse(JSON.stringify(input.lot)) } : {}),
    };
  },
};
