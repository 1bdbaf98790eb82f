import { expiredOnHand, expiring, lowStock, type StockAlert } from '../alerts/alerts.js';
import { checkArgs, DayArg } from '../domain/args.js';
import { ExpiringQuery, LowStockQuery } from '../domain/query-schemas.js';
import { parseInput } from '../domain/validate.js';
import type { LotgraphHost } from '../ledger/host.js';

/** `lg.alerts`: see {@link Lotgraph}. */
export function alertsFacade(h: LotgraphHost) {
  return {
    /** Lots on hand expiring within `withinDays` of `date`. */
    expiring: async (opts: { withinDays: number; date: string }): Promise<StockAlert[]> =>
      expiring(h.store, parseInput(ExpiringQuery, opts, 'alerts.expiring')),
    /** Expired lots still on hand on `date`. */
    expiredOnHand: async (date: string): Promise<StockAlert[]> => {
      checkArgs('alerts.expiredOnHand', { date: DayArg }, { date });
      return expiredOnHand(h.store, date);
    },
    /** Products below a threshold (in the product's unit), optionally at one location. */
    lowStock: async (opts: { thresholds: Record<string, string>; locationId?: string }) =>
      lowStock(h.store, parseInput(LowStockQuery, opts, 'alerts.lowStock')),
  };
}
