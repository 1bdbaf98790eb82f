/**
 * The seam between an outbox and the integrations: a message with a stable key, a topic and a JSON payload,
 * and a `deliver` function per integration that throws a {@link DeliveryError} saying whether a retry can
 * help.
 *
 * @module
 */
import {
  ErrorCodes,
  LotgraphError,
  type StoredEvent,
  ValidationError,
  type ValidationIssue,
} from '@lotgraph/sdk';
import { z } from 'zod';

/** One message an outbox hands to an integration. `key` is stable across retries of the same message. */
export interface OutboxMessage {
  /** Stable id of the message (the outbox's dedupe key); the receiver processes a key once where it can. */
  key: string;
  /** What kind of message it is, e.g. `alert.expiry` or `edi.desadv`. */
  topic: string;
  /** JSON payload; each integration documents the shape it expects per topic. */
  payload: unknown;
}

/** Delivers one message; resolves when the receiver accepted it, throws {@link DeliveryError} otherwise. */
export type Deliver = (message: OutboxMessage) => Promise<void>;

/**
 * A delivery failed. `retryable` tells the outbox whether to try again later (connection refused, timeout,
 * SMTP 4xx, HTTP 408/429/5xx) or to dead-letter the message (SMTP 5xx, HTTP 4xx, a payload the receiver
 * refuses). `retryAfterMs` is set when the receiver said how long to wait.
 *
 * Its `code` is the sdk's `DELIVERY_FAILED`; `details.integration` names the integration.
 */
export class DeliveryError extends LotgraphError {
  /** True when trying again later can succeed. */
  readonly retryable: boolean;
  /** How long the receiver asked us to wait, when it said. */
  readonly retryAfterMs: number | undefined;

  constructor(
    integration: string,
    message: string,
    opts: {
      retryable: boolean;
      retryAfterMs?: number;
      key?: string;
      status?: number | string;
      cause?: unknown;
    },
  ) {
    super(ErrorCodes.DELIVERY_FAILED, `${integration}: ${message}`, {
      integration,
      retryable: opts.retryable,
      ...(opts.key !== undefined ? { key: opts.key } : {}),
      ...(opts.status !== undefined ? { status: opts.status } : {}),
      ...(opts.retryAfterMs !== undefined ? { retryAfterMs: opts.retryAfterMs } : {}),
    });
    this.name = 'DeliveryError';
    this.retryable = opts.retryable;
    this.retryAfterMs = opts.retryAfterMs;
    if (opts.cause !== undefined)
      Object.defineProperty(this, 'cause', { value: opts.cause, enumerable: false });
  }
}

/** True for a {@link DeliveryError}. */
export function isDeliveryError(e: unknown): e is DeliveryError {
  return e instanceof DeliveryError;
}

/** zod issues → the sdk's {@link ValidationError} (same shape the sdk's own commands throw). */
export function toValidationError(issues: readonly z.core.$ZodIssue[], context: string): ValidationError {
  const mapped: ValidationIssue[] = issues.map((i) => ({
    code: i.code as ValidationIssue['code'],
    path: i.path.map((p) => (typeof p === 'symbol' ? String(p) : p)),
    message: i.message,
  }));
  return new ValidationError(mapped, context);
}

/** Parse `value` with a zod schema; throw the sdk's `ValidationError` naming every bad field. */
export function parseWith<S extends z.ZodType>(schema: S, value: unknown, context: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw toValidationError(r.error.issues, context);
  return r.data;
}

/** A validation error for one field. */
export function fieldIssue(context: string, path: (string | number)[], message: string): ValidationError {
  return new ValidationError([{ code: 'custom', path, message }], context);
}

const MessageSchema = z.strictObject({
  key: z.string().min(1).max(200),
  topic: z.string().min(1).max(100),
  payload: z.unknown(),
});

/** Check the envelope of an outbox message (`key`, `topic`); the payload is checked per topic. */
export function checkMessage(message: unknown, context: string): OutboxMessage {
  return parseWith(MessageSchema, message, context) as OutboxMessage;
}

/** What an outbox that carries committed events hands to `deliver`: at least a stable key and the event. */
export interface EventDelivery {
  key: string;
  payload: StoredEvent;
}

/**
 * Bridge an outbox that delivers committed events (`{ key, payload: StoredEvent }`, e.g. the sdk's
 * `lg.outbox.subscribe`) to an integration's `deliver`: `map` turns the event into the integration's
 * message (undefined: nothing to send for this event). The outbox's key is kept, so its dedupe key and
 * the integration's are the same.
 *
 * @example
 * ```ts
 * const deliver = forEvents(mail.deliver, alertMessageFromEvent); // held / recallOpened → e-mail
 * ```
 */
export function forEvents(
  deliver: Deliver,
  map: (event: StoredEvent) => OutboxMessage | undefined | Promise<OutboxMessage | undefined>,
): (delivery: EventDelivery) => Promise<void> {
  if (typeof deliver !== 'function') throw fieldIssue('forEvents', ['deliver'], 'expected a function');
  if (typeof map !== 'function') throw fieldIssue('forEvents', ['map'], 'expected a function');
  return async (delivery) => {
    const event = delivery?.payload;
    if (!event || typeof event.seq !== 'number' || typeof event.type !== 'string')
      throw new DeliveryError('outbox', 'the delivery carries no committed event', { retryable: false });
    const message = await map(event);
    if (message) await deliver({ ...message, key: delivery.key });
  };
}

/** `shipped` → the `edi.desadv` message of that shipment (for {@link forEvents} with `desadvSender`). */
export function desadvMessageFromEvent(event: StoredEvent): OutboxMessage | undefined {
  if (event.type !== 'shipped') return undefined;
  return {
    key: `desadv:${event.seq}`,
    topic: 'edi.desadv',
    payload: { shipmentId: (event.payload as { shipmentId: string }).shipmentId },
  };
}

/** Any event → the `erp.push` message of it (for {@link forEvents} with `erpPushSender`). */
export function erpPushMessageFromEvent(event: StoredEvent): OutboxMessage | undefined {
  return { key: `erp.push:${event.seq}`, topic: 'erp.push', payload: { seq: event.seq } };
}
