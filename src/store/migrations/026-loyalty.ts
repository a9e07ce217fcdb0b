import type { Migration } from './index.js';

/**
 * Loyalty (issue 17, docs/loyalty.md): the programme's versions, the points ledger and each
 * member's tier.
 *
 * - `loyalty_programs`: one document per version; the highest is the one in force. Entries keep
 *   the version (and rule and rate) they were earned under, so a new version rewrites nothing.
 * - `loyalty_ledger`: append only. `points` is the change to the spendable balance, `pending`
 *   the change to the points waiting for an order's delivery (an approval moves them from one to
 *   the other in one row). Balances are sums of these columns, never stored. `source_key`
 *   (`earn:order:<id>`, `approve:order:<id>`, `event:<rule>:<event id>`, …) is unique per shop
 *   (PostgreSQL: a UNIQUE key; DuckDB: the append's anti-join under its one writer, see below):
 *   a re-delivered webhook or a re-imported order writes the same key, which is skipped.
 * - `loyalty_members`: the tier a customer holds, since when, and since when they have been below
 *   it (the downgrade policy waits on that); tier changes themselves are `Tier Changed` events.
 * - `loyalty_scans`: how far each shop's event earning has read the events table.
 *
 * One customer's entries are read by the balance (≤ 5 ms at a million rows): PostgreSQL by an
 * index starting with shop_id; DuckDB by an ART index on the customer alone, which it uses only
 * when that is the scan's one filter (see store/segments/scope.ts, `shopRowsSql`).
 */
const LEDGER_COLUMNS = `
      shop_id VARCHAR NOT NULL,
      entry_id VARCHAR NOT NULL,
      source_key VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      kind VARCHAR NOT NULL,
      points BIGINT NOT NULL,
      pending BIGINT NOT NULL,
      reason VARCHAR NOT NULL,
      rule_id VARCHAR,
      program_version INTEGER,
      rate DOUBLE PRECISION,
      base DECIMAL(18,2),
      source_type VARCHAR NOT NULL,
      source_id VARCHAR,
      note VARCHAR,
      created_at TIMESTAMPTZ NOT NULL`;

export const loyaltySchema: Migration = {
  version: 26,
  name: 'loyalty',
  statements: [
    `CREATE TABLE loyalty_programs (
      shop_id VARCHAR NOT NULL,
      version INTEGER NOT NULL,
      document VARCHAR NOT NULL,
      created_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, version)
    )`,
    // PostgreSQL enforces the keys (concurrent writers); DuckDB keeps the table without them, as
    // 006 does for orders: its ART keys made every append several times slower, and its one
    // writer connection with the source-key anti-join of appendEntries keeps the keys unique.
    {
      only: 'postgres',
      sql: `CREATE TABLE loyalty_ledger (${LEDGER_COLUMNS},
      PRIMARY KEY (shop_id, entry_id),
      UNIQUE (shop_id, source_key)
    )`,
    },
    { only: 'duckdb', sql: `CREATE TABLE loyalty_ledger (${LEDGER_COLUMNS})` },
    { only: 'duckdb', sql: 'CREATE INDEX loyalty_ledger_by_customer ON loyalty_ledger (customer_id)' },
    {
      only: 'postgres',
      sql: 'CREATE INDEX loyalty_ledger_by_customer ON loyalty_ledger (shop_id, customer_id, created_at)',
    },
    {
      only: 'postgres',
      sql: 'CREATE INDEX loyalty_ledger_by_source ON loyalty_ledger (shop_id, source_type, source_id)',
    },
    `CREATE TABLE loyalty_members (
      shop_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      tier_id VARCHAR NOT NULL,
      tier_since TIMESTAMPTZ NOT NULL,
      below_since TIMESTAMPTZ,
      qualifying DOUBLE PRECISION NOT NULL,
      updated_at TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id, customer_id)
    )`,
    `CREATE TABLE loyalty_scans (
      shop_id VARCHAR NOT NULL,
      events_until TIMESTAMPTZ NOT NULL,
      PRIMARY KEY (shop_id)
    )`,
  ],
};
