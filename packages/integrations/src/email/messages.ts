/**
 * Outbox messages for the e-mail topics, built from the sdk: from committed events (a hold placed, a
 * recall opened) and from the alert queries (expiring lots, low stock). Keys are stable, so producing the
 * same alert twice gives the same key and the outbox keeps one message.
 *
 * @module
 */
import type { EventPayloads, Lotgraph, StoredEvent } from '@lotgraph/sdk';
import { IsoDate } from '@lotgraph/sdk';
import { z } from 'zod';
import { DeliveryError, type OutboxMessage, parseWith } from '../message.js';
import type { ExpiryAlert, HoldPlacedAlert, LowStockAlert, RecallOpenedAlert } from './templates.js';

/**
 * The alert message for a committed event, or `undefined` when the event raises no e-mail alert
 * (`held` → `alert.holdPlaced`, `recallOpened` → `alert.recallOpened`, `alertRaised` (from
 * `lg.alerts.raise`) → `alert.expiry` / `alert.lowStock`). Key: `alert:{seq}`.
 */
export function alertMessageFromEvent(event: StoredEvent): OutboxMessage | undefined {
  if (event.type === 'held') {
    const p = event.payload as unknown as EventPayloads['held'];
    const payload: HoldPlacedAlert = {
      holdId: p.holdId,
      lotId: p.lotId,
      reasonCode: p.reasonCode,
      placedAt: event.eventTime,
      ...(p.locationId !== undefined ? { locationId: p.locationId } : {}),
      ...(p.note !== undefined ? { note: p.note } : {}),
    };
    return { key: `alert:${event.seq}`, topic: 'alert.holdPlaced', payload };
  }
  if (event.type === 'recallOpened') {
    const p = event.payload as unknown as EventPayloads['recallOpened'];
    // Both recorded forms of a scope (the object, or format 2's columns: `unpackScope` in the sdk) carry
    // `counts`; an older payload without them is counted from its lists.
    const scope = p.scope as {
      counts?: { lots?: unknown; customers?: unknown };
      lots?: unknown;
      customers?: unknown;
    } | null;
    const count = (n: unknown, list: unknown) =>
      typeof n === 'number' ? n : Array.isArray(list) ? list.length : 0;
    const payload: RecallOpenedAlert = {
      recallId: p.recallId,
      drill: p.drill,
      classification: p.classification,
      reason: p.reason,
      openedAt: event.eventTime,
      lots: count(scope?.counts?.lots, scope?.lots),
      customers: count(scope?.counts?.customers, scope?.customers),
    };
    return { key: `alert:${event.seq}`, topic: 'alert.recallOpened', payload };
  }
  if (event.type === 'alertRaised') {
    // Raised by `lg.alerts.raise` (an event, so it came through the outbox like the others).
    const p = event.payload as unknown as EventPayloads['alertRaised'];
    if (p.kind === 'expiry') {
      const payload: ExpiryAlert = { date: p.date, withinDays: p.withinDays ?? 0, alerts: p.lots ?? [] };
      return { key: `alert:${event.seq}`, topic: 'alert.expiry', payload };
    }
    const payload: LowStockAlert = { date: p.date, items: p.products ?? [] };
    return { key: `alert:${event.seq}`, topic: 'alert.lowStock', payload };
  }
  return undefined;
}

const ExpiryQuery = z.strictObject({ date: IsoDate, withinDays: z.number().int().min(0).max(3650) });

/** The `alert.expiry` message for `date` (undefined when nothing expires). Key: `alert.expiry:{date}:{withinDays}`. */
export async function expiryAlertMessage(
  lg: Lotgraph,
  query: { date: string; withinDays: number },
): Promise<OutboxMessage | undefined> {
  const q = parseWith(ExpiryQuery, query, 'expiryAlertMessage');
  const alerts = await lg.alerts.expiring(q);
  if (alerts.length === 0) return undefined;
  return { key: `alert.expiry:${q.date}:${q.withinDays}`, topic: 'alert.expiry', payload: { ...q, alerts } };
}

const LowStockQuery = z.strictObject({
  date: IsoDate,
  thresholds: z.record(z.string().min(1).max(200), z.string().min(1).max(50)),
  locationId: z.string().min(1).max(200).optional(),
});

/** The `alert.lowStock` message for `date` (undefined when nothing is low). Key: `alert.lowStock:{date}`. */
export async function lowStockAlertMessage(
  lg: Lotgraph,
  query: { date: string; thresholds: Record<string, string>; locationId?: string },
): Promise<OutboxMessage | undefined> {
  const q = parseWith(LowStockQuery, query, 'lowStockAlertMessage');
  const items = await lg.alerts.lowStock({
    thresholds: q.thresholds,
    ...(q.locationId !== undefined ? { locationId: q.locationId } : {}),
  });
  if (items.length === 0) return undefined;
  return {
    key: `alert.lowStock:${q.date}${q.locationId !== undefined ? `:${q.locationId}` : ''}`,
    topic: 'alert.lowStock',
    payload: { date: q.date, items },
  };
}

/**
 * For {@link forEvents} on an outbox subscription of `recallNotified`: recording that a customer of a real
 * recall was notified by e-mail (`lg.recall.notify({ recallId, customerId, channel: 'email' })`) sends them
 * the recall letter — to the notification's `contact` when it is an e-mail address, else to the customer's
 * contacts. Drills send nothing (a mock recall must not reach customers); other channels send nothing.
 */
export function recallLetterMessageFromEvent(
  lg: Lotgraph,
): (event: StoredEvent) => Promise<OutboxMessage | undefined> {
  return async (event) => {
    if (event.type !== 'recallNotified') return undefined;
    const p = event.payload as unknown as EventPayloads['recallNotified'];
    if (p.channel !== 'email' || p.drill === true) return undefined;
    const isEmail = (e: string | undefined): e is string => !!e && /^[^@\s]+@[^@\s]+$/.test(e);
    let to = isEmail(p.contact) ? [p.contact] : [];
    if (to.length === 0) {
      const party = await lg.store.getParty(p.customerId);
      to = (party?.contacts ?? []).map((c) => c.email).filter(isEmail);
    }
    if (to.length === 0)
      throw new DeliveryError('email', `customer "${p.customerId}" has no e-mail address`, {
        retryable: false,
        key: `recall.letter:${p.recallId}:${p.customerId}`,
      });
    return {
      key: `recall.letter:${p.recallId}:${p.customerId}`,
      topic: 'recall.letter',
      payload: { recallId: p.recallId, customerId: p.customerId, to },
    };
  };
}

/**
 * One `recall.letter` message per customer in the recall's scope that has a contact with an e-mail
 * address; `missing` lists the customers without one (to be reached another way). Key:
 * `recall.letter:{recallId}:{customerId}`.
 */
export async function recallLetterMessages(
  lg: Lotgraph,
  recallId: string,
): Promise<{ messages: OutboxMessage[]; missing: string[] }> {
  const ev = await lg.recall.evidence(recallId);
  const messages: OutboxMessage[] = [];
  const missing: string[] = [];
  for (const c of ev.scope.customers) {
    const to = c.contacts.map((x) => x.email).filter((e): e is string => !!e && e.includes('@'));
    if (to.length === 0) missing.push(c.customerId);
    else
      messages.push({
        key: `recall.letter:${recallId}:${c.customerId}`,
        topic: 'recall.letter',
        payload: { recallId, customerId: c.customerId, to },
      });
  }
  return { messages, missing };
}
