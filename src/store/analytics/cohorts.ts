import { localDay, monthIndex, monthLabel } from '../../domain/analytics/calendar.js';
import type { AnalyticsConfig } from '../../domain/analytics/config.js';
import type { CohortMatrix, CohortRow, Period } from '../../domain/analytics/types.js';
import type { SqlEngine } from '../engine.js';
import { shopTimeZone } from './common.js';
import { validOrderSql } from './model-sql.js';
import { sqlInteger, sqlString } from './sql.js';

/**
 * Monthly cohort retention. A customer's cohort is the shop-calendar month of their first valid
 * order ever; retained[k] counts the cohort's customers with a valid order in the k-th month after
 * it (k = 0 is the cohort month itself, so retained[0] = size). Cohorts whose month falls in the
 * period are shown, each with the months that have been observed up to the period's end.
 */
export async function cohortRetention(
  engine: SqlEngine,
  shopId: string,
  period: Period,
  config: Pick<AnalyticsConfig, 'validOrders'>,
): Promise<CohortMatrix> {
  const timeZone = await shopTimeZone(engine, shopId);
  const firstMonth = monthIndex(localDay(period.from, timeZone));
  const lastMonth = monthIndex(localDay(new Date(period.to.getTime() - 1), timeZone));
  const local = `(o.created_at AT TIME ZONE ${sqlString(timeZone)})`;
  const rows = await engine.all<{ cohort: number; k: number; customers: number }>(
    `WITH act AS (
        SELECT DISTINCT o.customer_id,
          CAST(EXTRACT(YEAR FROM ${local}) * 12 + EXTRACT(MONTH FROM ${local}) - 1 AS INTEGER) AS mi
        FROM orders o WHERE o.shop_id = $1 AND ${validOrderSql(config.validOrders, 'o')} AND o.created_at < $2
      ),
      coh AS (SELECT customer_id, MIN(mi) AS cohort FROM act GROUP BY customer_id)
      SELECT coh.cohort, act.mi - coh.cohort AS k, COUNT(*) AS customers
      FROM coh JOIN act ON act.customer_id = coh.customer_id
      WHERE coh.cohort >= ${sqlInteger(firstMonth)}
      GROUP BY coh.cohort, act.mi - coh.cohort`,
    [shopId, period.to],
  );
  return { months: Math.max(0, lastMonth - firstMonth + 1), rows: cohortRows(rows, lastMonth) };
}

function cohortRows(
  rows: readonly { cohort: number; k: number; customers: number }[],
  lastMonth: number,
): CohortRow[] {
  const byCohort = new Map<number, number[]>();
  for (const r of rows) {
    const cohort = Number(r.cohort);
    let retained = byCohort.get(cohort);
    if (!retained) {
      retained = new Array<number>(lastMonth - cohort + 1).fill(0);
      byCohort.set(cohort, retained);
    }
    retained[Number(r.k)] = Number(r.customers);
  }
  return [...byCohort.entries()]
    .sort(([a], [b]) => a - b)
    .map(([cohort, retained]) => {
      const size = retained[0] ?? 0;
      return {
        cohort: monthLabel(cohort),
        size,
        retained,
        rates: retained.map((c) => (size > 0 ? c / size : 0)),
      };
    });
}
