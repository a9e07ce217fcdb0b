import type { Migration } from './index.js';

/**
 * Predictions that say what they cover (issue 13, items 1 and 3):
 * - `predicted_clv_low/high` were the 90 % interval of the *expected* CLV from parameter
 *   uncertainty; sellers read them as the range of what a customer will spend, which they are
 *   not. They keep their values under names that say what they are: `predicted_clv_ci_low/high`.
 * - `orders_365_low/high`: the predictive 90 % interval of the number of orders the customer will
 *   place in the next 365 days; `predicted_clv_range_low/high` the CLV of that range.
 * - `next_order_note`: why `expected_next_order_date` is empty ('lapsed', 'beyond_year').
 */
export const predictiveIntervalsSchema: Migration = {
  version: 17,
  name: 'predictive-intervals',
  statements: [
    'ALTER TABLE customer_predictions RENAME COLUMN predicted_clv_low TO predicted_clv_ci_low',
    'ALTER TABLE customer_predictions RENAME COLUMN predicted_clv_high TO predicted_clv_ci_high',
    'ALTER TABLE customer_predictions ADD COLUMN orders_365_low INTEGER',
    'ALTER TABLE customer_predictions ADD COLUMN orders_365_high INTEGER',
    'ALTER TABLE customer_predictions ADD COLUMN predicted_clv_range_low DOUBLE PRECISION',
    'ALTER TABLE customer_predictions ADD COLUMN predicted_clv_range_high DOUBLE PRECISION',
    'ALTER TABLE customer_predictions ADD COLUMN next_order_note VARCHAR',
  ],
};
