/**
 * Credentials of the customer feed: API keys compared in constant time (over their SHA-256, so the
 * comparison's length never depends on the secret), and HMAC-signed URLs that expire.
 *
 * @module
 */
import { hmacSha256Hex, sha256 } from '@lotgraph/sdk';

/** Compare two byte strings in time that depends only on their lengths (equal here: both SHA-256). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

const enc = new TextEncoder();

/** True when `presented` equals one of `keys` (every key is compared, so timing does not tell which). */
export function matchesApiKey(presented: string, keys: readonly string[]): boolean {
  const p = sha256(enc.encode(presented));
  let ok = false;
  for (const k of keys) ok = constantTimeEqual(p, sha256(enc.encode(k))) || ok;
  return ok;
}

/** The string a feed URL's signature covers: the path and the expiry (Unix seconds). */
const signed = (path: string, expires: number) => `GET\n${path}\n${expires}`;

/** The `sig` of a path that expires at `expires` (Unix seconds). */
export function feedSignature(secret: string, path: string, expires: number): string {
  return hmacSha256Hex(secret, signed(path, expires));
}

/** Check a signed path: a valid signature and an expiry not yet passed. */
export function checkSignature(
  secret: string,
  path: string,
  expires: string | null,
  sig: string | null,
  nowMs: number,
): 'ok' | 'expired' | 'bad' {
  if (!expires || !sig || !/^\d{1,12}$/.test(expires) || !/^[0-9a-f]{64}$/.test(sig)) return 'bad';
  const want = feedSignature(secret, path, Number(expires));
  if (!constantTimeEqual(enc.encode(want), enc.encode(sig))) return 'bad';
  return Number(expires) * 1000 < nowMs ? 'expired' : 'ok';
}
