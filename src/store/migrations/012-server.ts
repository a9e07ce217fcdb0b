import type { Migration } from './index.js';

/**
 * What `nurture serve` keeps: API keys (only their SHA-256; the key itself is shown once), shop
 * settings beyond the shops table (webhook secrets, tracking origins, the nightly hour), and
 * every store webhook as it arrived (the raw body, kept before it is acknowledged, so that a
 * crash after the 200 loses nothing; its processing is a job).
 *
 * api_keys is found by the key's hash, across shops: it is the one table looked up without a
 * shop (the key says which shop), so on Citus it is a reference table, not distributed.
 */
export const serverSchema: Migration = {
  version: 12,
  name: 'server',
  statements: [
    `CREATE TABLE api_keys (
      shop_id VARCHAR NOT NULL,
      key_id VARCHAR NOT NULL,
      kind VARCHAR NOT NULL,
      key_hash VARCHAR NOT NULL,
      hint VARCHAR NOT NULL,
      label VARCHAR,
      created_at TIMESTAMPTZ NOT NULL,
      revoked_at TIMESTAMPTZ,
      PRIMARY KEY (shop_id, key_id)
    )`,
    'CREATE INDEX api_keys_by_hash ON api_keys (key_hash)',
    `CREATE TABLE shop_settings (
      shop_id VARCHAR NOT NULL,
      key VARCHAR NOT NULL,
      value VARCHAR NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, key)
    )`,
    `CREATE TABLE webhook_deliveries (
      shop_id VARCHAR NOT NULL,
      delivery_id VARCHAR NOT NULL,
      source VARCHAR NOT NULL,
      topic VARCHAR NOT NULL,
      webhook_id VARCHAR NOT NULL,
      body VARCHAR NOT NULL,
      received_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, delivery_id),
      UNIQUE (shop_id, source, webhook_id)
    )`,
  ],
};
