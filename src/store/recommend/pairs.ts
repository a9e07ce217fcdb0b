/**
 * The recompute's item-item rules (rec_pairs): over orders (support, confidence, lift) and over
 * customers (decayed cosine). Both count tens of millions of (product, product) rows at the
 * issue's size (10,000,000 lines); they group and rank on integer product numbers from a
 * working table (rec_tmp_skus) instead of the SKU text, which at that size is several times
 * faster and leaner, and turn the numbers back into SKUs only for the neighbours they keep.
 * The lines themselves are read once into a working table on numbers (rec_tmp_lx: customer,
 * order, product, category, day), which the order pairs, the customer pairs and the bundles
 * share instead of each joining the text lines to the SKU numbers and grouping on text ids.
 * Both counts are symmetric, so each self-join counts a pair once (a < b) and the rule's two
 * directions are unfolded after the grouping: half the rows through the largest grouping.
 * Those last joins are LEFT JOINs (every number has its SKU, so they drop nothing): with inner
 * joins DuckDB, which has no statistics on the fresh working table, paired the two lookups
 * first, a 10,000 × 10,000 cross product that took minutes and 8 GiB.
 */
import { LIST_SIZES } from '../../domain/recommend/model.js';
import type { SqlEngine } from '../engine.js';

/** The working table: every SKU of the scope's lines, numbered in SKU order. */
const SKUS = 'rec_tmp_skus';
/** The working table of the shop's orders: order number ox, customer number cx. */
const ORDERS = 'rec_tmp_orders';
/** The working table of the scope's lines on numbers only: (cx, ox, px, gx, t). */
const LINES = 'rec_tmp_lx';
/** Shrinkage strength (in orders) of a pair rule toward its category-level rule. */
const SHRINK = 5;
/** Orders with more distinct products than this are left out of pair counts. */
const MAX_BASKET_PAIRS = 30;
/** Orders with more distinct products than this are left out of triple counts. */
const MAX_BASKET_TRIPLES = 10;

const PAIR_COLUMNS =
  'shop_id, scope, kind, sku, other_sku, together, support, confidence, lift, score, shrunk';

const num = (x: number): string => {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return String(x);
};

/** Options of the pair rules: the scope (SQL literal) and the customer pairs' decay. */
export interface PairOptions {
  /** The scope as an SQL literal ('live' or 'eval'). */
  S: string;
  /** Pairs over orders seen fewer times than this are left out. */
  minTogether: number;
  /** Days since the epoch of asOf (the unit of rec_lines.t), as SQL. */
  today: string;
  halfLifeDays: number;
}

/**
 * Writes both kinds of pair rules of the scope, then its bundles. px follows the SKU's order, so that ordering by
 * px is ordering by SKU (the ties' order, as the rules always had); gx numbers the category
 * (NULL for a SKU the catalogue does not know: such lines count for the customer pairs only).
 */
export async function writePairs(db: SqlEngine, shopId: string, o: PairOptions): Promise<void> {
  await db.run(`DROP TABLE IF EXISTS ${SKUS}`);
  await db.run(
    `CREATE TEMP TABLE ${SKUS} AS
     SELECT s.sku, CAST(ROW_NUMBER() OVER (ORDER BY s.sku) AS INTEGER) AS px,
       CASE WHEN p.sku IS NOT NULL THEN CAST(DENSE_RANK() OVER (ORDER BY p.category) AS INTEGER) END AS gx
     FROM (SELECT DISTINCT sku FROM rec_lines WHERE shop_id = $1 AND scope = ${o.S}) s
     LEFT JOIN rec_products p ON p.shop_id = $1 AND p.scope = ${o.S} AND p.sku = s.sku`,
    [shopId],
  );
  // The three passes below read the lines by order, customer and product: on numbers from one
  // join of the lines to the orders (text order ids hashed once, not three times), they group and
  // self-join on integers. The orders (not the lines) are numbered: no grouping of the lines.
  await db.run(`DROP TABLE IF EXISTS ${ORDERS}`);
  await db.run(
    `CREATE TEMP TABLE ${ORDERS} AS
     SELECT o.order_id, CAST(ROW_NUMBER() OVER () AS INTEGER) AS ox, c.cx
     FROM orders o JOIN (
       SELECT customer_id, CAST(ROW_NUMBER() OVER () AS INTEGER) AS cx
       FROM (SELECT DISTINCT customer_id FROM orders WHERE shop_id = $1) d) c ON c.customer_id = o.customer_id
     WHERE o.shop_id = $1`,
    [shopId],
  );
  await db.run(`DROP TABLE IF EXISTS ${LINES}`);
  await db.run(
    `CREATE TEMP TABLE ${LINES} AS
     SELECT r.cx, r.ox, k.px, k.gx, l.t FROM rec_lines l
     JOIN ${ORDERS} r ON r.order_id = l.order_id JOIN ${SKUS} k ON k.sku = l.sku
     WHERE l.shop_id = $1 AND l.scope = ${o.S}`,
    [shopId],
  );
  await db.run(`DROP TABLE ${ORDERS}`);
  await writeOrderPairs(db, shopId, o);
  await writeCustomerPairs(db, shopId, o);
  await writeBundles(db, shopId, o.S);
  await db.run(`DROP TABLE ${LINES}`);
  await db.run(`DROP TABLE ${SKUS}`);
}

/**
 * Pair rules a → b over orders: support, confidence and lift, the confidence shrunk toward the
 * rule "a's category → b" by SHRINK orders (which matters only where a is rare: small shops).
 */
async function writeOrderPairs(db: SqlEngine, shopId: string, o: PairOptions): Promise<void> {
  await db.run(
    `INSERT INTO rec_pairs (${PAIR_COLUMNS})
     WITH b AS (SELECT ox AS order_id, px, gx FROM ${LINES} WHERE gx IS NOT NULL), n AS (SELECT CAST(COUNT(DISTINCT order_id) AS DOUBLE PRECISION) AS n FROM b),
     item AS (SELECT px, gx, COUNT(*) AS k FROM b GROUP BY px, gx),
     multi AS (SELECT order_id FROM b GROUP BY order_id HAVING COUNT(*) BETWEEN 2 AND ${MAX_BASKET_PAIRS}),
     bb AS (SELECT b.order_id, b.px, b.gx FROM b JOIN multi m ON m.order_id = b.order_id),
     half AS (
       SELECT x.px AS a, y.px AS b, COUNT(*) AS k
       FROM bb x JOIN bb y ON y.order_id = x.order_id AND y.px > x.px
       GROUP BY x.px, y.px
     ), pair AS (
       SELECT h.a, ia.gx AS ca, h.b, h.k
       FROM (SELECT a, b, k FROM half UNION ALL SELECT b, a, k FROM half) h JOIN item ia ON ia.px = h.a
     ), cp AS (
       SELECT ca AS gx, b, SUM(k) AS k FROM pair GROUP BY ca, b
     ), ck AS (SELECT gx, SUM(k) AS k FROM item GROUP BY gx),
     s AS (
       -- Each join on columns of one side only (the pair's own category), so that no planner
       -- joins the category rules to the products first (a product × category explosion).
       SELECT p.a, p.b, p.k, ia.k AS ka, ib.k AS kb,
         (p.k + ${SHRINK} * CAST(cp.k AS DOUBLE PRECISION) / ck.k) / (ia.k + ${SHRINK}) AS conf
       FROM pair p JOIN item ia ON ia.px = p.a JOIN item ib ON ib.px = p.b
       JOIN cp ON cp.gx = p.ca AND cp.b = p.b JOIN ck ON ck.gx = p.ca
       WHERE p.k >= ${o.minTogether}
     ), r AS (
       SELECT s.*, s.conf * n.n / s.kb AS lift,
         ROW_NUMBER() OVER (PARTITION BY s.a ORDER BY s.conf DESC, s.k DESC, s.b) AS rn
       FROM s CROSS JOIN n WHERE s.conf * n.n / s.kb > 1
     )
     SELECT $1, ${o.S}, 'order', ka.sku, kb.sku, CAST(r.k AS INTEGER), r.k / n.n, r.conf, r.lift, r.conf,
       r.ka < ${SHRINK * 6}
     FROM r CROSS JOIN n LEFT JOIN ${SKUS} ka ON ka.px = r.a LEFT JOIN ${SKUS} kb ON kb.px = r.b
     WHERE r.rn <= ${LIST_SIZES.neighbours}`,
    [shopId],
  );
}

/**
 * Item-item neighbours over customers: each customer's RECENT most recent products weighted by
 * the time decay of their last purchase; the score is the decayed cosine (Ochiai) damped for
 * pairs seen by few customers (k / (k + 2)).
 */
async function writeCustomerPairs(db: SqlEngine, shopId: string, o: PairOptions): Promise<void> {
  const decay = `EXP(${num(-Math.LN2 / o.halfLifeDays)} * (${o.today} - last_t))`;
  await db.run(
    `INSERT INTO rec_pairs (${PAIR_COLUMNS})
     WITH ci AS (SELECT cx AS customer_id, px, MAX(t) AS last_t FROM ${LINES} GROUP BY cx, px), w AS (
       SELECT customer_id, px, ${decay} AS w,
         ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY last_t DESC, px) AS r FROM ci
     ), wr AS (SELECT customer_id, px, w FROM w WHERE r <= ${LIST_SIZES.recentItems}),
     n AS (SELECT CAST(COUNT(DISTINCT customer_id) AS DOUBLE PRECISION) AS n FROM wr),
     item AS (SELECT px, SUM(w * w) AS ss, COUNT(*) AS k FROM wr GROUP BY px),
     half AS (
       SELECT x.px AS a, y.px AS b, SUM(x.w * y.w) AS co, COUNT(*) AS k
       FROM wr x JOIN wr y ON y.customer_id = x.customer_id AND y.px > x.px GROUP BY x.px, y.px
     ), hs AS (
       SELECT p.a, p.b, p.k, ia.k AS ka, ib.k AS kb,
         p.co / SQRT(ia.ss * ib.ss) * p.k / (p.k + 2.0) AS score
       FROM half p JOIN item ia ON ia.px = p.a JOIN item ib ON ib.px = p.b
     ), s AS (
       SELECT a, b, k, ka, kb, score FROM hs UNION ALL SELECT b, a, k, kb, ka, score FROM hs
     ), r AS (
       SELECT s.*, ROW_NUMBER() OVER (PARTITION BY s.a ORDER BY s.score DESC, s.b) AS rn FROM s
     )
     SELECT $1, ${o.S}, 'customer', ka.sku, kb.sku, CAST(r.k AS INTEGER), r.k / n.n,
       CAST(r.k AS DOUBLE PRECISION) / r.ka, r.k * n.n / (CAST(r.ka AS DOUBLE PRECISION) * r.kb), r.score, FALSE
     FROM r CROSS JOIN n LEFT JOIN ${SKUS} ka ON ka.px = r.a LEFT JOIN ${SKUS} kb ON kb.px = r.b
     WHERE r.rn <= ${LIST_SIZES.neighbours}`,
    [shopId],
  );
}

/**
 * Bundles: triples bought in one order at least twice, with lift > 1 over the rule {a, b} → c,
 * counted on product numbers (px follows the SKU's order, so a < b < c as SKUs too).
 */
async function writeBundles(db: SqlEngine, shopId: string, S: string): Promise<void> {
  await db.run(
    `INSERT INTO rec_bundles (shop_id, scope, sku_a, sku_b, sku_c, together, support, confidence, lift)
     WITH b AS (SELECT ox AS order_id, px FROM ${LINES}),
     n AS (SELECT CAST(COUNT(DISTINCT order_id) AS DOUBLE PRECISION) AS n FROM b),
     item AS (SELECT px, COUNT(*) AS k FROM b GROUP BY px),
     multi AS (SELECT order_id FROM b GROUP BY order_id HAVING COUNT(*) BETWEEN 3 AND ${MAX_BASKET_TRIPLES}),
     bb AS (SELECT b.order_id, b.px FROM b JOIN multi m ON m.order_id = b.order_id),
     tri AS (
       SELECT x.px AS a, y.px AS b, z.px AS c, COUNT(*) AS k
       FROM bb x JOIN bb y ON y.order_id = x.order_id AND y.px > x.px
       JOIN bb z ON z.order_id = x.order_id AND z.px > y.px
       GROUP BY x.px, y.px, z.px HAVING COUNT(*) >= 2
     ), pair AS (
       -- Only the pairs of the triples kept: joined after the triples are counted, so that the
       -- planner never joins pairs to single lines.
       SELECT x.px AS a, y.px AS b, COUNT(*) AS k FROM bb x JOIN bb y ON y.order_id = x.order_id AND y.px > x.px
       WHERE EXISTS (SELECT 1 FROM tri t WHERE t.a = x.px AND t.b = y.px)
       GROUP BY x.px, y.px
     ), r AS (
       SELECT t.a, t.b, t.c, t.k, CAST(t.k AS DOUBLE PRECISION) / p.k AS conf, ic.k AS kc FROM tri t
       JOIN pair p ON p.a = t.a AND p.b = t.b JOIN item ic ON ic.px = t.c
     )
     SELECT $1, ${S}, ka.sku, kb.sku, kc.sku, CAST(r.k AS INTEGER), r.k / n.n, r.conf, r.conf * n.n / r.kc
     FROM r CROSS JOIN n LEFT JOIN ${SKUS} ka ON ka.px = r.a LEFT JOIN ${SKUS} kb ON kb.px = r.b
     LEFT JOIN ${SKUS} kc ON kc.px = r.c
     WHERE r.conf * n.n / r.kc > 1`,
    [shopId],
  );
}
