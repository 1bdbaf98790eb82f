import { holdCommand } from '../commands/hold.js';
import { fromSteps, toSteps } from '../domain/quantity.js';
import { ErrorCodes, fieldError, LotgraphError } from '../errors.js';
import type { CommandSpec, FollowUp } from '../ledger/command.js';
import type { EventPayloads, Json } from '../ledger/events.js';
import { requireOpen } from './queries.js';
import {
  RECALL,
  RecallAcknowledgeInput,
  RecallCloseInput,
  RecallNotifyInput,
  RecallOpenInput,
} from './schemas.js';
import { computeScopeColumns } from './scope.js';
import { onHandLotsOf } from './scope-codec.js';

/** The case record every recall command looks up first: read with the command's prefetch. */
const caseRecord = (input: { recallId: string }) => [{ collection: RECALL, id: input.recallId }];

/**
 * `recallOpen`: compute the scope from the genealogy index and the store at the head it is decided
 * against (affected lots, deliveries, customers, attributed quantities, stock on hand) and record the
 * case. A real recall places a `recall` hold on every affected lot still on hand in the same append
 * (follow-up `hold` commands); a drill places none.
 */
export const recallOpenCommand: CommandSpec<typeof RecallOpenInput, 'recallOpened'> = {
  name: 'recallOpen',
  type: 'recallOpened',
  schema: RecallOpenInput,
  records: caseRecord,
  async decide(input, { store, index, now, eventTime }) {
    if (await store.getRecord(RECALL, input.recallId))
      throw fieldError(['recallId'], `recall "${input.recallId}" already exists`, input.recallId);
    const t0 = performance.now();
    let lots = input.lots ?? [];
    for (const [i, n] of (input.supplierLotNumbers ?? []).entries()) {
      const found = await store.listLots({ supplierLotNumber: n });
      if (found.length === 0)
        throw new LotgraphError(
          ErrorCodes.LOT_NOT_FOUND,
          `supplierLotNumbers.${i}: no lot with supplier lot number "${n}"`,
          { field: `supplierLotNumbers.${i}`, value: n },
        );
      lots = [...lots, ...found.map((l) => l.id)];
    }
    // Recorded as columns (format 2 of scope-codec.ts): a heavy recall's ~100k rows as a few strings.
    const scope = await computeScopeColumns(store, index, [...new Set(lots)]);
    return {
      recallId: input.recallId,
      drill: input.drill,
      reason: input.reason,
      classification: input.classification,
      effectivenessLevel: input.effectivenessLevel,
      levelBShare: input.levelBShare,
      targetHours: input.targetHours,
      tolerance: input.tolerance,
      // Never before the opening: a caller's eventTime may run ahead of this machine's clock.
      scopeComputedAt: [now(), eventTime].sort()[1]!,
      scopeMs: performance.now() - t0,
      scope: scope as unknown as Json,
    };
  },
  followUps(payload, input, key) {
    if (input.drill) return [];
    return [...new Set(onHandLotsOf(payload.scope))].map((lotId) => ({
      spec: holdCommand as unknown as FollowUp['spec'],
      input: {
        holdId: `${input.recallId}/${lotId}`,
        lotId,
        reasonCode: 'recall',
        note: `recall ${input.recallId}: ${input.reason}`.slice(0, 500),
        idempotencyKey: `${key}/hold/${lotId}`,
        ...(input.eventTime !== undefined ? { eventTime: input.eventTime } : {}),
      },
    }));
  },
};

export const recallNotifyCommand: CommandSpec<typeof RecallNotifyInput, 'recallNotified'> = {
  name: 'recallNotify',
  type: 'recallNotified',
  schema: RecallNotifyInput,
  records: caseRecord,
  async decide(input, { store }) {
    const c = await requireOpen(store, input.recallId);
    if (!c.scope.customers.some((x) => x.customerId === input.customerId))
      throw fieldError(
        ['customerId'],
        `customer "${input.customerId}" is not in the scope of this recall`,
        input.customerId,
      );
    const p: EventPayloads['recallNotified'] = {
      recallId: input.recallId,
      customerId: input.customerId,
      channel: input.channel,
    };
    if (c.drill) p.drill = true;
    if (input.contact !== undefined) p.contact = input.contact;
    if (input.note !== undefined) p.note = input.note;
    return p;
  },
};

export const recallAcknowledgeCommand: CommandSpec<typeof RecallAcknowledgeInput, 'recallAcknowledged'> = {
  name: 'recallAcknowledge',
  type: 'recallAcknowledged',
  schema: RecallAcknowledgeInput,
  records: caseRecord,
  async decide(input, { store }) {
    const c = await requireOpen(store, input.recallId);
    const cust = c.scope.customers.find((x) => x.customerId === input.customerId);
    if (!cust)
      throw fieldError(
        ['customerId'],
        `customer "${input.customerId}" is not in the scope of this recall`,
        input.customerId,
      );
    for (const [i, q] of input.quantities.entries()) {
      const received = cust.quantities.find((x) => x.productId === q.productId);
      if (!received)
        throw fieldError(
          ['quantities', i, 'productId'],
          `the customer received no affected "${q.productId}"`,
          q.productId,
        );
      const product = await store.getProduct(q.productId);
      const d = product?.decimals ?? 0;
      const steps = (v: string, f: string) => toSteps(v, d, ['quantities', i, f]);
      const accounted =
        steps(q.returned, 'returned') + steps(q.destroyed, 'destroyed') + steps(q.corrected, 'corrected');
      if (accounted > toSteps(received.quantity, d))
        throw fieldError(
          ['quantities', i],
          `accounts for more than the ${received.quantity} ${received.unit} the customer received`,
          fromSteps(accounted, d),
        );
    }
    const p: EventPayloads['recallAcknowledged'] = {
      recallId: input.recallId,
      customerId: input.customerId,
      quantities: input.quantities.map((q) => ({ ...q })),
    };
    if (c.drill) p.drill = true;
    if (input.note !== undefined) p.note = input.note;
    return p;
  },
};

export const recallCloseCommand: CommandSpec<typeof RecallCloseInput, 'recallClosed'> = {
  name: 'recallClose',
  type: 'recallClosed',
  schema: RecallCloseInput,
  records: caseRecord,
  async decide(input, { store }) {
    const c = await requireOpen(store, input.recallId);
    return { recallId: input.recallId, summary: input.summary, ...(c.drill ? { drill: true } : {}) };
  },
};
