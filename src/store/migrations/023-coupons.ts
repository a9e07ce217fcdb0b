import type { Migration } from './index.js';

/**
 * Coupons (issue 16, item 6): unique codes per shop, single use. The key is (shop_id, code), so a
 * random code that collides with one the shop has is refused and drawn again; (shop_id,
 * source_key) makes creation idempotent: a flow step passes `flow:<run>:<step>`, a bulk batch
 * `batch:<name>:<n>`, and the same key finds the same coupon, never a second one (NULLs repeat
 * freely: a coupon made by hand has no key). The redemption columns say which order used it and
 * whether that use was released (the order cancelled, refused at delivery or returned);
 * `coupon_events` keeps each redemption and release as it happened.
 */
export const couponsSchema: Migration = {
  version: 23,
  name: 'coupons',
  statements: [
    `CREATE TABLE coupons (
      shop_id VARCHAR NOT NULL,
      code VARCHAR NOT NULL,
      coupon_id VARCHAR NOT NULL,
      kind VARCHAR NOT NULL,
      value DECIMAL(18,2),
      min_order DECIMAL(18,2),
      customer_id VARCHAR,
      expires_at TIMESTAMPTZ NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      source_key VARCHAR,
      batch_id VARCHAR,
      redeemed_order_id VARCHAR,
      redeemed_at TIMESTAMPTZ,
      released_at TIMESTAMPTZ,
      release_reason VARCHAR,
      PRIMARY KEY (shop_id, code),
      UNIQUE (shop_id, source_key)
    )`,
    // The history of redemptions, appended when a pass changes a coupon (never rewritten): which
    // order redeemed or released it, when, and the order's status then.
    `CREATE TABLE coupon_events (
      shop_id VARCHAR NOT NULL,
      code VARCHAR NOT NULL,
      event_at TIMESTAMPTZ NOT NULL,
      action VARCHAR NOT NULL,
      order_id VARCHAR NOT NULL,
      order_status VARCHAR NOT NULL,
      PRIMARY KEY (shop_id, code, event_at, action, order_id)
    )`,
    { only: 'postgres', sql: 'CREATE INDEX coupons_by_customer ON coupons (shop_id, customer_id)' },
    { only: 'postgres', sql: 'CREATE INDEX coupons_by_batch ON coupons (shop_id, batch_id)' },
    { only: 'postgres', sql: 'CREATE INDEX coupons_by_order ON coupons (shop_id, redeemed_order_id)' },
  ],
};
