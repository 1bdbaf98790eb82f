import * as z from 'zod';
import { Instant } from '../domain/dates.js';
import { fromSteps } from '../domain/quantity.js';
import type { Product } from '../domain/schemas.js';
import { Id } from '../domain/schemas.js';
import { parseInput } from '../domain/validate.js';
import { projectEvent } from '../projection/projectors.js';
import type { ProjectionContext } from '../projection/types.js';
import type { StockBalance, Store } from '../store/port.js';

/** A stock balance with its exact quantity as a decimal string in the product's base unit. */
export interface StockLine {
  lotId: string;
  locationId: string;
  productId: string;
  quantity: string;
  unit: string;
}

/** Query of `stock.onHand`. */
export const OnHandQuery = z.strictObject({
  lotId: Id.optional(),
  locationId: Id.optional(),
  productId: Id.optional(),
  /** Stock as of this instant (by event time), replayed from the ledger. */
  asOf: Instant.optional(),
});
/** Query of `stock.onHand`. */
export type OnHandQuery = z.input<typeof OnHandQuery>;

/** Total on hand of a product, and its split by lot × location. */
export interface ProductStock {
  productId: string;
  quantity: string;
  unit: string;
  lines: StockLine[];
}

const key = (lotId: string, locationId: string) => `${lotId}\u0000${locationId}`;

async function productMap(store: Store): Promise<Map<string, Product>> {
  return new Map((await store.listProducts()).map((p) => [p.id, p]));
}

function toLines(rows: StockBalance[], products: Map<string, Product>): StockLine[] {
  return rows.map((r) => {
    const p = products.get(r.productId);
    return {
      lotId: r.lotId,
      locationId: r.locationId,
      productId: r.productId,
      quantity: fromSteps(r.quantity, p?.decimals ?? 0),
      unit: p?.unit ?? '',
    };
  });
}

/**
 * Stock balances replayed from the ledger: the sum of the stock changes of every event with
 * `eventTime ≤ asOf` (or `seq ≤ asOfSeq`). Used for "as of" queries and to prove projections.
 */
export async function replayStock(
  store: Store,
  opts: { asOf?: string; asOfSeq?: number } = {},
): Promise<StockBalance[]> {
  const asOfMs = opts.asOf !== undefined ? Date.parse(opts.asOf) : undefined;
  const ctx: ProjectionContext = { product: (id) => store.getProduct(id), lot: (id) => store.getLot(id) };
  const balances = new Map<string, StockBalance>();
  const page = 1000;
  for (let from = 1; ; from += page) {
    const events = await store.readEvents(from, page);
    for (const e of events) {
      if (opts.asOfSeq !== undefined && e.seq > opts.asOfSeq) return finish(balances);
      if (asOfMs !== undefined && Date.parse(e.eventTime) > asOfMs) continue;
      if (e.type === 'productDefined' || e.type === 'partyDefined' || e.type === 'locationDefined') continue;
      apply(balances, (await projectEvent(ctx, e)).changes);
    }
    if (events.length < page) break;
  }
  return finish(balances);
}

function apply(
  balances: Map<string, StockBalance>,
  changes: Awaited<ReturnType<typeof projectEvent>>['changes'],
): void {
  for (const c of changes) {
    if (c.type !== 'stockDelta') continue;
    const k = key(c.lotId, c.locationId);
    const cur = balances.get(k);
    balances.set(k, {
      lotId: c.lotId,
      locationId: c.locationId,
      productId: c.productId,
      quantity: (cur?.quantity ?? 0n) + c.delta,
    });
  }
}

function finish(balances: Map<string, StockBalance>): StockBalance[] {
  return [...balances.values()]
    .filter((b) => b.quantity !== 0n)
    .sort((a, b) =>
      a.lotId < b.lotId
        ? -1
        : a.lotId > b.lotId
          ? 1
          : a.locationId < b.locationId
            ? -1
            : a.locationId > b.locationId
              ? 1
              : 0,
    );
}

/** On-hand stock per lot × location (now, or as of a past instant), exact. */
export async function onHand(store: Store, query: OnHandQuery = {}): Promise<StockLine[]> {
  const q = parseInput(OnHandQuery, query, 'stock.onHand');
  const products = await productMap(store);
  let rows: StockBalance[];
  if (q.asOf !== undefined) {
    rows = (await replayStock(store, { asOf: q.asOf })).filter(
      (r) =>
        (q.lotId === undefined || r.lotId === q.lotId) &&
        (q.locationId === undefined || r.locationId === q.locationId) &&
        (q.productId === undefined || r.productId === q.productId),
    );
  } else {
    const filter: { lotId?: string; locationId?: string; productId?: string } = {};
    if (q.lotId !== undefined) filter.lotId = q.lotId;
    if (q.locationId !== undefined) filter.locationId = q.locationId;
    if (q.productId !== undefined) filter.productId = q.productId;
    rows = await store.listStock(filter);
  }
  return toLines(rows, products);
}

/** Total on hand of a product (now or as of an instant) with its lines. */
export async function productStock(store: Store, productId: string, asOf?: string): Promise<ProductStock> {
  const lines = await onHand(store, asOf !== undefined ? { productId, asOf } : { productId });
  const p = await store.getProduct(productId);
  const decimals = p?.decimals ?? 0;
  let total = 0n;
  for (const l of lines) total += BigInt(l.quantity.replace('.', ''));
  return { productId, quantity: fromSteps(total, decimals), unit: p?.unit ?? '', lines };
}
