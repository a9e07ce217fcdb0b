import { localDay } from '../domain/analytics/calendar.js';
import { startOfDay } from '../domain/segments/resolve.js';
import { parseDateTime } from '../domain/time.js';
import { NurtureError } from '../errors.js';

const DAY_MS = 86_400_000;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * The one meaning of "as of" in Nurture. A date alone (`2026-10-31`) is the last millisecond of
 * that day in the shop's time zone: the whole day counts. A date with a time is that instant.
 * Nothing given means now (the context's clock). Errors name the input field, not a CLI flag:
 * the transports say it their way.
 */
export function resolveAsOf(
  text: string | undefined,
  options: { timeZone: string; now: Date; field?: string },
): Date {
  if (text === undefined) return options.now;
  const field = options.field ?? 'asOf';
  const value = text.trim();
  if (DATE_ONLY.test(value)) {
    const start = startOfDay(value, options.timeZone);
    if (!Number.isNaN(start.getTime()) && localDay(start, options.timeZone) === value)
      return endOfDayStartingAt(start);
  } else {
    const parsed = parseDateTime(value, undefined, options.timeZone);
    if (parsed) return parsed;
  }
  throw new NurtureError('invalid_input', `${field}: not a date: "${text}" (use YYYY-MM-DD)`, [
    { path: field, reason: `not a date: "${text}"` },
  ]);
}

/** The last millisecond of the shop's calendar day that holds `instant`. */
export function endOfShopDay(instant: Date, timeZone: string): Date {
  return endOfDayStartingAt(startOfDay(localDay(instant, timeZone), timeZone));
}

/** Whether `asOf` is now (or later): only an analysis as of now may rewrite live state. */
export function isLive(asOf: Date, now: Date): boolean {
  return asOf.getTime() >= now.getTime();
}

function endOfDayStartingAt(start: Date): Date {
  return new Date(start.getTime() + DAY_MS - 1);
}
