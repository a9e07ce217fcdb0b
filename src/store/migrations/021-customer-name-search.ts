import type { Migration } from './index.js';

/**
 * PostgreSQL indexes for the customers' search by name (store/customers/directory.ts): the start
 * of the full name, family name first ("nguyễn thị h…"), or of the given name ("hồng"), lower-cased
 * as the search compares them. `text_pattern_ops` lets `LIKE 'prefix%'` use them under any
 * collation. Without them a rare name is looked for in every customer of the shop (a million rows
 * at the largest shops). DuckDB scans the two name columns instead (columnar, a few milliseconds
 * at 100,000 customers): an ART index on an expression would slow every import.
 */
export const customerNameSearch: Migration = {
  version: 21,
  name: 'customer-name-search',
  statements: [
    {
      only: 'postgres',
      sql: `CREATE INDEX customers_by_full_name ON customers
        (shop_id, (lower(coalesce(last_name, '') || ' ' || coalesce(first_name, ''))) text_pattern_ops)`,
    },
    {
      only: 'postgres',
      sql: `CREATE INDEX customers_by_given_name ON customers
        (shop_id, (lower(coalesce(first_name, ''))) text_pattern_ops)`,
    },
  ],
};
