/**
 * The recommender's precompute (issue 18, item 2), in SQL that both engines run: valid order
 * lines → per-product statistics → popular lists (bought, viewed, trending) → item-item rules
 * (same order; same customer) and bundles → each customer's ranked list with its reason →
 * cross-shop lists. Every statement reads and writes one `scope` (see migration 029).
 */
import { DEFAULT_VALID_ORDER_RULE } from '../../domain/analytics/valid-orders.js';
import { LIST_SIZES, SMALL_SHOP } from '../../domain/recommend/model.js';
import { validOrderSql } from '../analytics/model-sql.js';
import type { SqlEngine } from '../engine.js';
import { writePairs } from './pairs.js';
import { replenishableSql } from './replenishable.js';

/** Which scope a recompute fills: what the shop serves, or an evaluation's training copy. */
export type RecScope = 'live' | 'eval';

/** Which valid orders the recompute may read (besides "before asOf"). */
export type Holdout =
  | { kind: 'none' }
  /** Evaluation: only orders before the split. */
  | { kind: 'split'; at: Date }
  /** Evaluation: every order but each customer's last. */
  | { kind: 'last_order' };

export interface ModelOptions {
  scope: RecScope;
  asOf: Date;
  holdout: Holdout;
  halfLifeDays: number;
}

export interface ModelSummary {
  customers: number;
  orders: number;
  lines: number;
  small: boolean;
}

const VALID = validOrderSql(DEFAULT_VALID_ORDER_RULE, 'o');
const DERIVED = ['rec_lines', 'rec_products', 'rec_pairs', 'rec_bundles', 'rec_popular', 'rec_personal'];

const num = (x: number): string => {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return String(x);
};
/** Days since the epoch of an instant (the unit of rec_lines.t). */
export const dayOf = (d: Date): number => d.getTime() / 86_400_000;
const decay = (halfLifeDays: number, asOf: Date, t: string) =>
  `EXP(${num(-Math.LN2 / halfLifeDays)} * (${num(dayOf(asOf))} - ${t}))`;

/** Deletes what a scope holds of the shop. */
export async function clearScope(db: SqlEngine, shopId: string, scope: RecScope): Promise<void> {
  for (const t of DERIVED)
    await db.run(`DELETE FROM ${t} WHERE shop_id = $1 AND scope = $2`, [shopId, scope]);
}

/**
 * Recomputes the shop's model in `scope`: lines, products, popular lists, pair rules, bundles.
 * The personal lists are `scorePersonal`'s (they depend on the blend's weights).
 */
export async function recomputeModel(db: SqlEngine, shopId: string, o: ModelOptions): Promise<ModelSummary> {
  await clearScope(db, shopId, o.scope);
  const S = `'${o.scope}'`;
  const holdout =
    o.holdout.kind === 'split'
      ? ' AND o.created_at < $3'
      : o.holdout.kind === 'last_order'
        ? ` AND o.order_id NOT IN (SELECT order_id FROM (
            SELECT o.order_id, ROW_NUMBER() OVER (PARTITION BY o.customer_id ORDER BY o.created_at DESC, o.order_id DESC) AS rn
            FROM orders o WHERE o.shop_id = $1 AND ${VALID}) x WHERE rn = 1)`
        : '';
  // The lines are grouped per (order, SKU) before the join: an order is one row of orders (its
  // key), so this is the grouping by order, customer, instant and SKU on two keys instead of five.
  await db.run(
    `INSERT INTO rec_lines (shop_id, scope, customer_id, order_id, t, sku, quantity)
     SELECT o.shop_id, ${S}, o.customer_id, o.order_id,
       CAST(EXTRACT(EPOCH FROM o.created_at) AS DOUBLE PRECISION) / 86400, l.sku, l.quantity
     FROM orders o JOIN (
       SELECT order_id, sku, CAST(SUM(quantity) AS INTEGER) AS quantity FROM order_lines
       WHERE shop_id = $1 AND sku IS NOT NULL GROUP BY order_id, sku) l ON l.order_id = o.order_id
     WHERE o.shop_id = $1 AND ${VALID} AND o.created_at < $2${holdout}`,
    o.holdout.kind === 'split' ? [shopId, o.asOf, o.holdout.at] : [shopId, o.asOf],
  );
  const [size] = await db.all<{
    customers: number | bigint;
    orders: number | bigint;
    lines: number | bigint;
  }>(
    `SELECT COUNT(DISTINCT customer_id) AS customers, COUNT(DISTINCT order_id) AS orders, COUNT(*) AS lines
     FROM rec_lines WHERE shop_id = $1 AND scope = ${S}`,
    [shopId],
  );
  const summary = {
    customers: Number(size?.customers ?? 0),
    orders: Number(size?.orders ?? 0),
    lines: Number(size?.lines ?? 0),
    small: false,
  };
  summary.small = summary.customers < SMALL_SHOP.customers || summary.orders < SMALL_SHOP.orders;
  await writeProducts(db, shopId, S, o);
  await writePopular(db, shopId, S, o);
  // The pair rules, then the bundles (pairs.ts: both on integer product numbers).
  await writePairs(db, shopId, {
    S,
    minTogether: summary.small ? 1 : 2,
    today: num(dayOf(o.asOf)),
    halfLifeDays: o.halfLifeDays,
  });
  return summary;
}

async function writeProducts(db: SqlEngine, shopId: string, S: string, o: ModelOptions): Promise<void> {
  await db.run(
    `INSERT INTO rec_products (shop_id, scope, sku, category, orders, buyers, repeat_buyers, median_interval_days,
       popularity, consumable, cycle_days, replenishable, eligible)
     WITH ci AS (
       SELECT sku, customer_id, COUNT(*) AS n, MAX(t) AS last_t FROM rec_lines
       WHERE shop_id = $1 AND scope = ${S} GROUP BY sku, customer_id
     ), agg AS (
       SELECT sku, SUM(n) AS orders, COUNT(*) AS buyers, SUM(CASE WHEN n >= 2 THEN 1 ELSE 0 END) AS repeat_buyers,
         SUM(${decay(o.halfLifeDays, o.asOf, 'last_t')}) AS popularity
       FROM ci GROUP BY sku
     ), gaps AS (
       SELECT sku, t - LAG(t) OVER (PARTITION BY customer_id, sku ORDER BY t) AS gap FROM rec_lines
       WHERE shop_id = $1 AND scope = ${S}
     ), med AS (
       SELECT sku, PERCENTILE_CONT(0.5) WITHIN GROUP (ORDER BY gap) AS m FROM gaps WHERE gap >= 1 GROUP BY sku
     ), imgs AS (
       SELECT COUNT(*) AS n FROM products WHERE shop_id = $1 AND image_url IS NOT NULL
     ), eff AS (
       SELECT p.sku, COALESCE(p.category, '') AS category,
         COALESCE(ps.consumable, CASE WHEN ps.reorder_cycle_days IS NOT NULL THEN TRUE END, cs.consumable,
           CASE WHEN cs.reorder_cycle_days IS NOT NULL THEN TRUE END,
           p.consumable OR p.reorder_cycle_days IS NOT NULL) AS consumable,
         COALESCE(ps.reorder_cycle_days, cs.reorder_cycle_days, p.reorder_cycle_days) AS cycle,
         (ex.sku IS NULL AND (p.inventory_qty IS NULL OR p.inventory_qty > 0)
           AND (p.status IS NULL OR p.status = 'active') AND (p.published IS NULL OR p.published)
           AND (p.image_url IS NOT NULL OR imgs.n = 0)) AS eligible
       FROM products p CROSS JOIN imgs
       LEFT JOIN product_settings ps ON ps.shop_id = p.shop_id AND ps.scope = 'product' AND ps.target = p.sku
       LEFT JOIN product_settings cs ON cs.shop_id = p.shop_id AND cs.scope = 'category' AND cs.target = p.category
       LEFT JOIN rec_exclusions ex ON ex.shop_id = p.shop_id AND ex.sku = p.sku
       WHERE p.shop_id = $1
     )
     SELECT $1, ${S}, e.sku, e.category, CAST(COALESCE(a.orders, 0) AS INTEGER), CAST(COALESCE(a.buyers, 0) AS INTEGER),
       CAST(COALESCE(a.repeat_buyers, 0) AS INTEGER), m.m, COALESCE(a.popularity, 0), e.consumable,
       CASE WHEN e.consumable THEN CAST(e.cycle AS DOUBLE PRECISION) END,
       ${replenishableSql({
         buyers: 'COALESCE(a.buyers, 0)',
         repeatBuyers: 'COALESCE(a.repeat_buyers, 0)',
         consumable: 'e.consumable',
         cycleDays: 'e.cycle',
       })}, e.eligible
     FROM eff e LEFT JOIN agg a ON a.sku = e.sku LEFT JOIN med m ON m.sku = e.sku`,
    [shopId],
  );
}

const POPULAR_COLUMNS = 'shop_id, scope, kind, category, rank, sku, score, events';

async function writePopular(db: SqlEngine, shopId: string, S: string, o: ModelOptions): Promise<void> {
  const L = LIST_SIZES.popular;
  await db.run(
    `INSERT INTO rec_popular (${POPULAR_COLUMNS})
     SELECT $1, ${S}, 'bought', category, CAST(rn AS INTEGER), sku, popularity, buyers FROM (
       SELECT g.category, p.sku, p.popularity, p.buyers,
         ROW_NUMBER() OVER (PARTITION BY g.category ORDER BY p.popularity DESC, p.buyers DESC, p.sku) AS rn
       FROM rec_products p JOIN (SELECT sku, '' AS category FROM rec_products WHERE shop_id = $1 AND scope = ${S}
         UNION ALL SELECT sku, category FROM rec_products WHERE shop_id = $1 AND scope = ${S} AND category <> '') g
         ON g.sku = p.sku
       WHERE p.shop_id = $1 AND p.scope = ${S} AND p.eligible AND p.buyers > 0) x
     WHERE rn <= ${L}`,
    [shopId],
  );
  const day = 86_400_000;
  const since = new Date(o.asOf.getTime() - 28 * day);
  const week = new Date(o.asOf.getTime() - 7 * day);
  const views = `WITH v AS (
       SELECT COALESCE(CAST(e.properties AS JSON) ->> 'sku', CAST(e.properties AS JSON) ->> 'product_id') AS sku,
         e.occurred_at FROM events e
       WHERE e.shop_id = $1 AND e.name = 'Product Viewed' AND e.occurred_at >= $2 AND e.occurred_at < $3
     ), c AS (
       SELECT sku, COUNT(*) AS n, SUM(CASE WHEN occurred_at >= $4 THEN 1 ELSE 0 END) AS n7 FROM v
       WHERE sku IS NOT NULL GROUP BY sku
     ), s AS (
       SELECT p.sku, p.category, c.n, c.n7,
         (c.n7 + 1.0) / ((c.n - c.n7) / 3.0 + 1.0) AS trend
       FROM c JOIN rec_products p ON p.shop_id = $1 AND p.scope = ${S} AND p.sku = c.sku AND p.eligible
     ), g AS (
       SELECT '' AS category, sku, n, n7, trend FROM s UNION ALL SELECT category, sku, n, n7, trend FROM s WHERE category <> ''
     )`;
  const params = [shopId, since, o.asOf, week];
  await db.run(
    `INSERT INTO rec_popular (${POPULAR_COLUMNS})
     ${views}
     SELECT $1, ${S}, 'viewed', category, CAST(rn AS INTEGER), sku, CAST(n AS DOUBLE PRECISION), CAST(n AS INTEGER) FROM (
       SELECT category, sku, n, ROW_NUMBER() OVER (PARTITION BY category ORDER BY n DESC, sku) AS rn FROM g) x
     WHERE rn <= ${L}`,
    params,
  );
  await db.run(
    `INSERT INTO rec_popular (${POPULAR_COLUMNS})
     ${views}
     SELECT $1, ${S}, 'trending', category, CAST(rn AS INTEGER), sku, trend, CAST(n7 AS INTEGER) FROM (
       SELECT category, sku, trend, n7, ROW_NUMBER() OVER (PARTITION BY category ORDER BY trend DESC, n7 DESC, sku) AS rn
       FROM g WHERE n7 >= 2 AND trend > 1) x
     WHERE rn <= ${L}`,
    params,
  );
}
