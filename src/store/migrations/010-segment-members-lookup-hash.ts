import type { Migration } from './index.js';

/**
 * DuckDB: `segment_members` is found by customer through `lookup_hash`, the customer id's
 * `hash()`, with its ART index on that integer instead of on the id (migration 007's
 * `segment_members_by_customer`).
 *
 * An ART index is maintained row by row at commit, and removing text keys from it is slow: at 1M
 * customers and 5.5M stays, deleting the 526,561 stays of one segment (deleting the segment, or
 * changing its query so that most members leave) took 11.1 s to commit with the index on
 * customer_id and 2.5 s with the index on the hash; `deleteSegment` of a 443,016-member segment
 * 9.5 s against 2.0 s. The price is on inserts, whose random hashes the index takes less well
 * than ids in order: 3M stays in one transaction 2.6–2.9 s against 2.0–2.1 s (a first fill; a
 * day's refresh writes a few thousand). A lookup of one customer's stays is no slower (0.95 ms
 * against 1.6 ms). Figures in docs/benchmarks.md, Segments.
 *
 * DuckDB cannot add an index to a table with uncommitted updates, so the table is rebuilt with the
 * column filled rather than altered and updated. Every writer of segment_members sets the column
 * on DuckDB (`lookupHashInsert`, store/lookup-hash.ts), NOT NULL holds them to it; PostgreSQL
 * keeps its indexes on (shop_id, customer_id) and has no such column.
 */
export const segmentMembersLookupHash: Migration = {
  version: 10,
  name: 'segment-members-lookup-hash',
  statements: [
    {
      only: 'duckdb',
      sql: `CREATE TABLE segment_members_rebuilt (
      shop_id VARCHAR NOT NULL,
      segment_id VARCHAR NOT NULL,
      customer_id VARCHAR NOT NULL,
      entered_at TIMESTAMPTZ NOT NULL,
      lookup_hash UBIGINT NOT NULL
    )`,
    },
    {
      only: 'duckdb',
      sql: `INSERT INTO segment_members_rebuilt (shop_id, segment_id, customer_id, entered_at, lookup_hash)
      SELECT shop_id, segment_id, customer_id, entered_at, hash(customer_id) FROM segment_members`,
    },
    { only: 'duckdb', sql: 'DROP TABLE segment_members' },
    { only: 'duckdb', sql: 'ALTER TABLE segment_members_rebuilt RENAME TO segment_members' },
    { only: 'duckdb', sql: 'CREATE INDEX segment_members_by_lookup_hash ON segment_members (lookup_hash)' },
  ],
};
