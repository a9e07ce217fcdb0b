import { addDays, daysBetween } from './calendar.js';

/** Revenue and valid orders of one bucket (a shop day or a month) of a period. */
export interface SeriesPoint {
  /** 'YYYY-MM-DD' for days, 'YYYY-MM' for months. */
  bucket: string;
  revenue: number;
  orders: number;
}

/** Periods longer than this are shown per month, shorter ones per day (a readable chart either way). */
export const DAILY_SERIES_MAX_DAYS = 120;

/**
 * A period's per-day totals as a continuous series, every day (or month) of [firstDay, lastDay]
 * present, zeros where nothing was sold: per day up to DAILY_SERIES_MAX_DAYS, else per month.
 */
export function periodSeries(
  days: readonly { day: string; revenue: number; orders: number }[],
  firstDay: string,
  lastDay: string,
): { unit: 'day' | 'month'; points: SeriesPoint[] } {
  const span = daysBetween(firstDay, lastDay) + 1;
  const unit = span > DAILY_SERIES_MAX_DAYS ? 'month' : 'day';
  const keyOf = (day: string) => (unit === 'day' ? day : day.slice(0, 7));
  const points = new Map<string, SeriesPoint>();
  for (let i = 0; i < span; i++) {
    const key = keyOf(addDays(firstDay, i));
    if (!points.has(key)) points.set(key, { bucket: key, revenue: 0, orders: 0 });
  }
  for (const d of days) {
    const point = points.get(keyOf(d.day));
    if (!point) continue;
    point.revenue += d.revenue;
    point.orders += d.orders;
  }
  return { unit, points: [...points.values()] };
}
