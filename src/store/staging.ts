import { inlineRowsSql, jsonTextOf } from './duckdb/stage.js';
import type { LoadColumn, LoadData, SqlEngine, SqlValue } from './engine.js';

/**
 * Staging tables for set-based imports: rows are bulk-loaded here, then merged into the real
 * tables with one SQL statement each. They are temporary (per connection) and emptied before
 * each use; every import runs inside one transaction, so one connection.
 */
export interface StagingTable {
  name: string;
  columns: readonly LoadColumn[];
}

/** A staging table from its name and `[column, type]` pairs (every module's staging tables use it). */
export const t = (name: string, ...cols: [string, LoadColumn['type']][]): StagingTable => ({
  name,
  columns: cols.map(([n, type]) => ({ name: n, type })),
});

export const STAGE_KEYS = t('stage_keys', ['kind', 'text'], ['value', 'text']);

export const STAGE_CUSTOMERS = t(
  'stage_customers',
  ['customer_id', 'text'],
  ['authoritative', 'boolean'],
  ['first_name', 'text'],
  ['last_name', 'text'],
  ['phone', 'text'],
  ['email', 'text'],
  ['city', 'text'],
  ['province', 'text'],
  ['country', 'text'],
  ['source', 'text'],
  ['accepts_email', 'boolean'],
  ['accepts_sms', 'boolean'],
  ['accepts_zalo', 'boolean'],
  ['accepts_messenger', 'boolean'],
  ['attributes', 'text'],
  ['note', 'text'],
  ['created_ms', 'double'],
  // Created by this batch (inserted) rather than found in the store (updated).
  ['is_new', 'boolean'],
);

export const STAGE_IDENTITIES = t(
  'stage_identities',
  ['kind', 'text'],
  ['value', 'text'],
  ['customer_id', 'text'],
);

export const STAGE_TAGS = t('stage_tags', ['customer_id', 'text'], ['tag', 'text']);

export const STAGE_ABSORBED = t('stage_absorbed', ['loser_id', 'text'], ['survivor_id', 'text']);

export const STAGE_ORDERS = t(
  'stage_orders',
  ['order_id', 'text'],
  ['source', 'text'],
  ['external_id', 'text'],
  ['name', 'text'],
  ['customer_id', 'text'],
  ['status', 'text'],
  ['financial_status', 'text'],
  ['fulfillment_status', 'text'],
  ['payment_method', 'text'],
  ['currency', 'text'],
  ['subtotal', 'text'],
  ['shipping', 'text'],
  ['taxes', 'text'],
  ['discount', 'text'],
  ['total', 'text'],
  ['refunded', 'text'],
  ['coupon_code', 'text'],
  ['tags', 'text'],
  ['line_categories', 'text'],
  ['created_ms', 'double'],
  ['paid_ms', 'double'],
  ['cancelled_ms', 'double'],
  ['known', 'boolean'],
);

export const STAGE_LINES = t(
  'stage_lines',
  ['order_id', 'text'],
  ['line_no', 'integer'],
  ['sku', 'text'],
  ['title', 'text'],
  ['category', 'text'],
  // The category came from the catalogue by SKU (order_lines.catalogue_category, migration 014).
  ['catalogue_category', 'boolean'],
  ['quantity', 'integer'],
  ['price', 'text'],
);

export const STAGE_PRODUCTS = t(
  'stage_products',
  ['sku', 'text'],
  ['title', 'text'],
  ['category', 'text'],
  ['price', 'text'],
);

/** A catalogue import's products (see import/catalogue.ts). */
export const STAGE_CATALOGUE = t(
  'stage_catalogue',
  ['sku', 'text'],
  ['title', 'text'],
  ['category', 'text'],
  ['price', 'text'],
  ['consumable', 'boolean'],
  ['reorder_cycle_days', 'integer'],
  ['product_key', 'text'],
  ['variant_title', 'text'],
  ['vendor', 'text'],
  ['product_type', 'text'],
  ['taxonomy', 'text'],
  ['tags', 'text'],
  ['status', 'text'],
  ['published', 'boolean'],
  ['inventory_qty', 'integer'],
  ['image_url', 'text'],
);

export const STAGE_COSTS = t('stage_costs', ['channel', 'text'], ['month', 'text'], ['amount', 'text']);

export const STAGE_EVENTS = t(
  'stage_events',
  ['event_id', 'text'],
  ['dedupe_key', 'text'],
  ['name', 'text'],
  ['customer_id', 'text'],
  ['anonymous_id', 'text'],
  ['occurred_ms', 'double'],
  ['properties', 'text'],
);

export const STAGE_FEEDBACK = t(
  'stage_feedback',
  ['feedback_id', 'text'],
  ['customer_id', 'text'],
  ['kind', 'text'],
  ['score', 'integer'],
  ['answers', 'text'],
  ['created_ms', 'double'],
);

export const STAGE_REFERRALS = t(
  'stage_referrals',
  ['customer_id', 'text'],
  ['ref', 'text'],
  ['source', 'text'],
);

const SQL_TYPES: Record<LoadColumn['type'], string> = {
  text: 'VARCHAR',
  integer: 'BIGINT',
  double: 'DOUBLE PRECISION',
  boolean: 'BOOLEAN',
  timestamp: 'TIMESTAMPTZ',
};

/** Creates the staging table if this connection has not yet, and empties it. */
export async function prepareStage(engine: SqlEngine, table: StagingTable): Promise<void> {
  const cols = table.columns.map((c) => `${c.name} ${SQL_TYPES[c.type]}`).join(', ');
  await engine.run(`CREATE TEMPORARY TABLE IF NOT EXISTS ${table.name} (${cols})`);
  await engine.run(`DELETE FROM ${table.name}`);
}

/**
 * Replaces the rows of a staging relation. Read it in SQL, never write to it: on DuckDB it is a
 * view (see duckdb/stage.ts), so a name filled here must not also be used with prepareStage.
 */
export async function stage(engine: SqlEngine, table: StagingTable, data: LoadData): Promise<void> {
  if (engine.stage) {
    await engine.stage(table.name, table.columns, data);
    return;
  }
  await prepareStage(engine, table);
  await engine.load(table.name, table.columns, data);
}

/**
 * A batch of a few rows (hundreds, not an import's millions) for the next statement to read as
 * `FROM ${source} s`, adding `params` after that statement's own `param - 1` parameters. On DuckDB
 * the rows travel in the statement itself, as one JSON parameter (see inlineRowsSql): the outbox
 * writes such a batch several times a second, and a staging view costs a file and DDL each time.
 * Elsewhere they are staged as by `stage`.
 */
export async function stageSmall(
  engine: SqlEngine,
  table: StagingTable,
  data: LoadData,
  param: number,
): Promise<{ source: string; params: SqlValue[] }> {
  if (engine.dialect === 'duckdb')
    return { source: inlineRowsSql(table.columns, param), params: [jsonTextOf(table.columns, data)] };
  await stage(engine, table, data);
  return { source: table.name, params: [] };
}
