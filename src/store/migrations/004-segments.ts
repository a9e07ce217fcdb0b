import type { Migration } from './index.js';

/**
 * Segments and their membership history.
 *
 * - `segments`: saved queries, user-made or built in (one per RFM group, lifecycle stage and value
 *   group); names are unique per shop.
 * - `segment_members`: the current stays, one row per customer in a segment, with `entered_at`,
 *   the moment a refresh first found the customer matching.
 * - `segment_membership_history`: the stays that ended, with `entered_at` and `exited_at`. A
 *   customer who leaves and comes back has a row here and a new one in segment_members.
 *
 * Entries and exits are what campaigns trigger on. Current and ended stays live apart so that a
 * refresh compares the new answer with the current members only, however long the history.
 *
 * DuckDB goes without secondary indexes, as in 001-core (it scans faster than it maintains ART
 * indexes under bulk writes, and uses them only for single-column lookups); PostgreSQL gets the
 * indexes its per-customer lookups need, and the rule "one current stay per customer and segment".
 */
export const segmentsSchema: Migration = {
  version: 4,
  name: 'segments',
  statements: [
    `CREATE TABLE segments (
      shop_id VARCHAR NOT NULL,
      segment_id VARCHAR NOT NULL,
      name VARCHAR NOT NULL,
      query VARCHAR NOT NULL,
      description VARCHAR,
      builtin BOOLEAN NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      refreshed_at TIMESTAMPTZ,
      PRIMARY KEY (shop_id, segment_id),
      UNIQUE (shop_id, name)
    )`,
    `CREATE TABLE segment_members (
      shop_id VARCHAR NOT NULL,
      segment_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      entered_at TIMESTAMPTZ NOT NULL
    )`,
    `CREATE TABLE segment_membership_history (
      shop_id VARCHAR NOT NULL,
      segment_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      entered_at TIMESTAMPTZ NOT NULL,
      exited_at TIMESTAMPTZ NOT NULL
    )`,
    {
      only: 'postgres',
      sql: 'CREATE UNIQUE INDEX segment_members_key ON segment_members (shop_id, segment_id, customer_id)',
    },
    {
      only: 'postgres',
      sql: 'CREATE INDEX segment_members_by_customer ON segment_members (shop_id, customer_id)',
    },
    {
      only: 'postgres',
      sql: 'CREATE INDEX segment_history_by_segment ON segment_membership_history (shop_id, segment_id, exited_at)',
    },
    {
      only: 'postgres',
      sql: 'CREATE INDEX segment_history_by_customer ON segment_membership_history (shop_id, customer_id)',
    },
  ],
};
