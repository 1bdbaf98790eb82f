import type { StoredEvent } from './events.js';

/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, no whitespace. Two equal values always
 * give the same string, whatever order their keys were written in (a store may re-order JSON keys).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    if (typeof value === 'number' && !Number.isFinite(value)) return 'null';
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value))
    return `[${value.map((v) => (v === undefined ? 'null' : canonicalJson(v))).join(',')}]`;
  const obj = value as Record<string, unknown>;
  const keys = Object.keys(obj)
    .filter((k) => obj[k] !== undefined)
    .sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(obj[k])}`).join(',')}}`;
}

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

/** SHA-256 hex digest of a UTF-8 string, via WebCrypto (Node ≥ 20 and browsers). */
export async function sha256Hex(text: string): Promise<string> {
  const bytes = new TextEncoder().encode(text);
  const digest = new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', bytes));
  let out = '';
  for (const b of digest) out += HEX[b];
  return out;
}

/** The hash of an event: SHA-256 over the canonical JSON of every field except `hash`. */
export function hashEvent(e: Omit<StoredEvent, 'hash'> & { hash?: string }): Promise<string> {
  const { hash: _ignored, ...rest } = e;
  return sha256Hex(canonicalJson(rest));
}
