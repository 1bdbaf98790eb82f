import { expiredOnHand, expiring, lowStock, type StockAlert } from '../alerts/alerts.js';
import { checkArgs, DayArg } from '../domain/args.js';
import { ExpiringQuery, LowStockQuery } from '../domain/query-schemas.js';
import { parseInput } from '../domain/validate.js';
import type { EventOf } from '../ledger/events.js';
import type { LotgraphHost } from '../ledger/host.js';
import { alertContent, RaiseAlertInput } from './commands.js';

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
    /**
     * Raise an expiry or low-stock alert for `date` as an `alertRaised` event — once per kind, day and query:
     * the idempotency key defaults to `alert:{kind}:{date}:{withinDays | locationId}`, so a scheduler may
     * call this as often as it likes. Nothing is appended (undefined) when nothing is expiring or low. Being
     * an event, the alert reaches people through the outbox (`lg.outbox.subscribe(…, { types:
     * ['alertRaised'] })`, e.g. e-mail with `@lotgraph/integrations`).
     *
     * @example
     * ```ts
     * await lg.alerts.raise({ kind: 'expiry', date: '2026-12-04', withinDays: 7 });
     * ```
     */
    raise: async (input: RaiseAlertInput): Promise<EventOf<'alertRaised'> | undefined> => {
      const parsed = parseInput(RaiseAlertInput, input, 'alerts.raise');
      const scope = parsed.kind === 'expiry' ? String(parsed.withinDays) : (parsed.locationId ?? '*');
      const idempotencyKey = parsed.idempotencyKey ?? `alert:${parsed.kind}:${parsed.date}:${scope}`;
      const command = () => h.command('raiseAlert', { ...input, idempotencyKey } as RaiseAlertInput);
      // Already raised (the scheduler's repeat call): the command replays it (or refuses another input
      // under that key) without scanning stock again.
      if (await h.store.findEventByIdempotencyKey(idempotencyKey)) return command();
      const content = await alertContent(h.store, parsed);
      if ((content.lots ?? content.products ?? []).length === 0) return undefined;
      return command();
    },
  };
}
