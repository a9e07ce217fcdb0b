import type { Migration } from './index.js';

/**
 * DuckDB: `customer_predictions.lookup_hash`, as 009 gave `customer_stats` one. One customer's
 * prediction (the customer page, the per-customer segment refresh) was found by comparing a
 * million ids; predictions are rewritten wholesale by `predict`, which an ART index would make
 * minutes long, so the lookup scans a column of 64-bit hashes instead and compares the id on the
 * rows it finds. Every writer sets it on DuckDB (`lookupHashInsert`); PostgreSQL has its key.
 */
export const customerPredictionsLookupHash: Migration = {
  version: 18,
  name: 'customer-predictions-lookup-hash',
  statements: [
    { only: 'duckdb', sql: 'ALTER TABLE customer_predictions ADD COLUMN lookup_hash UBIGINT' },
    { only: 'duckdb', sql: 'UPDATE customer_predictions SET lookup_hash = hash(customer_id)' },
  ],
};
