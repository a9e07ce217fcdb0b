import type { Migration } from './index.js';

/**
 * Storefront referral visits (issue 15, item 4): a visitor who arrived with `?ref=CODE`, kept on
 * the server at once, keyed by their anonymous id, because the browser forgets (Safari deletes
 * script-written storage after 7 days) and a friend may buy in another browser. `customer_id` is
 * filled when an identify links the anonymous id to a customer, so the loyalty issue can attach
 * the code to that customer's order. One row per (visitor, code): a repeat visit changes nothing
 * but `last_seen_at`.
 */
export const referralVisitsSchema: Migration = {
  version: 19,
  name: 'referral-visits',
  statements: [
    `CREATE TABLE referral_visits (
      shop_id VARCHAR NOT NULL,
      anonymous_id VARCHAR NOT NULL,
      code VARCHAR NOT NULL,
      customer_id VARCHAR,
      landing_url VARCHAR,
      first_seen_at TIMESTAMPTZ NOT NULL,
      last_seen_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, anonymous_id, code)
    )`,
    {
      only: 'postgres',
      sql: 'CREATE INDEX referral_visits_by_customer ON referral_visits (shop_id, customer_id)',
    },
  ],
};
