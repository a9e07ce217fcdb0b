import { addDays, localDay } from '../../domain/analytics/calendar.js';
import { formatEpochDay } from '../../domain/clv/index.js';
import { startOfDay } from '../../domain/segments/resolve.js';
import type { SqlEngine } from '../engine.js';

/**
 * The shop's day of its latest order of any status by the end of `until` (the data's last day:
 * the latest orders may not be valid purchases yet, being in transit), as `lastDataDay`.
 */
export async function lastOrderDay(
  engine: SqlEngine,
  shopId: string,
  until: number,
  timeZone: string,
): Promise<{ lastDataDay?: number }> {
  const end = addDays(formatEpochDay(until), 1);
  const [row] = await engine.all<{ last: Date | null }>(
    'SELECT MAX(created_at) AS last FROM orders WHERE shop_id = $1 AND created_at < $2',
    [shopId, startOfDay(end, timeZone)],
  );
  if (!row?.last) return {};
  // The shop's calendar day of that instant, counted as days since 1970-01-01 (an epoch day).
  return { lastDataDay: Date.parse(`${localDay(new Date(row.last), timeZone)}T00:00:00Z`) / 86_400_000 };
}
