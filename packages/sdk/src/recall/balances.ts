/**
 * What a recall reads besides the genealogy: the stock of every affected lot (in one read where the store
 * can) and their mass balances — from the trace catalogue's per-lot totals when they are filled, so that a
 * drill of a heavy lot at a million lots scans no ledger; from one pass over the ledger otherwise. Both give
 * the same balances.
 *
 * @module
 */

import { toSteps } from '../domain/quantity.js';
import type { Product } from '../domain/schemas.js';
import type { GenealogyIndex } from '../genealogy/genealogy-index.js';
import { fitsSteps, lotTotalsOf, totalToSteps } from '../genealogy/lot-totals.js';
import { ensureMaster, env } from '../genealogy/trace-build.js';
import type { TraceVia } from '../genealogy/trace-types.js';
import {
  balanceRow,
  balanceSteps,
  inSteps,
  type MassBalance,
  massBalances,
  type StepTotals,
} from '../stock/mass-balance.js';
import { NodeKind, type Store } from '../store/port.js';
import { stockOfLots } from '../store/stock-of-lots.js';

/**
 * Whether a recall reads the catalogue and its per-lot totals: as traces do (`'auto'`: once the catalogue
 * and its totals are filled, starting both in the background otherwise), and only when `store` shows the
 * index's seq — inside a batch the view holds events the index does not have yet. When true, both are
 * caught up with the index. `headSeq`: the store's head as the caller has just read it (else read here).
 */
export async function useCatalogueTotals(
  store: Store,
  index: GenealogyIndex,
  via: TraceVia,
  headSeq?: number,
): Promise<boolean> {
  if (via === 'store') return false;
  const c = index.catalogue;
  if ((headSeq ?? (await store.head()).seq) !== index.seq) return false;
  if (via === 'auto' && !c.totalsAreReady) {
    c.warmTotals(store);
    return false;
  }
  await c.catchUp(store, index.seq);
  await c.totalsReady(store);
  return true;
}

/**
 * The mass balances of the lots of a recall (see {@link massBalances}: same rows, same order). From the
 * catalogue's per-lot totals and one stock read when the index is as current as the store and the totals
 * are filled (`via: 'auto'`); from one pass over the ledger otherwise, and for any lot whose quantities
 * were not written in whole steps of its product (where the ledger pass reports the error).
 */
export async function recallMassBalances(
  store: Store,
  index: GenealogyIndex | undefined,
  lotIds: readonly string[],
  via: TraceVia = 'auto',
): Promise<MassBalance[]> {
  return (await recallBalanceRows(store, index, lotIds, via)).rows;
}

/**
 * {@link recallMassBalances}, with — when the rows came from the per-lot totals — each row's in (received +
 * produced + returned) and the magnitude of its balance in steps: what the evidence's variance would
 * otherwise parse back from the row's decimals.
 */
export async function recallBalanceRows(
  store: Store,
  index: GenealogyIndex | undefined,
  lotIds: readonly string[],
  via: TraceVia = 'auto',
  known?: KnownStock,
): Promise<{ rows: MassBalance[]; inSteps?: bigint[]; absBalance?: bigint[] }> {
  if (index)
    for (let attempt = 0; attempt < 2; attempt++) {
      const seq = index.seq;
      // Stock recorded at the index's seq: totals and stock are one snapshot of that seq by construction,
      // so neither the head before nor the check after is needed (the caller synced the index just now).
      const atKnown = known?.seq === seq;
      if (!(await useCatalogueTotals(store, index, via, atKnown ? seq : undefined))) break;
      const balances = await fromTotals(store, index, lotIds, atKnown ? known?.rows : undefined);
      if (!balances) break;
      if (atKnown) return balances;
      // Totals and stock describe the same head unless another process appended in between.
      if ((await store.head()).seq === seq && index.seq === seq) return balances;
    }
  return { rows: await massBalances(store, lotIds) };
}

/**
 * The stock of a recall's lots as of `seq`, as its scope recorded it: every non-zero balance of them, each
 * quantity written in its product's decimals — what {@link stockOfLots} would read at that seq.
 */
export interface KnownStock {
  seq: number;
  rows: readonly { lotId: string; productId: string; quantity: string }[];
}

/**
 * {@link recallMassBalances} from the per-lot totals (caught up by the caller) and the stock — `known` (as
 * of the index's seq) or read; undefined to fall back.
 */
async function fromTotals(
  store: Store,
  index: GenealogyIndex,
  lotIds: readonly string[],
  known: KnownStock['rows'] | undefined,
): Promise<{ rows: MassBalance[]; inSteps: bigint[]; absBalance: bigint[] } | undefined> {
  const { registry, catalogue } = index;
  const keeper = lotTotalsOf(registry);
  if (!keeper || keeper.at !== index.seq) return undefined;
  const lots: { lotId: string; n: number; productId: string }[] = [];
  for (const lotId of lotIds) {
    const n = registry.id(NodeKind.LOT, lotId);
    // No lot record: no row (as `massBalances`, which reads the lots first).
    const productId = n === undefined ? undefined : catalogue.lotProductId(n);
    if (n === undefined || productId === undefined) continue;
    lots.push({ lotId, n, productId });
  }
  // The products from the catalogue's master-data cache (it is caught up with the store's head here).
  const e = await env(store, index, true);
  await ensureMaster(e, [...lots.map((l) => l.productId), ...(known ?? []).map((s) => s.productId)], []);
  const products: ReadonlyMap<string, Product> = e.products;
  const onHand = new Map<string, bigint>();
  if (known) {
    for (const s of known)
      onHand.set(
        s.lotId,
        (onHand.get(s.lotId) ?? 0n) + toSteps(s.quantity, products.get(s.productId)?.decimals ?? 0),
      );
  } else
    for (const s of await stockOfLots(store, [...new Set(lots.map((l) => l.lotId))]))
      onHand.set(s.lotId, (onHand.get(s.lotId) ?? 0n) + s.quantity);
  const out: MassBalance[] = [];
  const came: bigint[] = [];
  const absBalance: bigint[] = [];
  for (const { lotId, n, productId } of lots) {
    const product = products.get(productId);
    const d = product?.decimals ?? 0;
    const t = keeper.balanceOf(n);
    if (!t || !fitsSteps(t.precision, d)) return undefined;
    const steps = [t.received, t.produced, t.returned, t.consumed, t.shipped, t.adjusted].map((v) =>
      totalToSteps(v, d),
    ) as StepTotals;
    const held = onHand.get(lotId) ?? 0n;
    out.push(balanceRow(lotId, productId, product?.unit ?? '', d, steps, held));
    const balance = balanceSteps(steps, held);
    came.push(inSteps(steps));
    absBalance.push(balance < 0n ? -balance : balance);
  }
  return { rows: out, inSteps: came, absBalance };
}
