import type { Migration, MigrationStatement } from './index.js';

/**
 * Recommendations (issue 18, item 2): what `recomputeRecommendations` precomputes, and the
 * seller's word on it.
 *
 * Every derived table has a `scope`: `live` is what the shop serves; `eval` is what
 * `nurture recommend evaluate` computes on the orders before its split, with the very same SQL,
 * so the figures it reports are those of the served recommender and never overwrite it.
 *
 * The derived tables are rewritten whole by each recompute. On DuckDB they carry no key (an ART
 * index turns deleting and re-inserting millions of rows into minutes at commit, see 005) and the
 * per-customer table carries `lookup_hash` (the customer id's `hash()`, see store/lookup-hash.ts);
 * PostgreSQL keeps primary keys.
 *
 * - rec_lines: the valid order lines the recompute reads (one row per order and SKU), `t` in days.
 * - rec_products: per SKU, its buyers, repeat buyers, median interval, popularity, whether it is
 *   replenishable and whether it may be recommended at all (stock, image, status, exclusions).
 * - rec_pairs: item-item rules. kind `order`: bought in the same order (support, confidence,
 *   lift, shrunk toward the category pair); kind `customer`: bought by the same customers
 *   (time-decayed cosine), the neighbours of the personal list.
 * - rec_bundles: triples bought in one order.
 * - rec_popular: ranked lists per kind (bought, viewed, trending) and category ('' = all).
 * - rec_personal: each customer's ranked list (`list` personal or cross_shop) with its reason.
 * - rec_runs: when each scope was computed and on how much data (small-shop fallback).
 * - rec_exclusions: SKUs the seller never wants recommended.
 * - shop_links: the seller's opt-in that customers of `shop_id` may get `partner_shop_id`'s products.
 */
function derived(name: string, columns: string, key: string): MigrationStatement[] {
  return [
    { only: 'postgres', sql: `CREATE TABLE ${name} (${columns}, PRIMARY KEY (${key}))` },
    { only: 'duckdb', sql: `CREATE TABLE ${name} (${columns})` },
  ];
}

export const recommendationsSchema: Migration = {
  version: 29,
  name: 'recommendations',
  statements: [
    `CREATE TABLE rec_lines (
      shop_id VARCHAR NOT NULL,
      scope VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      order_id VARCHAR NOT NULL,
      t DOUBLE PRECISION NOT NULL,
      sku VARCHAR NOT NULL,
      quantity INTEGER NOT NULL
    )`,
    ...derived(
      'rec_products',
      `shop_id VARCHAR NOT NULL,
      scope VARCHAR NOT NULL,
      sku VARCHAR NOT NULL,
      category VARCHAR NOT NULL,
      orders INTEGER NOT NULL,
      buyers INTEGER NOT NULL,
      repeat_buyers INTEGER NOT NULL,
      median_interval_days DOUBLE PRECISION,
      popularity DOUBLE PRECISION NOT NULL,
      consumable BOOLEAN NOT NULL,
      cycle_days DOUBLE PRECISION,
      replenishable BOOLEAN NOT NULL,
      eligible BOOLEAN NOT NULL`,
      'shop_id, scope, sku',
    ),
    ...derived(
      'rec_pairs',
      `shop_id VARCHAR NOT NULL,
      scope VARCHAR NOT NULL,
      kind VARCHAR NOT NULL,
      sku VARCHAR NOT NULL,
      other_sku VARCHAR NOT NULL,
      together INTEGER NOT NULL,
      support DOUBLE PRECISION NOT NULL,
      confidence DOUBLE PRECISION NOT NULL,
      lift DOUBLE PRECISION NOT NULL,
      score DOUBLE PRECISION NOT NULL,
      shrunk BOOLEAN NOT NULL`,
      'shop_id, scope, kind, sku, other_sku',
    ),
    ...derived(
      'rec_bundles',
      `shop_id VARCHAR NOT NULL,
      scope VARCHAR NOT NULL,
      sku_a VARCHAR NOT NULL,
      sku_b VARCHAR NOT NULL,
      sku_c VARCHAR NOT NULL,
      together INTEGER NOT NULL,
      support DOUBLE PRECISION NOT NULL,
      confidence DOUBLE PRECISION NOT NULL,
      lift DOUBLE PRECISION NOT NULL`,
      'shop_id, scope, sku_a, sku_b, sku_c',
    ),
    ...derived(
      'rec_popular',
      `shop_id VARCHAR NOT NULL,
      scope VARCHAR NOT NULL,
      kind VARCHAR NOT NULL,
      category VARCHAR NOT NULL,
      rank INTEGER NOT NULL,
      sku VARCHAR NOT NULL,
      score DOUBLE PRECISION NOT NULL,
      events INTEGER NOT NULL`,
      'shop_id, scope, kind, category, rank',
    ),
    ...derived(
      'rec_personal',
      `shop_id VARCHAR NOT NULL,
      scope VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      list VARCHAR NOT NULL,
      rank INTEGER NOT NULL,
      sku VARCHAR NOT NULL,
      partner_shop_id VARCHAR NOT NULL,
      score DOUBLE PRECISION NOT NULL,
      reason VARCHAR NOT NULL,
      reason_sku VARCHAR,
      reason_days DOUBLE PRECISION,
      reason_category VARCHAR`,
      'shop_id, scope, customer_id, list, rank',
    ),
    { only: 'duckdb', sql: 'ALTER TABLE rec_personal ADD COLUMN lookup_hash UBIGINT' },
    `CREATE TABLE rec_runs (
      shop_id VARCHAR NOT NULL,
      scope VARCHAR NOT NULL,
      computed_at TIMESTAMPTZ NOT NULL,
      as_of TIMESTAMPTZ NOT NULL,
      customers INTEGER NOT NULL,
      orders INTEGER NOT NULL,
      lines INTEGER NOT NULL,
      small BOOLEAN NOT NULL,
      weights VARCHAR NOT NULL,
      PRIMARY KEY (shop_id, scope)
    )`,
    `CREATE TABLE rec_exclusions (
      shop_id VARCHAR NOT NULL,
      sku VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, sku)
    )`,
    `CREATE TABLE shop_links (
      shop_id VARCHAR NOT NULL,
      partner_shop_id VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, partner_shop_id)
    )`,
    { only: 'postgres', sql: 'CREATE INDEX rec_lines_by_scope ON rec_lines (shop_id, scope, customer_id)' },
  ],
};
