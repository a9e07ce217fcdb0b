import type { Migration } from './index.js';

/**
 * Per-customer predictions of the CLV models (`nurture predict`). A table of their own, so that
 * refreshing customer_stats after an import never wipes them; segments join them by customer.
 */
export const predictionsSchema: Migration = {
  version: 3,
  name: 'predictions',
  statements: [
    `CREATE TABLE customer_predictions (
      shop_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      model VARCHAR NOT NULL,
      predicted_as_of TIMESTAMPTZ NOT NULL,
      frequency INTEGER NOT NULL,
      recency DOUBLE PRECISION NOT NULL,
      t_age DOUBLE PRECISION NOT NULL,
      monetary_value DOUBLE PRECISION NOT NULL,
      p_alive DOUBLE PRECISION NOT NULL,
      churn_probability DOUBLE PRECISION NOT NULL,
      expected_purchases_30 DOUBLE PRECISION NOT NULL,
      expected_purchases_90 DOUBLE PRECISION NOT NULL,
      expected_purchases_365 DOUBLE PRECISION NOT NULL,
      expected_next_order_date DATE,
      expected_avg_value DOUBLE PRECISION,
      predicted_clv DOUBLE PRECISION,
      predicted_clv_low DOUBLE PRECISION,
      predicted_clv_high DOUBLE PRECISION,
      PRIMARY KEY (shop_id, customer_id)
    )`,
    `CREATE TABLE prediction_runs (
      shop_id VARCHAR NOT NULL,
      run_id VARCHAR NOT NULL,
      model VARCHAR NOT NULL,
      predicted_as_of TIMESTAMPTZ NOT NULL,
      params VARCHAR NOT NULL,
      log_likelihood DOUBLE PRECISION NOT NULL,
      customers INTEGER NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, run_id)
    )`,
  ],
};
