/**
 * Webhooks: push committed events to an HTTP endpoint, signed so the receiver can prove who sent them and
 * when, and verify them on the receiving side.
 *
 * Signature scheme (v1), close to Stripe's and Svix's: the sender signs `"{timestamp}.{eventId}.{body}"`
 * with HMAC-SHA256 under the shared secret and sends
 * - `x-lotgraph-timestamp`: Unix seconds when the attempt was made,
 * - `x-lotgraph-event-id`: a stable id of the event (`{seq}-{first 16 hex of its hash}`; the same on retries,
 *   so a receiver processes an event once by this id),
 * - `x-lotgraph-signature`: `v1=<hex>`.
 * {@link verifyWebhook} recomputes it, compares in constant time and refuses timestamps older (or newer)
 * than a tolerance, which stops a captured request from being replayed later.
 *
 * @module
 */
import { closestKey } from '../domain/validate.js';
import { ErrorCodes, fieldError, LotgraphError } from '../errors.js';
import { EVENT_TYPES, type EventType, type StoredEvent } from '../ledger/events.js';
import { hmacSha256Hex } from './alerts.js';

/** A subscriber to committed events. */
export type EventHandler = (event: StoredEvent) => void | Promise<void>;

/** Options of {@link webhookSender}. */
export interface WebhookOptions {
  /** Where to POST each event (http or https). */
  url: string;
  /** Shared secret (at least 16 characters): each POST is signed with it (see the module docs). */
  secret: string;
  /** Attempts per event (1–100, default 5); backoff starts at `backoffMs` (default 200) and doubles. */
  attempts?: number;
  backoffMs?: number;
  /** Longest wait between attempts, also for `Retry-After` (default 60 000 ms). */
  maxBackoffMs?: number;
  /** Abort an attempt that has not answered after this long (default 10 000 ms). */
  timeoutMs?: number;
  /** Event types to send (default: all). */
  types?: readonly EventType[];
  /**
   * Called when an event could not be delivered: after the last attempt, or at once for a final 4xx or a
   * redirect. It may be async; a throw or a rejection is ignored (it never stops the queue).
   */
  onFailure?: (event: StoredEvent, error: LotgraphError) => void;
  /** The fetch to use (default: the global one). */
  fetch?: typeof fetch;
  /** Clock in ms (default `Date.now`), for the timestamp header. */
  now?: () => number;
}

/** The headers a webhook request carries. */
export const WEBHOOK_HEADERS = {
  timestamp: 'x-lotgraph-timestamp',
  eventId: 'x-lotgraph-event-id',
  signature: 'x-lotgraph-signature',
  eventType: 'x-lotgraph-event',
  attempt: 'x-lotgraph-attempt',
} as const;

const MIN_SECRET = 16;

const OPTION_KEYS: readonly (keyof WebhookOptions)[] = [
  'url',
  'secret',
  'attempts',
  'backoffMs',
  'maxBackoffMs',
  'timeoutMs',
  'types',
  'onFailure',
  'fetch',
  'now',
];
const VERIFY_KEYS = ['toleranceS', 'now'] as const;

/** Refuse keys an options object does not know (a typo such as `timeout` would otherwise be ignored). */
function checkKeys(opts: object, known: readonly string[]): void {
  for (const key of Object.keys(opts))
    if (!known.includes(key)) {
      const hint = closestKey(key, known);
      throw fieldError([key], `unknown option${hint ? ` (did you mean "${hint}"?)` : ''}`);
    }
}

/** An absolute http(s) URL with a host and no credentials (fetch refuses `user:pass@` URLs). */
function checkUrl(url: unknown): string {
  let parsed: URL | undefined;
  try {
    parsed = typeof url === 'string' && /^https?:\/\//i.test(url) ? new URL(url) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!parsed || (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') || !parsed.hostname)
    throw fieldError(['url'], 'expected an absolute http(s) URL', url);
  if (parsed.username || parsed.password)
    throw fieldError(['url'], 'must not carry credentials (authenticate with the signature)');
  return url as string;
}

/** The stable id of an event in webhook headers. */
export const webhookEventId = (e: Pick<StoredEvent, 'seq' | 'hash'>) => `${e.seq}-${e.hash.slice(0, 16)}`;

/** The v1 signature of a webhook request: HMAC-SHA256 of `"{timestamp}.{eventId}.{body}"`, hex. */
export function signWebhook(secret: string, timestamp: string, eventId: string, body: string): string {
  return `v1=${hmacSha256Hex(secret, `${timestamp}.${eventId}.${body}`)}`;
}

function checkSecret(secret: unknown): string {
  if (typeof secret !== 'string' || secret.length < MIN_SECRET)
    throw fieldError(['secret'], `must be a string of at least ${MIN_SECRET} characters`);
  return secret;
}

function intOption(name: string, v: unknown, min: number, max: number, def: number): number {
  if (v === undefined) return def;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min || v > max)
    throw fieldError([name], `must be an integer from ${min} to ${max}`, v);
  return v;
}

/** A failed delivery: the HTTP status (when there was an answer), the attempts made and why it stopped. */
function deliveryError(
  event: StoredEvent,
  attempts: number,
  reason: string,
  status?: number,
  extra: { retryable?: boolean; retryAfterMs?: number } = {},
): LotgraphError {
  return new LotgraphError(
    ErrorCodes.WEBHOOK_FAILED,
    `webhook delivery of seq ${event.seq} failed after ${attempts} attempt(s): ${reason}`,
    { seq: event.seq, attempts, reason, ...(status !== undefined ? { status } : {}), ...extra },
  );
}

const retryable = (status: number) => status === 408 || status === 429 || status >= 500;

/** `Retry-After` as milliseconds (seconds or an HTTP date), if present and sane. */
function retryAfterMs(value: string | null, now: number): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

interface PostSettings {
  url: string;
  secret: string;
  timeout: number;
  doFetch: typeof fetch;
  now: () => number;
}

/**
 * One signed POST of `event` (attempt number `attempt`): undefined when the receiver took it, else the
 * failure, with `details.retryable` (network error, timeout, 408, 429, 5xx) and `details.retryAfterMs`.
 */
async function postOnce(
  s: PostSettings,
  event: StoredEvent,
  attempt: number,
): Promise<LotgraphError | undefined> {
  const body = JSON.stringify(event);
  const eventId = webhookEventId(event);
  const timestamp = String(Math.floor(s.now() / 1000));
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), s.timeout);
  try {
    const res = await s.doFetch(s.url, {
      method: 'POST',
      redirect: 'manual',
      signal: controller.signal,
      headers: {
        'content-type': 'application/json',
        [WEBHOOK_HEADERS.timestamp]: timestamp,
        [WEBHOOK_HEADERS.eventId]: eventId,
        [WEBHOOK_HEADERS.signature]: signWebhook(s.secret, timestamp, eventId, body),
        [WEBHOOK_HEADERS.eventType]: event.type,
        [WEBHOOK_HEADERS.attempt]: String(attempt),
      },
      body,
    });
    await res.arrayBuffer().catch(() => undefined); // free the connection
    if (res.ok) return undefined;
    const status = res.status;
    if (res.type === 'opaqueredirect' || (status >= 300 && status < 400))
      return deliveryError(
        event,
        attempt,
        'redirect refused (the signed body is not sent elsewhere)',
        status,
        {
          retryable: false,
        },
      );
    const again = retryable(status);
    const after = again ? retryAfterMs(res.headers.get('retry-after'), s.now()) : undefined;
    return deliveryError(event, attempt, `HTTP ${status}`, status, {
      retryable: again,
      ...(after !== undefined ? { retryAfterMs: after } : {}),
    });
  } catch (e) {
    const aborted = controller.signal.aborted;
    return deliveryError(
      event,
      attempt,
      aborted ? `no answer within ${s.timeout} ms` : `network error: ${String((e as Error)?.message ?? e)}`,
      undefined,
      { retryable: true },
    );
  } finally {
    clearTimeout(timer);
  }
}

/** Options of {@link webhookDelivery}. */
export type WebhookDeliveryOptions = Pick<WebhookOptions, 'url' | 'secret' | 'timeoutMs' | 'fetch' | 'now'>;

/**
 * Webhooks on the transactional outbox: a `deliver` for `lg.outbox.subscribe` that makes ONE signed POST
 * per attempt (same headers and signature as {@link webhookSender}; `x-lotgraph-attempt` is the outbox's
 * attempt) and throws a `WEBHOOK_FAILED` error whose `details.retryable` and `details.retryAfterMs` tell
 * the dispatcher whether and when to retry. Retries, backoff, dead letters and replay are the outbox's,
 * and survive restarts.
 *
 * @example
 * ```ts
 * await lg.outbox.subscribe('wms-hook', {
 *   types: ['held', 'released'],
 *   deliver: webhookDelivery({ url: 'https://wms.example/hooks', secret: process.env.HOOK_SECRET! }),
 * });
 * ```
 */
export function webhookDelivery(
  opts: WebhookDeliveryOptions,
): (message: { payload: StoredEvent; attempt: number }) => Promise<void> {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts))
    throw fieldError(['options'], 'must be an object');
  checkKeys(opts, ['url', 'secret', 'timeoutMs', 'fetch', 'now']);
  for (const name of ['fetch', 'now'] as const)
    if (opts[name] !== undefined && typeof opts[name] !== 'function')
      throw fieldError([name], 'must be a function');
  const post: PostSettings = {
    url: checkUrl(opts.url),
    secret: checkSecret(opts.secret),
    timeout: intOption('timeoutMs', opts.timeoutMs, 1, 600_000, 10_000),
    doFetch: opts.fetch ?? fetch,
    now: opts.now ?? Date.now,
  };
  return async (message) => {
    const failure = await postOnce(post, message.payload, message.attempt);
    if (failure) throw failure;
  };
}

/**
 * A handler (for `lg.on`) that POSTs each event as JSON to `url`, signed (see the module docs). One event
 * at a time, in ledger order. Retries network errors, timeouts, 408, 429 and 5xx with exponential backoff
 * (honouring `Retry-After`, capped); any other 4xx is final; a redirect is never followed (the signed body
 * must not go elsewhere) and counts as a failure. `flush()` waits until the queue is empty.
 *
 * @example
 * ```ts
 * lg.on('held', webhookSender({ url: 'https://wms.example/hooks', secret: process.env.HOOK_SECRET! }));
 * ```
 */
export function webhookSender(opts: WebhookOptions): EventHandler & { flush(): Promise<void> } {
  if (opts === null || typeof opts !== 'object' || Array.isArray(opts))
    throw fieldError(['options'], 'must be an object');
  checkKeys(opts, OPTION_KEYS);
  const url = checkUrl(opts.url);
  const secret = checkSecret(opts.secret);
  const attempts = intOption('attempts', opts.attempts, 1, 100, 5);
  const backoff = intOption('backoffMs', opts.backoffMs, 0, 3_600_000, 200);
  const maxBackoff = intOption('maxBackoffMs', opts.maxBackoffMs, 0, 3_600_000, 60_000);
  const timeout = intOption('timeoutMs', opts.timeoutMs, 1, 600_000, 10_000);
  if (opts.types !== undefined && !Array.isArray(opts.types))
    throw fieldError(['types'], 'must be a list of event types', opts.types);
  for (const [i, t] of (opts.types ?? []).entries())
    if (!(EVENT_TYPES as readonly unknown[]).includes(t))
      throw fieldError(['types', i], 'is not an event type', t);
  const types = opts.types ? [...opts.types] : undefined;
  for (const name of ['onFailure', 'fetch', 'now'] as const)
    if (opts[name] !== undefined && typeof opts[name] !== 'function')
      throw fieldError([name], 'must be a function');
  const doFetch = opts.fetch ?? fetch;
  const now = opts.now ?? Date.now;
  let queue: Promise<void> = Promise.resolve();

  const post = { url, secret, timeout, doFetch, now };
  const send = async (event: StoredEvent) => {
    let failure: LotgraphError | undefined;
    for (let i = 1; i <= attempts; i++) {
      failure = await postOnce(post, event, i);
      if (!failure) return;
      if (failure.details.retryable !== true) break;
      const wait = (failure.details.retryAfterMs as number | undefined) ?? backoff * 2 ** (i - 1);
      if (i < attempts) await new Promise((r) => setTimeout(r, Math.min(maxBackoff, wait)));
    }
    if (failure) fail(event, failure);
  };
  /** Hand a failure to `onFailure`; neither a throw nor a rejection of it may stop the queue. */
  const fail = (event: StoredEvent, error: LotgraphError) => {
    try {
      const r: unknown = opts.onFailure?.(event, error);
      if (typeof (r as PromiseLike<void> | undefined)?.then === 'function')
        (r as PromiseLike<void>).then(undefined, () => {}); // any thenable, other realms included
    } catch {
      // ignored, see above
    }
  };
  const handler = ((event: StoredEvent) => {
    if (types && !types.includes(event.type)) return;
    queue = queue.then(() =>
      send(event).catch((e: unknown) =>
        // Anything unexpected (a throwing clock, an unserialisable event) fails this event, not the queue.
        fail(event, deliveryError(event, 0, `not sent: ${String((e as Error)?.message ?? e)}`)),
      ),
    );
  }) as EventHandler & { flush(): Promise<void> };
  handler.flush = () => queue;
  return handler;
}

/** Headers as a plain object (any case) or a `Headers` instance. */
export type WebhookHeaders = Headers | Record<string, string | string[] | undefined>;

function header(headers: WebhookHeaders, name: string): string | undefined {
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  for (const [k, v] of Object.entries(headers as Record<string, string | string[] | undefined>))
    if (k.toLowerCase() === name) return Array.isArray(v) ? v[0] : v;
  return undefined;
}

/** Equal strings, compared in time that depends only on their length. */
function constantTimeEqual(a: string, b: string): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= a.charCodeAt(i) ^ b.charCodeAt(i);
  return diff === 0;
}

/**
 * Verify a webhook request on the receiving side: the signature over timestamp, event id and the raw body
 * (compared in constant time) and a timestamp within `toleranceS` (default 300 s) of now. Returns the
 * event; throws `VALIDATION_FAILED` naming the header at fault otherwise.
 *
 * @example
 * ```ts
 * const event = verifyWebhook(secret, req.headers, rawBody); // throws LotgraphError when forged or stale
 * ```
 */
export function verifyWebhook(
  secret: string,
  headers: WebhookHeaders,
  body: string,
  options: { toleranceS?: number; now?: () => number } = {},
): StoredEvent {
  checkSecret(secret);
  if (options === null || typeof options !== 'object' || Array.isArray(options))
    throw fieldError(['options'], 'must be an object');
  checkKeys(options, VERIFY_KEYS);
  if (options.now !== undefined && typeof options.now !== 'function')
    throw fieldError(['now'], 'must be a function');
  if (headers === null || typeof headers !== 'object') throw fieldError(['headers'], 'must be an object');
  if (typeof body !== 'string') throw fieldError(['body'], 'must be the raw request body as a string');
  const tolerance = intOption('toleranceS', options.toleranceS, 1, 86_400, 300);
  const timestamp = header(headers, WEBHOOK_HEADERS.timestamp);
  const eventId = header(headers, WEBHOOK_HEADERS.eventId);
  const signature = header(headers, WEBHOOK_HEADERS.signature);
  if (!timestamp || !/^\d{1,12}$/.test(timestamp))
    throw fieldError([WEBHOOK_HEADERS.timestamp], 'missing or not Unix seconds', timestamp);
  if (!eventId) throw fieldError([WEBHOOK_HEADERS.eventId], 'missing');
  if (!signature) throw fieldError([WEBHOOK_HEADERS.signature], 'missing');
  const expected = signWebhook(secret, timestamp, eventId, body);
  if (!constantTimeEqual(signature, expected))
    throw fieldError([WEBHOOK_HEADERS.signature], 'does not match the body, timestamp and event id');
  const age = Math.floor((options.now ?? Date.now)() / 1000) - Number(timestamp);
  if (Math.abs(age) > tolerance)
    throw fieldError(
      [WEBHOOK_HEADERS.timestamp],
      `is ${age} s away from now (tolerance ${tolerance} s)`,
      timestamp,
    );
  let event: StoredEvent;
  try {
    event = JSON.parse(body) as StoredEvent;
  } catch {
    throw fieldError(['body'], 'is not JSON');
  }
  if (event === null || typeof event !== 'object' || webhookEventId(event) !== eventId)
    throw fieldError([WEBHOOK_HEADERS.eventId], 'does not name the event in the body', eventId);
  return event;
}
