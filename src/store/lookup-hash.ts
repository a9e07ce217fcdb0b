import type { Dialect } from './engine.js';

/*
 * `lookup_hash` (DuckDB only): the customer id's `hash()`, on the tables that per-customer reads
 * find rows in by customer and that an ART index on the id does not suit.
 *
 * - customer_stats (migration 009) has no index at all (its full rewrites would be minutes long
 *   with one), and a scan of 64-bit hashes is much cheaper than a scan comparing a million ids.
 * - customer_predictions (migration 018), for the same reason as customer_stats.
 * - segment_members (migration 010) has its ART index on the hash: text keys made deleting many
 *   stays minutes long at commit.
 *
 * Writers add the column to their INSERTs; readers filter on it before the id (hashes collide).
 */

/** The tables that carry a lookup hash on DuckDB. */
export const HASHED_LOOKUP_TABLES: ReadonlySet<string> = new Set([
  'customer_stats',
  'customer_predictions',
  'segment_members',
]);

/**
 * For an INSERT into a table with a lookup hash: the column to append to the column list and its
 * value, computed from `customerIdExpr`; empty strings on PostgreSQL, which has no such column.
 */
export function lookupHashInsert(
  dialect: Dialect,
  customerIdExpr: string,
): { column: string; value: string } {
  return dialect === 'duckdb'
    ? { column: ', lookup_hash', value: `, hash(${customerIdExpr})` }
    : { column: '', value: '' };
}

/** ` AND lookup_hash IN (hash($i), …)` for the parameter references of the ids looked up. */
export function lookupHashFilter(refs: readonly string[]): string {
  return ` AND lookup_hash IN (${refs.map((r) => `hash(${r})`).join(', ')})`;
}
