import type { Migration } from './index.js';

/**
 * Referrals, feedback answers and staff tasks (issue 17, items 5–7).
 *
 * - `referral_codes`: every customer's own code, made the first time it is asked for (the link,
 *   the widget, a message) and never changed; unique per shop, one per customer.
 * - `referrals`: one row per referred friend (a friend is referred once): who referred them,
 *   how it was learnt (`source`: link, checkout_code, note, imported), the state
 *   (pending → delivered → converted, or refused / cancelled with `reason`), the friend's first
 *   order and when the reward falls due (its delivery as Nurture learnt it plus the return
 *   window). Refused rows stay, with their reason, for the seller to read.
 * - `feedback`: answers keep their order, product, channel and question (the core table had the
 *   customer, kind and score only).
 * - `staff_tasks`: who the task is for (`assignee`) and the note it was closed with.
 */
export const referralsFeedbackSchema: Migration = {
  version: 27,
  name: 'referrals-feedback',
  statements: [
    `CREATE TABLE referral_codes (
      shop_id VARCHAR NOT NULL,
      code VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, code),
      UNIQUE (shop_id, customer_id)
    )`,
    `CREATE TABLE referrals (
      shop_id VARCHAR NOT NULL,
      friend_id VARCHAR NOT NULL,
      referrer_id VARCHAR,
      code VARCHAR,
      source VARCHAR NOT NULL,
      state VARCHAR NOT NULL,
      reason VARCHAR,
      order_id VARCHAR,
      attributed_at TIMESTAMPTZ NOT NULL,
      delivered_at TIMESTAMPTZ,
      reward_due_at TIMESTAMPTZ,
      decided_at TIMESTAMPTZ,
      PRIMARY KEY (shop_id, friend_id)
    )`,
    {
      only: 'postgres',
      sql: 'CREATE INDEX referrals_by_referrer ON referrals (shop_id, referrer_id)',
    },
    { only: 'postgres', sql: 'CREATE INDEX referrals_due ON referrals (shop_id, reward_due_at)' },
    'ALTER TABLE feedback ADD COLUMN order_id VARCHAR',
    'ALTER TABLE feedback ADD COLUMN sku VARCHAR',
    'ALTER TABLE feedback ADD COLUMN channel VARCHAR',
    'ALTER TABLE feedback ADD COLUMN question VARCHAR',
    'ALTER TABLE staff_tasks ADD COLUMN assignee VARCHAR',
    'ALTER TABLE staff_tasks ADD COLUMN done_note VARCHAR',
  ],
};
