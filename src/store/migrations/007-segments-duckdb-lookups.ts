import type { Migration } from './index.js';

/**
 * DuckDB indexes for the per-customer segment refresh (PostgreSQL has its own since 001 and 004).
 *
 * After an import, the refresh of the touched customers reads their rows from the tables below.
 * Without an index each read is a full scan: at 1M customers, 5 to 40 ms per table and about
 * 180 ms per refresh. DuckDB uses an ART index for a lookup only when the index has one column and
 * the lookup's condition on it is the scan's only filter, hence indexes on the key alone (not on
 * shop_id first, as PostgreSQL's) and the fenced lookups of `shopRowsSql` (segments/scope.ts).
 *
 * customer_stats and customer_predictions are left without one: their full refreshes delete and
 * rewrite every row of a shop, which an ART index makes minutes long (see 005), while a scan of
 * their customer_id column costs a few milliseconds. feedback stays small.
 */
const INDEXES: readonly [string, string, string][] = [
  ['customers_by_id', 'customers', 'customer_id'],
  ['customer_tags_by_customer', 'customer_tags', 'customer_id'],
  ['orders_by_customer', 'orders', 'customer_id'],
  ['order_lines_by_order', 'order_lines', 'order_id'],
  ['events_by_customer', 'events', 'customer_id'],
  ['segment_members_by_customer', 'segment_members', 'customer_id'],
];

export const segmentsDuckDbLookups: Migration = {
  version: 7,
  name: 'segments-duckdb-lookups',
  statements: INDEXES.map(([name, table, column]) => ({
    only: 'duckdb' as const,
    sql: `CREATE INDEX ${name} ON ${table} (${column})`,
  })),
};
