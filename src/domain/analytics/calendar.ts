/**
 * The shop's calendar: days and months in the shop's IANA time zone (Asia/Ho_Chi_Minh by default).
 * An order at 23:30 UTC is the next morning in Vietnam, so every "day" and "month" in the analytics
 * is a local one; SQL computes the same with `AT TIME ZONE` (see `localDaySql`).
 */

const MS_PER_DAY = 86_400_000;

const formatters = new Map<string, Intl.DateTimeFormat>();

function formatterFor(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** Throws a clear error for a time zone Intl does not know (it would otherwise reach SQL). */
export function assertTimeZone(timeZone: string): string {
  try {
    formatterFor(timeZone);
  } catch {
    throw new Error(`unknown time zone: ${timeZone}`);
  }
  return timeZone;
}

/** 'YYYY-MM-DD' of an instant in the zone. */
export function localDay(instant: Date, timeZone: string): string {
  const parts = formatterFor(timeZone).formatToParts(instant);
  const get = (type: string) => parts.find((p) => p.type === type)?.value ?? '';
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** A day moved by `days` (calendar arithmetic on the date itself, no zone involved). */
export function addDays(isoDay: string, days: number): string {
  const t = Date.parse(`${isoDay}T00:00:00Z`) + days * MS_PER_DAY;
  return new Date(t).toISOString().slice(0, 10);
}

/** Whole days from `a` to `b` (both 'YYYY-MM-DD'). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / MS_PER_DAY);
}

/** Months since year 0 of a 'YYYY-MM…' string: year * 12 + month - 1 (the SQL uses the same index). */
export function monthIndex(isoDay: string): number {
  return Number(isoDay.slice(0, 4)) * 12 + Number(isoDay.slice(5, 7)) - 1;
}

/** 'YYYY-MM' of a month index. */
export function monthLabel(index: number): string {
  const year = Math.floor(index / 12);
  const month = (index % 12) + 1;
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}`;
}
