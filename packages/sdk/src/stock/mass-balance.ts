import { fromSteps, toSteps } from '../domain/quantity.js';
import { ErrorCodes, LotgraphError } from '../errors.js';
import type { EventPayloads } from '../ledger/events.js';
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
  const info = new Map<string, { productId: string; unit: string; d: number; acc: bigint[] }>();
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
  for await (const e of iterateEvents(store)) {
    const p = e.payload as unknown;
    switch (e.type) {
      case 'received': {
        const r = p as EventPayloads['received'];
        add(r.lot.id, 0, r.quantity);
        break;
      }
      case 'produced':
      case 'transformed': {
        const r = p as EventPayloads['produced'];
        for (const i of r.inputs) add(i.lotId, 3, i.quantity);
        for (const o of r.outputs) add(o.lot.id, 1, o.quantity);
        break;
      }
      case 'shipped':
        for (const l of (p as EventPayloads['shipped']).lines) add(l.lotId, 4, l.quantity);
        break;
      case 'returned': {
        const r = p as EventPayloads['returned'];
        add(r.lotId, 2, r.quantity);
        break;
      }
      case 'adjusted': {
        const r = p as EventPayloads['adjusted'];
        add(r.lotId, 5, r.delta);
        break;
      }
      case 'corrected':
        for (const s of (p as EventPayloads['corrected']).stock) add(s.lotId, 5, s.delta);
        break;
      case 'serialsStateChanged': {
        // Serials coming back count as returned; serials destroyed, sampled or decommissioned as adjusted.
        const r = p as EventPayloads['serialsStateChanged'];
        for (const s of r.stock) add(s.lotId, r.state === 'returned' ? 2 : 5, s.delta);
        break;
      }
      default:
        break;
    }
  }
  const out: MassBalance[] = [];
  for (const id of lotIds) {
    const x = info.get(id);
    if (!x) continue;
    const onHand = (await store.listStock({ lotId: id })).reduce((a, s) => a + s.quantity, 0n);
    const [received, produced, returned, consumed, shipped, adjusted] = x.acc as StepTotals;
    out.push(
      balanceRow(
        id,
        x.productId,
        x.unit,
        x.d,
        [received, produced, returned, consumed, shipped, adjusted],
        onHand,
      ),
    );
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
  [received, produced, returned, consumed, shipped, adjusted]: StepTotals,
  onHand: bigint,
): MassBalance {
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
    balance: f(received + produced + returned + adjusted - consumed - shipped - onHand),
  };
}
