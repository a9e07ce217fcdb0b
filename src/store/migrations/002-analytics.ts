import type { Migration } from './index.js';

/**
 * Per-customer analytics. `customer_stats` holds one row per live (not merged-away) customer:
 *
 * - stats derived from the customer's own valid orders, kept current by `refreshCustomerStats`
 *   (incrementally on every import, or in full) — orders … upsold;
 * - population-wide scores written by `recomputeScores` for an as-of date — computed_as_of …
 *   value_group. They are NULL until the first recompute and are left as they were when the
 *   customer's stats change, until the next recompute.
 *
 * Transitions between groups are not stored: they are recomputed by classifying the customers as
 * of two dates (see docs/analytics.md), so they exist for any pair of dates, also for a shop whose
 * history was imported in one go.
 */
export const analyticsSchema: Migration = {
  version: 2,
  name: 'analytics',
  statements: [
    `CREATE TABLE customer_stats (
      shop_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      referred BOOLEAN NOT NULL,
      orders INTEGER NOT NULL,
      revenue DECIMAL(18,2) NOT NULL,
      first_order_at TIMESTAMPTZ,
      last_order_at TIMESTAMPTZ,
      first_order_date DATE,
      last_order_date DATE,
      first_order_value DECIMAL(18,2),
      max_order_value DECIMAL(18,2),
      aov DOUBLE PRECISION,
      avg_gap_days DOUBLE PRECISION,
      category_count INTEGER NOT NULL,
      categories VARCHAR,
      upsold BOOLEAN NOT NULL,
      computed_as_of TIMESTAMPTZ,
      recency_days INTEGER,
      referrals INTEGER,
      decline_streak INTEGER,
      r INTEGER,
      f INTEGER,
      m INTEGER,
      fm INTEGER,
      rfm_group VARCHAR,
      lifecycle VARCHAR,
      value_group VARCHAR,
      PRIMARY KEY (shop_id, customer_id)
    )`,
  ],
};
