/**
 * `raiseAlert`: record a stock alert (lots expiring soon, products below a threshold) as an event, so the
 * alert is part of the ledger and reaches people through the transactional outbox like any event.
 *
 * @module
 */
import * as z from 'zod';
import { CommandMeta } from '../commands/schemas.js';
import { DayArg } from '../domain/args.js';
import { LowStockQuery } from '../domain/query-schemas.js';
import type { CommandSpec } from '../ledger/command.js';
import type { EventPayloads } from '../ledger/events.js';
import { expiring, lowStock } from './alerts.js';

/** Input of `raiseAlert`: which alert, for which day. */
export const RaiseAlertInput = z.discriminatedUnion('kind', [
  CommandMeta.extend({
    kind: z.literal('expiry'),
    date: DayArg,
    withinDays: z.number().int().min(0).max(100_000),
  }),
  CommandMeta.extend({
    kind: z.literal('lowStock'),
    date: DayArg,
    thresholds: LowStockQuery.shape.thresholds,
    locationId: LowStockQuery.shape.locationId,
  }),
]);
/** Input of `raiseAlert`. */
export type RaiseAlertInput = z.input<typeof RaiseAlertInput>;

/** The alert's content, computed from the store as it is when the command is decided. */
export async function alertContent(
  store: Parameters<typeof expiring>[0],
  input: z.output<typeof RaiseAlertInput>,
): Promise<EventPayloads['alertRaised']> {
  if (input.kind === 'expiry') {
    const lots = await expiring(store, { withinDays: input.withinDays, date: input.date });
    return { kind: 'expiry', date: input.date, withinDays: input.withinDays, lots };
  }
  const products = await lowStock(store, {
    thresholds: input.thresholds,
    ...(input.locationId !== undefined ? { locationId: input.locationId } : {}),
  });
  return {
    kind: 'lowStock',
    date: input.date,
    ...(input.locationId !== undefined ? { locationId: input.locationId } : {}),
    products,
  };
}

export const raiseAlertCommand: CommandSpec<typeof RaiseAlertInput, 'alertRaised'> = {
  name: 'raiseAlert',
  type: 'alertRaised',
  schema: RaiseAlertInput,
  decide: (input, { store }) => alertContent(store, input),
};
