import type { Migration } from './index.js';

/**
 * Learned reorder cycles (issue 18, item 1), rewritten whole by `recomputeReorderCycles`
 * (`nurture products replenishment --recompute`, and every night before the analysis).
 *
 * - `product_reorder_cycles`: one row per SKU of the shop's catalogue or order lines: whether it is
 *   replenishable (else `reason`), the cycle (days per unit bought) with its 95 % interval, the
 *   evidence (buyers, repeat buyers, repeat probability, interval quartiles, Wheat–Morrison
 *   regularity, prior strength) and the interval histogram (JSON, [{fromDays, toDays, count}]).
 * - `customer_replenishment`: per customer and replenishable product, the customer's shrunk
 *   rhythm, the predicted next purchase and the due day (predicted day minus the lead time, the
 *   shop's calendar day as 'YYYY-MM-DD' text, which compares as a date), which
 *   `replenishment_due(…)` in segments and the reorder flow read. `last_purchase_at` lets a reader
 *   tell a row made stale by a purchase since (it is then ignored). DuckDB keeps the table without
 *   its primary key (the rewrite deletes and inserts every row, see migration 005); the only
 *   writer writes one row per (customer, sku).
 */
export const reorderCyclesSchema: Migration = {
  version: 28,
  name: 'reorder-cycles',
  statements: [
    `CREATE TABLE product_reorder_cycles (
      shop_id VARCHAR NOT NULL,
      sku VARCHAR NOT NULL,
      category VARCHAR,
      replenishable BOOLEAN NOT NULL,
      reason VARCHAR,
      source VARCHAR NOT NULL,
      buyers INTEGER NOT NULL,
      repeat_buyers INTEGER NOT NULL,
      repeat_probability DOUBLE PRECISION,
      intervals INTEGER NOT NULL,
      median_interval_days DOUBLE PRECISION,
      p25_interval_days DOUBLE PRECISION,
      p75_interval_days DOUBLE PRECISION,
      cycle_days DOUBLE PRECISION,
      cycle_low_days DOUBLE PRECISION,
      cycle_high_days DOUBLE PRECISION,
      regularity DOUBLE PRECISION,
      pattern VARCHAR NOT NULL,
      prior_intervals DOUBLE PRECISION NOT NULL,
      histogram VARCHAR NOT NULL,
      computed_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, sku)
    )`,
    {
      only: 'postgres',
      sql: `CREATE TABLE customer_replenishment (
      shop_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      sku VARCHAR NOT NULL,
      purchases INTEGER NOT NULL,
      last_purchase_at TIMESTAMPTZ NOT NULL,
      last_quantity INTEGER NOT NULL,
      interval_days DOUBLE PRECISION NOT NULL,
      predicted_at TIMESTAMPTZ NOT NULL,
      due_day VARCHAR NOT NULL,
      computed_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, customer_id, sku)
    )`,
    },
    {
      only: 'duckdb',
      sql: `CREATE TABLE customer_replenishment (
      shop_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      sku VARCHAR NOT NULL,
      purchases INTEGER NOT NULL,
      last_purchase_at TIMESTAMPTZ NOT NULL,
      last_quantity INTEGER NOT NULL,
      interval_days DOUBLE PRECISION NOT NULL,
      predicted_at TIMESTAMPTZ NOT NULL,
      due_day VARCHAR NOT NULL,
      computed_at TIMESTAMPTZ NOT NULL
    )`,
    },
    {
      only: 'postgres',
      sql: 'CREATE INDEX customer_replenishment_due ON customer_replenishment (shop_id, sku, due_day)',
    },
  ],
};
