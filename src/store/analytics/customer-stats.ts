import { type AnalyticsConfig, DEFAULT_ANALYTICS_CONFIG } from '../../domain/analytics/config.js';
import { localDaySql, sqlString } from '../../domain/analytics/sql.js';
import { orderValueSql, type ValidOrderRule, validOrderSql } from '../../domain/analytics/valid-orders.js';
import type { Dialect, SqlEngine } from '../engine.js';
import {
  CATEGORY_SEPARATOR,
  prepareStatsTable,
  SCORE_COLUMNS,
  STAT_COLUMNS,
  shopTimeZone,
  stageCustomerIds,
} from './common.js';
import { dialectSql } from './dialect.js';

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
  // Valid orders first: with a filter, the lines are joined to the few orders of those customers only.
  return `WITH vo AS (
      SELECT o.customer_id, o.order_id, o.created_at, ${value} AS value
      FROM orders o
      WHERE o.shop_id = $1 AND ${valid}${cutoff}${onlyIds('o.customer_id')}
    ),
    agg AS (
      SELECT customer_id, COUNT(*) AS orders, SUM(value) AS revenue,
        MIN(created_at) AS first_order_at, MAX(created_at) AS last_order_at, MAX(value) AS max_order_value,
        ${sql.firstByTime('value', 'created_at', 'order_id')} AS first_order_value
      FROM vo GROUP BY customer_id
    ),
    cats AS (
      SELECT v.customer_id, l.category, MIN(v.created_at) AS first_at
      FROM vo v JOIN order_lines l ON l.shop_id = $1 AND l.order_id = v.order_id
      WHERE l.category IS NOT NULL
      GROUP BY v.customer_id, l.category
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
const MERGED_TABLE = 'analytics_stats_merged';

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
    const idsTable = ids === undefined ? undefined : await stageCustomerIds(tx, ids);
    await prepareStatsTable(tx, STAGE_TABLE);
    const select = customerStatsSelectSql({
      dialect: tx.dialect,
      timeZone,
      rule,
      ...(idsTable ? { idsTable } : {}),
    });
    await tx.run(`INSERT INTO ${STAGE_TABLE} (${STAT_COLUMNS.join(', ')}) ${select}`, [shopId]);
    const { customers, changed } = await countChanges(tx, shopId);
    const strategy = options.strategy ?? 'auto';
    const replace = strategy === 'replace' || (strategy === 'auto' && changed > customers * REPLACE_ABOVE);
    if (replace) await replaceRows(tx, shopId, idsTable);
    else await updateRows(tx, shopId, idsTable);
    return { mode, customers, changed };
  });
}

const DATA_COLUMNS = STAT_COLUMNS.filter((c) => c !== 'shop_id' && c !== 'customer_id');

async function countChanges(
  engine: SqlEngine,
  shopId: string,
): Promise<{ customers: number; changed: number }> {
  const differs = DATA_COLUMNS.map((c) => `t.${c} IS DISTINCT FROM s.${c}`).join(' OR ');
  const [row] = await engine.all<{ customers: number; changed: number | null }>(
    `SELECT COUNT(*) AS customers,
       SUM(CASE WHEN t.customer_id IS NULL OR ${differs} THEN 1 ELSE 0 END) AS changed
     FROM ${STAGE_TABLE} s LEFT JOIN customer_stats t ON t.shop_id = $1 AND t.customer_id = s.customer_id`,
    [shopId],
  );
  return { customers: Number(row?.customers ?? 0), changed: Number(row?.changed ?? 0) };
}

/** UPDATE the rows that differ, INSERT the new ones, DELETE those whose customer is gone. */
async function updateRows(engine: SqlEngine, shopId: string, idsTable: string | undefined): Promise<void> {
  const set = DATA_COLUMNS.map((c) => `${c} = s.${c}`).join(', ');
  const differs = DATA_COLUMNS.map((c) => `customer_stats.${c} IS DISTINCT FROM s.${c}`).join(' OR ');
  await engine.run(
    `UPDATE customer_stats SET ${set} FROM ${STAGE_TABLE} s
     WHERE customer_stats.shop_id = $1 AND customer_stats.customer_id = s.customer_id AND (${differs})`,
    [shopId],
  );
  const cols = STAT_COLUMNS.join(', ');
  await engine.run(
    `INSERT INTO customer_stats (${cols}) SELECT ${cols} FROM ${STAGE_TABLE} s
     WHERE NOT EXISTS (SELECT 1 FROM customer_stats t WHERE t.shop_id = $1 AND t.customer_id = s.customer_id)`,
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
  await prepareStatsTable(engine, MERGED_TABLE);
  const all = [...STAT_COLUMNS, ...SCORE_COLUMNS];
  await engine.run(
    `INSERT INTO ${MERGED_TABLE} (${all.join(', ')})
     SELECT ${STAT_COLUMNS.map((c) => `s.${c}`).join(', ')}, ${SCORE_COLUMNS.map((c) => `t.${c}`).join(', ')}
     FROM ${STAGE_TABLE} s LEFT JOIN customer_stats t ON t.shop_id = $1 AND t.customer_id = s.customer_id`,
    [shopId],
  );
  await engine.run(`DELETE FROM customer_stats WHERE shop_id = $1${scopeOf(idsTable)}`, [shopId]);
  await engine.run(
    `INSERT INTO customer_stats (${all.join(', ')}) SELECT ${all.join(', ')} FROM ${MERGED_TABLE}`,
  );
}

function scopeOf(idsTable: string | undefined): string {
  return idsTable ? ` AND customer_id IN (SELECT customer_id FROM ${idsTable})` : '';
}
