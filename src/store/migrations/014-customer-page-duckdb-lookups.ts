import type { Migration } from './index.js';

/**
 * DuckDB indexes for one customer's page (`GET /api/v1/customers/{id}`), beside those of 007:
 * its identity keys and its past segment stays were found by scanning the shop's (10 and 20 ms
 * at 100,000 customers, ten times that at a million). Both tables are written by appends (a
 * merge moves a few identities), which an ART index on the id bears; on the key alone, as in
 * 007, because DuckDB uses an index only when its one column is the scan's one filter.
 * PostgreSQL gets the identities' one (its stays have had theirs since 004).
 */
export const customerPageDuckDbLookups: Migration = {
  version: 14,
  name: 'customer-page-duckdb-lookups',
  statements: [
    {
      only: 'duckdb',
      sql: 'CREATE INDEX customer_identities_by_customer ON customer_identities (customer_id)',
    },
    {
      only: 'postgres',
      sql: 'CREATE INDEX customer_identities_by_customer ON customer_identities (shop_id, customer_id)',
    },
    {
      only: 'duckdb',
      sql: 'CREATE INDEX segment_history_by_customer_id ON segment_membership_history (customer_id)',
    },
  ],
};
