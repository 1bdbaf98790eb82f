import { fromSteps, toSteps } from '../domain/quantity.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { EventPayloads, StoredEvent } from '../ledger/events.js';
import { iterateEvents } from '../ledger/iterate.js';
import type { Store } from '../store/port.js';

/**
 * Mass balance of one lot from its whole history, exact: what came in (received, produced, returned,
 * adjusted up, corrected up) minus what went out (consumed, shipped, adjusted down, corrected down) minus
 * what is on hand. With every movement recorded, `balance` is exactly zero.
 */
export interface MassBalance {
  lotId: string;
  productId: string;
  unit: string;
  received: string;
  produced: string;
  returned: string;
  consumed: string;
  shipped: string;
  /** Net of adjustments and corrections (signed). */
  adjusted: string;
  onHand: string;
  /** in − out − on hand; `"0"` (with the unit's decimals) when the books close. */
  balance: string;
}

/** Compute the mass balance of a lot by scanning the ledger (a report, O(events)). */
export async function massBalance(store: Store, lotId: string): Promise<MassBalance> {
  const lot = await store.getLot(lotId);
  if (!lot)
    throw new LotgraphError(ErrorCodes.LOT_NOT_FOUND, `lotId: lot "${lotId}" does not exist`, {
      field: 'lotId',
      value: lotId,
    });
  return (await massBalances(store, [lotId]))[0] as MassBalance;
}

/**
 * {@link massBalance} of many lots in ONE pass over the ledger (recall reports: hundreds of affected lots).
 * Unknown lot ids are skipped. Results in the order of `lotIds`.
 */
export async function massBalances(store: Store, lotIds: readonly string[]): Promise<MassBalance[]> {
  const lots = await store.getLots(lotIds);
  const info = new Map<string, { productId: string; unit: string; d: number; acc: StepTotals }>();
  for (const lot of lots) {
    const product = await store.getProduct(lot.productId);
    // received, produced, returned, consumed, shipped, adjusted
    info.set(lot.id, {
      productId: lot.productId,
      unit: product?.unit ?? '',
      d: product?.decimals ?? 0,
      acc: [0n, 0n, 0n, 0n, 0n, 0n],
    });
  }
  const add = (lotId: string, k: number, v: string) => {
    const x = info.get(lotId);
    if (x) x.acc[k]! += toSteps(v, x.d);
  };
  for await (const e of iterateEvents(store)) eventQuantities(e, (lotId, k, v) => add(lotId, k, v as string));
  const out: MassBalance[] = [];
  for (const id of lotIds) {
    const x = info.get(id);
    if (!x) continue;
    const onHand = (await store.listStock({ lotId: id })).reduce((a, s) => a + s.quantity, 0n);
    out.push(balanceRow(id, x.productId, x.unit, x.d, x.acc, onHand));
  }
  return out;
}

/** A lot's totals in steps: received, produced, returned, consumed, shipped, adjusted. */
export type StepTotals = [bigint, bigint, bigint, bigint, bigint, bigint];

/** The mass-balance row of a lot from its totals and on-hand stock in steps (`decimals` of its product). */
export function balanceRow(
  lotId: string,
  productId: string,
  unit: string,
  decimals: number,
  steps: StepTotals,
  onHand: bigint,
): MassBalance {
  const [received, produced, returned, consumed, shipped, adjusted] = steps;
  const f = (v: bigint) => fromSteps(v, decimals);
  return {
    lotId,
    productId,
    unit,
    received: f(received),
    produced: f(produced),
    returned: f(returned),
    consumed: f(consumed),
    shipped: f(shipped),
    adjusted: f(adjusted),
    onHand: f(onHand),
    balance: f(balanceSteps(steps, onHand)),
  };
}

/** What came into a lot (received + produced + returned), in steps. */
export function inSteps([received, produced, returned]: StepTotals): bigint {
  return received + produced + returned;
}

/** A lot's balance in steps: what came in, adjusted, less what went out and what is on hand (0 = closed). */
export function balanceSteps(steps: StepTotals, onHand: bigint): bigint {
  const [, , , consumed, shipped, adjusted] = steps;
  return inSteps(steps) + adjusted - consumed - shipped - onHand;
}

/** The mass balance's columns: what a lot received, produced, got back, consumed, shipped, adjusted. */
export const RECEIVED = 0;
export const PRODUCED = 1;
export const RETURNED = 2;
export const CONSUMED = 3;
export const SHIPPED = 4;
/** Adjustments, stock corrections, serials leaving stock (destroyed, sampled, decommissioned). */
export const ADJUSTED = 5;

/**
 * Each (lot, column, decimal quantity) event `ev` moves for the mass balance — the one mapping of the ledger
 * pass ({@link massBalances}) and of the trace catalogue's per-lot totals. Serials coming back count as
 * returned; serials destroyed, sampled or decommissioned as adjusted.
 */
export function eventQuantities(
  ev: StoredEvent,
  visit: (lotId: string, column: number, quantity: unknown) => void,
): void {
  const p = ev.payload as unknown;
  const at = (lotId: unknown, column: number, q: unknown) => {
    if (typeof lotId === 'string') visit(lotId, column, q);
  };
  switch (ev.type) {
    case 'received': {
      const r = p as EventPayloads['received'];
      at(r.lot?.id, RECEIVED, r.quantity);
      break;
    }
    case 'produced':
    case 'transformed': {
      const r = p as EventPayloads['produced'];
      for (const i of r.inputs ?? []) at(i.lotId, CONSUMED, i.quantity);
      for (const o of r.outputs ?? []) at(o.lot?.id, PRODUCED, o.quantity);
      break;
    }
    case 'shipped':
      for (const l of (p as EventPayloads['shipped']).lines ?? []) at(l.lotId, SHIPPED, l.quantity);
      break;
    case 'returned': {
      const r = p as EventPayloads['returned'];
      at(r.lotId, RETURNED, r.quantity);
      break;
    }
    case 'adjusted': {
      const r = p as EventPayloads['adjusted'];
      at(r.lotId, ADJUSTED, r.delta);
      break;
    }
    case 'corrected':
      for (const s of (p as EventPayloads['corrected']).stock ?? []) at(s.lotId, ADJUSTED, s.delta);
      break;
    case 'serialsStateChanged': {
      const r = p as EventPayloads['serialsStateChanged'];
      for (const s of r.stock ?? []) at(s.lotId, r.state === 'returned' ? RETURNED : ADJUSTED, s.delta);
      break;
    }
    default:
      break;
  }
}
