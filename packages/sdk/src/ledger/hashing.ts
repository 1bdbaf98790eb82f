import type { StoredEvent } from './events.js';
import { sha256HexSync } from './sha256.js';

/**
 * Canonical JSON: object keys sorted, `undefined` members dropped, no whitespace. Two equal values always
 * give the same string, whatever order their keys were written in (a store may re-order JSON keys).
 */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'string') return JSON.stringify(value);
    if (typeof value === 'number') return Number.isFinite(value) ? String(value) : 'null';
    if (typeof value === 'bigint') return JSON.stringify(value.toString());
    return JSON.stringify(value) ?? 'null';
  }
  // Built by concatenation (no intermediate arrays): this runs for every event hashed and verified.
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      const v: unknown = value[i];
      if (i > 0) out += ',';
      out += v === undefined ? 'null' : canonicalJson(v);
    }
    return `${out}]`;
  }
  const obj = value as Record<string, unknown>;
  const keys = sortedKeys(Object.keys(obj));
  let out = '{';
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    out += out.length > 1 ? `,${quotedKey(k)}:` : `${quotedKey(k)}:`;
    out += canonicalJson(v);
  }
  return `${out}}`;
}

/**
 * `keys` sorted in place as `Array.prototype.sort()` orders strings (by UTF-16 code units): insertion
 * sort for the few keys an event's objects have (no temporary array per object, as `sort` makes).
 */
function sortedKeys(keys: string[]): string[] {
  const n = keys.length;
  if (n > 24) return keys.sort();
  for (let i = 1; i < n; i++) {
    const k = keys[i] as string;
    let j = i - 1;
    while (j >= 0 && (keys[j] as string) > k) {
      keys[j + 1] = keys[j] as string;
      j--;
    }
    keys[j + 1] = k;
  }
  return keys;
}

/** JSON-quoted object keys, remembered: events repeat the same few dozen keys millions of times. */
const quotedKeys = new Map<string, string>();
function quotedKey(k: string): string {
  let q = quotedKeys.get(k);
  if (q === undefined) {
    q = JSON.stringify(k);
    if (quotedKeys.size < 4096) quotedKeys.set(k, q);
  }
  return q;
}

/**
 * What `JSON.parse(JSON.stringify(value))` returns, without the text in between: plain objects and
 * arrays, `undefined` members dropped (`null` in arrays), non-finite numbers as `null`, `toJSON` honoured
 * (a `Date` becomes its ISO string); a `bigint` throws as `JSON.stringify` does.
 */
export function jsonCopy(value: unknown): unknown {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      // -0 becomes 0, as in JSON text.
      return Number.isFinite(value) ? value + 0 : null;
    case 'object':
      break;
    default:
      // bigint throws like JSON.stringify; functions, symbols and undefined are not JSON values.
      return JSON.stringify(value) === undefined ? undefined : JSON.parse(JSON.stringify(value));
  }
  if (Array.isArray(value)) {
    const out = new Array(value.length);
    for (let i = 0; i < value.length; i++) {
      const v = jsonCopy(value[i]);
      out[i] = v === undefined ? null : v;
    }
    return out;
  }
  const proto = Object.getPrototypeOf(value);
  if (
    (proto !== Object.prototype && proto !== null) ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  )
    return JSON.parse(JSON.stringify(value) ?? 'null');
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = jsonCopy((value as Record<string, unknown>)[k]);
    if (v === undefined) continue;
    // A data key named "__proto__" stays a key (as JSON.parse makes it), not the prototype.
    if (k === '__proto__')
      Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
    else out[k] = v;
  }
  return out;
}

/**
 * SHA-256 hex digest of a UTF-8 string. Computed synchronously in plain TypeScript (see `sha256.ts`); the
 * promise is kept so the signature stays stable should a host offer a faster digest.
 */
export async function sha256Hex(text: string): Promise<string> {
  return sha256HexSync(text);
}

/** The hash of an event: SHA-256 over the canonical JSON of every field except `hash`. */
export async function hashEvent(e: Omit<StoredEvent, 'hash'> & { hash?: string }): Promise<string> {
  return hashEventSync(e);
}

/** {@link hashEvent}, synchronously. */
export function hashEventSync(e: Omit<StoredEvent, 'hash'> & { hash?: string }): string {
  const { hash: _ignored, ...rest } = e;
  return sha256HexSync(canonicalJson(rest));
}
