import type { Charset } from './dictionary';

function table(chars: string): Uint8Array {
  const t = new Uint8Array(128);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const DIGITS = '0123456789';
const UPPER = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const LOWER = 'abcdefghijklmnopqrstuvwxyz';

/** CSET 82: the characters allowed in `X` components. */
export const CSET82 = `!"%&'()*+,-./${DIGITS}:;<=>?${UPPER}_${LOWER}`;
/** CSET 39: the characters allowed in `Y` components. */
export const CSET39 = `#-/${DIGITS}${UPPER}`;
/** CSET 64 (base64url): the characters allowed in `Z` components, `=` only as trailing padding. */
export const CSET64 = `-${DIGITS}${UPPER}_${LOWER}`;

const TABLES: Record<Charset, Uint8Array> = {
  N: table(DIGITS),
  X: table(CSET82),
  Y: table(CSET39),
  Z: table(CSET64),
};

/** Membership table of a character set (index by char code < 128). */
export function charsetTable(charset: Charset): Uint8Array {
  return TABLES[charset];
}

/** Index of the first character of `s` outside the character set, or -1. */
export function firstInvalidChar(s: string, charset: Charset, t: Uint8Array = TABLES[charset]): number {
  let end = s.length;
  if (charset === 'Z') {
    // base64url padding: at most two '=' at the very end.
    while (end > 0 && end > s.length - 2 && s[end - 1] === '=') end--;
  }
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || t[c] !== 1) return i;
  }
  return -1;
}

/** Human name of a character set, for messages. */
export const CHARSET_NAME: Record<Charset, string> = {
  N: 'numeric',
  X: 'CSET 82',
  Y: 'CSET 39',
  Z: 'CSET 64',
};
