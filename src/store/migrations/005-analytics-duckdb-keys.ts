import type { Migration } from './index.js';

/**
 * DuckDB keeps `customer_stats` without its PRIMARY KEY (PostgreSQL keeps it).
 *
 * A full refresh of the stats rewrites every row of a shop (delete, then insert in bulk). DuckDB
 * maintains a primary key as an ART index, and deleting and re-inserting a million keys in one
 * transaction cost minutes (at 1M customers: 38 s for the DELETE and ~90 s at COMMIT), far more
 * than computing the stats. Without the index the same rewrite takes a few seconds. Uniqueness of
 * (shop_id, customer_id) is kept by the only writer, `refreshCustomerStats`, which writes one row
 * per live customer (test/analytics checks that the rows are exactly the live customers).
 *
 * DuckDB cannot drop a constraint, so the table is rebuilt with the same columns and rows.
 */
const COLUMNS = `shop_id VARCHAR NOT NULL,
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
      value_group VARCHAR`;

const NAMES = COLUMNS.split('\n')
  .map((line) => line.trim().split(/\s+/)[0])
  .join(', ');

export const analyticsDuckDbKeys: Migration = {
  version: 5,
  name: 'analytics-duckdb-keys',
  statements: [
    { only: 'duckdb', sql: `CREATE TABLE customer_stats_rebuilt (\n      ${COLUMNS}\n    )` },
    {
      only: 'duckdb',
      sql: `INSERT INTO customer_stats_rebuilt (${NAMES}) SELECT ${NAMES} FROM customer_stats`,
    },
    { only: 'duckdb', sql: 'DROP TABLE customer_stats' },
    { only: 'duckdb', sql: 'ALTER TABLE customer_stats_rebuilt RENAME TO customer_stats' },
  ],
};
