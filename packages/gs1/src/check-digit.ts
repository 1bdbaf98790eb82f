/** GS1 mod-10 check digit of a string of digits (the data without its check digit). */
export function gs1CheckDigit(digits: string): number {
  let sum = 0;
  let weight = 3;
  for (let i = digits.length - 1; i >= 0; i--) {
    sum += (digits.charCodeAt(i) - 48) * weight;
    weight = 4 - weight;
  }
  return (10 - (sum % 10)) % 10;
}

/** Does a string of digits end with a correct GS1 mod-10 check digit? */
export function hasValidCheckDigit(digits: string): boolean {
  if (digits.length < 2) return false;
  for (let i = 0; i < digits.length; i++) {
    const c = digits.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return gs1CheckDigit(digits.slice(0, -1)) === digits.charCodeAt(digits.length - 1) - 48;
}

/** CSET 82 in the order that gives each character its weight for the alphanumeric check pair. */
const CSET82_ORDER = '!"%&\'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz';
/** The 32 characters a check character can take. */
export const CSET32 = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

const PRIMES: number[] = [];
for (let n = 2; PRIMES.length < 97; n++) {
  let prime = true;
  for (const p of PRIMES) {
    if (p * p > n) break;
    if (n % p === 0) {
      prime = false;
      break;
    }
  }
  if (prime) PRIMES.push(n);
}

/**
 * GS1 alphanumeric check character pair for CSET 82 data (General Specifications "Check character
 * calculation for alphanumeric keys"): sum of character values weighted by primes from the right, mod 1021,
 * split into two 5-bit indexes into CSET 32. Returns undefined if the data cannot carry a pair.
 */
export function gs1CheckCharacterPair(data: string): string | undefined {
  if (data.length > PRIMES.length) return undefined;
  let sum = 0;
  for (let i = 0; i < data.length; i++) {
    const v = CSET82_ORDER.indexOf(data[i] as string);
    if (v < 0) return undefined;
    sum += v * (PRIMES[data.length - 1 - i] as number);
  }
  sum %= 1021;
  return (CSET32[sum >> 5] as string) + (CSET32[sum & 31] as string);
}
