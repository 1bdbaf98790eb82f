/**
 * OData v2 JSON over HTTP as SAP S/4HANA and Exact Online serve it: `{ d: { results, __next } }` pages,
 * `/Date(ms)/` dates, throttling (429 + Retry-After) and transient 5xx retried with backoff.
 *
 * @module
 */
import { DeliveryError } from '../message.js';

/** HTTP settings shared by the ERP connectors. */
export interface HttpOptions {
  /** Extra headers on every request (e.g. `authorization`). */
  headers?: Record<string, string>;
  /** Attempts per request for 429 / 5xx / network errors (default 5). */
  attempts?: number;
  /** First backoff in ms, doubled per attempt (default 500); `Retry-After` wins when the server sends it. */
  backoffMs?: number;
  /** Longest wait honoured (default 60 000 ms); a longer Retry-After fails the request as retryable. */
  maxWaitMs?: number;
  fetch?: typeof fetch;
  /** How to wait (default setTimeout); tests may count the waits. */
  sleep?: (ms: number) => Promise<void>;
}

const sleepMs = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Parse Retry-After (seconds or an HTTP date) into ms. */
export function retryAfterMs(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const t = Date.parse(value);
  return Number.isNaN(t) ? undefined : Math.max(0, t - now);
}

/** One HTTP request with the retry policy; returns the response (2xx) or throws {@link DeliveryError}. */
export async function request(
  integration: string,
  url: string,
  init: RequestInit,
  opts: HttpOptions = {},
): Promise<Response> {
  const f = opts.fetch ?? fetch;
  const attempts = opts.attempts ?? 5;
  const sleep = opts.sleep ?? sleepMs;
  let backoff = opts.backoffMs ?? 500;
  const maxWait = opts.maxWaitMs ?? 60_000;
  let last: DeliveryError | undefined;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    let res: Response;
    try {
      res = await f(url, {
        ...init,
        headers: { accept: 'application/json', ...opts.headers, ...(init.headers as Record<string, string>) },
      });
    } catch (e) {
      last = new DeliveryError(
        integration,
        `${init.method ?? 'GET'} ${url} failed: ${(e as Error).message}`,
        { retryable: true, cause: e },
      );
      if (attempt < attempts) await sleep(backoff);
      backoff *= 2;
      continue;
    }
    if (res.ok) return res;
    const body = await res.text().catch(() => '');
    const wait = retryAfterMs(res.headers.get('retry-after'));
    const retryable = res.status === 408 || res.status === 429 || res.status >= 500;
    last = new DeliveryError(
      integration,
      `${init.method ?? 'GET'} ${url} answered ${res.status}: ${body.slice(0, 200)}`,
      {
        retryable,
        status: res.status,
        ...(wait !== undefined ? { retryAfterMs: wait } : {}),
      },
    );
    if (!retryable || attempt === attempts) throw last;
    if (wait !== undefined && wait > maxWait) throw last;
    await sleep(wait ?? backoff);
    backoff *= 2;
  }
  throw last as DeliveryError;
}

/** GET one OData v2 page: `d.results` and `d.__next`. */
export async function getPage(
  integration: string,
  url: string,
  opts: HttpOptions,
): Promise<{ results: Record<string, unknown>[]; next?: string }> {
  const res = await request(integration, url, { method: 'GET' }, opts);
  let body: unknown;
  try {
    body = await res.json();
  } catch (e) {
    throw new DeliveryError(integration, `GET ${url}: the answer is not JSON`, {
      retryable: false,
      cause: e,
    });
  }
  const d = (body as { d?: { results?: unknown; __next?: unknown } } | null)?.d;
  if (!d || !Array.isArray(d.results))
    throw new DeliveryError(
      integration,
      `GET ${url}: expected an OData v2 collection { d: { results: [...] } }`,
      { retryable: false },
    );
  const next =
    typeof d.__next === 'string' && d.__next !== '' ? new URL(d.__next, url).toString() : undefined;
  return { results: d.results as Record<string, unknown>[], ...(next ? { next } : {}) };
}

/** `/Date(1709251200000)/` or `/Date(1709251200000+0000)/` → an ISO instant; undefined for null/empty. */
export function odataInstant(v: unknown, field: string, integration: string): string | undefined {
  if (v === null || v === undefined || v === '') return undefined;
  const m = typeof v === 'string' ? /^\/Date\((-?\d+)([+-]\d{4})?\)\/$/.exec(v) : null;
  if (!m) {
    if (typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /^\d{4}-\d{2}-\d{2}/.test(v))
      return new Date(Date.parse(/[zZ]|[+-]\d{2}:?\d{2}$/.test(v) ? v : `${v}Z`)).toISOString();
    throw new DeliveryError(integration, `${field}: expected an OData date, got ${JSON.stringify(v)}`, {
      retryable: false,
    });
  }
  return new Date(Number(m[1])).toISOString();
}

/** An OData date → `YYYY-MM-DD` (the UTC day; SAP sends dates as midnight UTC). */
export function odataDay(v: unknown, field: string, integration: string): string | undefined {
  return odataInstant(v, field, integration)?.slice(0, 10);
}

/** An OData decimal (string "12.500" in v2, or a JSON number) → an exact decimal string, sign dropped. */
export function odataDecimal(
  v: unknown,
  field: string,
  integration: string,
): { value: string; negative: boolean } {
  const s = typeof v === 'number' && Number.isFinite(v) ? String(v) : typeof v === 'string' ? v.trim() : '';
  const m = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(s);
  if (!m)
    throw new DeliveryError(integration, `${field}: expected a decimal, got ${JSON.stringify(v)}`, {
      retryable: false,
    });
  const frac = (m[3] ?? '').replace(/0+$/, '');
  const int = m[2]!.replace(/^0+(?=\d)/, '');
  return { value: frac ? `${int}.${frac}` : int, negative: m[1] === '-' };
}

/** Quote a value for an OData key predicate or filter (`'` doubled). */
export const odataString = (s: string) => `'${s.replaceAll("'", "''")}'`;

/** An ISO instant → OData v2 `datetime'YYYY-MM-DDTHH:MM:SS'` literal. */
export const odataDateTime = (iso: string) => `datetime'${iso.slice(0, 19)}'`;
