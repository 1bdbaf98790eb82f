import { reservationJson } from '../allocation/records.js';
import { fieldError, notFound } from '../errors.js';
import type { CommandSpec } from '../ledger/command.js';
import { requireLocation, requireLot } from './lookups.js';
import { HoldInput, ReleaseInput } from './schemas.js';

/** `hold`: put a lot on hold (several holds per lot allowed; optionally at one location only). */
export const holdCommand: CommandSpec<typeof HoldInput, 'held'> = {
  name: 'hold',
  type: 'held',
  schema: HoldInput,
  async decide(input, { store }) {
    if (await store.getHold(input.holdId))
      throw fieldError(['holdId'], `hold "${input.holdId}" already exists`, input.holdId);
    await requireLot(store, input.lotId, ['lotId']);
    if (input.locationId !== undefined) await requireLocation(store, input.locationId, ['locationId']);
    const affected = (await store.listReservations({ lotId: input.lotId, status: 'active' })).filter(
      (r) => input.locationId === undefined || r.locationId === input.locationId,
    );
    return {
      holdId: input.holdId,
      lotId: input.lotId,
      reasonCode: input.reasonCode,
      ...(input.locationId !== undefined ? { locationId: input.locationId } : {}),
      ...(input.note !== undefined ? { note: input.note } : {}),
      ...(affected.length > 0 ? { affectedReservations: affected.map((r) => r.id) } : {}),
      ...(affected.length > 0 && input.onReservations === 'cancel'
        ? { cancelledReservations: affected.map(reservationJson) }
        : {}),
    };
  },
};

/** `release`: lift an active hold. */
export const releaseCommand: CommandSpec<typeof ReleaseInput, 'released'> = {
  name: 'release',
  type: 'released',
  schema: ReleaseInput,
  async decide(input, { store }) {
    const h = await store.getHold(input.holdId);
    if (!h) throw notFound('hold', ['holdId'], input.holdId);
    if (h.status !== 'active')
      throw fieldError(['holdId'], `hold "${input.holdId}" is already released`, input.holdId);
    return {
      holdId: h.id,
      lotId: h.lotId,
      reasonCode: h.reasonCode,
      placedAt: h.placedAt,
      placedSeq: h.placedSeq,
      ...(h.locationId !== undefined ? { locationId: h.locationId } : {}),
      ...(input.note !== undefined ? { note: input.note } : h.note !== undefined ? { note: h.note } : {}),
    };
  },
};
