/**
 * The stock of many lots in as few reads as the store allows — shared by the batch overlay and the recall
 * scope and evidence.
 *
 * @module
 */
import { compareStock, type StockBalance, type Store } from './port.js';

/**
 * The non-zero stock of these lots, ordered by lot then location: one `listStockOfLots` read. A store
 * without it (one written before the port had it) is read lot by lot — or, when the lots are a large share of a genealogy of
 * `nodes` nodes (a heavy recall), in one listing of all stock, which then costs less than a round trip per
 * lot.
 */
export async function stockOfLots(
  store: Store,
  lotIds: readonly string[],
  nodes = Number.POSITIVE_INFINITY,
): Promise<StockBalance[]> {
  if (lotIds.length === 0) return [];
  if (store.listStockOfLots) return store.listStockOfLots(lotIds);
  const ids = new Set(lotIds);
  if (ids.size * LISTING_SHARE >= nodes)
    return (await store.listStock()).filter((r) => ids.has(r.lotId)).sort(compareStock);
  const rows = (await Promise.all([...ids].map((lotId) => store.listStock({ lotId })))).flat();
  return rows.sort(compareStock);
}

/** One lot in this many genealogy nodes or more: list all stock rather than read lot by lot. */
const LISTING_SHARE = 32;
