import type { StoredEvent } from './events.js';
import { sha256HexSync } from './sha256.js';

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
  const keys = Object.keys(obj).sort();
  let out = '{';
  let first = true;
  for (const k of keys) {
    const v = obj[k];
    if (v === undefined) continue;
    if (!first) out += ',';
    first = false;
    out += `${JSON.stringify(k)}:${canonicalJson(v)}`;
  }
  return `${out}}`;
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
