import { localDay } from '../../domain/analytics/calendar.js';
import type { AnalyticsConfig } from '../../domain/analytics/config.js';
import { fitThresholds } from '../../domain/analytics/thresholds.js';
import type { Thresholds } from '../../domain/analytics/types.js';
import { refreshPlannerStatistics, tuneForBulk } from '../bulk.js';
import type { SqlEngine } from '../engine.js';
import { STAT_COLUMNS, shopTimeZone } from './common.js';
import {
  fitSampleSql,
  fmScoreSql,
  lifecycleCaseSql,
  rfmGroupCaseSql,
  scoreFromWorseSql,
  valueGroupCaseSql,
  worseCountsSql,
} from './model-sql.js';
import { sqlDate, sqlString } from './sql.js';

/**
 * Population-wide scores for an as-of date, all in one set-based statement: recency, referrals
 * made, the run of declined/ignored messages, R/F/M by quintiles, the RFM group, the lifecycle
 * stage and the value group. The classifiers are the configured rules compiled to CASE
 * expressions; the thresholds they use are fitted to the shop first (or taken from config).
 */

/** Where the scores read per-customer stats from: the stored table, or an as-of copy. */
export interface ScoreSource {
  /** A table with customer_stats' columns. */
  relation: string;
  /**
   * Read the relation once into a CTE that the rest reads (materialised by both engines, as it
   * is read three times). For a table written in the same transaction: DuckDB reads such rows in
   * one thread, a CTE in all of them.
   */
  copy?: boolean;
}

interface ScoreSqlOptions {
  source: ScoreSource;
  timeZone: string;
  asOf: Date;
  config: AnalyticsConfig;
  thresholds: Thresholds;
  /** Also return every stats column of the source (for a write of whole rows). */
  withStats?: boolean;
}

/** Parameters of the scores SELECT: $1 shop id, $2 as-of instant, $3 "ignored" cutoff instant. */
export function scoreParams(shopId: string, asOf: Date, config: AnalyticsConfig): [string, Date, Date] {
  const ignoredBefore = new Date(asOf.getTime() - config.messages.ignoredAfterHours * 3_600_000);
  return [shopId, asOf, ignoredBefore];
}

/**
 * The SELECT that scores and classifies every customer of a stats relation. Each CTE over a
 * million rows is used once, so that neither engine materialises it: the quintiles' counts read
 * the buyers' three values (a narrow CTE), and the customers' rows flow from the relation through
 * the joins to the output (a `base` read five times was materialised: a copy of every row).
 */
export function scoresSelectSql(o: ScoreSqlOptions): string {
  const { rfm, messages, lifecycle, valueGroups } = o.config;
  const positives = messages.positiveEvents.map(sqlString).join(', ');
  const asOfDay = sqlDate(localDay(o.asOf, o.timeZone));
  const buyers = '(base.orders > 0)';
  const rel = o.source.copy ? 'staged' : o.source.relation;
  const staged = o.source.copy
    ? `staged AS (
      SELECT ${STAT_COLUMNS.join(', ')} FROM ${o.source.relation} WHERE shop_id = $1
    ),
    `
    : '';
  const recency = (alias: string) => `GREATEST(0, ${asOfDay} - ${alias}.last_order_date)`;
  return `WITH ${staged}refs AS (
      SELECT COALESCE(p.merged_into, p.customer_id) AS customer_id, COUNT(*) AS n
      FROM customers p JOIN customers c ON c.shop_id = p.shop_id AND c.referred_by = p.customer_id
      WHERE p.shop_id = $1 AND c.shop_id = $1 AND c.merged_into IS NULL AND c.created_at <= $2
      GROUP BY COALESCE(p.merged_into, p.customer_id)
    ),
    ev AS (
      SELECT customer_id, name, occurred_at FROM events
      WHERE shop_id = $1 AND customer_id IS NOT NULL AND occurred_at <= $2
        AND name IN (${positives}, 'Message Sent', 'Message Declined')
    ),
    last_positive AS (
      SELECT customer_id, MAX(occurred_at) AS at FROM ev WHERE name IN (${positives}) GROUP BY customer_id
    ),
    streaks AS (
      SELECT ev.customer_id, GREATEST(
          SUM(CASE WHEN ev.name = 'Message Declined' THEN 1 ELSE 0 END),
          SUM(CASE WHEN ev.name = 'Message Sent' AND ev.occurred_at <= $3 THEN 1 ELSE 0 END)) AS n
      FROM ev
      LEFT JOIN last_positive lp ON lp.customer_id = ev.customer_id
      LEFT JOIN (
        SELECT customer_id, last_order_at FROM ${rel}
        WHERE shop_id = $1 AND customer_id IN (SELECT customer_id FROM ev)
      ) s ON s.customer_id = ev.customer_id
      WHERE ev.name IN ('Message Sent', 'Message Declined')
        AND (lp.at IS NULL OR ev.occurred_at > lp.at)
        AND (s.last_order_at IS NULL OR ev.occurred_at > s.last_order_at)
      GROUP BY ev.customer_id
    ),
    buyer_values AS (
      SELECT ${recency('s')} AS recency_days, s.orders, s.revenue
      FROM ${rel} s WHERE s.shop_id = $1 AND s.orders > 0
    ),
    buyers AS (
      SELECT COUNT(*) AS n FROM buyer_values
    ),
    r_worse AS (${worseCountsSql('recency_days', 'lower', 'buyer_values', 'TRUE')}),
    f_worse AS (${worseCountsSql('orders', 'higher', 'buyer_values', 'TRUE')}),
    m_worse AS (${worseCountsSql('revenue', 'higher', 'buyer_values', 'TRUE')}),
    base AS (
      SELECT ${STAT_COLUMNS.map((c) => `s.${c}`).join(', ')},
        CASE WHEN s.orders > 0 THEN ${recency('s')} END AS recency_days,
        COALESCE(rf.n, 0) AS referrals, COALESCE(st.n, 0) AS decline_streak
      FROM ${rel} s
      LEFT JOIN refs rf ON rf.customer_id = s.customer_id
      LEFT JOIN streaks st ON st.customer_id = s.customer_id
      WHERE s.shop_id = $1
    ),
    scored AS (
      SELECT base.*,
        CASE WHEN ${buyers} THEN ${scoreFromWorseSql('rw.worse', 'b.n')} END AS r,
        CASE WHEN ${buyers} THEN ${scoreFromWorseSql('fw.worse', 'b.n')} END AS f,
        CASE WHEN ${buyers} THEN ${scoreFromWorseSql('mw.worse', 'b.n')} END AS m
      FROM base CROSS JOIN buyers b
      LEFT JOIN r_worse rw ON rw.v = base.recency_days
      LEFT JOIN f_worse fw ON fw.v = base.orders
      LEFT JOIN m_worse mw ON mw.v = base.revenue
    ),
    with_fm AS (
      SELECT scored.*, ${fmScoreSql('f', 'm', rfm.axis)} AS fm FROM scored
    ),
    grouped AS (
      SELECT with_fm.*, ${rfmGroupCaseSql(rfm.map, 'r', 'fm')} AS rfm_group FROM with_fm
    )
    SELECT ${o.withStats ? STAT_COLUMNS.join(', ') : 'customer_id'}, recency_days, referrals, decline_streak, r, f, m, fm, rfm_group,
      ${lifecycleCaseSql(o.thresholds, lifecycle)} AS lifecycle,
      ${valueGroupCaseSql(o.thresholds, valueGroups)} AS value_group
    FROM grouped`;
}

/** Fits the thresholds to a stats relation (or takes them from config). */
export async function fitShopThresholds(
  engine: SqlEngine,
  shopId: string,
  config: AnalyticsConfig,
  relation = 'customer_stats',
): Promise<Thresholds> {
  const [row] = await engine.all<{
    buyers: number;
    repeat_buyers: number;
    active_gap: number | null;
    frequent_gap: number | null;
    high_aov: number | null;
  }>(fitSampleSql(`(SELECT * FROM ${relation} WHERE shop_id = $1) s`, config.thresholds), [shopId]);
  const n = (v: number | null | undefined) => (v === null || v === undefined ? null : Number(v));
  return fitThresholds(
    {
      buyers: Number(row?.buyers ?? 0),
      repeatBuyers: Number(row?.repeat_buyers ?? 0),
      activeGap: n(row?.active_gap),
      frequentGap: n(row?.frequent_gap),
      highAov: n(row?.high_aov),
    },
    config.thresholds,
  );
}

export interface ScoresResult {
  asOf: Date;
  thresholds: Thresholds;
}

/**
 * Recomputes the scores and groups of every customer of a shop as of `asOf`, in place in
 * customer_stats. Stats are read as stored (every imported order); `asOf` is the day recency is
 * counted to, normally now or the day of the last order.
 */
export async function recomputeScores(
  engine: SqlEngine,
  shopId: string,
  asOf: Date,
  config: AnalyticsConfig,
): Promise<ScoresResult> {
  const timeZone = await shopTimeZone(engine, shopId);
  return engine.transaction(async (tx) => {
    await tuneForBulk(tx);
    await refreshPlannerStatistics(tx, ['customer_stats', 'customers', 'events']);
    const thresholds = await fitShopThresholds(tx, shopId, config);
    const select = scoresSelectSql({
      source: { relation: 'customer_stats' },
      timeZone,
      asOf,
      config,
      thresholds,
    });
    const set = [
      'recency_days',
      'referrals',
      'decline_streak',
      'r',
      'f',
      'm',
      'fm',
      'rfm_group',
      'lifecycle',
      'value_group',
    ]
      .map((c) => `${c} = s.${c}`)
      .join(', ');
    await tx.run(
      `UPDATE customer_stats SET computed_as_of = $2, ${set} FROM (${select}) s
       WHERE customer_stats.shop_id = $1 AND customer_stats.customer_id = s.customer_id`,
      scoreParams(shopId, asOf, config),
    );
    return { asOf, thresholds };
  });
}
