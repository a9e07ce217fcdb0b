/**
 * The purchase histories of the reorder cycles, built in SQL (issue 18, item 1): the same
 * histories as the domain's `histories` (src/domain/replenish/cycles.ts), one temporary table row
 * per merged purchase, so that no purchase travels to JavaScript. Temporary tables live on the
 * transaction's connection (PostgreSQL) and are dropped by `dropHistoryTables`.
 *
 * Customers and SKUs are keyed by integers (`rc_cust`: customer_id → ci, `rc_sku`: sku → si)
 * in every table of one row per purchase or history: at a million customers and ten million
 * lines, partitioning, sorting and grouping by two text ids cost most of the recompute's time and
 * memory, and the text ids are joined back only where rows leave (a few thousand SKUs, the
 * predictions).
 *
 * - `rc_g`: per order line of valid orders before the as-of moment, by customer and SKU in time
 *   order: epoch ms, quantity, the gap before it. Dropped once `rc_h` is built.
 * - `rc_h`: per customer and SKU, the merged purchases in time order: index j (0-based), start
 *   instant t (ms) and ts, quantity q, the history's size n, and v: the interval to the next one
 *   in days per unit of this one (NULL for the last), and lmin: the longest horizon under which
 *   it and every earlier interval count (see evidence-sql.ts); l1 and l2: the next rows' limits.
 * - `rc_hist`: per customer and SKU: n, m = n − 1 intervals, their sum s, the last purchase, and
 *   a, b: the last two intervals (the Wheat–Morrison pair).
 */
import { DEFAULT_VALID_ORDER_RULE } from '../../domain/analytics/valid-orders.js';
import { validOrderSql } from '../analytics/model-sql.js';
import { sqlNumber, sqlTimestamp } from '../analytics/sql.js';
import type { SqlEngine } from '../engine.js';

export const DAY_MS = 86_400_000;

const TABLES = [
  'rc_g',
  'rc_walk',
  'rc_h',
  'rc_hist',
  'rc_cut',
  'rc_hz',
  'rc_kc',
  'rc_cust',
  'rc_sku',
] as const;

/** Epoch milliseconds of a TIMESTAMPTZ, as DOUBLE PRECISION (what `Date.getTime()` gives). */
function epochMsSql(engine: SqlEngine, expr: string): string {
  return engine.dialect === 'duckdb'
    ? `CAST(epoch_ms(${expr}) AS DOUBLE PRECISION)`
    : `CAST(FLOOR(EXTRACT(EPOCH FROM ${expr}) * 1000) AS DOUBLE PRECISION)`;
}

/** Drops the temporary tables of a recompute (before one, in case a failed one left them, and after). */
export async function dropHistoryTables(engine: SqlEngine): Promise<void> {
  for (const t of TABLES) await engine.run(`DROP TABLE IF EXISTS ${t}`);
}

/**
 * Builds rc_cust, rc_sku, rc_h and rc_hist for the shop's valid purchases before `end`. Purchases
 * of a SKU less than a day after the customer's previous kept purchase are merged into it, as the
 * domain does: a gap to the previous purchase (LAG) decides it, except in the rare histories where
 * two sub-day gaps follow each other (a merged purchase then is not the one to measure from),
 * which a recursive walk over those histories alone settles.
 */
export async function buildHistories(engine: SqlEngine, shopId: string, end: Date): Promise<void> {
  await dropHistoryTables(engine);
  // Numbered in no particular order: only equality joins use the keys.
  await engine.run(
    `CREATE TEMPORARY TABLE rc_cust AS
     SELECT customer_id, CAST(ROW_NUMBER() OVER () AS INTEGER) AS ci
     FROM (SELECT DISTINCT customer_id FROM orders WHERE shop_id = $1) c`,
    [shopId],
  );
  await engine.run(
    `CREATE TEMPORARY TABLE rc_sku AS
     SELECT sku, CAST(ROW_NUMBER() OVER () AS INTEGER) AS si
     FROM (SELECT DISTINCT sku FROM order_lines WHERE shop_id = $1 AND sku IS NOT NULL) k`,
    [shopId],
  );
  // One row per order line of a customer and SKU, in time order, with the gap before it, and
  // whether the gap before that was under a day too (a chain). Lines at one instant (one purchase
  // for the domain) are not grouped first: a gap of 0 merges them like any sub-day gap, into the
  // first of them, and three or more make a chain the walk settles. Grouping ten million lines by
  // customer, SKU and instant cost more than half of this statement.
  const at = epochMsSql(engine, 'o.created_at');
  const lag = (k: number) => `LAG(at_ms, ${k}) OVER w`;
  await engine.run(
    `CREATE TEMPORARY TABLE rc_g AS
     SELECT ci, si, ts, at_ms, qty, ROW_NUMBER() OVER w AS rn, at_ms - ${lag(1)} AS gap,
       LEAD(at_ms) OVER w - at_ms AS next_gap, LEAD(qty) OVER w AS next_qty,
       CASE WHEN at_ms - ${lag(1)} < ${DAY_MS} AND ${lag(1)} - ${lag(2)} < ${DAY_MS} THEN 1 ELSE 0 END AS chain
     FROM (
       SELECT c.ci, k.si, o.created_at AS ts, ${at} AS at_ms, CAST(l.quantity AS DOUBLE PRECISION) AS qty
       FROM orders o JOIN order_lines l ON l.shop_id = o.shop_id AND l.order_id = o.order_id
         JOIN rc_cust c ON c.customer_id = o.customer_id JOIN rc_sku k ON k.sku = l.sku
       WHERE o.shop_id = $1 AND ${validOrderSql(DEFAULT_VALID_ORDER_RULE, 'o')}
         AND l.quantity > 0 AND o.created_at < ${sqlTimestamp(end)}) p
     WINDOW w AS (PARTITION BY ci, si ORDER BY ts)`,
    [shopId],
  );
  await engine.run(
    `CREATE TEMPORARY TABLE rc_walk AS
     WITH RECURSIVE chained AS (SELECT DISTINCT ci, si FROM rc_g WHERE chain = 1),
     chain_rows AS (SELECT g.ci, g.si, g.rn, g.at_ms FROM rc_g g JOIN chained c ON c.ci = g.ci AND c.si = g.si),
     walk(ci, si, rn, at_ms, kept) AS (
       SELECT ci, si, rn, at_ms, at_ms FROM chain_rows WHERE rn = 1
       UNION ALL
       SELECT r.ci, r.si, r.rn, r.at_ms, CASE WHEN r.at_ms - w.kept >= ${DAY_MS} THEN r.at_ms ELSE w.kept END
       FROM walk w JOIN chain_rows r ON r.ci = w.ci AND r.si = w.si AND r.rn = w.rn + 1)
     SELECT ci, si, rn, kept FROM walk`,
  );
  // Outside chains, a purchase under a day after the previous one is merged into that one (its
  // quantity added); chained histories are grouped by the walk's kept instant. limit: the longest
  // horizon (days) under which this purchase's interval counts as of `end`; lmin its running
  // minimum (an interval counts while every earlier one does); l1, l2 the next rows' limits. The
  // history's size n is counted over the same ordered window (whole frame), so one sort serves all.
  const limit = `(${sqlNumber(end.getTime())} - t) / (q * ${DAY_MS})`;
  await engine.run(
    `CREATE TEMPORARY TABLE rc_h AS
     WITH chained AS (SELECT DISTINCT ci, si FROM rc_walk),
     merged AS (
       SELECT g.ci, g.si, g.at_ms AS t, g.ts,
         g.qty + CASE WHEN g.next_gap < ${DAY_MS} THEN g.next_qty ELSE 0 END AS q
       FROM rc_g g
       WHERE (g.gap IS NULL OR g.gap >= ${DAY_MS})
         AND NOT EXISTS (SELECT 1 FROM chained c WHERE c.ci = g.ci AND c.si = g.si)
       UNION ALL
       SELECT g.ci, g.si, MIN(g.at_ms), MIN(g.ts), SUM(g.qty)
       FROM rc_g g JOIN rc_walk w ON w.ci = g.ci AND w.si = g.si AND w.rn = g.rn
       GROUP BY g.ci, g.si, w.kept)
     SELECT ci, si, ROW_NUMBER() OVER w - 1 AS j, t, ts, q,
       COUNT(*) OVER (PARTITION BY ci, si ORDER BY t ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) AS n,
       (LEAD(t) OVER w - t) / ${DAY_MS} / q AS v,
       MIN(${limit}) OVER w AS lmin, LEAD(${limit}) OVER w AS l1, LEAD(${limit}, 2) OVER w AS l2
     FROM merged
     WINDOW w AS (PARTITION BY ci, si ORDER BY t)`,
  );
  // The per-instant rows are not read again: their memory goes back before the evidence passes.
  await engine.run('DROP TABLE rc_g');
  await engine.run('DROP TABLE rc_walk');
  await engine.run(
    `CREATE TEMPORARY TABLE rc_hist AS
     SELECT ci, si, MAX(n) AS n, MAX(n) - 1 AS m, COALESCE(SUM(v), 0) AS s,
       MAX(CASE WHEN j = n - 1 THEN t END) AS last_t, MAX(CASE WHEN j = n - 1 THEN ts END) AS last_ts,
       MAX(CASE WHEN j = n - 1 THEN q END) AS last_q,
       MAX(CASE WHEN j = n - 3 THEN v END) AS a, MAX(CASE WHEN j = n - 2 THEN v END) AS b
     FROM rc_h GROUP BY ci, si`,
  );
}
