import { requireLot } from '../commands/lookups.js';
import type { ReconcileInput } from '../commands/schemas.js';
import { checkArgs } from '../domain/args.js';
import { Instant } from '../domain/dates.js';
import { Id } from '../domain/schemas.js';
import type { EventOf } from '../ledger/events.js';
import type { LotgraphHost } from '../ledger/host.js';
import { recallMassBalances } from '../recall/balances.js';
import type { MassBalance } from '../stock/mass-balance.js';
import { type OnHandQuery, onHand, type ProductStock, productStock, type StockLine } from '../stock/stock.js';

/** `lg.stock`: see {@link Lotgraph}. */
export function stockFacade(h: LotgraphHost) {
  return {
    /** On hand per lot × location (optionally filtered, optionally as of a past instant). */
    onHand: (query: OnHandQuery = {}): Promise<StockLine[]> => onHand(h.store, query),
    /** Total on hand of a product and its lines (optionally as of an instant). */
    ofProduct: async (productId: string, asOf?: string): Promise<ProductStock> => {
      checkArgs('stock.ofProduct', { productId: Id, asOf: Instant.optional() }, { productId, asOf });
      return productStock(h.store, productId, asOf);
    },
    /**
     * Exact mass balance of a lot over its whole history (zero when every movement is recorded). From the
     * trace catalogue's per-lot totals once they are filled (started in the background by the first call),
     * from a pass over the ledger before that — the same answer either way.
     */
    massBalance: async (lotId: string): Promise<MassBalance> => {
      checkArgs('stock.massBalance', { lotId: Id }, { lotId });
      return h.serial(async () => {
        await h.syncUnlocked();
        await requireLot(h.store, lotId, ['lotId']); // before a ledger pass would read everything for nothing
        return (await recallMassBalances(h.store, h.index, [lotId]))[0] as MassBalance;
      });
    },
    /** Counted vs expected → an adjustment event carrying the variance. */
    reconcile: (input: ReconcileInput): Promise<EventOf<'adjusted'>> => h.command('reconcile', input),
  };
}
