import { type AnalyticsConfig, DEFAULT_ANALYTICS_CONFIG } from '../../domain/analytics/config.js';
import { localDaySql, sqlString } from '../../domain/analytics/sql.js';
import { orderValueSql, type ValidOrderRule, validOrderSql } from '../../domain/analytics/valid-orders.js';
import type { Dialect, SqlEngine } from '../engine.js';
import { CATEGORY_SEPARATOR, SCORE_COLUMNS, STAT_COLUMNS, shopTimeZone, stageCustomerIds } from './common.js';
import { dialectSql, tuneForBulk } from './dialect.js';

/*
 * Per-customer stats from the customer's own valid orders (see docs/analytics.md):
 * orders, revenue, first/last order (instant and shop-calendar day), first and largest order value,
 * AOV = revenue / orders, average gap = (last day - first day) / (orders - 1), the categories bought
 * and whether a later order was larger than the first or added a category ("upsold").
 *
 * One SELECT computes them, with or without a filter: a full refresh and an incremental refresh of
 * the customers an import touched run the same SQL, which is what makes them agree.
 */

/** What the stats SELECT is for: the engine, the shop's zone, the rule, and an optional filter. */
export interface StatsQueryOptions {
  dialect: Dialect;
  timeZone: string;
  rule: ValidOrderRule;
  /** Only orders (and customers) at or before this instant: stats as of a past date. */
  cutoffParam?: string;
  /** Name of a temporary table of customer ids to restrict to. */
  idsTable?: string;
}

/** The stats SELECT; `$1` is the shop id (plus `cutoffParam` if given). Columns: STAT_COLUMNS. */
export function customerStatsSelectSql(o: StatsQueryOptions): string {
  const valid = validOrderSql(o.rule, 'o');
  const value = orderValueSql(o.rule, 'o');
  const cutoff = o.cutoffParam ? ` AND o.created_at <= ${o.cutoffParam}` : '';
  const onlyIds = (col: string) =>
    o.idsTable ? ` AND ${col} IN (SELECT customer_id FROM ${o.idsTable})` : '';
  const day = (expr: string) => localDaySql(expr, o.timeZone);
  const sql = dialectSql(o.dialect);
  const customerExists = o.cutoffParam
    ? ` AND (c.created_at <= ${o.cutoffParam} OR a.customer_id IS NOT NULL)`
    : '';
  // The valid orders are written out twice rather than shared as a CTE: a CTE used twice is
  // materialised (9M rows at 10M orders) where two scans of the columns are cheaper and lighter.
  const validOrders = `o.shop_id = $1 AND ${valid}${cutoff}${onlyIds('o.customer_id')}`;
  return `WITH agg AS (
      SELECT o.customer_id, COUNT(*) AS orders, SUM(${value}) AS revenue,
        MIN(o.created_at) AS first_order_at, MAX(o.created_at) AS last_order_at, MAX(${value}) AS max_order_value,
        ${sql.firstByTime(value, 'o.created_at', 'o.order_id')} AS first_order_value
      FROM orders o
      WHERE ${validOrders}
      GROUP BY o.customer_id
    ),
    cats AS (
      SELECT o.customer_id, l.category, MIN(o.created_at) AS first_at
      FROM orders o JOIN order_lines l ON l.shop_id = $1 AND l.order_id = o.order_id
      WHERE ${validOrders} AND l.category IS NOT NULL
      GROUP BY o.customer_id, l.category
    ),
    cat_agg AS (
      SELECT customer_id, COUNT(*) AS category_count,
        ${sql.sortedList('category', sqlString(CATEGORY_SEPARATOR))} AS categories,
        MAX(first_at) AS last_new_category_at
      FROM cats GROUP BY customer_id
    )
    SELECT c.shop_id, c.customer_id, c.referred_by IS NOT NULL AS referred,
      COALESCE(a.orders, 0) AS orders, COALESCE(a.revenue, 0) AS revenue,
      a.first_order_at, a.last_order_at,
      ${day('a.first_order_at')} AS first_order_date, ${day('a.last_order_at')} AS last_order_date,
      a.first_order_value, a.max_order_value,
      CAST(a.revenue AS DOUBLE PRECISION) / a.orders AS aov,
      CASE WHEN a.orders > 1
        THEN CAST(${day('a.last_order_at')} - ${day('a.first_order_at')} AS DOUBLE PRECISION) / (a.orders - 1)
      END AS avg_gap_days,
      COALESCE(k.category_count, 0) AS category_count, k.categories,
      (COALESCE(a.max_order_value > a.first_order_value, FALSE)
        OR COALESCE(k.last_new_category_at > a.first_order_at, FALSE)) AS upsold
    FROM customers c
    LEFT JOIN agg a ON a.customer_id = c.customer_id
    LEFT JOIN cat_agg k ON k.customer_id = c.customer_id
    WHERE c.shop_id = $1 AND c.merged_into IS NULL${customerExists}${onlyIds('c.customer_id')}`;
}

const STAGE_TABLE = 'analytics_stats_stage';

/**
 * How staged rows reach customer_stats. 'update' rewrites only the rows that changed (cheap when
 * few did: an import, or a full refresh of current stats); 'replace' deletes the refreshed rows and
 * inserts them again, carrying their scores over (cheap when most changed: DuckDB updates column by
 * column, slowly, and inserts in bulk, fast). 'auto' picks by the share of rows that changed.
 */
export type MergeStrategy = 'auto' | 'update' | 'replace';

/** Above this share of changed rows, 'auto' replaces instead of updating. */
const REPLACE_ABOVE = 0.25;

/** What to refresh and how. */
export interface RefreshOptions {
  /** Refresh only these customers (an import's touched customers); all of the shop's without. */
  customerIds?: readonly string[];
  config?: Pick<AnalyticsConfig, 'validOrders'>;
  strategy?: MergeStrategy;
}

/** What a refresh did. */
export interface RefreshResult {
  mode: 'full' | 'incremental';
  /** Customers refreshed. */
  customers: number;
  /** Rows that were new or differed. */
  changed: number;
}

/**
 * Brings customer_stats up to date for a shop, fully or for some customers. Rows of customers that
 * were merged away are deleted; the score columns of a refreshed row keep their last values until
 * the next `recomputeScores` (they are NULL for a new customer).
 *
 * One statement stages the new stats next to the stored row's scores with a flag telling whether
 * the row is new or differs; the strategy then writes them.
 */
export async function refreshCustomerStats(
  engine: SqlEngine,
  shopId: string,
  options: RefreshOptions = {},
): Promise<RefreshResult> {
  const ids = options.customerIds;
  const mode = ids === undefined ? 'full' : 'incremental';
  if (ids !== undefined && ids.length === 0) return { mode, customers: 0, changed: 0 };
  const rule = options.config?.validOrders ?? DEFAULT_ANALYTICS_CONFIG.validOrders;
  const timeZone = await shopTimeZone(engine, shopId);
  return engine.transaction(async (tx) => {
    if (mode === 'full') await tuneForBulk(tx);
    const idsTable = ids === undefined ? undefined : await stageCustomerIds(tx, ids);
    const select = customerStatsSelectSql({
      dialect: tx.dialect,
      timeZone,
      rule,
      ...(idsTable ? { idsTable } : {}),
    });
    await stageStats(tx, shopId, select);
    const { customers, changed } = await countChanges(tx);
    const strategy = options.strategy ?? 'auto';
    const replace = strategy === 'replace' || (strategy === 'auto' && changed > customers * REPLACE_ABOVE);
    if (replace) await replaceRows(tx, shopId, idsTable);
    else await updateRows(tx, shopId, idsTable);
    return { mode, customers, changed };
  });
}

const DATA_COLUMNS = STAT_COLUMNS.filter((c) => c !== 'shop_id' && c !== 'customer_id');
const ALL_COLUMNS = [...STAT_COLUMNS, ...SCORE_COLUMNS];

/**
 * Fills the stage table: the new stats (`select`, one row per customer), the scores the stored row
 * has, and `changed`: the row is new or one of its stats differs.
 */
async function stageStats(engine: SqlEngine, shopId: string, select: string): Promise<void> {
  await engine.run(
    `CREATE TEMPORARY TABLE IF NOT EXISTS ${STAGE_TABLE} AS
     SELECT *, FALSE AS changed FROM customer_stats WHERE 1 = 0`,
  );
  await engine.run(`DELETE FROM ${STAGE_TABLE}`);
  const differs = DATA_COLUMNS.map((c) => `t.${c} IS DISTINCT FROM n.${c}`).join(' OR ');
  await engine.run(
    `INSERT INTO ${STAGE_TABLE} (${ALL_COLUMNS.join(', ')}, changed)
     SELECT ${STAT_COLUMNS.map((c) => `n.${c}`).join(', ')}, ${SCORE_COLUMNS.map((c) => `t.${c}`).join(', ')},
       (t.customer_id IS NULL OR ${differs}) AS changed
     FROM (${select}) n LEFT JOIN customer_stats t ON t.shop_id = $1 AND t.customer_id = n.customer_id`,
    [shopId],
  );
}

async function countChanges(engine: SqlEngine): Promise<{ customers: number; changed: number }> {
  const [row] = await engine.all<{ customers: number; changed: number | null }>(
    `SELECT COUNT(*) AS customers, SUM(CASE WHEN changed THEN 1 ELSE 0 END) AS changed FROM ${STAGE_TABLE}`,
  );
  return { customers: Number(row?.customers ?? 0), changed: Number(row?.changed ?? 0) };
}

/** UPDATE the rows that differ, INSERT the new ones, DELETE those whose customer is gone. */
async function updateRows(engine: SqlEngine, shopId: string, idsTable: string | undefined): Promise<void> {
  const set = DATA_COLUMNS.map((c) => `${c} = s.${c}`).join(', ');
  await engine.run(
    `UPDATE customer_stats SET ${set} FROM ${STAGE_TABLE} s
     WHERE customer_stats.shop_id = $1 AND customer_stats.customer_id = s.customer_id AND s.changed`,
    [shopId],
  );
  const cols = STAT_COLUMNS.join(', ');
  await engine.run(
    `INSERT INTO customer_stats (${cols}) SELECT ${cols} FROM ${STAGE_TABLE} s
     WHERE s.changed AND NOT EXISTS (SELECT 1 FROM customer_stats t WHERE t.shop_id = $1 AND t.customer_id = s.customer_id)`,
    [shopId],
  );
  await engine.run(
    `DELETE FROM customer_stats WHERE shop_id = $1${scopeOf(idsTable)}
     AND customer_id NOT IN (SELECT customer_id FROM ${STAGE_TABLE})`,
    [shopId],
  );
}

/** DELETE the refreshed scope and INSERT the staged rows with the scores they had. */
async function replaceRows(engine: SqlEngine, shopId: string, idsTable: string | undefined): Promise<void> {
  await engine.run(`DELETE FROM customer_stats WHERE shop_id = $1${scopeOf(idsTable)}`, [shopId]);
  const all = ALL_COLUMNS.join(', ');
  await engine.run(`INSERT INTO customer_stats (${all}) SELECT ${all} FROM ${STAGE_TABLE}`);
}

function scopeOf(idsTable: string | undefined): string {
  return idsTable ? ` AND customer_id IN (SELECT customer_id FROM ${idsTable})` : '';
}
