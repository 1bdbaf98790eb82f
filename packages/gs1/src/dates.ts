const num2 = (s: string, i: number) => (s.charCodeAt(i) - 48) * 10 + (s.charCodeAt(i + 1) - 48);
const PAD2 = Array.from({ length: 100 }, (_, n) => (n < 10 ? `0${n}` : String(n)));
const pad2 = (n: number): string => PAD2[n] ?? String(n);

/** Number of days in a month of a (four-digit) year. */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Today's date in UTC as `YYYY-MM-DD`. */
export function todayIso(): string {
  const d = new Date();
  return `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
}

/**
 * Resolve a two-digit year by the GS1 General Specifications sliding window (§7.12): the year lies
 * within 49 years before and 50 years after the reference year.
 */
export function resolveTwoDigitYear(yy: number, referenceYear: number): number {
  const century = referenceYear - (referenceYear % 100);
  const diff = yy - (referenceYear % 100);
  if (diff >= 51) return century - 100 + yy;
  if (diff <= -50) return century + 100 + yy;
  return century + yy;
}

/**
 * Convert a GS1 `YYMMDD` date to `YYYY-MM-DD`. `DD=00` becomes the last day of the month when
 * `zeroDayIsEndOfMonth` (AIs linted `yymmd0`). Returns undefined for impossible dates.
 */
export function gs1DateToIso(yymmdd: string, referenceYear: number, zeroDayIsEndOfMonth: boolean) {
  const yy = num2(yymmdd, 0);
  const mm = num2(yymmdd, 2);
  let dd = num2(yymmdd, 4);
  const year = resolveTwoDigitYear(yy, referenceYear);
  if (!(mm >= 1 && mm <= 12)) return undefined;
  if (dd === 0 && zeroDayIsEndOfMonth) dd = daysInMonth(year, mm);
  if (!(dd >= 1 && dd <= daysInMonth(year, mm))) return undefined;
  return `${year}-${pad2(mm)}-${pad2(dd)}`;
}

/** Is `s` a `YYYY-MM-DD` calendar date? */
export function isIsoDate(s: string): boolean {
  if (s.length !== 10 || s[4] !== '-' || s[7] !== '-') return false;
  const y = Number(s.slice(0, 4));
  const m = Number(s.slice(5, 7));
  const d = Number(s.slice(8, 10));
  return Number.isInteger(y) && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

/** Convert `YYYYMMDD` to `YYYY-MM-DD` (DD=00 → last day of month when allowed); undefined if impossible. */
export function fullDateToIso(yyyymmdd: string, zeroDayIsEndOfMonth: boolean): string | undefined {
  const year = Number(yyyymmdd.slice(0, 4));
  const mm = Number(yyyymmdd.slice(4, 6));
  let dd = Number(yyyymmdd.slice(6, 8));
  if (!(mm >= 1 && mm <= 12)) return undefined;
  if (dd === 0 && zeroDayIsEndOfMonth) dd = daysInMonth(year, mm);
  if (!(dd >= 1 && dd <= daysInMonth(year, mm))) return undefined;
  return `${yyyymmdd.slice(0, 4)}-${pad2(mm)}-${pad2(dd)}`;
}
