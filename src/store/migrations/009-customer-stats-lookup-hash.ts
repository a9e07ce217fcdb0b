import type { Migration } from './index.js';

/**
 * DuckDB: `customer_stats.lookup_hash`, the customer id's `hash()`, for the per-customer segment
 * refresh to find a customer's stats row by an integer instead of a string.
 *
 * customer_stats has no index on DuckDB: its full rewrites (recompute, full refresh) delete and
 * insert every row of a shop, which an ART index turns into minutes at commit (see 005), and
 * building one afresh after each rewrite costs 0.9 s for short ids and 3.4 s for 30-character
 * ones at a million rows. So a lookup scans the customer_id column, and comparing a million ids
 * that share their first characters (`cus_01J…`) costs 19–30 ms. Scanning a column of 64-bit
 * hashes for one value costs 2–3 ms; the id is compared only on the rows it finds
 * (docs/benchmarks.md, Segments).
 *
 * Every writer of customer_stats sets the column on DuckDB (`lookupHashInsert`, store/lookup-hash.ts); PostgreSQL finds the
 * row by its primary key and has no such column.
 */
export const customerStatsLookupHash: Migration = {
  version: 9,
  name: 'customer-stats-lookup-hash',
  statements: [
    { only: 'duckdb', sql: 'ALTER TABLE customer_stats ADD COLUMN lookup_hash UBIGINT' },
    { only: 'duckdb', sql: 'UPDATE customer_stats SET lookup_hash = hash(customer_id)' },
  ],
};
