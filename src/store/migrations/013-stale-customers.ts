import type { Migration } from './index.js';

/**
 * Customers whose orders changed and whose stats and segment membership have not followed yet.
 * Store webhooks arrive one order at a time; the after-orders pipeline (stats, then membership)
 * costs about as much for one customer as for a hundred, so a webhook's job writes its order and
 * notes its customers here, and one `after-orders` job a second takes them all at once
 * (`DELETE … RETURNING`, so a customer noted meanwhile waits for the next one). No key: a customer
 * noted twice is taken once.
 */
export const staleCustomersSchema: Migration = {
  version: 13,
  name: 'webhook-queues',
  statements: [
    `CREATE TABLE stale_customers (
      shop_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      noted_at TIMESTAMPTZ NOT NULL
    )`,
    // Kept store webhooks not processed yet: the `webhooks.process` job takes all of a shop's at
    // once (`DELETE … RETURNING`), writes them as one import batch, then the after-orders pipeline.
    `CREATE TABLE pending_deliveries (
      shop_id VARCHAR NOT NULL,
      delivery_id VARCHAR NOT NULL
    )`,
  ],
};
