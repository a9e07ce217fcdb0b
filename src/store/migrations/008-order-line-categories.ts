import type { Dialect } from '../engine.js';
import type { Migration } from './index.js';

/**
 * `orders.line_categories`: the distinct categories of the order's lines, sorted in byte order,
 * each between separators (`|beauty|coffee|`; NULL when no line has a category).
 *
 * The per-customer stats need, for every valid order, which categories it bought. Reading that
 * from order_lines means joining millions of lines to their orders on every full recompute; with
 * the set on the order, the categories are one more aggregate of the single grouping of orders by
 * customer (docs/benchmarks.md, Analytics). The import writer is the only writer of lines and
 * sets the column with them (src/store/import/); this migration fills it for the orders
 * already stored.
 */
const BACKFILL_DUCKDB = `UPDATE orders SET line_categories = (
    SELECT '|' || array_to_string(list_sort(list_distinct(list(l.category))), '|') || '|'
    FROM order_lines l
    WHERE l.shop_id = orders.shop_id AND l.order_id = orders.order_id AND l.category IS NOT NULL)`;

const BACKFILL_POSTGRES = `UPDATE orders SET line_categories = (
    SELECT '|' || string_agg(d.category, '|' ORDER BY d.category) || '|'
    FROM (SELECT DISTINCT l.category COLLATE "C" AS category FROM order_lines l
          WHERE l.shop_id = orders.shop_id AND l.order_id = orders.order_id AND l.category IS NOT NULL) d)`;

/** The backfill for an engine: sets every order's line_categories from its lines. */
export function lineCategoriesBackfillSql(dialect: Dialect): string {
  return dialect === 'duckdb' ? BACKFILL_DUCKDB : BACKFILL_POSTGRES;
}

export const orderLineCategories: Migration = {
  version: 8,
  name: 'order-line-categories',
  statements: [
    'ALTER TABLE orders ADD COLUMN line_categories VARCHAR',
    { only: 'duckdb', sql: BACKFILL_DUCKDB },
    { only: 'postgres', sql: BACKFILL_POSTGRES },
  ],
};
