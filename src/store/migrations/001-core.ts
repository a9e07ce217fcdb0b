import type { Migration } from './index.js';

/**
 * The core schema. Every table has shop_id and every key starts with it, so that several
 * shops share a database and a hosted deployment can distribute tables by shop_id (Citus).
 * Only types and syntax both DuckDB and PostgreSQL 15 accept.
 */
export const coreSchema: Migration = {
  version: 1,
  name: 'core',
  statements: [
    `CREATE TABLE shops (
      shop_id VARCHAR NOT NULL PRIMARY KEY,
      name VARCHAR NOT NULL,
      currency VARCHAR NOT NULL,
      timezone VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE TABLE customers (
      shop_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      first_name VARCHAR,
      last_name VARCHAR,
      phone VARCHAR,
      email VARCHAR,
      city VARCHAR,
      province VARCHAR,
      country VARCHAR,
      source VARCHAR NOT NULL,
      accepts_email BOOLEAN,
      accepts_sms BOOLEAN,
      accepts_zalo BOOLEAN,
      accepts_messenger BOOLEAN,
      attributes VARCHAR,
      referred_by VARCHAR,
      note VARCHAR,
      merged_into VARCHAR,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, customer_id)
    )`,
    // One row per key that identifies a customer: kind phone/email, or external:<source>.
    `CREATE TABLE customer_identities (
      shop_id VARCHAR NOT NULL,
      kind VARCHAR NOT NULL,
      value VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, kind, value)
    )`,
    `CREATE TABLE customer_tags (
      shop_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      tag VARCHAR NOT NULL,
      PRIMARY KEY (shop_id, customer_id, tag)
    )`,
    // Audit trail of identity merges: which record joined which customer, and on what key.
    `CREATE TABLE customer_merges (
      shop_id VARCHAR NOT NULL,
      merge_id VARCHAR NOT NULL,
      survivor_id VARCHAR NOT NULL,
      merged_customer_id VARCHAR,
      record_source VARCHAR,
      record_ref VARCHAR,
      matched_kind VARCHAR NOT NULL,
      matched_value VARCHAR NOT NULL,
      reason VARCHAR NOT NULL,
      import_id VARCHAR,
      merged_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, merge_id)
    )`,
    `CREATE TABLE products (
      shop_id VARCHAR NOT NULL,
      sku VARCHAR NOT NULL,
      title VARCHAR NOT NULL,
      category VARCHAR,
      price DECIMAL(18,2),
      consumable BOOLEAN NOT NULL,
      reorder_cycle_days INTEGER,
      PRIMARY KEY (shop_id, sku)
    )`,
    `CREATE TABLE orders (
      shop_id VARCHAR NOT NULL,
      order_id VARCHAR NOT NULL,
      source VARCHAR NOT NULL,
      external_id VARCHAR NOT NULL,
      name VARCHAR,
      customer_id VARCHAR NOT NULL,
      status VARCHAR NOT NULL,
      financial_status VARCHAR,
      fulfillment_status VARCHAR,
      payment_method VARCHAR,
      currency VARCHAR NOT NULL,
      subtotal DECIMAL(18,2) NOT NULL,
      shipping DECIMAL(18,2) NOT NULL,
      taxes DECIMAL(18,2) NOT NULL,
      discount DECIMAL(18,2) NOT NULL,
      total DECIMAL(18,2) NOT NULL,
      refunded DECIMAL(18,2) NOT NULL,
      coupon_code VARCHAR,
      tags VARCHAR,
      created_at TIMESTAMPTZ NOT NULL,
      paid_at TIMESTAMPTZ,
      cancelled_at TIMESTAMPTZ,
      imported_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, order_id),
      UNIQUE (shop_id, source, external_id)
    )`,
    `CREATE TABLE order_lines (
      shop_id VARCHAR NOT NULL,
      order_id VARCHAR NOT NULL,
      line_no INTEGER NOT NULL,
      sku VARCHAR,
      title VARCHAR NOT NULL,
      category VARCHAR,
      quantity INTEGER NOT NULL,
      price DECIMAL(18,2) NOT NULL
    )`,
    `CREATE TABLE events (
      shop_id VARCHAR NOT NULL,
      event_id VARCHAR NOT NULL,
      dedupe_key VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      customer_id VARCHAR,
      anonymous_id VARCHAR,
      occurred_at TIMESTAMPTZ NOT NULL,
      properties VARCHAR,
      PRIMARY KEY (shop_id, event_id),
      UNIQUE (shop_id, dedupe_key)
    )`,
    `CREATE TABLE feedback (
      shop_id VARCHAR NOT NULL,
      feedback_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      kind VARCHAR NOT NULL,
      score INTEGER,
      answers VARCHAR,
      created_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, feedback_id)
    )`,
    `CREATE TABLE marketing_costs (
      shop_id VARCHAR NOT NULL,
      channel VARCHAR NOT NULL,
      month VARCHAR NOT NULL,
      amount DECIMAL(18,2) NOT NULL,
      PRIMARY KEY (shop_id, channel, month)
    )`,
    `CREATE TABLE import_runs (
      shop_id VARCHAR NOT NULL,
      import_id VARCHAR NOT NULL,
      format VARCHAR NOT NULL,
      file VARCHAR NOT NULL,
      rows_read INTEGER NOT NULL,
      customers INTEGER NOT NULL,
      orders INTEGER NOT NULL,
      events INTEGER NOT NULL,
      merged INTEGER NOT NULL,
      rejected INTEGER NOT NULL,
      started_at TIMESTAMPTZ NOT NULL,
      finished_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, import_id)
    )`,
    // Secondary indexes serve PostgreSQL's per-customer lookups. DuckDB scans columns faster
    // than it maintains ART indexes during bulk imports, so it goes without them.
    { only: 'postgres', sql: 'CREATE INDEX orders_by_customer ON orders (shop_id, customer_id)' },
    { only: 'postgres', sql: 'CREATE INDEX order_lines_by_order ON order_lines (shop_id, order_id)' },
    { only: 'postgres', sql: 'CREATE INDEX events_by_customer ON events (shop_id, customer_id)' },
  ],
};
