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
import { buildPrep, dropPrep, PREP } from './personal-prep.js';
import { dayOf, type RecScope } from './recompute.js';

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

/** Customers per bucket of the blend: its memory is bounded by the bucket, not the shop. */
const BUCKET_CUSTOMERS = 100_000;

/** Rewrites the scope's personal lists. */
export async function scorePersonal(db: SqlEngine, shopId: string, o: PersonalOptions): Promise<void> {
  const S = `'${o.scope}'`;
  const L = o.limit ?? LIST_SIZES.personal;
  await db.run(`DELETE FROM rec_personal WHERE shop_id = $1 AND scope = ${S} AND list = 'personal'`, [
    shopId,
  ]);
  const customers = await buildPrep(db, shopId, {
    scope: o.scope,
    today: num(dayOf(o.asOf)),
    lambda: num(-Math.LN2 / o.weights.halfLifeDays),
    sample: sampleSql('customer_id', o.sample ?? 1),
    limit: L,
  });
  const size = Math.ceil(customers / Math.max(1, Math.ceil(customers / BUCKET_CUSTOMERS)));
  for (let lo = 1; lo <= customers; lo += size)
    await db.run(blendSql(db, S, o, L, `BETWEEN ${lo} AND ${lo + size - 1}`), [shopId]);
  await dropPrep(db);
}

/** A blocked candidate's part: far below any blend's score (each component 0–1, each weight ≤ 10). */
const BLOCKED = '-1e9';

/**
 * The blend's INSERT for the customers whose number cx satisfies `cxRange`. Every source has at
 * most one row per (cx, px) but the co-occurrence (one per recent product and neighbour), so the
 * candidates (≈ 10 million rows a bucket at the size) go through ONE grouping, narrow:
 * (cx, px, weighted part of the other components, raw co-occurrence), two SUMs; the
 * co-occurrence is scaled by its per-customer maximum after the grouping, and the rank carries
 * (cx, px, c, score) only. The components, the reason's contributor and its category are looked
 * up again for the L rows kept. (A grouping of the co-occurrence, then a second one of all
 * candidates ten columns wide, took about twice the CPU.)
 */
function blendSql(db: SqlEngine, S: string, o: PersonalOptions, L: number, cxRange: string): string {
  const w = o.weights;
  const TODAY = num(dayOf(o.asOf));
  const LAMBDA = num(-Math.LN2 / w.halfLifeDays);
  const hash = lookupHashInsert(db.dialect, 'cu.customer_id');
  // The customer's product that contributes most to a candidate (the reason's "bought with").
  const contribution = `EXP(${LAMBDA} * (${TODAY} - h.last_t)) * nb.score`;
  const argMax =
    db.dialect === 'duckdb'
      ? `arg_max(h.px, ${contribution})`
      : `(ARRAY_AGG(h.px ORDER BY ${contribution} DESC, h.px))[1]`;
  const recent = `h.rn <= ${LIST_SIZES.recentForPersonal}`;
  const [WR, WC, WG, WP] = [w.repeat, w.together, w.category, w.popular].map(num);
  return `INSERT INTO rec_personal (shop_id, scope, customer_id, list, rank, sku, partner_shop_id, score, reason,
       reason_sku, reason_days, reason_category${hash.column})
     WITH h AS (SELECT * FROM ${PREP.items} WHERE cx ${cxRange}),
     hmax AS (SELECT cx, MAX(f) AS mf FROM h GROUP BY cx),
     rep AS (
       SELECT h.cx, px,
         (CASE WHEN repl THEN 1.0 ELSE ${num(w.nonReplenishable)} END) * f / hmax.mf AS r,
         CASE WHEN NOT repl AND last_t > ${TODAY} - ${num(w.justBoughtDays)} THEN 1 ELSE 0 END AS blocked,
         CASE WHEN NOT repl THEN NULL WHEN n >= 2 THEN (last_t - first_t) / (n - 1) ELSE interval_days END AS days
       FROM h JOIN hmax ON hmax.cx = h.cx
     ), co AS (
       SELECT h.cx, nb.opx AS px, ${contribution} AS c
       FROM h JOIN ${PREP.neighbours} nb ON nb.px = h.px WHERE ${recent}
     ), aff AS (
       SELECT cx, gx, s / SUM(s) OVER (PARTITION BY cx) AS share,
         ROW_NUMBER() OVER (PARTITION BY cx ORDER BY s DESC, category) AS rn
       FROM (SELECT cx, gx, category, SUM(f) AS s FROM h WHERE category <> '' GROUP BY cx, gx, category) x
     ), cat AS (
       SELECT a.cx, pp.px, a.share * pp.p AS g, a.gx FROM aff a
       JOIN ${PREP.popular} pp ON pp.gx = a.gx WHERE a.rn <= 3 AND pp.rank <= 10
     ), gp AS (SELECT px, p FROM ${PREP.popular} WHERE gx = 0),
     cand AS (
       SELECT cx, px, CASE WHEN blocked = 1 THEN ${BLOCKED} ELSE ${WR} * r END AS s, 0.0 AS c FROM rep
       UNION ALL SELECT cx, px, 0.0, c FROM co
       UNION ALL SELECT cx, px, ${WG} * g, 0.0 FROM cat
       UNION ALL SELECT c.cx, gp.px, ${WP} * gp.p, 0.0 FROM (SELECT DISTINCT cx FROM h) c CROSS JOIN gp
     ), agg AS (
       SELECT cx, px, SUM(s) AS s, SUM(c) AS c FROM cand GROUP BY cx, px
     ), comax AS (SELECT cx, MAX(c) AS mc FROM agg GROUP BY cx),
     ranked AS (
       SELECT a.cx, a.px, a.c, a.s + ${WC} * a.c AS score,
         ROW_NUMBER() OVER (PARTITION BY a.cx ORDER BY a.s + ${WC} * a.c DESC, a.px) AS rn
       FROM (
         SELECT agg.cx, agg.px, agg.s, COALESCE(agg.c / NULLIF(comax.mc, 0), 0) AS c
         FROM agg JOIN comax ON comax.cx = agg.cx JOIN ${PREP.products} pr ON pr.px = agg.px AND pr.eligible
         WHERE agg.s >= 0) a
     ), top AS (
       SELECT t.cx, t.px, t.rn, t.score, COALESCE(rep.r, 0.0) AS r, t.c, COALESCE(cat.g, 0.0) AS g,
         COALESCE(gp.p, 0.0) AS p, rep.days, cat.gx
       FROM ranked t LEFT JOIN rep ON rep.cx = t.cx AND rep.px = t.px
       LEFT JOIN cat ON cat.cx = t.cx AND cat.px = t.px LEFT JOIN gp ON gp.px = t.px
       WHERE t.rn <= ${L}
     ), scored AS (
       SELECT top.*, ${WR} * r AS wr, ${WC} * c AS wc, ${WG} * g AS wg, ${WP} * p AS wp FROM top
     ), kept AS MATERIALIZED (
       -- Each kept row with the customer's recent products (≤ 3 a row), gathered before the
       -- neighbours are looked up: left to itself DuckDB joined the recent products to all their
       -- neighbours first (60 rows a customer) and only then to the kept rows.
       SELECT t.cx, t.px AS tpx, h.px, h.last_t FROM scored t JOIN h ON h.cx = t.cx AND ${recent} WHERE t.c > 0
     ), why AS (
       SELECT h.cx, h.tpx AS px, ${argMax} AS via
       FROM kept h JOIN ${PREP.neighbours} nb ON nb.px = h.px AND nb.opx = h.tpx
       GROUP BY h.cx, h.tpx
     )
     SELECT $1, ${S}, cu.customer_id, 'personal', CAST(t.rn AS INTEGER), pr.sku, '', t.score,
       CASE WHEN t.r > 0 AND t.wr >= t.wc AND t.wr >= t.wg AND t.wr >= t.wp THEN 'repeat'
         WHEN t.c > 0 AND t.wc >= t.wg AND t.wc >= t.wp THEN 'together'
         WHEN t.g > 0 AND t.wg >= t.wp THEN 'category' ELSE 'popular' END,
       CASE WHEN t.c > 0 AND NOT (t.r > 0 AND t.wr >= t.wc AND t.wr >= t.wg AND t.wr >= t.wp) THEN vp.sku END,
       CASE WHEN t.r > 0 THEN t.days END, gc.category${hash.value}
     FROM scored t JOIN ${PREP.customers} cu ON cu.cx = t.cx JOIN ${PREP.products} pr ON pr.px = t.px
     LEFT JOIN why ON why.cx = t.cx AND why.px = t.px LEFT JOIN ${PREP.products} vp ON vp.px = why.via
     LEFT JOIN (SELECT DISTINCT gx, category FROM ${PREP.products}) gc ON gc.gx = t.gx
     ORDER BY t.cx, t.rn`;
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
