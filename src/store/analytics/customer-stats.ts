import { type AnalyticsConfig, DEFAULT_ANALYTICS_CONFIG } from '../../domain/analytics/config.js';
import type { ValidOrderRule } from '../../domain/analytics/valid-orders.js';
import { compareUtf8 } from '../../domain/order-columns.js';
import { tuneForBulk } from '../bulk.js';
import type { Dialect, SqlEngine } from '../engine.js';
import { lookupHashInsert } from '../lookup-hash.js';
import {
  CATEGORY_SEPARATOR,
  ordersFixedOffset,
  SCORE_COLUMNS,
  STAT_COLUMNS,
  shopTimeZone,
  stageCustomerIds,
} from './common.js';
import { dialectSql } from './dialect.js';
import { orderValueSql, validOrderSql } from './model-sql.js';
import { localDaySql, sqlInteger, sqlString } from './sql.js';

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
  /**
   * The categories the orders in scope have, when they are few (`pivotCategories`): each becomes
   * one conditional MIN of the customers' aggregation instead of a (customer, category) grouping.
   */
  categories?: readonly string[];
  /** The zone's one UTC offset over the orders (`ordersFixedOffset`): days by epoch arithmetic. */
  fixedOffset?: number | null;
}

/** The stats SELECT; `$1` is the shop id (plus `cutoffParam` if given). Columns: STAT_COLUMNS. */
export function customerStatsSelectSql(o: StatsQueryOptions): string {
  const valid = validOrderSql(o.rule, 'o');
  const value = orderValueSql(o.rule, 'o');
  const cutoff = o.cutoffParam ? ` AND o.created_at <= ${o.cutoffParam}` : '';
  const onlyIds = (col: string) =>
    o.idsTable ? ` AND ${col} IN (SELECT customer_id FROM ${o.idsTable})` : '';
  const day = (expr: string) =>
    o.fixedOffset === undefined || o.fixedOffset === null
      ? localDaySql(expr, o.timeZone)
      : epochDaySql(expr, o.fixedOffset);
  const sql = dialectSql(o.dialect);
  const customerExists = o.cutoffParam
    ? ` AND (c.created_at <= ${o.cutoffParam} OR a.customer_id IS NOT NULL)`
    : '';
  const validOrders = `o.shop_id = $1 AND ${valid}${cutoff}${onlyIds('o.customer_id')}`;
  const categories =
    o.categories === undefined ? joinedCategories(validOrders, o.dialect) : categoryPivot(o.categories);
  return `WITH agg AS (
      SELECT o.customer_id, COUNT(*) AS orders, SUM(${value}) AS revenue,
        MIN(o.created_at) AS first_order_at, MAX(o.created_at) AS last_order_at, MAX(${value}) AS max_order_value,
        ${sql.firstByTime(value, 'o.created_at')} AS first_order_value${categories.aggregates}
      FROM orders o
      WHERE ${validOrders}
      GROUP BY o.customer_id
    )${categories.ctes}
    SELECT c.shop_id, c.customer_id, c.referred_by IS NOT NULL AS referred,
      COALESCE(a.orders, 0) AS orders, COALESCE(a.revenue, 0) AS revenue,
      a.first_order_at, a.last_order_at,
      ${day('a.first_order_at')} AS first_order_date, ${day('a.last_order_at')} AS last_order_date,
      a.first_order_value, a.max_order_value,
      CAST(a.revenue AS DOUBLE PRECISION) / a.orders AS aov,
      CASE WHEN a.orders > 1
        THEN CAST(${day('a.last_order_at')} - ${day('a.first_order_at')} AS DOUBLE PRECISION) / (a.orders - 1)
      END AS avg_gap_days,
      COALESCE(${categories.count}, 0) AS category_count, ${categories.list} AS categories,
      (COALESCE(a.max_order_value > a.first_order_value, FALSE)
        OR COALESCE(${categories.lastNewAt} > a.first_order_at, FALSE)) AS upsold
    FROM customers c
    LEFT JOIN agg a ON a.customer_id = c.customer_id${categories.join}
    WHERE c.shop_id = $1 AND c.merged_into IS NULL${customerExists}${onlyIds('c.customer_id')}`;
}

/** The calendar day of a timestamp in a zone of one UTC offset, as a DATE, without a conversion. */
function epochDaySql(expr: string, offsetSeconds: number): string {
  return `CAST(DATE '1970-01-01' + CAST(FLOOR((EXTRACT(EPOCH FROM ${expr}) + ${sqlInteger(offsetSeconds)}) / 86400) AS INTEGER) AS DATE)`;
}

/**
 * How the stats SELECT gets, per customer, the number of categories bought, their sorted list
 * and when the last new one was first bought (for "upsold"): extra aggregates of `agg`, extra
 * CTEs, a join, and the three expressions.
 */
interface CategoryParts {
  aggregates: string;
  ctes: string;
  join: string;
  count: string;
  list: string;
  lastNewAt: string;
}

/**
 * The general form: the valid orders joined to their lines, grouped by (customer, category),
 * then by customer. Works for any number of categories.
 */
function joinedCategories(validOrders: string, dialect: Dialect): CategoryParts {
  const sql = dialectSql(dialect);
  // The valid orders are written out again rather than shared with `agg` as a CTE: a CTE used
  // twice is materialised (9M rows at 10M orders) where two scans of the columns are cheaper.
  return {
    aggregates: '',
    ctes: `,
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
    )`,
    join: '\n    LEFT JOIN cat_agg k ON k.customer_id = c.customer_id',
    count: 'k.category_count',
    list: 'k.categories',
    lastNewAt: 'k.last_new_category_at',
  };
}

/**
 * The pivot, for shops with few categories: each category's first purchase is one conditional
 * MIN over the orders' `line_categories` (migration 008) in the one grouping of orders by
 * customer — no join to the lines, no second grouping. Same result as the general form.
 */
function categoryPivot(categories: readonly string[]): CategoryParts {
  if (categories.length === 0)
    return {
      aggregates: '',
      ctes: '',
      join: '',
      count: '0',
      list: 'CAST(NULL AS VARCHAR)',
      lastNewAt: 'CAST(NULL AS TIMESTAMPTZ)',
    };
  const sorted = [...categories].sort(compareUtf8);
  const first = (i: number) => `a.cat${i}_first_at`;
  const aggregates = sorted
    .map(
      (c, i) =>
        `,\n        MIN(CASE WHEN strpos(o.line_categories, ${sqlString(`${CATEGORY_SEPARATOR}${c}${CATEGORY_SEPARATOR}`)}) > 0 THEN o.created_at END) AS cat${i}_first_at`,
    )
    .join('');
  const count = sorted.map((_, i) => `CASE WHEN ${first(i)} IS NOT NULL THEN 1 ELSE 0 END`).join(' + ');
  const names = sorted.map((c, i) => `CASE WHEN ${first(i)} IS NOT NULL THEN ${sqlString(c)} END`).join(', ');
  // GREATEST skips NULLs on both engines, as MAX over the grouped rows does.
  const lastNewAt = sorted.length === 1 ? first(0) : `GREATEST(${sorted.map((_, i) => first(i)).join(', ')})`;
  return {
    aggregates,
    ctes: '',
    join: '',
    count: `(${count})`,
    // concat_ws skips NULLs, so '' means no category (the pivot never has an empty one): NULL, as in
    // the general form.
    list: `NULLIF(concat_ws(${sqlString(CATEGORY_SEPARATOR)}, ${names}), '')`,
    lastNewAt,
  };
}

/** Shops with at most this many categories (in scope) get the pivot form of the category stats. */
export const MAX_PIVOT_CATEGORIES = 64;

/**
 * The distinct categories of the order lines in scope, or undefined when there are more than
 * `MAX_PIVOT_CATEGORIES` or one of them could not be told apart in the joined list (empty, or
 * holding the separator): then the general form is used.
 */
export async function pivotCategories(
  engine: SqlEngine,
  shopId: string,
  idsTable?: string,
): Promise<string[] | undefined> {
  const scope = idsTable
    ? ` AND l.order_id IN (SELECT order_id FROM orders WHERE shop_id = $1
         AND customer_id IN (SELECT customer_id FROM ${idsTable}))`
    : '';
  const rows = await engine.all<{ category: string }>(
    `SELECT DISTINCT l.category FROM order_lines l
     WHERE l.shop_id = $1 AND l.category IS NOT NULL${scope} LIMIT ${MAX_PIVOT_CATEGORIES + 1}`,
    [shopId],
  );
  const categories = rows.map((r) => r.category);
  const usable = categories.every((c) => c !== '' && !c.includes(CATEGORY_SEPARATOR));
  return categories.length <= MAX_PIVOT_CATEGORIES && usable ? categories : undefined;
}

/**
 * The stats SELECT for the shop's orders as they are now (or, with `cutoffParam`, as they were at
 * that instant): the fastest form the data allow (the category pivot when the orders in scope have
 * few categories, epoch days when the zone kept one offset). `$1` is the shop id.
 */
export async function currentStatsSelectSql(
  engine: SqlEngine,
  shopId: string,
  timeZone: string,
  rule: ValidOrderRule,
  scope: { idsTable?: string; pivot?: boolean; cutoffParam?: string } = {},
): Promise<string> {
  const categories =
    scope.pivot === false ? undefined : await pivotCategories(engine, shopId, scope.idsTable);
  return customerStatsSelectSql({
    dialect: engine.dialect,
    timeZone,
    rule,
    fixedOffset: await ordersFixedOffset(engine, shopId, timeZone),
    ...(scope.idsTable ? { idsTable: scope.idsTable } : {}),
    ...(scope.cutoffParam ? { cutoffParam: scope.cutoffParam } : {}),
    ...(categories ? { categories } : {}),
  });
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
  /** Whether a shop with few categories gets the pivot form (default true; false for tests). */
  pivot?: boolean;
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
    const select = await currentStatsSelectSql(tx, shopId, timeZone, rule, {
      ...(idsTable ? { idsTable } : {}),
      pivot: options.pivot !== false,
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
  const hash = lookupHashInsert(engine.dialect, 's.customer_id');
  await engine.run(
    `INSERT INTO customer_stats (${cols}${hash.column}) SELECT ${cols}${hash.value} FROM ${STAGE_TABLE} s
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
  const hash = lookupHashInsert(engine.dialect, 's.customer_id');
  await engine.run(
    `INSERT INTO customer_stats (${all}${hash.column}) SELECT ${all}${hash.value} FROM ${STAGE_TABLE} s`,
  );
}

function scopeOf(idsTable: string | undefined): string {
  return idsTable ? ` AND customer_id IN (SELECT customer_id FROM ${idsTable})` : '';
}
