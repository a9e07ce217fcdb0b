/**
 * Fast formatting of instants in Vietnam time (UTC+7, no daylight saving). `Date#toISOString`
 * costs about 2 µs a call, and the orders export formats four dates per order, so the calendar
 * part is cached per day and the clock part comes from a table.
 */
const VN_OFFSET_MS = 7 * 3_600_000;
const DAY_MS = 86_400_000;

const TWO_DIGITS = Array.from({ length: 60 }, (_, i) => String(i).padStart(2, '0'));
const dayCache = new Map<number, string>();

/** `YYYY-MM-DD` of a day number (days since 1970-01-01 on the Vietnamese calendar). */
function calendarDay(day: number): string {
  let s = dayCache.get(day);
  if (s === undefined) {
    s = new Date(day * DAY_MS).toISOString().slice(0, 10);
    dayCache.set(day, s);
  }
  return s;
}

/** Shopify's export form in Vietnam time: `2024-03-05 14:03:11 +0700`; '' for undefined. */
export function shopifyDate(ms: number | undefined): string {
  if (ms === undefined) return '';
  const local = ms + VN_OFFSET_MS;
  const day = Math.floor(local / DAY_MS);
  const seconds = Math.floor((local - day * DAY_MS) / 1000);
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  return `${calendarDay(day)} ${TWO_DIGITS[h]}:${TWO_DIGITS[m]}:${TWO_DIGITS[seconds % 60]} +0700`;
}

/** Month (1-12) of an instant in Vietnam. */
export function vnMonthNumber(ms: number): number {
  return Number(calendarDay(Math.floor((ms + VN_OFFSET_MS) / DAY_MS)).slice(5, 7));
}
