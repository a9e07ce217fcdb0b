import { addDays, localDay } from '../../domain/analytics/calendar.js';
import type { AnalyticsConfig } from '../../domain/analytics/config.js';
import type {
  GroupColumn,
  GroupKpis,
  Kpis,
  MetricsResult,
  Period,
  SegmentKpis,
  Thresholds,
} from '../../domain/analytics/types.js';
import { COD_FAILED_STATUSES, COD_OUTCOME_STATUSES } from '../../domain/analytics/valid-orders.js';
import { compareUtf8 } from '../../domain/order-columns.js';
import { assertNever } from '../../errors.js';
import type { SqlEngine } from '../engine.js';
import { shopTimeZone } from './common.js';
import { fitShopThresholds } from './scores.js';
import { sqlDate, sqlString, sqlTimestamp } from './sql.js';
import { prepareValidOrders } from './valid-orders-table.js';

export { cohortRetention } from './cohorts.js';
export { transitions } from './transitions.js';

/**
 * The KPIs of a period [from, to), for the whole shop or per group of a model. Every definition is
 * in docs/analytics.md; in short, only valid orders count (see valid-orders.ts), days and months
 * are the shop's, "active" is the fitted `activeDays`, and a group's KPIs are those of the
 * customers who are in the group now (customer_stats, as of the last `recomputeScores`).
 *
 * How: one statement gathers each live customer's facts for the period into a temporary table
 * (orders, revenue, gaps, active/churned at the start and end, reactivation, up-sell, NPS answers,
 * COD outcomes…); every breakdown is then one GROUP BY over that table, and the KPIs are ratios of
 * the sums. So the groups of a model add up to the shop by construction.
 */

/**
 * Group a breakdown by a model's group column, by the Referred overlay, or by saved segment (the
 * segments' current members; a customer in several segments counts in each).
 */
export type MetricsGroupBy = GroupColumn | 'referred' | 'segment';

/** The period of the KPIs, and optionally the breakdown. */
export interface MetricsOptions {
  from: Date;
  to: Date;
  /** The day "churned at end" is counted to (normally `to`). */
  asOf: Date;
  groupBy?: MetricsGroupBy;
  /** Thresholds already fitted (analyzeShop passes those of its scores); fitted here if absent. */
  thresholds?: Thresholds;
}

/**
 * One breakdown: every customer in group 'all', per group column, the referred customers, or per
 * saved segment (by name).
 */
export type Grouping =
  | { kind: 'all' }
  | { kind: 'column'; column: GroupColumn }
  | { kind: 'referred' }
  | { kind: 'segment' };

const FACTS = 'analytics_customer_period';

/** KPIs of a period, overall and (with `groupBy`) per group. */
export async function computeMetrics(
  engine: SqlEngine,
  shopId: string,
  options: MetricsOptions,
  config: AnalyticsConfig,
): Promise<MetricsResult> {
  const groupings: Grouping[] = options.groupBy ? [groupingOf(options.groupBy)] : [];
  const [result] = await computeMetricsSets(engine, shopId, options, config, groupings);
  return result as MetricsResult;
}

/**
 * KPIs overall and for several breakdowns at once, from one pass over the orders. Returns one
 * MetricsResult per grouping (one, overall only, when `groupings` is empty).
 */
export async function computeMetricsSets(
  engine: SqlEngine,
  shopId: string,
  options: MetricsOptions,
  config: AnalyticsConfig,
  groupings: readonly Grouping[],
): Promise<MetricsResult[]> {
  const timeZone = await shopTimeZone(engine, shopId);
  const period = { from: options.from, to: options.to };
  return engine.transaction(async (tx) => {
    const thresholds = options.thresholds ?? (await fitShopThresholds(tx, shopId, config));
    const vo = await prepareValidOrders(tx, shopId, options.to, config.validOrders, timeZone);
    await tx.run(`DROP TABLE IF EXISTS ${FACTS}`);
    await tx.run(
      `CREATE TEMPORARY TABLE ${FACTS} AS ${factsSql({ vo, timeZone, period, asOf: options.asOf, thresholds })}`,
      [shopId],
    );
    const overall = (await kpisBy(tx, shopId, { kind: 'all' })).get('all') ?? emptyKpis();
    const kpis = { ...overall, ...(await shopWideKpis(tx, shopId, vo, period, timeZone, overall)) };
    if (groupings.length === 0) return [{ period, kpis, groups: [] }];
    const results: MetricsResult[] = [];
    for (const g of groupings) {
      const groups: GroupKpis[] = [...(await kpisBy(tx, shopId, g))].map(([group, k]) => ({
        group,
        kpis: k,
      }));
      results.push({ period, kpis, groups });
    }
    return results;
  });
}

/**
 * The KPIs of a period for every saved segment of the shop, from its current members (as of the
 * segment's last refresh), with their number: the shop's own segments first, then the built-ins,
 * each by name; a segment without members has empty KPIs.
 */
export async function segmentKpis(
  engine: SqlEngine,
  shopId: string,
  options: Omit<MetricsOptions, 'groupBy'>,
  config: AnalyticsConfig,
): Promise<SegmentKpis[]> {
  const [bySegment] = await computeMetricsSets(engine, shopId, options, config, [{ kind: 'segment' }]);
  const kpis = new Map((bySegment?.groups ?? []).map((g) => [g.group, g.kpis]));
  const segments = await engine.all<{ name: string; builtin: boolean; members: number }>(
    `SELECT s.name, s.builtin, COUNT(m.customer_id) AS members FROM segments s
     LEFT JOIN segment_members m ON m.shop_id = s.shop_id AND m.segment_id = s.segment_id
     WHERE s.shop_id = $1 GROUP BY s.name, s.builtin`,
    [shopId],
  );
  segments.sort((a, b) => Number(a.builtin) - Number(b.builtin) || compareUtf8(a.name, b.name));
  return segments.map((r) => ({
    segment: r.name,
    builtin: Boolean(r.builtin),
    members: Number(r.members),
    kpis: kpis.get(r.name) ?? emptyKpis(),
  }));
}

export function groupingOf(groupBy: MetricsGroupBy): Grouping {
  if (groupBy === 'referred') return { kind: 'referred' };
  if (groupBy === 'segment') return { kind: 'segment' };
  return { kind: 'column', column: groupBy };
}

interface FactsInput {
  vo: string;
  timeZone: string;
  period: Period;
  asOf: Date;
  thresholds: Thresholds;
}

/**
 * One row per live customer with their facts for the period; `$1` is the shop id. Columns are
 * 0/1 flags and sums, so that any grouping can add them up.
 */
function factsSql(i: FactsInput): string {
  const from = sqlTimestamp(i.period.from);
  const to = sqlTimestamp(i.period.to);
  // Active at a day: last valid order at most activeDays shop days before it.
  const startCut = sqlDate(addDays(localDay(i.period.from, i.timeZone), -i.thresholds.activeDays));
  const endDay = localDay(i.asOf, i.timeZone);
  const endCut = sqlDate(addDays(endDay, -i.thresholds.activeDays));
  const list = (s: readonly string[]) => s.map(sqlString).join(', ');
  return `WITH per AS (
      SELECT customer_id, COUNT(*) AS orders, SUM(value) AS revenue,
        SUM(CASE WHEN seq > 1 THEN value ELSE 0 END) AS returning_revenue, MIN(seq) AS first_seq,
        SUM(CASE WHEN seq > 1 THEN day - prev_day ELSE 0 END) AS gap_sum,
        SUM(CASE WHEN seq > 1 THEN 1 ELSE 0 END) AS gap_count
      FROM ${i.vo} WHERE created_at >= ${from} GROUP BY customer_id
    ),
    life AS (
      SELECT customer_id, SUM(value) AS lifetime_revenue, MAX(day) AS last_day,
        MAX(CASE WHEN created_at < ${from} THEN day END) AS last_day_before
      FROM ${i.vo} GROUP BY customer_id
    ),
    firsts AS (SELECT customer_id, created_at AS first_at, value AS first_value FROM ${i.vo} WHERE seq = 1),
    rep AS (
      SELECT v.customer_id, MAX(CASE WHEN v.value > f.first_value THEN 1 ELSE 0 END) AS bigger
      FROM ${i.vo} v JOIN firsts f ON f.customer_id = v.customer_id
      WHERE v.seq > 1 AND v.created_at >= ${from} GROUP BY v.customer_id
    ),
    cat_first AS (
      SELECT v.customer_id, l.category, MIN(v.created_at) AS at
      FROM ${i.vo} v JOIN order_lines l ON l.shop_id = $1 AND l.order_id = v.order_id
      WHERE l.category IS NOT NULL AND v.customer_id IN (SELECT customer_id FROM rep)
      GROUP BY v.customer_id, l.category
    ),
    new_cat AS (
      SELECT DISTINCT c.customer_id FROM cat_first c JOIN firsts f ON f.customer_id = c.customer_id
      WHERE c.at > f.first_at AND c.at >= ${from}
    ),
    first_in AS (
      SELECT v.customer_id, SUM(CASE WHEN v.coupon_code IS NOT NULL THEN v.discount ELSE 0 END) AS coupon_cost
      FROM ${i.vo} v JOIN per p ON p.customer_id = v.customer_id AND v.seq = p.first_seq
      GROUP BY v.customer_id
    ),
    nps AS (
      SELECT customer_id, COUNT(*) AS responses,
        SUM(CASE WHEN score >= 9 THEN 1 ELSE 0 END) AS promoters,
        SUM(CASE WHEN score <= 6 THEN 1 ELSE 0 END) AS detractors
      FROM feedback WHERE shop_id = $1 AND kind = 'nps' AND score BETWEEN 0 AND 10
        AND created_at >= ${from} AND created_at < ${to}
      GROUP BY customer_id
    ),
    cod AS (
      SELECT customer_id, COUNT(*) AS cod_orders,
        SUM(CASE WHEN status IN (${list(COD_FAILED_STATUSES)}) THEN 1 ELSE 0 END) AS cod_failed
      FROM orders WHERE shop_id = $1 AND payment_method = 'cod' AND status IN (${list(COD_OUTCOME_STATUSES)})
        AND created_at >= ${from} AND created_at < ${to}
      GROUP BY customer_id
    )
    SELECT c.customer_id,
      COALESCE(p.orders, 0) AS orders, COALESCE(p.revenue, 0) AS revenue,
      COALESCE(p.returning_revenue, 0) AS returning_revenue,
      CASE WHEN p.first_seq = 1 THEN 1 ELSE 0 END AS is_new,
      COALESCE(p.gap_sum, 0) AS gap_sum, COALESCE(p.gap_count, 0) AS gap_count,
      CASE WHEN l.last_day_before >= ${startCut} THEN 1 ELSE 0 END AS active_at_start,
      CASE WHEN l.last_day_before >= ${startCut} AND p.customer_id IS NOT NULL THEN 1 ELSE 0 END AS retained,
      CASE WHEN l.last_day_before < ${startCut} THEN 1 ELSE 0 END AS churned_at_start,
      CASE WHEN l.last_day_before < ${startCut} AND p.customer_id IS NOT NULL THEN 1 ELSE 0 END AS reactivated,
      CASE WHEN l.last_day_before < ${startCut} THEN COALESCE(fi.coupon_cost, 0) ELSE 0 END AS reactivation_cost,
      CASE WHEN l.last_day < ${endCut} THEN 1 ELSE 0 END AS churned_at_end,
      CASE WHEN l.last_day < ${endCut} THEN ${sqlDate(endDay)} - l.last_day ELSE 0 END AS days_since_last,
      COALESCE(l.lifetime_revenue, 0) AS lifetime_revenue,
      CASE WHEN l.customer_id IS NOT NULL THEN 1 ELSE 0 END AS buyer,
      CASE WHEN r.customer_id IS NOT NULL THEN 1 ELSE 0 END AS repeat_customer,
      CASE WHEN r.bigger = 1 OR nc.customer_id IS NOT NULL THEN 1 ELSE 0 END AS upsold,
      CASE WHEN c.referred_by IS NOT NULL THEN 1 ELSE 0 END AS referred,
      COALESCE(n.responses, 0) AS nps_responses, COALESCE(n.promoters, 0) AS promoters,
      COALESCE(n.detractors, 0) AS detractors,
      COALESCE(d.cod_orders, 0) AS cod_orders, COALESCE(d.cod_failed, 0) AS cod_failed
    FROM customers c
    LEFT JOIN per p ON p.customer_id = c.customer_id
    LEFT JOIN life l ON l.customer_id = c.customer_id
    LEFT JOIN rep r ON r.customer_id = c.customer_id
    LEFT JOIN new_cat nc ON nc.customer_id = c.customer_id
    LEFT JOIN first_in fi ON fi.customer_id = c.customer_id
    LEFT JOIN nps n ON n.customer_id = c.customer_id
    LEFT JOIN cod d ON d.customer_id = c.customer_id
    WHERE c.shop_id = $1 AND c.merged_into IS NULL`;
}

/** SQL that adds a `grp` column to the facts (aliased `f`). */
function grp(g: Grouping): { join: string; expr: string } {
  switch (g.kind) {
    case 'all':
      // A cast, not a bare literal: PostgreSQL refuses a constant in GROUP BY.
      return { join: '', expr: `CAST('all' AS VARCHAR)` };
    case 'column':
      return {
        join: `LEFT JOIN customer_stats g ON g.shop_id = $1 AND g.customer_id = f.customer_id`,
        expr: `COALESCE(g.${g.column}, 'unscored')`,
      };
    case 'referred':
      return { join: '', expr: `CAST('referred' AS VARCHAR)` };
    case 'segment':
      // The segments' members as of their last refresh: groups overlap and need not add up.
      return {
        join: `JOIN segment_members m ON m.shop_id = $1 AND m.customer_id = f.customer_id
          JOIN segments s ON s.shop_id = $1 AND s.segment_id = m.segment_id`,
        expr: 's.name',
      };
    default:
      return assertNever(g, 'grouping');
  }
}

/** The sums every KPI is a ratio of, per group. */
const SUMS = {
  orders: 'SUM(f.orders)',
  revenue: 'SUM(f.revenue)',
  customers: 'SUM(CASE WHEN f.orders > 0 THEN 1 ELSE 0 END)',
  repeaters: 'SUM(CASE WHEN f.orders >= 2 THEN 1 ELSE 0 END)',
  returning_revenue: 'SUM(f.returning_revenue)',
  new_customers: 'SUM(f.is_new)',
  gap_sum: 'SUM(f.gap_sum)',
  gap_count: 'SUM(f.gap_count)',
  active_at_start: 'SUM(f.active_at_start)',
  retained: 'SUM(f.retained)',
  churned_at_start: 'SUM(f.churned_at_start)',
  reactivated: 'SUM(f.reactivated)',
  reactivation_cost: 'SUM(f.reactivation_cost)',
  churned_at_end: 'SUM(f.churned_at_end)',
  days_since_last: 'SUM(f.days_since_last)',
  lifetime_revenue: 'SUM(f.lifetime_revenue)',
  buyers: 'SUM(f.buyer)',
  repeat_customers: 'SUM(f.repeat_customer)',
  upsold: 'SUM(f.upsold)',
  referred_customers: 'SUM(CASE WHEN f.referred = 1 AND f.orders > 0 THEN 1 ELSE 0 END)',
  referred_revenue: 'SUM(CASE WHEN f.referred = 1 THEN f.revenue ELSE 0 END)',
  nps_responses: 'SUM(f.nps_responses)',
  promoters: 'SUM(f.promoters)',
  detractors: 'SUM(f.detractors)',
  cod_orders: 'SUM(f.cod_orders)',
  cod_failed: 'SUM(f.cod_failed)',
} as const;

type Sums = Record<keyof typeof SUMS, number>;

/** One Kpis per group of the grouping. */
async function kpisBy(engine: SqlEngine, shopId: string, g: Grouping): Promise<Map<string, Kpis>> {
  const { join, expr } = grp(g);
  const where = g.kind === 'referred' ? ' WHERE f.referred = 1' : '';
  const sums = Object.entries(SUMS)
    .map(([k, sql]) => `${sql} AS ${k}`)
    .join(', ');
  const rows = await engine.all(
    `SELECT ${expr} AS grp, ${sums} FROM ${FACTS} f ${join}${where} GROUP BY ${expr} ORDER BY 1`,
    join.includes('$1') ? [shopId] : [],
  );
  const out = new Map<string, Kpis>();
  for (const row of rows) {
    const s = Object.fromEntries(Object.keys(SUMS).map((k) => [k, Number(row[k] ?? 0)])) as Sums;
    out.set(String(row['grp']), kpisOf(s));
  }
  return out;
}

const ratio = (a: number, b: number): number | null => (b > 0 ? a / b : null);

function kpisOf(s: Sums): Kpis {
  const retentionRate = ratio(s.retained, s.active_at_start);
  return {
    ...emptyKpis(),
    revenue: s.revenue,
    orders: s.orders,
    customers: s.customers,
    aov: ratio(s.revenue, s.orders),
    repeatRate: ratio(s.repeaters, s.customers),
    returningRevenueShare: ratio(s.returning_revenue, s.revenue),
    purchaseFrequency: ratio(s.orders, s.customers),
    avgDaysBetweenOrders: ratio(s.gap_sum, s.gap_count),
    activeAtStart: s.active_at_start,
    retentionRate,
    churnRate: retentionRate === null ? null : 1 - retentionRate,
    churnedAtEnd: s.churned_at_end,
    avgDaysSinceLastOrderChurned: ratio(s.days_since_last, s.churned_at_end),
    historicalClv: ratio(s.lifetime_revenue, s.buyers),
    nps: s.nps_responses > 0 ? (100 * (s.promoters - s.detractors)) / s.nps_responses : null,
    npsResponses: s.nps_responses,
    newCustomers: s.new_customers,
    referredCustomers: s.referred_customers,
    revenuePerReferredCustomer: ratio(s.referred_revenue, s.referred_customers),
    repeatCustomers: s.repeat_customers,
    upCrossSellRate: ratio(s.upsold, s.repeat_customers),
    churnedAtStart: s.churned_at_start,
    reactivatedCustomers: s.reactivated,
    reactivationRate: ratio(s.reactivated, s.churned_at_start),
    reactivationCost: s.reactivation_cost,
    reactivationCostPerCustomer: ratio(s.reactivation_cost, s.reactivated),
    codOrders: s.cod_orders,
    codFailureRate: ratio(s.cod_failed, s.cod_orders),
  };
}

/** KPIs of zero orders and no data. */
export function emptyKpis(): Kpis {
  return {
    revenue: 0,
    orders: 0,
    customers: 0,
    aov: null,
    repeatRate: null,
    returningRevenueShare: null,
    purchaseFrequency: null,
    avgDaysBetweenOrders: null,
    activeAtStart: 0,
    retentionRate: null,
    churnRate: null,
    churnedAtEnd: 0,
    avgDaysSinceLastOrderChurned: null,
    historicalClv: null,
    nps: null,
    npsResponses: 0,
    visitors: 0,
    visitorConversion: null,
    newCustomers: 0,
    marketingCost: null,
    cac: null,
    clvToCac: null,
    referredCustomers: 0,
    revenuePerReferredCustomer: null,
    repeatCustomers: 0,
    upCrossSellRate: null,
    churnedAtStart: 0,
    reactivatedCustomers: 0,
    reactivationRate: null,
    reactivationCost: 0,
    reactivationCostPerCustomer: null,
    codOrders: 0,
    codFailureRate: null,
  };
}

/** KPIs that only exist for the whole shop: visitors and conversion, marketing cost, CAC. */
async function shopWideKpis(
  engine: SqlEngine,
  shopId: string,
  vo: string,
  period: Period,
  timeZone: string,
  overall: Kpis,
): Promise<Partial<Kpis>> {
  const from = sqlTimestamp(period.from);
  const to = sqlTimestamp(period.to);
  const [v] = await engine.all<{ visitors: number; converted: number }>(
    `WITH vis AS (
        SELECT DISTINCT COALESCE(customer_id, 'anon:' || anonymous_id) AS visitor, customer_id FROM events
        WHERE shop_id = $1 AND occurred_at >= ${from} AND occurred_at < ${to}
          AND name NOT LIKE 'Message %' AND name <> 'Survey Answered'
          AND (customer_id IS NOT NULL OR anonymous_id IS NOT NULL)
      ),
      buyers AS (SELECT DISTINCT customer_id FROM ${vo} WHERE created_at >= ${from})
      SELECT COUNT(DISTINCT vis.visitor) AS visitors, COUNT(DISTINCT b.customer_id) AS converted
      FROM vis LEFT JOIN buyers b ON b.customer_id = vis.customer_id`,
    [shopId],
  );
  // Marketing costs are monthly: every month the period touches counts in full.
  const firstMonth = localDay(period.from, timeZone).slice(0, 7);
  const lastMonth = localDay(new Date(period.to.getTime() - 1), timeZone).slice(0, 7);
  const [c] = await engine.all<{ cost: number | null; months: number }>(
    `SELECT SUM(amount) AS cost, COUNT(*) AS months FROM marketing_costs
     WHERE shop_id = $1 AND month >= $2 AND month <= $3`,
    [shopId, firstMonth, lastMonth],
  );
  const visitors = Number(v?.visitors ?? 0);
  const marketingCost = Number(c?.months ?? 0) > 0 ? Number(c?.cost ?? 0) : null;
  const cac = marketingCost === null ? null : ratio(marketingCost, overall.newCustomers);
  return {
    visitors,
    visitorConversion: ratio(Number(v?.converted ?? 0), visitors),
    marketingCost,
    cac,
    clvToCac:
      cac === null || cac === 0 || overall.historicalClv === null ? null : overall.historicalClv / cac,
  };
}
