import { allocate } from '../allocation/queries.js';
import {
  AllocateInput,
  type Allocation,
  type ConfirmPickInput,
  type DefineCustomerPolicyInput,
  type ReleaseReservationInput,
  type ReserveInput,
} from '../allocation/schemas.js';
import { parseInput } from '../domain/validate.js';
import type { LotgraphHost } from '../ledger/host.js';

/** `lg.allocation`: see {@link Lotgraph}. */
export function allocationFacade(h: LotgraphHost) {
  return {
    /** Propose picks (reads only; nothing is reserved). */
    allocate: async (input: AllocateInput): Promise<Allocation> => {
      const v = parseInput(AllocateInput, input, 'allocate');
      return h.serial(async () => {
        await h.syncUnlocked();
        return (await allocate(h.store, v, h.now().slice(0, 10))).allocation;
      });
    },
    /** Allocate and persist the picks as reservations in one transaction. */
    reserve: (input: ReserveInput) => h.command('reserve', input),
    /** Cancel a reservation, or every active reservation of an order. */
    release: (input: ReleaseReservationInput) => h.command('releaseReservation', input),
    /** Check the scanned label of what was picked against the reservation (GTIN, batch, expiry). */
    confirmPick: (input: ConfirmPickInput) => h.command('confirmPick', input),
    /** Set a customer's minimum remaining shelf life (days or % of the product's shelf life). */
    defineCustomerPolicy: (input: DefineCustomerPolicyInput) => h.command('defineCustomerPolicy', input),
  };
}
