import type { Dialect } from './engine.js';

/*
 * `customer_stats.lookup_hash` (DuckDB only, migration 009): the customer id's `hash()`, so that
 * the per-customer reads find a row by scanning 64-bit integers instead of comparing a million ids
 * with a common prefix. Writers add it to their INSERTs; readers filter on it before the id.
 */

/** The tables that carry a lookup hash on DuckDB. */
export const HASHED_LOOKUP_TABLES: ReadonlySet<string> = new Set(['customer_stats']);

/**
 * For an INSERT into customer_stats: the column to append to the column list and its value,
 * computed from `customerIdExpr`; empty strings on PostgreSQL, which has no such column.
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
