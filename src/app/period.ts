import { z } from 'zod';
import { addDays, daysBetween, localDay } from '../domain/analytics/calendar.js';
import { startOfDay } from '../domain/segments/resolve.js';
import { NurtureError } from '../errors.js';
import { resolveAsOf } from './as-of.js';

/**
 * The dashboard's period picker: a preset (the last 30 days, 90 days or 12 months, counted back
 * from now exactly as `nurture analyze` counts its 365 days) or two shop days, the whole of both
 * counted. A period ending today ends now.
 */
export const PERIOD_PRESETS = ['30d', '90d', '12m'] as const;
export type PeriodPreset = (typeof PERIOD_PRESETS)[number];

const PRESET_DAYS: Record<PeriodPreset, number> = { '30d': 30, '90d': 90, '12m': 365 };
const DAY_MS = 86_400_000;
/** The longest period the picker takes (ten years): charts and queries stay bounded. */
const MAX_DAYS = 3660;

const isoDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date YYYY-MM-DD');

/** The picker's fields as a page's query sends them (empty fields are absent). */
export const periodInputSchema = z.object({
  preset: z.enum(PERIOD_PRESETS).optional(),
  from: isoDay.optional(),
  to: isoDay.optional(),
});
export type PeriodInput = z.infer<typeof periodInputSchema>;

/** A period as the pages and the analysis use it. */
export interface ChosenPeriod {
  /** The preset, when the period is one. */
  preset: PeriodPreset | undefined;
  /** Only a preset: its length in days (the analysis counts it back from its own now). */
  days: number | undefined;
  /** The as-of date given to the analysis (a past last day), or undefined for now. */
  asOfDay: string | undefined;
  /** [from, to): to is the as-of instant (now, or the end of the last day). */
  from: Date;
  to: Date;
  /** The shop days the period covers, for the picker's fields and the headings. */
  firstDay: string;
  lastDay: string;
  /** What identifies the period for a cache (a preset counts from today's date). */
  key: string;
}

/** The chosen period in a shop's time zone (default: the last 12 months, as `analyze`). */
export function choosePeriod(input: PeriodInput, options: { timeZone: string; now: Date }): ChosenPeriod {
  const { timeZone, now } = options;
  const today = localDay(now, timeZone);
  if (input.preset || (!input.from && !input.to)) {
    const preset = input.preset ?? '12m';
    const days = PRESET_DAYS[preset];
    const from = new Date(now.getTime() - days * DAY_MS);
    return {
      preset,
      days,
      asOfDay: undefined,
      from,
      to: now,
      firstDay: localDay(from, timeZone),
      lastDay: today,
      key: `preset:${preset}:${today}`,
    };
  }
  const lastDay = input.to && input.to < today ? input.to : today;
  const firstDay = input.from ?? addDays(lastDay, -29);
  const span = daysBetween(firstDay, lastDay) + 1;
  if (span < 1 || span > MAX_DAYS)
    throw new NurtureError('invalid_input', `from: the period must be 1 to ${MAX_DAYS} days long`, [
      { path: 'from', reason: span < 1 ? 'after the end of the period' : 'the period is too long' },
    ]);
  const asOfDay = lastDay < today ? lastDay : undefined;
  const to = asOfDay ? resolveAsOf(asOfDay, { timeZone, now, field: 'to' }) : now;
  return {
    preset: undefined,
    days: undefined,
    asOfDay,
    from: startOfDay(firstDay, timeZone),
    to,
    firstDay,
    lastDay,
    key: `range:${firstDay}:${lastDay}:${today}`,
  };
}

/** The period of the same length just before [from, to). */
export function previousPeriod(period: { from: Date; to: Date }): { from: Date; to: Date } {
  const length = period.to.getTime() - period.from.getTime();
  return { from: new Date(period.from.getTime() - length), to: period.from };
}
