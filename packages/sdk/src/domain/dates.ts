import * as z from 'zod';

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** True when `s` is a real calendar date written `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  const m = DATE_RE.exec(s);
  if (!m) return false;
  const y = Number(m[1]);
  const mo = Number(m[2]);
  const d = Number(m[3]);
  if (mo < 1 || mo > 12 || d < 1) return false;
  return d <= daysInMonth(y, mo);
}

/** Days in month `mo` (1–12) of year `y` (proleptic Gregorian). */
export function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** A calendar date `YYYY-MM-DD` (expiry, best-before, production date). Never a `Date` object. */
export const IsoDate = z
  .string()
  .max(10, { message: 'must be a calendar date YYYY-MM-DD' })
  .refine(isIsoDate, { message: 'must be a calendar date YYYY-MM-DD' });

const INSTANT_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,9})?(Z|[+-]\d{2}:\d{2})$/;

/** An ISO-8601 instant with an explicit offset, e.g. `2026-03-01T08:00:00Z`. */
export const Instant = z
  .string()
  .max(40, { message: 'must be an ISO-8601 instant with offset, e.g. 2026-03-01T08:00:00Z' })
  .refine((s) => INSTANT_RE.test(s) && !Number.isNaN(Date.parse(s)), {
    message: 'must be an ISO-8601 instant with offset, e.g. 2026-03-01T08:00:00Z',
  });

/** The last instant normalised and its result: a command normalises the same instants several times. */
let lastInstant: string | undefined;
let lastUtc = '';

/** Normalise an ISO-8601 instant to UTC `YYYY-MM-DDTHH:mm:ss.sssZ`. */
export function toUtcInstant(s: string): string {
  if (s === lastInstant) return lastUtc;
  const utc = new Date(Date.parse(s)).toISOString();
  lastInstant = s;
  lastUtc = utc;
  return utc;
}

/** The UTC calendar day of an instant. */
export function dayOf(instant: string): string {
  return toUtcInstant(instant).slice(0, 10);
}

/**
 * The one predicate that decides whether a lot with expiry `expiry` is expired on day `day`.
 * Expiry is inclusive: a lot is usable through its expiry day, expired from the next day on.
 * A lot without an expiry never expires.
 */
export function isExpiredOn(expiry: string | undefined | null, day: string): boolean {
  if (!expiry) return false;
  return day > expiry;
}
