import type { Migration } from './index.js';

/**
 * PostgreSQL: events by time within a shop, for the live visitors page (the shop's events of the
 * last few minutes). Without it the query reads every event of the shop.
 *
 * DuckDB gets no index: its ART index serves point lookups, not a range on a timestamp, and would
 * slow the storefront's appends. Its zone maps (min/max per row group) already skip the row groups
 * that end before the window, and storefront events are appended in about the order they happen,
 * so the last minutes sit in the last row groups (docs/dashboard.md, Live visitors).
 */
export const eventsByTime: Migration = {
  version: 22,
  name: 'events-by-time',
  statements: [{ only: 'postgres', sql: 'CREATE INDEX events_by_time ON events (shop_id, occurred_at)' }],
};
