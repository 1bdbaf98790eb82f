import { requireParty } from '../commands/lookups.js';
import { readScan } from '../commands/scan.js';
import { fromSteps } from '../domain/quantity.js';
import { ErrorCodes, fieldError, LotgraphError, notFound } from '../errors.js';
import type { CommandSpec } from '../ledger/command.js';
import type { Json } from '../ledger/events.js';
import { requireSerials } from '../serials/unit-tree.js';
import type { ReservationRecord } from '../store/port.js';
import { allocate } from './queries.js';
import { reservationJson } from './records.js';
import {
  ConfirmPickInput,
  DefineCustomerPolicyInput,
  ReleaseReservationInput,
  ReserveInput,
} from './schemas.js';

/** `reserve`: allocate and persist the picks as reservations, atomically. */
export const reserveCommand: CommandSpec<typeof ReserveInput, 'reserved'> = {
  name: 'reserve',
  type: 'reserved',
  schema: ReserveInput,
  async decide(input, { store, day, head }) {
    const { allocation, product } = await allocate(store, input, day);
    if (input.all && allocation.short !== fromSteps(0n, product.decimals)) {
      throw new LotgraphError(
        ErrorCodes.INSUFFICIENT_STOCK,
        `quantity: only ${allocation.allocated} of ${allocation.quantity} ${product.unit} of "${product.id}" can be reserved`,
        {
          field: 'quantity',
          productId: product.id,
          short: allocation.short,
          allocation: allocation as unknown as Json,
        },
      );
    }
    if (allocation.picks.length === 0)
      throw new LotgraphError(
        ErrorCodes.INSUFFICIENT_STOCK,
        `quantity: nothing of "${product.id}" can be reserved`,
        {
          field: 'quantity',
          productId: product.id,
        },
      );
    const seq = head.seq + 1;
    return {
      orderId: input.orderId,
      ...(input.orderLine !== undefined ? { orderLine: input.orderLine } : {}),
      ...(input.customerId !== undefined ? { customerId: input.customerId } : {}),
      productId: product.id,
      strategy: input.strategy,
      reservations: allocation.picks.map((p, i) => ({
        reservationId: `${input.orderId}/${input.orderLine ?? '1'}/${seq}/${i + 1}`,
        lotId: p.lotId,
        locationId: p.locationId,
        quantity: p.quantity,
      })),
    };
  },
};

/** `releaseReservation`: cancel one reservation, or every active one of an order. */
export const releaseReservationCommand: CommandSpec<typeof ReleaseReservationInput, 'reservationReleased'> = {
  name: 'releaseReservation',
  type: 'reservationReleased',
  schema: ReleaseReservationInput,
  async decide(input, { store }) {
    let list: ReservationRecord[];
    if (input.reservationId !== undefined) {
      const r = await store.getReservation(input.reservationId);
      if (!r) throw notFound('reservation', ['reservationId'], input.reservationId);
      if (r.status !== 'active')
        throw fieldError(
          ['reservationId'],
          `reservation "${input.reservationId}" is ${r.status}`,
          input.reservationId,
        );
      list = [r];
    } else {
      list = await store.listReservations({ orderId: input.orderId!, status: 'active' });
      if (list.length === 0)
        throw fieldError(['orderId'], `order "${input.orderId}" has no active reservation`, input.orderId);
    }
    return {
      reservations: list.map(reservationJson),
      ...(input.reason !== undefined ? { reason: input.reason } : {}),
    };
  },
};

/** `confirmPick`: the scanned label must be the reserved lot: same GTIN, same batch, same expiry. */
export const confirmPickCommand: CommandSpec<typeof ConfirmPickInput, 'pickConfirmed'> = {
  name: 'confirmPick',
  type: 'pickConfirmed',
  schema: ConfirmPickInput,
  async decide(input, { store, day }) {
    const r = await store.getReservation(input.reservationId);
    if (!r) throw notFound('reservation', ['reservationId'], input.reservationId);
    if (r.status !== 'active')
      throw fieldError(
        ['reservationId'],
        `reservation "${input.reservationId}" is ${r.status}`,
        input.reservationId,
      );
    const lot = await store.getLot(r.lotId);
    const product = await store.getProduct(r.productId);
    const facts = readScan(input.scan, day);
    const mismatch = (field: string, expected: string | undefined, got: string | undefined) =>
      new LotgraphError(
        ErrorCodes.GS1_MISMATCH,
        `scan: ${field} is ${got ?? '(absent)'}, the reservation expects ${expected ?? '(none)'}`,
        { field: 'scan', element: field, expected, got, reservationId: r.id, lotId: r.lotId },
      );
    if (product?.gtin !== undefined && facts.gtin !== product.gtin.padStart(14, '0'))
      throw mismatch('GTIN (01)', product.gtin.padStart(14, '0'), facts.gtin);
    // A serialised pack (01)+(21): the serial names its lot, which must be the reserved one, here.
    let serial: { gtin: string; serial: string } | undefined;
    if (facts.serial !== undefined && facts.gtin !== undefined) {
      const [s] = await requireSerials(store, [{ gtin: facts.gtin, serial: facts.serial }], ['scan']);
      if (s?.lotId !== r.lotId)
        throw mismatch('serial (21)', `a serial of lot ${r.lotId}`, `of lot ${s?.lotId}`);
      if (s.state !== 'active' && s.state !== 'returned')
        throw mismatch('serial (21)', 'a serial in stock', `${s.serial} (${s.state})`);
      if (s.locationId !== r.locationId)
        throw mismatch('serial (21)', `a serial at ${r.locationId}`, `${s.serial} at ${s.locationId}`);
      serial = { gtin: s.gtin, serial: s.serial };
    }
    const batchOk =
      (serial !== undefined && facts.batch === undefined) ||
      facts.batch === lot?.id ||
      (lot?.supplierLotNumber !== undefined && facts.batch === lot.supplierLotNumber);
    if (!batchOk) throw mismatch('batch/lot (10)', lot?.supplierLotNumber ?? lot?.id, facts.batch);
    if (facts.expiry !== undefined && lot?.expiry !== undefined && facts.expiry !== lot.expiry)
      throw mismatch('expiry (17)', lot.expiry, facts.expiry);
    return {
      reservationId: r.id,
      lotId: r.lotId,
      locationId: r.locationId,
      scan: input.scan,
      ...(serial !== undefined ? { serial } : {}),
    };
  },
};

/** `defineCustomerPolicy`: a customer's minimum remaining shelf life at delivery. */
export const defineCustomerPolicyCommand: CommandSpec<
  typeof DefineCustomerPolicyInput,
  'customerPolicyDefined'
> = {
  name: 'defineCustomerPolicy',
  type: 'customerPolicyDefined',
  schema: DefineCustomerPolicyInput,
  async decide(input, { store }) {
    await requireParty(store, input.customerId, ['customerId'], 'customer');
    return { customerId: input.customerId, minShelfLife: { ...input.minShelfLife } };
  },
};
