/**
 * Each customer's ranked list (rec_personal), in SQL on both engines, from what recomputeModel
 * left in the scope. Components, each scaled to 0–1 per customer:
 * - r, repeat: the customer's recency-weighted frequency of a product they bought (full weight
 *   where it is replenishable, `nonReplenishable` where not; hidden for `justBoughtDays` after
 *   a purchase when not replenishable);
 * - c, together: Σ over the customer's recent products of decay × neighbour score (rec_pairs
 *   kind customer), its strongest contributor named in the reason;
 * - g, category: the customer's share of a category × the product's popularity in it;
 * - p, popular: the product's popularity in the shop.
 * Only products eligible now (stock, image, status, not excluded) are listed.
 */
import type { BlendWeights } from '../../domain/recommend/model.js';
import { LIST_SIZES } from '../../domain/recommend/model.js';
import type { SqlEngine } from '../engine.js';
import { lookupHashInsert } from '../lookup-hash.js';
import { dayOf, type RecScope } from './recompute.js';
import { replenishmentRelation } from './replenishable.js';

const num = (x: number): string => {
  if (!Number.isFinite(x)) throw new Error(`not a finite number: ${x}`);
  return String(x);
};

/** SQL condition keeping a deterministic share (0–1) of customers by their id's md5. */
export function sampleSql(column: string, fraction: number): string {
  if (fraction >= 1) return 'TRUE';
  const bound = Math.max(0, Math.min(0xffff, Math.floor(fraction * 0x10000)))
    .toString(16)
    .padStart(4, '0');
  return `SUBSTR(MD5(${column}), 1, 4) < '${bound}'`;
}

export interface PersonalOptions {
  scope: RecScope;
  asOf: Date;
  weights: BlendWeights;
  /** Items kept per customer. */
  limit?: number;
  /** Only this share of customers (evaluation on a sample). */
  sample?: number;
}

/** Rewrites the scope's personal lists; returns the number of customers listed. */
export async function scorePersonal(db: SqlEngine, shopId: string, o: PersonalOptions): Promise<void> {
  const S = `'${o.scope}'`;
  const w = o.weights;
  const T = num(dayOf(o.asOf));
  const lambda = num(-Math.LN2 / w.halfLifeDays);
  const L = o.limit ?? LIST_SIZES.personal;
  const hash = lookupHashInsert(db.dialect, 'customer_id');
  // The customer's product that contributes most to a candidate (the reason's "bought with").
  const argMax = db.dialect === 'duckdb' ? 'arg_max(via, c)' : '(ARRAY_AGG(via ORDER BY c DESC, via))[1]';
  const WR = `${num(w.repeat)} * r`;
  const WC = `${num(w.together)} * c`;
  const WG = `${num(w.category)} * g`;
  const WP = `${num(w.popular)} * p`;
  await db.run(`DELETE FROM rec_personal WHERE shop_id = $1 AND scope = ${S} AND list = 'personal'`, [
    shopId,
  ]);
  await db.run(
    `INSERT INTO rec_personal (shop_id, scope, customer_id, list, rank, sku, partner_shop_id, score, reason,
       reason_sku, reason_days, reason_category${hash.column})
     WITH ci AS (
       SELECT customer_id, sku, COUNT(*) AS n, MIN(t) AS first_t, MAX(t) AS last_t,
         SUM(EXP(${lambda} * (${T} - t))) AS f
       FROM rec_lines WHERE shop_id = $1 AND scope = ${S} AND ${sampleSql('customer_id', o.sample ?? 1)}
       GROUP BY customer_id, sku
     ), pr AS (
       SELECT p.sku, p.category, p.eligible, COALESCE(r.replenishable, FALSE) AS repl, r.interval_days
       FROM rec_products p LEFT JOIN ${replenishmentRelation(S)} r ON r.sku = p.sku
       WHERE p.shop_id = $1 AND p.scope = ${S}
     ), h AS (
       SELECT ci.*, pr.category, pr.repl, pr.interval_days FROM ci JOIN pr ON pr.sku = ci.sku
     ), hmax AS (SELECT customer_id, MAX(f) AS mf FROM h GROUP BY customer_id),
     rep AS (
       SELECT h.customer_id, sku,
         (CASE WHEN repl THEN 1.0 ELSE ${num(w.nonReplenishable)} END) * f / hmax.mf AS r,
         CASE WHEN NOT repl AND last_t > ${T} - ${num(w.justBoughtDays)} THEN 1 ELSE 0 END AS blocked,
         CASE WHEN NOT repl THEN NULL WHEN n >= 2 THEN (last_t - first_t) / (n - 1) ELSE interval_days END AS days
       FROM h JOIN hmax ON hmax.customer_id = h.customer_id
     ), recent AS (
       SELECT customer_id, sku, w FROM (
         SELECT customer_id, sku, EXP(${lambda} * (${T} - last_t)) AS w,
           ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY last_t DESC, sku) AS rn FROM ci) x
       WHERE rn <= ${LIST_SIZES.recentForPersonal}
     ), co0 AS (
       SELECT r.customer_id, p.other_sku AS sku, r.sku AS via, r.w * p.score AS c FROM recent r
       JOIN rec_pairs p ON p.shop_id = $1 AND p.scope = ${S} AND p.kind = 'customer' AND p.sku = r.sku
     ), co1 AS (
       SELECT customer_id, sku, SUM(c) AS c, ${argMax} AS via FROM co0 GROUP BY customer_id, sku
     ), comax AS (SELECT customer_id, MAX(c) AS mc FROM co1 GROUP BY customer_id),
     co AS (
       SELECT co1.customer_id, sku, via, COALESCE(c / NULLIF(comax.mc, 0), 0) AS c
       FROM co1 JOIN comax ON comax.customer_id = co1.customer_id
     ), aff AS (
       SELECT customer_id, category, s / SUM(s) OVER (PARTITION BY customer_id) AS share,
         ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY s DESC, category) AS rn
       FROM (SELECT customer_id, category, SUM(f) AS s FROM h WHERE category <> '' GROUP BY customer_id, category) x
     ), pop AS (
       SELECT category, sku, rank,
         COALESCE(score / NULLIF(MAX(score) OVER (PARTITION BY category), 0), 0) AS p
       FROM rec_popular WHERE shop_id = $1 AND scope = ${S} AND kind = 'bought' AND rank <= ${L}
     ), cat AS (
       SELECT a.customer_id, pp.sku, a.share * pp.p AS g, a.category FROM aff a
       JOIN pop pp ON pp.category = a.category WHERE a.rn <= 3 AND pp.rank <= 10
     ), gp AS (
       SELECT c.customer_id, pp.sku, pp.p FROM (SELECT DISTINCT customer_id FROM ci) c
       CROSS JOIN pop pp WHERE pp.category = ''
     ), cand AS (
       SELECT customer_id, sku, r, 0.0 AS c, 0.0 AS g, 0.0 AS p, blocked, days,
         CAST(NULL AS VARCHAR) AS via, CAST(NULL AS VARCHAR) AS cat FROM rep
       UNION ALL SELECT customer_id, sku, 0.0, c, 0.0, 0.0, 0, NULL, via, NULL FROM co
       UNION ALL SELECT customer_id, sku, 0.0, 0.0, g, 0.0, 0, NULL, NULL, category FROM cat
       UNION ALL SELECT customer_id, sku, 0.0, 0.0, 0.0, p, 0, NULL, NULL, NULL FROM gp
     ), agg AS (
       SELECT customer_id, sku, MAX(r) AS r, MAX(c) AS c, MAX(g) AS g, MAX(p) AS p, MAX(blocked) AS blocked,
         MAX(days) AS days, MAX(via) AS via, MAX(cat) AS cat
       FROM cand GROUP BY customer_id, sku
     ), scored AS (
       SELECT a.*, ${WR} AS wr, ${WC} AS wc, ${WG} AS wg, ${WP} AS wp,
         ${WR} + ${WC} + ${WG} + ${WP} AS score
       FROM agg a JOIN pr ON pr.sku = a.sku AND pr.eligible WHERE a.blocked = 0
     ), ranked AS (
       SELECT scored.*, ROW_NUMBER() OVER (PARTITION BY customer_id ORDER BY score DESC, sku) AS rn FROM scored
     )
     SELECT $1, ${S}, customer_id, 'personal', CAST(rn AS INTEGER), sku, '', score,
       CASE WHEN r > 0 AND wr >= wc AND wr >= wg AND wr >= wp THEN 'repeat'
         WHEN c > 0 AND wc >= wg AND wc >= wp THEN 'together'
         WHEN g > 0 AND wg >= wp THEN 'category' ELSE 'popular' END,
       CASE WHEN c > 0 AND NOT (r > 0 AND wr >= wc AND wr >= wg AND wr >= wp) THEN via END,
       CASE WHEN r > 0 THEN days END, cat${hash.value}
     FROM ranked WHERE rn <= ${L}`,
    [shopId],
  );
}

/**
 * Cross-shop lists of the live scope: for each shop the seller linked (shop_links), the
 * partner's most bought products in the categories this customer buys, for customers who gave
 * marketing consent on some channel. Rewritten whole; the read checks link and consent again.
 */
export async function scoreCrossShop(
  db: SqlEngine,
  shopId: string,
  asOf: Date,
  weights: BlendWeights,
  limit = LIST_SIZES.personal,
): Promise<void> {
  await db.run(`DELETE FROM rec_personal WHERE shop_id = $1 AND scope = 'live' AND list = 'cross_shop'`, [
    shopId,
  ]);
  const hash = lookupHashInsert(db.dialect, 'customer_id');
  const links = await db.all<{ partner_shop_id: string }>(
    'SELECT partner_shop_id FROM shop_links WHERE shop_id = $1 ORDER BY partner_shop_id',
    [shopId],
  );
  for (const { partner_shop_id: partner } of links)
    await db.run(
      `INSERT INTO rec_personal (shop_id, scope, customer_id, list, rank, sku, partner_shop_id, score, reason,
         reason_sku, reason_days, reason_category${hash.column})
       WITH h AS (
         SELECT l.customer_id, p.category, SUM(EXP(${num(-Math.LN2 / weights.halfLifeDays)} * (${num(dayOf(asOf))} - l.t))) AS s
         FROM rec_lines l JOIN rec_products p ON p.shop_id = l.shop_id AND p.scope = l.scope AND p.sku = l.sku
         WHERE l.shop_id = $1 AND l.scope = 'live' AND p.category <> '' GROUP BY l.customer_id, p.category
       ), ok AS (
         SELECT customer_id FROM customers WHERE shop_id = $1 AND merged_into IS NULL
           AND (COALESCE(accepts_email, FALSE) OR COALESCE(accepts_sms, FALSE) OR COALESCE(accepts_zalo, FALSE)
             OR COALESCE(accepts_messenger, FALSE))
       ), aff AS (
         SELECT h.customer_id, h.category, LOWER(TRIM(h.category)) AS cat,
           h.s / SUM(h.s) OVER (PARTITION BY h.customer_id) AS share
         FROM h JOIN ok ON ok.customer_id = h.customer_id
       ), bp AS (
         SELECT LOWER(TRIM(category)) AS cat, sku,
           COALESCE(score / NULLIF(MAX(score) OVER (PARTITION BY category), 0), 0) AS p
         FROM rec_popular WHERE shop_id = $2 AND scope = 'live' AND kind = 'bought' AND category <> '' AND rank <= 10
       ), s AS (
         SELECT a.customer_id, bp.sku, a.share * bp.p AS score, a.category,
           ROW_NUMBER() OVER (PARTITION BY a.customer_id ORDER BY a.share * bp.p DESC, bp.sku) AS rn
         FROM aff a JOIN bp ON bp.cat = a.cat
       )
       SELECT $1, 'live', customer_id, 'cross_shop', CAST(rn AS INTEGER), sku, $2, score, 'cross_shop', NULL, NULL,
         category${hash.value}
       FROM s WHERE rn <= ${limit}`,
      [shopId, partner],
    );
}
