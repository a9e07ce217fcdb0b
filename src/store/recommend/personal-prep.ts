/**
 * The personal blend's working tables (temporary, per connection): the shop's customers and
 * products numbered, and each customer's products with their statistics, keyed by integers.
 * The blend groups and ranks tens of millions of (customer, candidate) rows; on integer keys
 * instead of text ids that is several times faster, and numbering the customers lets the blend
 * run bucket by bucket (bounded memory).
 *
 * On DuckDB the customers are numbered in the order of their id's hash(), so that the lists,
 * written bucket after bucket in that order, lie in rec_personal sorted by lookup_hash: a
 * customer's read then touches one row group (its min/max statistics skip the others).
 */
import type { SqlEngine } from '../engine.js';
import type { RecScope } from './recompute.js';
import { replenishmentRelation } from './replenishable.js';

/** The working tables' names. */
export const PREP = {
  customers: 'rec_tmp_customers',
  products: 'rec_tmp_products',
  items: 'rec_tmp_items',
  neighbours: 'rec_tmp_neighbours',
  popular: 'rec_tmp_popular',
} as const;

export interface PrepOptions {
  scope: RecScope;
  /** Days since the epoch of asOf (the unit of rec_lines.t). */
  today: string;
  /** The decay's exponent per day (negative). */
  lambda: string;
  /** SQL condition on customer_id: the customers listed (evaluation on a sample). */
  sample: string;
  /** The popular lists' entries kept per category. */
  limit: number;
}

/** Drops the working tables. */
export async function dropPrep(db: SqlEngine): Promise<void> {
  for (const t of Object.values(PREP)) await db.run(`DROP TABLE IF EXISTS ${t}`);
}

/** Builds the working tables; returns the number of customers numbered (1…n). */
export async function buildPrep(db: SqlEngine, shopId: string, o: PrepOptions): Promise<number> {
  await dropPrep(db);
  const S = `'${o.scope}'`;
  const order = db.dialect === 'duckdb' ? 'hash(customer_id), customer_id' : 'customer_id';
  await db.run(
    `CREATE TEMP TABLE ${PREP.customers} AS
     SELECT customer_id, CAST(ROW_NUMBER() OVER (ORDER BY ${order}) AS INTEGER) AS cx FROM (
       SELECT DISTINCT customer_id FROM rec_lines WHERE shop_id = $1 AND scope = ${S} AND ${o.sample}) x`,
    [shopId],
  );
  // px follows the SKU's order, so that ordering by px is ordering by SKU (the ties' order).
  await db.run(
    `CREATE TEMP TABLE ${PREP.products} AS
     SELECT CAST(ROW_NUMBER() OVER (ORDER BY p.sku) AS INTEGER) AS px, p.sku, p.category,
       CAST(DENSE_RANK() OVER (ORDER BY p.category) AS INTEGER) AS gx, p.eligible,
       COALESCE(r.replenishable, FALSE) AS repl, r.interval_days
     FROM rec_products p LEFT JOIN ${replenishmentRelation(S)} r ON r.sku = p.sku
     WHERE p.shop_id = $1 AND p.scope = ${S}`,
    [shopId],
  );
  await db.run(
    `CREATE TEMP TABLE ${PREP.items} AS
     SELECT x.cx, x.px, p.gx, p.category, p.repl, p.interval_days, x.n, x.first_t, x.last_t, x.f,
       CAST(ROW_NUMBER() OVER (PARTITION BY x.cx ORDER BY x.last_t DESC, x.px) AS INTEGER) AS rn
     FROM (
       -- Grouped on the two numbers only; the product's columns are joined to the groups.
       SELECT c.cx, p.px, COUNT(*) AS n, MIN(l.t) AS first_t, MAX(l.t) AS last_t,
         SUM(EXP(${o.lambda} * (${o.today} - l.t))) AS f
       FROM rec_lines l JOIN ${PREP.customers} c ON c.customer_id = l.customer_id
       JOIN ${PREP.products} p ON p.sku = l.sku
       WHERE l.shop_id = $1 AND l.scope = ${S}
       GROUP BY c.cx, p.px) x
     LEFT JOIN ${PREP.products} p ON p.px = x.px`,
    [shopId],
  );
  await db.run(
    `CREATE TEMP TABLE ${PREP.neighbours} AS
     SELECT a.px, b.px AS opx, r.score FROM rec_pairs r
     JOIN ${PREP.products} a ON a.sku = r.sku JOIN ${PREP.products} b ON b.sku = r.other_sku
     WHERE r.shop_id = $1 AND r.scope = ${S} AND r.kind = 'customer'`,
    [shopId],
  );
  // gx 0 is the whole shop (category '').
  await db.run(
    `CREATE TEMP TABLE ${PREP.popular} AS
     SELECT CASE WHEN r.category = '' THEN 0 ELSE g.gx END AS gx, p.px, r.rank,
       COALESCE(r.score / NULLIF(MAX(r.score) OVER (PARTITION BY r.category), 0), 0) AS p
     FROM rec_popular r JOIN ${PREP.products} p ON p.sku = r.sku
     LEFT JOIN (SELECT DISTINCT category, gx FROM ${PREP.products}) g ON g.category = r.category
     WHERE r.shop_id = $1 AND r.scope = ${S} AND r.kind = 'bought' AND r.rank <= ${o.limit}`,
    [shopId],
  );
  const [n] = await db.all<{ n: number | bigint | null }>(`SELECT MAX(cx) AS n FROM ${PREP.customers}`);
  return Number(n?.n ?? 0);
}
